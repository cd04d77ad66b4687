/*
 * kofts_analyzer.h - the Korean text analyzer: text in, tokens with byte offsets out.
 *
 * One pipeline used at index time and at query time (by the FTS5 tokenizer in
 * kofts_fts5.h, by kofts-search for snippets and --explain, by kofts-analyze):
 *
 *   original UTF-8 --> ICU word break (utext_openUTF8, offsets stay UTF-8 bytes)
 *                  --> per word: NFC + NFKC case fold (unorm2), invisible chars dropped
 *                  --> filters: Korean particles/endings (colocated stem), noun
 *                      decompounding, Latin Snowball stem, number+unit joins,
 *                      Latin+Hangul joins, Hanja readings
 *                  --> callback, one call per token
 *
 * Two output modes:
 *   KOFTS_MODE_WORD    surface forms and their colocated variants (the word columns);
 *   KOFTS_MODE_BIGRAM  Hangul syllable bigrams over particle-free stems, blank-
 *                      insensitive between words; a bigram that starts at a word or
 *                      compound-piece boundary is also emitted as "^XY" (colocated).
 *
 * This module does not depend on SQLite. Not thread-safe per handle: make one
 * analyzer per thread (creation is cheap after the first; the lexicons are shared
 * and read-only).
 */
#ifndef KOFTS_ANALYZER_H
#define KOFTS_ANALYZER_H

#include <stddef.h>

#include "kofts_error.h"

/* Bumped whenever the tokens produced for some input change. Stored in every index. */
#define KOFTS_ANALYZER_VERSION "kofts-analyzer-4"

/* A text that starts with this byte is analysed in bigram mode (the byte itself is
 * skipped). This is how the single FTS5 table tells its bigram column apart. */
#define KOFTS_BIGRAM_MARK '\x01'

typedef enum {
    KOFTS_MODE_WORD = 0,
    KOFTS_MODE_BIGRAM = 1,
} kofts_mode;

typedef enum {
    KOFTS_TOK_SURFACE = 1, /* the word as written, normalised (광주와, ai, 300) */
    KOFTS_TOK_STEM,        /* particle/ending removed (광주), colocated */
    KOFTS_TOK_PIECE,       /* a compound piece of >= 2 syllables (양자, 컴퓨팅), colocated */
    KOFTS_TOK_LATIN_STEM,  /* Snowball English stem (semiconductor), colocated */
    KOFTS_TOK_JOIN,        /* joined form across an ICU split (ai반도체, 300억, 5.2%) */
    KOFTS_TOK_READING,     /* Hangul reading of Hanja (韓國 -> 한국, 美 -> 미국) */
    KOFTS_TOK_BIGRAM,      /* a Hangul syllable bigram (bigram mode) */
    KOFTS_TOK_BIGRAM_HEAD, /* "^XY": a bigram starting at a word/piece boundary */
    KOFTS_TOK_LEMMA, /* dictionary form of a verb/adjective (가벼운 -> 가볍다), colocated */
} kofts_tok_kind;

/* One token, valid only during the callback (text points into analyzer buffers). */
typedef struct {
    const char *text;    /* normalised token text, UTF-8, not NUL-terminated */
    size_t len;          /* bytes in text */
    size_t start_off;    /* first byte of the token in the ORIGINAL input */
    size_t end_off;      /* one past its last byte in the original input */
    int pos;             /* token position (0-based); colocated tokens repeat it */
    int colocated;       /* 1 if this token shares the position of the previous one */
    kofts_tok_kind kind; /* what this token is */
} kofts_token;

/* Return 0 to go on; any other value stops the run and is returned by kofts_analyzer_run. */
typedef int (*kofts_token_cb)(void *ctx, const kofts_token *tok);

typedef struct kofts_analyzer kofts_analyzer;

/* Flags for kofts_analyzer_run. */
#define KOFTS_ANALYZE_QUERY 0x01 /* query side: same tokens, lone particles dropped */
#define KOFTS_ANALYZE_NO_MORPH                                                                     \
    0x02 /* no hunspell in this run: lemmas from the fast rules only                               \
          * (for snippets of queries that hold no lemma) */

/* Feature switches (default: all on). Used for ablation measurements and exposed as
 * FTS5 tokenizer arguments (tokenize='kofts no_stem no_pieces ...'). An index must be
 * queried with the same switches it was built with. */
#define KOFTS_OPT_NO_STEM       0x01  /* no particle/ending stripping */
#define KOFTS_OPT_NO_PIECES     0x02  /* no compound pieces (word mode) or piece heads (bigram) */
#define KOFTS_OPT_NO_JOINS      0x04  /* no Latin/number joins */
#define KOFTS_OPT_NO_LATIN_STEM 0x08  /* no Snowball stems */
#define KOFTS_OPT_NO_HANJA      0x10  /* no Hanja readings */
#define KOFTS_OPT_UNGATED       0x20  /* query bigrams need not start at a word/piece boundary */
#define KOFTS_OPT_NO_LEMMA      0x40  /* no verb/adjective lemmas (fast rules and hunspell) */
#define KOFTS_OPT_NO_NUMUNIT    0x80  /* v3 number rules: no 만/억 unit kept, no counter piece */
#define KOFTS_OPT_ICU_ONLY      0x100 /* every span from ICU: same tokens (tests, timing) */

/* Set feature switches (KOFTS_OPT_* bits) for later runs on this handle. */
void kofts_analyzer_set_options(kofts_analyzer *a, unsigned opts);

/*
 * Create an analyzer. On success *out is a new handle owned by the caller (free with
 * kofts_analyzer_free). Returns 0, or a negative KOFTS_E* code (then *out is NULL).
 */
int kofts_analyzer_new(kofts_analyzer **out);

/*
 * Analyse text[0..len) in the given mode and call cb for every token, in order.
 * Invalid UTF-8 is skipped (never an offset past len, never a split character).
 * Returns 0, the callback's non-zero value if it stopped the run, or a negative
 * KOFTS_E* code with a message in kofts_analyzer_errmsg().
 */
int kofts_analyzer_run(kofts_analyzer *a, kofts_mode mode, int flags, const char *text, size_t len,
                       kofts_token_cb cb, void *ctx);

/* The last error message; borrowed, valid until the next call on the handle. */
const char *kofts_analyzer_errmsg(const kofts_analyzer *a);

/*
 * Load the hunspell-ko dictionary (0.4 s CPU, 55 MB) now, once per process. For
 * long-running programs (kofts-serve calls it before it listens) whose first verb should
 * not pay the load inside a request's time limit; other programs load it on first need.
 * Never fails: without the dictionary, analysis goes on without hunspell lemmas.
 */
void kofts_analyzer_preload(void);

/* Free the analyzer; NULL is allowed. */
void kofts_analyzer_free(kofts_analyzer *a);

/* Printable name of a token kind ("surface", "stem", ...); static storage. */
const char *kofts_tok_kind_name(kofts_tok_kind kind);

#endif /* KOFTS_ANALYZER_H */
