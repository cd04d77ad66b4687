/*
 * kofts_plainbreak.c - ICU's word boundaries for plain chunks (see kofts_plainbreak.h).
 */
#include "kofts_plainbreak.h"

/* Character classes of plain text (kofts_plainbreak.h names them by letter). */
enum {
    PB_OTHER,  /* printable ASCII that no rule joins, or beyond the chunk */
    PB_LETTER, /* L */
    PB_DIGIT,  /* N */
    PB_DOT,    /* M: MidNumLet */
    PB_QUOTE,  /* Q: Single_Quote */
    PB_COMMA,  /* C: MidNum */
    PB_UNDER,  /* U: ExtendNumLet */
    PB_HANGUL, /* H */
    PB_SPACE,
    PB_TAB,
    PB_LF,
    PB_CR,
    PB_NONPLAIN /* anything else: not a plain chunk */
};

static int ascii_class(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@')
        return PB_LETTER; /* ICU's rules count "@" as a letter (e-mail addresses) */
    if (c >= '0' && c <= '9')
        return PB_DIGIT;
    switch (c) {
    case '.':
        return PB_DOT;
    case '\'':
        return PB_QUOTE;
    case ',':
    case ';':
        return PB_COMMA;
    case '_':
        return PB_UNDER;
    case ' ':
        return PB_SPACE;
    case '\t':
        return PB_TAB;
    case '\n':
        return PB_LF;
    case '\r':
        return PB_CR;
    }
    return c >= 0x21 && c <= 0x7e ? PB_OTHER : PB_NONPLAIN;
}

/* Class of the character at text[i] (i < end) and its length in *adv. */
static int class_at(const char *text, size_t end, size_t i, size_t *adv)
{
    const unsigned char *u = (const unsigned char *)text;
    *adv = 1;
    if (u[i] < 0x80)
        return ascii_class(u[i]);
    /* U+AC00-U+D7A3 is EA B0 80 .. ED 9E A3 in UTF-8 */
    if (u[i] >= 0xEA && u[i] <= 0xED && i + 2 < end && (u[i + 1] & 0xC0) == 0x80 &&
        (u[i + 2] & 0xC0) == 0x80) {
        unsigned cp = ((unsigned)(u[i] & 0x0F) << 12) | ((unsigned)(u[i + 1] & 0x3F) << 6) |
                      (u[i + 2] & 0x3F);
        if (cp >= 0xAC00 && cp <= 0xD7A3) {
            *adv = 3;
            return PB_HANGUL;
        }
    }
    return PB_NONPLAIN;
}

/* Class of the character that ends right before text[i] in a plain chunk (PB_OTHER at
 * the start of the text). */
static int class_before(const char *text, size_t i)
{
    size_t adv;
    if (i == 0)
        return PB_OTHER;
    if ((unsigned char)text[i - 1] < 0x80)
        return ascii_class((unsigned char)text[i - 1]);
    return i >= 3 ? class_at(text, i, i - 3, &adv) : PB_OTHER;
}

size_t kofts_pb_chunk(const char *text, size_t len, size_t p, int *plain)
{
    size_t i = p, adv;
    while (i < len && kofts_pb_is_blank((unsigned char)text[i]))
        i++;
    *plain = 1;
    while (i < len && !kofts_pb_is_blank((unsigned char)text[i])) {
        if (class_at(text, len, i, &adv) == PB_NONPLAIN)
            *plain = 0;
        i += adv;
    }
    return i;
}

static int is_ln(int c)
{
    return c == PB_LETTER || c == PB_DIGIT;
}

static int is_mid_letter(int c)
{
    return c == PB_DOT || c == PB_QUOTE;
}

static int is_mid_num(int c)
{
    return c == PB_DOT || c == PB_QUOTE || c == PB_COMMA;
}

/* 1 if no boundary falls between a and b, given the classes before (p) and after (n). */
static int joins(int p, int a, int b, int n)
{
    if (a == PB_HANGUL || b == PB_HANGUL)
        return a == b;
    if (is_ln(a) && is_ln(b))
        return 1;
    if ((a == PB_LETTER && is_mid_letter(b) && n == PB_LETTER) ||
        (p == PB_LETTER && is_mid_letter(a) && b == PB_LETTER))
        return 1;
    if ((a == PB_DIGIT && is_mid_num(b) && n == PB_DIGIT) ||
        (p == PB_DIGIT && is_mid_num(a) && b == PB_DIGIT))
        return 1;
    if ((is_ln(a) || a == PB_UNDER) && b == PB_UNDER)
        return 1;
    if (a == PB_UNDER && is_ln(b))
        return 1;
    return (a == PB_SPACE && b == PB_SPACE) || (a == PB_CR && b == PB_LF);
}

/* ICU's rule status of a span of one character of class a, or ending in a, b. */
static int status_of(int a, int b, int single)
{
    if (single)
        return b == PB_DIGIT ? 100 : b == PB_LETTER || b == PB_HANGUL ? 200 : 0;
    if (b == PB_DIGIT)
        return 100;
    if (b == PB_LETTER || b == PB_HANGUL)
        return 200;
    if (b == PB_UNDER)
        return a == PB_DIGIT ? 100 : 200;
    return 0;
}

size_t kofts_pb_next(const char *text, size_t end, size_t p, int *status)
{
    size_t adv, badv = 0, nadv = 0;
    int prev = class_before(text, p);
    int a = class_at(text, end, p, &adv);
    size_t j = p + adv; /* where b, the character after a, starts */
    int b = j < end ? class_at(text, end, j, &badv) : PB_OTHER;
    int last_a = a, single = 1;
    /* each character is classified once: n becomes the next round's b */
    while (j < end) {
        int n = j + badv < end ? class_at(text, end, j + badv, &nadv) : PB_OTHER;
        if (!joins(prev, a, b, n))
            break;
        single = 0;
        last_a = prev = a;
        a = b;
        j += badv;
        b = n;
        badv = nadv;
    }
    *status = status_of(last_a, a, single);
    return j;
}
