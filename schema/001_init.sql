-- kofts schema, version 5.
--
--   files  (source path, size, mtime, hash)          one row per input file read
--     |  1:n  (doc_store.source = files.path)
--   doc_store (rowid, id, source, title, categories, tags, date, excerpt, body,
--           extra, url, size, mtime, hash)             the stored text, once
--     |  rowid = rowid
--   docs         VIEW over doc_store with body as plain text: what readers query
--   fts_content  VIEW over doc_store: the exact strings each FTS5 column indexes
--     |  external content
--   fts    FTS5 (body, title, excerpt, extra, tags, bigram) tokenize='kofts'
--   doc_category (category, rowid)                     for --category on an index
--   kofts_meta   (key, value): schema_version, analyzer_version, created_at
--
-- Lists (categories, tags) are stored one item per line ('\n'-separated).
-- extra holds lower-weight text: image alt/title text.
-- doc_store.body is compressed: a BLOB holding a zstd frame (made with the index's
-- dictionary in doc_dict once the writer has trained one), or plain TEXT when
-- compression does not pay (analyzer/kofts_textz.h). kofts_text(body) gives the text back; the
-- function is registered with the kofts tokenizer on every connection that opens the
-- index (kofts_fts5_register, the loadable extension), so both views work wherever
-- the FTS5 table does. Version 1 kept body as TEXT in a docs table; version 2 had no
-- doc_dict; version 3 had title as the FTS5 table's first column.
-- Schema 5: the bigram tokens live in body, after its words: fts_content.body = body ||
-- char(1) || title || char(10) || body, and tokenize='kofts bigram_in_body' reads the part
-- from the 0x01 on in bigram mode, plain bigrams written ~XY (never the same term as a
-- word); the bigram column stays in the table, always ''. FTS5 writes column 0's positions
-- without the 2-byte column marker, so the 1.86 M (term, row) bigram pairs of
-- ../shared/corpus no longer pay it (33.4 -> 30.2 MB); every phrase matches the same rows
-- and kofts_rank gives bigram phrases the bigram weight, so scores are unchanged.
-- FTS5 uses external content (the view) rather than contentless so that FTS5's own
-- 'rebuild' and 'integrity-check' can verify the index against the stored text;
-- the text is stored once, in doc_store. To delete or replace a document, the writer
-- first issues the FTS5 'delete' command with the values from fts_content.

PRAGMA user_version = 5;

CREATE TABLE IF NOT EXISTS kofts_meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS files(
  path  TEXT PRIMARY KEY,      -- path as given on the command line + relative path
  size  INTEGER NOT NULL,
  mtime INTEGER NOT NULL,      -- seconds since the epoch
  hash  TEXT NOT NULL          -- 64-bit FNV-1a of the content, hex
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS doc_store(
  rowid      INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  source     TEXT NOT NULL DEFAULT '',
  title      TEXT NOT NULL DEFAULT '',
  categories TEXT NOT NULL DEFAULT '',
  tags       TEXT NOT NULL DEFAULT '',
  date       TEXT NOT NULL DEFAULT '',   -- ISO 8601 (YYYY-MM-DD[...]) or ''
  excerpt    TEXT NOT NULL DEFAULT '',
  body       NOT NULL DEFAULT '',        -- zstd BLOB or plain TEXT: kofts_text(body)
  extra      TEXT NOT NULL DEFAULT '',
  url        TEXT NOT NULL DEFAULT '',
  size       INTEGER NOT NULL DEFAULT 0,
  mtime      INTEGER NOT NULL DEFAULT 0,
  hash       TEXT NOT NULL DEFAULT ''
);
-- zstd dictionaries that compressed bodies name by id (analyzer/kofts_textz.h): trained
-- by the writer on the first bodies of an index and kept for its incremental runs.
CREATE TABLE IF NOT EXISTS doc_dict(
  id   INTEGER PRIMARY KEY,    -- the dictionary id zstd writes into each frame
  dict BLOB NOT NULL
);

CREATE INDEX IF NOT EXISTS docs_source ON doc_store(source);
CREATE INDEX IF NOT EXISTS docs_date ON doc_store(date);

CREATE VIEW IF NOT EXISTS docs(rowid, id, source, title, categories, tags, date, excerpt, body,
                               extra, url, size, mtime, hash) AS
  SELECT rowid, id, source, title, categories, tags, date, excerpt, kofts_text(body),
         extra, url, size, mtime, hash
  FROM doc_store;

CREATE TABLE IF NOT EXISTS doc_category(
  category TEXT NOT NULL,
  rowid    INTEGER NOT NULL,
  PRIMARY KEY(category, rowid)
) WITHOUT ROWID;

CREATE VIEW IF NOT EXISTS fts_content(rowid, body, title, excerpt, extra, tags, bigram) AS
  SELECT rowid, kofts_text(body) || char(1) || title || char(10) || kofts_text(body), title,
         excerpt, extra, categories || char(10) || tags, ''
  FROM doc_store;

-- body is column 0: FTS5 writes a 2-byte column marker before the positions of each
-- (term, row) outside column 0, and body has the most such pairs (schema/kofts_columns.h).
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
  body, title, excerpt, extra, tags, bigram,
  content='fts_content', content_rowid='rowid',
  tokenize='kofts bigram_in_body'
);

-- FTS5 tuning, measured with kofts-index on ../shared/corpus (writer CPU 5.9 s -> 4.0 s):
-- a 64 MB in-memory hash lets a whole batch become one segment, and automerge 16
-- merges less often while indexing (kofts-index runs 'optimize' when it is done).
INSERT INTO fts(fts, rank) VALUES('hashsize', 67108864);
INSERT INTO fts(fts, rank) VALUES('automerge', 16);
