/*
 * kofts_error.c - texts of the KOFTS_E* codes and the one message format
 * (see kofts_error.h).
 */
#include "kofts_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *kofts_strerror(int code)
{
    switch (code) {
    case KOFTS_OK:
        return "ok";
    case KOFTS_ENOMEM:
        return "out of memory";
    case KOFTS_EINVAL:
        return "invalid argument";
    case KOFTS_EICU:
        return "ICU error";
    case KOFTS_EIO:
        return "I/O error";
    case KOFTS_EVERSION:
        return "incompatible index version";
    case KOFTS_ESTOP:
        return "stopped";
    case KOFTS_EBACKEND:
        return "backend error";
    case KOFTS_ETIMEOUT:
        return "timed out";
    default:
        return "error";
    }
}

char *kofts_errfmt(char *buf, size_t cap, const char *subject, const char *fmt, ...)
{
    if (!buf || cap == 0)
        return buf;
    size_t n = 0;
    if (subject && *subject) {
        int k = snprintf(buf, cap, "%s: ", subject);
        n = k < 0 ? 0 : (size_t)k < cap ? (size_t)k : cap - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
    /* Never end inside a UTF-8 character. */
    size_t len = strlen(buf);
    if (len == cap - 1) {
        size_t i = len;
        while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
            i--;
        if (i > 0) {
            unsigned char lead = (unsigned char)buf[i - 1];
            size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (i - 1 + want > len)
                buf[i - 1] = '\0';
        }
    }
    return buf;
}
