/*
 * kofts_check.h - CHECK, the assertion of the C tests: when cond is false, count a failure
 * in kofts_check_failures and print "FAIL <id>: <printf-style message>" on stdout, then go
 * on, so that one run reports every failing case. A test's main returns 1 when
 * kofts_check_failures is not 0.
 *
 *   CHECK("T01", n == 3, "got %d documents, expected 3", n);
 */
#ifndef KOFTS_CHECK_H
#define KOFTS_CHECK_H

#include <stdio.h>

static int kofts_check_failures;

#define CHECK(id, cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            kofts_check_failures++;                                                                \
            printf("FAIL %s: ", id);                                                               \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#endif
