/*
 * kofts_columns.c - the column table (see kofts_columns.h).
 */
#include "kofts_columns.h"

const kofts_column kofts_columns[KOFTS_NCOLS] = {
    [KOFTS_COL_BODY] = {"body", 1.0, KOFTS_ROLE_WORD, "XB", 2},
    [KOFTS_COL_TITLE] = {"title", 10.0, KOFTS_ROLE_WORD, "S", 0},
    [KOFTS_COL_EXCERPT] = {"excerpt", 3.0, KOFTS_ROLE_WORD, "XE", 1},
    [KOFTS_COL_EXTRA] = {"extra", 0.5, KOFTS_ROLE_WORD, "XX", 3},
    [KOFTS_COL_TAGS] = {"tags", 2.0, KOFTS_ROLE_WORD, "K", 4},
    [KOFTS_COL_BIGRAM] = {"bigram", 1.0, KOFTS_ROLE_BIGRAM, "XG", 5},
};

const int kofts_columns_listing[KOFTS_NCOLS] = {KOFTS_COL_TITLE, KOFTS_COL_EXCERPT,
                                                KOFTS_COL_BODY,  KOFTS_COL_EXTRA,
                                                KOFTS_COL_TAGS,  KOFTS_COL_BIGRAM};

kofts_weights kofts_columns_default_weights(void)
{
    kofts_weights w;
    for (int i = 0; i < KOFTS_NCOLS; i++)
        w.w[i] = kofts_columns[i].weight;
    return w;
}
