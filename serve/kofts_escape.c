/*
 * kofts_escape.c - HTML text, HTML attribute and URL component escaping (see
 * kofts_escape.h). JSON strings use kofts_buf_json_str from kofts_util.
 */
#include "kofts_escape.h"

#include "kofts_analyzer.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Shared by the two HTML formats: attr = 1 also escapes quotes. */
static int esc_html(kofts_buf *b, const char *s, size_t n, int attr)
{
    if (kofts_buf_reserve(b, n))
        return KOFTS_ENOMEM;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        const char *e = NULL;
        size_t adv = 1;
        if (c < 0x80) {
            switch (c) {
            case '&':
                e = "&amp;";
                break;
            case '<':
                e = "&lt;";
                break;
            case '>':
                e = "&gt;";
                break;
            case '"':
                e = attr ? "&quot;" : NULL;
                break;
            case '\'':
                e = attr ? "&#39;" : NULL;
                break;
            case '\t':
            case '\n':
                break;
            default:
                if (c < 0x20 || c == 0x7f)
                    e = REPLACEMENT;
            }
        } else {
            int32_t cp = kofts_utf8_decode(s, n, i, &adv);
            /* C1 controls and non-characters U+FFFE/U+FFFF are not text either. */
            if (cp < 0 || (cp >= 0x80 && cp < 0xa0) || (cp & 0xfffe) == 0xfffe)
                e = REPLACEMENT;
        }
        if (e ? kofts_buf_puts(b, e) : kofts_buf_append(b, s + i, adv))
            return KOFTS_ENOMEM;
        i += adv;
    }
    return kofts_buf_append(b, "", 0);
}

int kofts_esc_html_text(kofts_buf *b, const char *s, size_t n)
{
    return esc_html(b, s, n, 0);
}

int kofts_esc_html_attr(kofts_buf *b, const char *s, size_t n)
{
    return esc_html(b, s, n, 1);
}

int kofts_esc_url(kofts_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (kofts_buf_reserve(b, n))
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.' || c == '~';
        char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
        if (keep ? kofts_buf_append(b, s + i, 1) : kofts_buf_append(b, enc, 3))
            return KOFTS_ENOMEM;
    }
    return kofts_buf_append(b, "", 0);
}
