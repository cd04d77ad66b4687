/*
 * kofts_xapian.cc - the C wrapper over Xapian (see kofts_xapian.h). Every entry point
 * catches Xapian::Error, std::bad_alloc and anything else at this boundary and turns
 * it into a KOFTS_E* code plus a message; no exception ever reaches C.
 */
#include "kofts_xapian.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct kofts_xdoc {
    Xapian::Document doc;
};

struct kofts_xwdb {
    Xapian::WritableDatabase db;
    std::string path;
    std::string err;
};

struct kofts_xq {
    Xapian::Query q;
};

struct kofts_xdb {
    Xapian::Database db;
    size_t parts = 0;
    size_t remotes = 0; /* remote parts (a MatchDecider cannot run on those) */
    std::string err;
};

static char *dup_cstr(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p) {
        std::memcpy(p, s.data(), s.size());
        p[s.size()] = '\0';
    }
    return p;
}

/* Map the exception being handled to a code and "subject: what: detail" in err. */
static int caught(std::string &err, const std::string &subject, const char *what)
{
    try {
        throw;
    } catch (const Xapian::NetworkTimeoutError &e) {
        err = subject + ": " + what + ": timed out (" + e.get_description() + ")";
        return KOFTS_ETIMEOUT;
    } catch (const Xapian::DatabaseVersionError &e) {
        err = subject + ": " + what + ": " + e.get_description();
        return KOFTS_EVERSION;
    } catch (const Xapian::Error &e) {
        err = subject + ": " + what + ": " + e.get_description();
        return KOFTS_EBACKEND;
    } catch (const std::bad_alloc &) {
        err = "out of memory";
        return KOFTS_ENOMEM;
    } catch (...) {
        err = subject + ": " + what + ": unexpected error";
        return KOFTS_EBACKEND;
    }
}

/* ------------------------------------------------------------------ documents */

kofts_xdoc *kofts_xdoc_new(void)
{
    return new (std::nothrow) kofts_xdoc;
}

int kofts_xdoc_posting(kofts_xdoc *d, const char *term, size_t len, unsigned pos, unsigned wdfinc)
{
    try {
        d->doc.add_posting(std::string(term, len), pos, wdfinc);
        return 0;
    } catch (...) {
        std::string e;
        return caught(e, "document", "cannot add a term");
    }
}

int kofts_xdoc_add_wdf(kofts_xdoc *d, const char *term, size_t len, unsigned wdfinc)
{
    try {
        d->doc.add_term(std::string(term, len), wdfinc);
        return 0;
    } catch (...) {
        std::string e;
        return caught(e, "document", "cannot add a term");
    }
}

int kofts_xdoc_term(kofts_xdoc *d, const char *term, size_t len)
{
    try {
        d->doc.add_boolean_term(std::string(term, len));
        return 0;
    } catch (...) {
        std::string e;
        return caught(e, "document", "cannot add a term");
    }
}

int kofts_xdoc_value(kofts_xdoc *d, unsigned slot, const char *val, size_t len)
{
    try {
        d->doc.add_value(slot, std::string(val, len));
        return 0;
    } catch (...) {
        std::string e;
        return caught(e, "document", "cannot set a value");
    }
}

int kofts_xdoc_data(kofts_xdoc *d, const char *data, size_t len)
{
    try {
        d->doc.set_data(std::string(data, len));
        return 0;
    } catch (...) {
        std::string e;
        return caught(e, "document", "cannot set the data");
    }
}

void kofts_xdoc_free(kofts_xdoc *d)
{
    delete d;
}

/* ------------------------------------------------------------------ writing */

int kofts_xwdb_open(kofts_xwdb **out, const char *dir, int create, char **errmsg)
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    kofts_xwdb *w = new (std::nothrow) kofts_xwdb;
    if (!w)
        return KOFTS_ENOMEM;
    try {
        int action = create == 2   ? Xapian::DB_CREATE_OR_OVERWRITE
                     : create == 1 ? Xapian::DB_CREATE_OR_OPEN
                                   : Xapian::DB_OPEN;
        w->path = dir;
        w->db = Xapian::WritableDatabase(dir, action | Xapian::DB_BACKEND_GLASS);
        *out = w;
        return 0;
    } catch (...) {
        std::string e;
        int rc = caught(e, dir, "cannot open the Xapian database for writing");
        if (errmsg)
            *errmsg = dup_cstr(e);
        delete w;
        return rc;
    }
}

int kofts_xwdb_replace(kofts_xwdb *w, const char *idterm, size_t len, const kofts_xdoc *d)
{
    try {
        w->db.replace_document(std::string(idterm, len), d->doc);
        return 0;
    } catch (...) {
        return caught(w->err, w->path, "cannot write a document");
    }
}

int kofts_xwdb_delete(kofts_xwdb *w, const char *idterm, size_t len)
{
    try {
        w->db.delete_document(std::string(idterm, len));
        return 0;
    } catch (...) {
        return caught(w->err, w->path, "cannot delete a document");
    }
}

int kofts_xwdb_commit(kofts_xwdb *w)
{
    try {
        w->db.commit();
        return 0;
    } catch (...) {
        return caught(w->err, w->path, "cannot commit");
    }
}

int kofts_xwdb_set_meta(kofts_xwdb *w, const char *key, const char *val)
{
    try {
        w->db.set_metadata(key, val);
        return 0;
    } catch (...) {
        return caught(w->err, w->path, "cannot set metadata");
    }
}

long long kofts_xwdb_doc_count(kofts_xwdb *w)
{
    try {
        return (long long)w->db.get_doccount();
    } catch (...) {
        caught(w->err, w->path, "cannot count documents");
        return -1;
    }
}

const char *kofts_xwdb_errmsg(const kofts_xwdb *w)
{
    return w ? w->err.c_str() : "out of memory";
}

int kofts_xwdb_compact(const char *src, const char *dst, char **errmsg)
{
    if (errmsg)
        *errmsg = nullptr;
    try {
        Xapian::Database(src).compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
        return 0;
    } catch (...) {
        std::string e;
        int rc = caught(e, src, "cannot compact the shard");
        if (errmsg)
            *errmsg = dup_cstr(e);
        return rc;
    }
}

void kofts_xwdb_close(kofts_xwdb *w)
{
    if (!w)
        return;
    try {
        w->db.close();
    } catch (...) {
    }
    delete w;
}

/* ------------------------------------------------------------------ queries */

static kofts_xq *wrap(const Xapian::Query &q)
{
    kofts_xq *x = new (std::nothrow) kofts_xq;
    if (x)
        x->q = q;
    return x;
}

kofts_xq *kofts_xq_term(const char *term, size_t len)
{
    try {
        return wrap(Xapian::Query(std::string(term, len)));
    } catch (...) {
        return nullptr;
    }
}

kofts_xq *kofts_xq_combine(kofts_xop op, kofts_xq **subs, size_t n)
{
    static const Xapian::Query::op ops[] = {Xapian::Query::OP_AND,     Xapian::Query::OP_OR,
                                            Xapian::Query::OP_AND_NOT, Xapian::Query::OP_AND_MAYBE,
                                            Xapian::Query::OP_FILTER,  Xapian::Query::OP_SYNONYM,
                                            Xapian::Query::OP_PHRASE};
    kofts_xq *r = nullptr;
    try {
        std::vector<Xapian::Query> v;
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                v.push_back(subs[i]->q);
        if (!v.empty()) {
            if (op == KOFTS_XOP_PHRASE)
                r = wrap(Xapian::Query(ops[op], v.begin(), v.end(), (Xapian::termcount)v.size()));
            else
                r = wrap(Xapian::Query(ops[op], v.begin(), v.end()));
        }
    } catch (...) {
        r = nullptr;
    }
    for (size_t i = 0; i < n; i++)
        delete subs[i];
    return r;
}

kofts_xq *kofts_xq_scale(kofts_xq *q, double factor)
{
    if (!q)
        return nullptr;
    kofts_xq *r = nullptr;
    try {
        r = wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor));
    } catch (...) {
        r = nullptr;
    }
    delete q;
    return r;
}

kofts_xq *kofts_xq_wildcard(const char *prefix, size_t len, unsigned max_expansion)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
                                  max_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                  Xapian::Query::OP_SYNONYM));
    } catch (...) {
        return nullptr;
    }
}

kofts_xq *kofts_xq_value_range(unsigned slot, const char *lo, const char *hi)
{
    try {
        if (lo && hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        if (lo)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        if (hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        return wrap(Xapian::Query::MatchAll);
    } catch (...) {
        return nullptr;
    }
}

char *kofts_xq_describe(const kofts_xq *q)
{
    try {
        return dup_cstr(q->q.get_description());
    } catch (...) {
        return nullptr;
    }
}

kofts_xq *kofts_xq_clone(const kofts_xq *q)
{
    if (!q)
        return nullptr;
    try {
        /* serialised and read back: a new tree, no reference count shared with q */
        return wrap(Xapian::Query::unserialise(q->q.serialise()));
    } catch (...) {
        return nullptr;
    }
}

void kofts_xq_free(kofts_xq *q)
{
    delete q;
}

/* ------------------------------------------------------------------ reading */

kofts_xdb *kofts_xdb_new(void)
{
    return new (std::nothrow) kofts_xdb;
}

int kofts_xdb_add_local(kofts_xdb *db, const char *path)
{
    try {
        db->db.add_database(Xapian::Database(path));
        db->parts++;
        return 0;
    } catch (...) {
        return caught(db->err, path, "cannot open the Xapian database");
    }
}

int kofts_xdb_add_remote(kofts_xdb *db, const char *host, unsigned port, unsigned timeout_ms)
{
    std::string subject = std::string(host) + ":" + std::to_string(port);
    try {
        useconds_t t = (useconds_t)timeout_ms;
        db->db.add_database(Xapian::Remote::open(host, port, t, t));
        db->parts++;
        db->remotes++;
        return 0;
    } catch (...) {
        return caught(db->err, "remote " + subject, "cannot open the shard");
    }
}

int kofts_xdb_add_prog(kofts_xdb *db, const char *prog, const char *args, unsigned timeout_ms)
{
    try {
        useconds_t t = (useconds_t)timeout_ms;
        db->db.add_database(Xapian::Remote::open(prog, args, t));
        db->parts++;
        db->remotes++;
        return 0;
    } catch (...) {
        return caught(db->err, std::string(prog) + " " + args, "cannot start the shard's server");
    }
}

int kofts_xdb_add_db(kofts_xdb *db, const kofts_xdb *src)
{
    try {
        db->db.add_database(src->db);
        db->parts += src->parts;
        db->remotes += src->remotes;
        return 0;
    } catch (...) {
        return caught(db->err, "database", "cannot combine shards");
    }
}

int kofts_xdb_reopen(kofts_xdb *db)
{
    try {
        return db->db.reopen() ? 1 : 0;
    } catch (...) {
        return caught(db->err, "database", "cannot reopen");
    }
}

int kofts_xdb_ping(kofts_xdb *db)
{
    try {
        db->db.keep_alive();
        return 0;
    } catch (...) {
        return caught(db->err, "database", "does not answer");
    }
}

size_t kofts_xdb_count(const kofts_xdb *db)
{
    return db->parts;
}

long long kofts_xdb_doc_count(kofts_xdb *db)
{
    try {
        return (long long)db->db.get_doccount();
    } catch (...) {
        caught(db->err, "database", "cannot count documents");
        return -1;
    }
}

long long kofts_xdb_termfreq(kofts_xdb *db, const char *term, size_t len)
{
    try {
        return (long long)db->db.get_termfreq(std::string(term, len));
    } catch (...) {
        caught(db->err, "database", "cannot read a term frequency");
        return -1;
    }
}

char *kofts_xdb_meta(kofts_xdb *db, const char *key)
{
    try {
        return dup_cstr(db->db.get_metadata(key));
    } catch (...) {
        caught(db->err, "database", "cannot read metadata");
        return nullptr;
    }
}

long long kofts_xdb_terms(kofts_xdb *db, const char *prefix, size_t max, char **out, size_t *len)
{
    *out = nullptr;
    *len = 0;
    try {
        std::string all, pre(prefix);
        size_t n = 0;
        for (auto t = db->db.allterms_begin(pre); t != db->db.allterms_end(pre); ++t) {
            if (++n > max)
                return -1;
            all.append((*t).substr(pre.size()));
            all.push_back('\0');
        }
        if (!(*out = static_cast<char *>(std::malloc(all.size() + 1))))
            return -1;
        std::memcpy(*out, all.data(), all.size());
        *len = all.size();
        return (long long)n;
    } catch (...) {
        caught(db->err, "database", "cannot list terms");
        return -1;
    }
}

namespace
{
/* Thrown by StopDecider when the caller's stop check answers yes. */
struct Stopped {
};

/* Thrown by StopDecider when a count has seen enough documents. */
struct Enough {
};

/* Accepts every document; asks the caller's stop check (if any) every STOP_EVERY
 * candidates (Xapian calls a decider for each document it considers) and ends the
 * match by throwing Stopped, which kofts_xdb_search turns into KOFTS_ESTOP; with
 * enough > 0 throws Enough at the enough-th document (a count that needs no more). */
class StopDecider : public Xapian::MatchDecider
{
    enum { STOP_EVERY = 64 };
    int (*stop_)(void *);
    void *ctx_;
    unsigned enough_;
    mutable unsigned calls_ = 0;

  public:
    StopDecider(int (*stop)(void *), void *ctx, unsigned enough)
        : stop_(stop), ctx_(ctx), enough_(enough)
    {
    }
    bool operator()(const Xapian::Document &) const override
    {
        ++calls_;
        if (stop_ && calls_ % STOP_EVERY == 0 && stop_(ctx_))
            throw Stopped();
        if (enough_ && calls_ >= enough_)
            throw Enough();
        return true;
    }
};
} // namespace

int kofts_xdb_search(kofts_xdb *db, const kofts_xq *q, const kofts_xsearch *s, kofts_xhit **hits,
                     size_t *n, long long *matches)
{
    *hits = nullptr;
    *n = 0;
    *matches = 0;
    if (s->stop && s->stop(s->stop_ctx)) {
        db->err = "search: stopped";
        return KOFTS_ESTOP;
    }
    try {
        Xapian::Enquire enq(db->db);
        enq.set_query(q->q);
        enq.set_weighting_scheme(Xapian::BM25Weight(s->k1, 0, 1, s->b, 0.5));
        if (s->sort_slot >= 0)
            enq.set_sort_by_value_then_relevance((Xapian::valueno)s->sort_slot, true);
        unsigned enough = s->max == 0 ? s->enough : 0;
        StopDecider decider(s->stop, s->stop_ctx, enough);
        const Xapian::MatchDecider *md =
            (s->stop || enough) && db->remotes == 0 ? &decider : nullptr;
        /* a count that keeps its hits asks for up to enough of them: the decider ends
         * the match at the enough-th, as in a plain count, and fewer are all in ms */
        bool collect = enough && s->collect && md && s->sort_slot < 0;
        Xapian::MSet ms =
            enq.get_mset(s->first, collect ? enough : s->max, s->check_at_least, nullptr, md);
        *matches = collect ? (long long)ms.size() : (long long)ms.get_matches_lower_bound();
        if (ms.size() > 0) {
            kofts_xhit *h = static_cast<kofts_xhit *>(std::malloc(ms.size() * sizeof *h));
            if (!h)
                throw std::bad_alloc();
            size_t i = 0;
            for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it, ++i) {
                h[i].docid = *it;
                h[i].weight = it.get_weight();
            }
            *hits = h;
            *n = i;
        }
        return 0;
    } catch (const Enough &) {
        *matches = (long long)s->enough;
        return 0;
    } catch (const Stopped &) {
        db->err = "search: stopped";
        return KOFTS_ESTOP;
    } catch (...) {
        return caught(db->err, "search", "the query failed");
    }
}

int kofts_xdb_data(kofts_xdb *db, unsigned docid, char **data, size_t *len)
{
    *data = nullptr;
    *len = 0;
    try {
        std::string d = db->db.get_document(docid).get_data();
        if (!(*data = dup_cstr(d)))
            return KOFTS_ENOMEM;
        *len = d.size();
        return 1;
    } catch (const Xapian::DocNotFoundError &) {
        return 0;
    } catch (...) {
        return caught(db->err, "document " + std::to_string(docid), "cannot read");
    }
}

const char *kofts_xdb_errmsg(const kofts_xdb *db)
{
    return db ? db->err.c_str() : "out of memory";
}

void kofts_xdb_close(kofts_xdb *db)
{
    delete db;
}
