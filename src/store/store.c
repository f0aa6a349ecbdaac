/*
 * store.c - the SQLite projection of the log: opening the database, its
 * schema (storeint.h), transactions, and store_apply, the one way the store
 * changes.  The reading side is in query.c.
 *
 * store_apply(entry) in order:
 *   1. find the note text and, without trusting it yet, its top-level
 *      "filed_by" (scan_filed_by); pick the verifier: the operator key when
 *      there is none, else that party's current key (cached, vcache_get);
 *   2. note_open: the signature must verify (C2SP signed-note), unless
 *      it was verified ahead with that very key (store_prepare);
 *   3. rec_parse_canonical without a resolver (done ahead, on any thread,
 *      by store_prepare when the caller can): the text is canonical JSON
 *      plus exactly one "\n" and a valid record; then rec_check_refs over
 *      the records table: every reference names a record the store knows;
 *   4. revision rules (check_revision): duplicates, stale revisions,
 *      ownership, withdrawn records, place cycles;
 *   5. write (write_entry) inside the savepoint "apply": the revision, the
 *      record row and its filter columns, the full-text rows, and the
 *      disputed flag of every event whose comparison may have changed.
 * A refusal in 1-4 is remembered in the refused table (so that replaying
 * the log gives the same store); errors that are not about the entry
 * (out of memory, I/O) are returned without counting the entry.
 */
#include "store/storeint.h"

#include "compare/compare.h"
#include "names/names.h"

#include <inttypes.h>
#include <string.h>

const char *const store_field_names[SF_COUNT] = {
    "title",	    "names",   "narrative", "translations",
    "characterization", "actors", "notes"};

const int store_fts_rank[REC_KIND_COUNT] = {
    [REC_EVENT] = 7,  [REC_ACCOUNT] = 6,  [REC_PLACE] = 5,
    [REC_PERSON] = 4, [REC_SOURCE] = 3,	  [REC_RELATION] = 2,
    [REC_EVIDENCE] = 1, [REC_PARTY] = 0};

static const char *const stmt_sql[S_COUNT] = {
    [S_RID_BY_ID] = "SELECT rid, kind, withdrawn FROM records WHERE id=?1",
    [S_PARTY] = "SELECT rid, pkey, withdrawn FROM records WHERE id=?1 "
		"AND kind=0",
    [S_REV_BY_ID] = "SELECT v.idx, r.rid, r.id, r.latest, r.withdrawn, "
		    "o.id, l.id FROM revisions v JOIN records r ON "
		    "r.rid=v.rid LEFT JOIN records o ON o.rid=r.owner JOIN "
		    "revisions l ON l.idx=r.latest WHERE v.id=?1",
    [S_INS_REV] = "INSERT INTO revisions(idx,id,rid,json) VALUES(?1,?2,?3,?4)",
    [S_INS_REC] = "INSERT INTO records(rid,id,kind,latest,current,owner,"
		  "withdrawn,t_start,t_end,place,parent,event,event2,etype,"
		  "pkey) VALUES(?1,?2,?3,?13,?13,?4,0,?5,?6,?7,?8,?9,?10,?11,?12)",
    [S_UPD_REC] = "UPDATE records SET latest=?13,current=?13,t_start=?5,"
		  "t_end=?6,place=?7,parent=?8,event=?9,event2=?10,etype=?11,"
		  "pkey=?12 WHERE rid=?1",
    [S_WITHDRAW] = "UPDATE records SET latest=?2,withdrawn=1 WHERE rid=?1",
    [S_INS_REFUSED] = "INSERT INTO refused(idx,code,reason) VALUES(?1,?2,?3)",
    [S_FTS_DEL] = "DELETE FROM fts WHERE rowid=?1",
    [S_FTS_PROBE] = "SELECT rowid FROM fts WHERE rowid BETWEEN ?1 AND ?2",
    [S_FTS_INS] = "INSERT INTO fts(rowid,text,keys) VALUES(?1,?2,?3)",
    [S_EVENT_ACCOUNTS] = "SELECT rid FROM records WHERE event=?1 AND kind=3 "
			 "AND withdrawn=0 ORDER BY rid",
    [S_SET_DISPUTED] = "UPDATE records SET disputed=?2 WHERE rid=?1 AND "
		       "disputed<>?2",
    [S_RECORD] = "SELECT r.id, r.kind, r.latest, r.withdrawn, o.id, l.id, "
		 "l.json, c.json FROM records r LEFT JOIN records o ON "
		 "o.rid=r.owner JOIN revisions l ON l.idx=r.latest JOIN "
		 "revisions c ON c.idx=r.current WHERE r.rid=?1",
    [S_HISTORY] = "SELECT idx, id, json FROM revisions WHERE rid=?1 ORDER BY "
		  "idx",
    [S_REV_RID] = "SELECT rid FROM revisions WHERE id=?1",
    [S_WITHIN] = "WITH RECURSIVE up(x) AS (SELECT ?1 UNION SELECT r.parent "
		 "FROM records r JOIN up ON r.rid=up.x WHERE r.parent IS NOT "
		 "NULL) SELECT 1 FROM up WHERE x=?2",
    [S_AFFECTED_EVENTS] = "WITH RECURSIVE down(x) AS (SELECT ?1 UNION SELECT "
			  "c.rid FROM records c JOIN down ON c.parent=down.x) "
			  "SELECT DISTINCT a.event FROM down JOIN records a ON "
			  "a.place=down.x WHERE a.kind=3 AND a.withdrawn=0 "
			  "AND a.event IS NOT NULL ORDER BY 1",
    [S_ENTRY_REV] = "SELECT v.id, r.id, r.kind, v.json FROM revisions v JOIN "
		    "records r ON r.rid=v.rid WHERE v.idx=?1",
    [S_ENTRY_REFUSED] = "SELECT code, reason FROM refused WHERE idx=?1",
    [S_APPLIED] = "SELECT max(coalesce((SELECT max(idx) FROM revisions),-1),"
		  "coalesce((SELECT max(idx) FROM refused),-1))",
    [S_REC_EVENT] = "SELECT event FROM records WHERE rid=?1",
    [S_ACCOUNTS_LITE] = "SELECT r.id, o.id, r.latest, r.rid, r.current "
			"FROM records r LEFT JOIN records o ON o.rid=r.owner "
			"WHERE r.event=?1 AND r.kind=3 AND r.withdrawn=0 "
			"ORDER BY r.rid",
    [S_REV_JSON] = "SELECT json FROM revisions WHERE idx=?1",
    [S_SP_BEGIN] = "SAVEPOINT apply",
    [S_SP_RELEASE] = "RELEASE apply",
    [S_SP_ROLLBACK] = "ROLLBACK TO apply",
    [S_REC_CURRENT] = "SELECT r.kind, c.json FROM records r JOIN "
		      "revisions c ON c.idx=r.current WHERE r.rid=?1",
    [S_ENTRY_SP] = "SAVEPOINT entry",
    [S_ENTRY_RELEASE] = "RELEASE entry",
    [S_ENTRY_ROLLBACK] = "ROLLBACK TO entry",
};

_Static_assert(STORE_SCHEMA == 3, "store_open writes user_version=3");

static const char schema_sql[] =
    "CREATE TABLE records("
    " rid INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " kind INTEGER NOT NULL,"
    " latest INTEGER NOT NULL,"
    " current INTEGER NOT NULL,"
    " owner INTEGER,"
    " withdrawn INTEGER NOT NULL DEFAULT 0,"
    " t_start TEXT, t_end TEXT,"
    " place INTEGER, parent INTEGER, event INTEGER, event2 INTEGER,"
    " etype TEXT,"
    " disputed INTEGER NOT NULL DEFAULT 0,"
    " pkey TEXT);"
    "CREATE INDEX records_kind ON records(kind, rid);"
    "CREATE INDEX records_time ON records(kind, t_start, rid, t_end,"
    " withdrawn);"
    "CREATE INDEX records_owner ON records(owner, kind);"
    "CREATE INDEX records_place ON records(place, kind)"
    " WHERE place IS NOT NULL;"
    "CREATE INDEX records_parent ON records(parent) WHERE parent IS NOT NULL;"
    "CREATE INDEX records_event ON records(event) WHERE event IS NOT NULL;"
    "CREATE INDEX records_event2 ON records(event2) WHERE event2 IS NOT NULL;"
    "CREATE INDEX records_etype ON records(etype, t_start) "
    " WHERE etype IS NOT NULL;"
    "CREATE INDEX records_disputed ON records(t_start, rid) "
    " WHERE disputed=1;"
    "CREATE TABLE revisions("
    " idx INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " rid INTEGER NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE INDEX revisions_rid ON revisions(rid, idx);"
    "CREATE TABLE refused("
    " idx INTEGER PRIMARY KEY,"
    " code INTEGER NOT NULL,"
    " reason TEXT NOT NULL);"
    "CREATE VIRTUAL TABLE fts USING fts5(text, keys,"
    " tokenize = \"unicode61 remove_diacritics 2\");";

int store_sqlerr(struct store *st, int rc, const char *what,
		 struct px_err *err)
{
	const char *msg = st && st->db ? sqlite3_errmsg(st->db)
				       : sqlite3_errstr(rc);
	int code = PX_EIO;

	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		code = PX_ENOMEM;
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = PX_ECORRUPT;
		break;
	case SQLITE_READONLY:
		code = PX_EUSAGE;
		break;
	}
	return px_errorf(err, code, "store: %s: %s", what, msg);
}

sqlite3_stmt *store_stmt(struct store *st, enum store_stmt which,
			 struct px_err *err)
{
	sqlite3_stmt *s = st->stmt[which];
	int rc;

	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	rc = sqlite3_prepare_v3(st->db, stmt_sql[which], -1,
				SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		store_sqlerr(st, rc, "preparing a statement", err);
		return NULL;
	}
	st->stmt[which] = s;
	return s;
}

static int exec(struct store *st, const char *sql, struct px_err *err)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, sql, err);
	return 0;
}

static int load_applied(struct store *st, struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_APPLIED, err);
	int rc;

	if (!s)
		return err ? err->code : PX_EIO;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_sqlerr(st, rc, "reading the applied count", err);
	st->applied = (uint64_t)(sqlite3_column_int64(s, 0) + 1);
	sqlite3_reset(s);
	return 0;
}

static int user_version(struct store *st, int *out, struct px_err *err)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
				    NULL);

	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, "reading the schema version", err);
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_sqlerr(st, rc, "reading the schema version", err);
	return 0;
}

/* ---- marks: derived data to bring up to date (storeint.h) */

/* The transaction ended: nothing it marked is waiting any more. */
static void marks_clear(struct store *st)
{
	st->mn = st->mdone = 0;
	st->dirty = 0;
}

/* Roll back to where the marks stood at *at: marks made since are gone;
 * marks a flush took since are waiting again (the flush's writes are
 * undone with the rest). */
static void marks_rollback(struct store *st, const struct store_markpos *at)
{
	if (st->mn > at->n)
		st->mn = at->n;
	if (st->mdone > at->done)
		st->mdone = at->done;
	if (st->mdone > st->mn)
		st->mdone = st->mn;
	st->dirty = st->mdone < st->mn;
}

static void marks_at(const struct store *st, struct store_markpos *pos)
{
	pos->n = st->mn;
	pos->done = st->mdone;
}

int store_open(const char *path, int readonly, struct store **out,
	       struct px_err *err)
{
	struct store *st;
	int flags = readonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc, version = 0;

	*out = NULL;
	st = px_calloc(1, sizeof(*st));
	if (!st)
		return px_errorf(err, PX_ENOMEM, "store: out of memory");
	st->readonly = readonly;
	st->ridgen = 1; /* slots start at generation 0: none valid */
	rc = sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = px_errorf(err, readonly && rc == SQLITE_CANTOPEN
					? PX_ENOTFOUND
					: PX_EIO,
			       "store \"%s\": %s", path,
			       st->db ? sqlite3_errmsg(st->db)
				      : sqlite3_errstr(rc));
		store_close(st);
		return rc;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	rc = exec(st, "PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;",
		  err);
	if (rc == 0 && !readonly)
		rc = exec(st,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			  /* checkpoint every 64 MiB of WAL, not 4: a page
			   * written again and again is copied back once */
			  "PRAGMA wal_autocheckpoint=16384;",
			  err);
	if (rc == 0)
		rc = user_version(st, &version, err);
	if (rc == 0 && version == 0 && !readonly) {
		rc = exec(st, "BEGIN IMMEDIATE", err);
		if (rc == 0)
			rc = user_version(st, &version, err);
		if (rc == 0 && version == 0) {
			rc = exec(st, schema_sql, err);
			if (rc == 0)
				rc = exec(st, "PRAGMA user_version=3", err);
			version = STORE_SCHEMA;
		}
		if (rc == 0)
			rc = exec(st, "COMMIT", err);
		else
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (rc == 0 && version != STORE_SCHEMA)
		rc = px_errorf(err, PX_ECORRUPT,
			       "store \"%s\": schema version %d, expected %d "
			       "(rebuild it with `parallax reindex`)",
			       path, version, STORE_SCHEMA);
	if (rc == 0)
		rc = load_applied(st, err);
	if (rc < 0) {
		store_close(st);
		return rc;
	}
	st->fts_fresh = st->applied;
	*out = st;
	return 0;
}

/* ---- the cache of parsed revisions (storeint.h, store_jcache) */

static size_t jslot(int64_t rid)
{
	uint64_t h = (uint64_t)rid * UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 49) & (STORE_JCACHE - 1);
}

static void jcache_put(struct store *st, int64_t rid, int64_t idx, int kind,
		       json_t *json)
{
	size_t i;

	if (!st->jcache) {
		st->jcache = px_calloc(STORE_JCACHE, sizeof(*st->jcache));
		st->jused = px_calloc(STORE_JCACHE / 2, sizeof(*st->jused));
		if (!st->jcache || !st->jused) {
			px_free(st->jcache);
			px_free(st->jused);
			st->jcache = NULL;
			st->jused = NULL;
			return; /* only slower */
		}
	}
	for (i = jslot(rid); st->jcache[i].rid && st->jcache[i].rid != rid;
	     i = (i + 1) & (STORE_JCACHE - 1))
		;
	if (st->jcache[i].rid) {
		json_decref(st->jcache[i].json);
	} else {
		if (st->jn == STORE_JCACHE / 2)
			return;
		st->jused[st->jn++] = (uint32_t)i;
		st->jcache[i].rid = rid;
	}
	st->jcache[i].idx = idx;
	st->jcache[i].kind = kind;
	st->jcache[i].json = json_incref(json);
}

static struct store_jcache *jcache_find(struct store *st, int64_t rid)
{
	size_t i;

	if (!st->jn)
		return NULL;
	for (i = jslot(rid); st->jcache[i].rid;
	     i = (i + 1) & (STORE_JCACHE - 1))
		if (st->jcache[i].rid == rid)
			return &st->jcache[i];
	return NULL;
}

/* The parsed revision idx of rid, if cached (borrowed). */
static json_t *jcache_get(struct store *st, int64_t rid, int64_t idx)
{
	struct store_jcache *e = jcache_find(st, rid);

	return e && e->idx == idx ? e->json : NULL;
}

void store_set_release(struct store *st, void (*release)(void *, json_t *),
		       void *ctx)
{
	st->release = release;
	st->release_ctx = ctx;
}

static void jcache_clear(struct store *st)
{
	while (st->jn) {
		struct store_jcache *e = &st->jcache[st->jused[--st->jn]];
		if (st->release)
			st->release(st->release_ctx, e->json);
		else
			json_decref(e->json);
		e->rid = 0;
		e->json = NULL;
	}
}

void store_close(struct store *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (i = 0; i < STORE_VCACHE; i++)
		px_free(st->vcache[i].key);
	jcache_clear(st);
	px_free(st->jcache);
	px_free(st->jused);
	px_free(st->ridcache);
	px_free(st->marks);
	px_free(st->msp);
	sqlite3_close(st->db);
	px_free(st);
}

uint64_t store_applied(struct store *st)
{
	return st->applied;
}

/* ---- transactions */

int store_bulk(struct store *st, int on, struct px_err *err)
{
	if (st->readonly)
		return px_errorf(err, PX_EUSAGE, "store: opened read-only");
	if (on)
		/* the rollback journal in memory still undoes a refused
		 * entry's savepoint */
		return exec(st,
			    "PRAGMA journal_mode=MEMORY; "
			    "PRAGMA synchronous=OFF; "
			    "PRAGMA cache_size=-262144;",
			    err);
	return exec(st,
		    "PRAGMA cache_size=-32000; PRAGMA analysis_limit=1000; "
		    "ANALYZE; "
		    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
		    err);
}

int store_begin(struct store *st, struct px_err *err)
{
	return exec(st, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *st, struct px_err *err)
{
	int rc = store_flush(st, err);

	if (rc == 0)
		rc = exec(st, "COMMIT", err);
	if (rc == 0) {
		st->sp_depth = 0;
		marks_clear(st);
	}
	jcache_clear(st);
	return rc;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->sp_depth = 0;
	jcache_clear(st);
	st->ridgen++;
	marks_clear(st);
	load_applied(st, NULL);
}

static int run(struct store *st, enum store_stmt which, struct px_err *err);

int store_savepoint(struct store *st, struct px_err *err)
{
	int rc;

	if (px_grow(&st->msp, &st->mspcap, (size_t)st->sp_depth + 1,
		    sizeof(*st->msp), 4))
		return px_errorf(err, PX_ENOMEM, "store: out of memory");
	rc = run(st, S_ENTRY_SP, err);
	if (rc == 0)
		marks_at(st, &st->msp[st->sp_depth++]);
	return rc;
}

int store_release(struct store *st, struct px_err *err)
{
	int rc;

	if (st->sp_depth == 0)
		return 0; /* already ended by store_rollback_to */
	rc = run(st, S_ENTRY_RELEASE, err);
	if (rc == 0)
		st->sp_depth--;
	return rc;
}

void store_rollback_to(struct store *st)
{
	if (st->sp_depth == 0)
		return;
	run(st, S_ENTRY_ROLLBACK, NULL);
	run(st, S_ENTRY_RELEASE, NULL);
	st->sp_depth--;
	marks_rollback(st, &st->msp[st->sp_depth]);
	jcache_clear(st);
	st->ridgen++;
	load_applied(st, NULL);
}

/* ---- lookups shared with query.c */

static struct store_ridcache *ridcache_slot(struct store *st,
					    const char *id)
{
	uint64_t h = UINT64_C(1469598103934665603);

	if (!st->ridcache) {
		st->ridcache = px_calloc(STORE_RIDCACHE, sizeof(*st->ridcache));
		if (!st->ridcache)
			return NULL; /* only slower */
	}
	/* FNV-1a over the id's last bytes (hex digits of its hash) */
	for (size_t n = strlen(id), i = n > 16 ? n - 16 : 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * UINT64_C(1099511628211);
	return &st->ridcache[h & (STORE_RIDCACHE - 1)];
}

int64_t store_rid(struct store *st, const char *id, int *kind,
		  int *withdrawn, struct px_err *err)
{
	struct store_ridcache *c = NULL;
	sqlite3_stmt *s;
	int64_t rid = 0;
	int rc;

	/* withdrawn can change; the rest of a known record cannot */
	if (!withdrawn && strlen(id) < REC_ID_SIZE) {
		c = ridcache_slot(st, id);
		if (c && c->gen == st->ridgen && strcmp(c->id, id) == 0) {
			if (kind)
				*kind = c->kind;
			return c->rid;
		}
	}
	s = store_stmt(st, S_RID_BY_ID, err);
	if (!s)
		return err ? err->code : PX_EIO;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rid = sqlite3_column_int64(s, 0);
		if (kind)
			*kind = sqlite3_column_int(s, 1);
		if (withdrawn)
			*withdrawn = sqlite3_column_int(s, 2);
		if (c) {
			c->gen = st->ridgen;
			c->kind = sqlite3_column_int(s, 1);
			c->rid = rid;
			snprintf(c->id, sizeof(c->id), "%s", id);
		}
	} else if (rc != SQLITE_DONE) {
		rid = store_sqlerr(st, rc, "looking up a record", err);
	}
	sqlite3_reset(s);
	return rid;
}

/* rec_resolve_cb over the records table: withdrawn records exist too. */
static int resolve(void *ctx, const char *id, enum rec_kind kind,
		   struct px_err *err)
{
	int64_t rid = store_rid(ctx, id, NULL, NULL, err);

	(void)kind; /* the id's prefix names its kind */
	if (rid < 0)
		return (int)rid;
	return rid ? 0 : PX_ENOTFOUND;
}

/* ---- verifier keys */

static struct store_vcache *vcache_slot(struct store *st, int64_t rid)
{
	return &st->vcache[(uint64_t)rid % STORE_VCACHE];
}

/* The verifier of party `party_id` (current, not withdrawn). */
static int party_verifier(struct store *st, const char *party_id,
			  struct note_verifier *out, int64_t *rid_out,
			  struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_PARTY, err);
	struct store_vcache *slot;
	const char *key;
	size_t klen;
	int64_t rid;
	int rc, withdrawn;

	if (!s)
		return err->code;
	sqlite3_bind_text(s, 1, party_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return px_errorf(err, PX_EVERIFY,
				 "filed_by: no party record \"%s\" to verify "
				 "the signature with",
				 party_id);
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlerr(st, rc, "looking up a party", err);
		sqlite3_reset(s);
		return rc;
	}
	rid = sqlite3_column_int64(s, 0);
	key = (const char *)sqlite3_column_text(s, 1);
	klen = (size_t)sqlite3_column_bytes(s, 1);
	withdrawn = sqlite3_column_int(s, 2);
	if (withdrawn || !key) {
		sqlite3_reset(s);
		return px_errorf(err, PX_EVERIFY,
				 "filed_by: party \"%s\" is withdrawn and can "
				 "no longer file",
				 party_id);
	}
	if (rid_out)
		*rid_out = rid;
	slot = vcache_slot(st, rid);
	if (slot->rid == rid && slot->key && strlen(slot->key) == klen &&
	    memcmp(slot->key, key, klen) == 0) {
		*out = slot->v;
		sqlite3_reset(s);
		return 0;
	}
	rc = note_verifier_parse(key, klen, out, err);
	if (rc == 0) {
		char *copy = px_strndup(key, klen);
		if (copy) {
			px_free(slot->key);
			slot->key = copy;
			slot->rid = rid;
			slot->v = *out;
		}
	} else {
		px_err_prefix(err, "party \"%s\": key", party_id);
		rc = PX_ECORRUPT;
	}
	sqlite3_reset(s);
	return rc;
}

int store_party_key(struct store *st, const char *party_id,
		    struct note_verifier *out, struct px_err *err)
{
	struct px_err e;
	int rc;

	if (!err) {
		px_err_clear(&e);
		err = &e;
	}
	rc = party_verifier(st, party_id, out, NULL, err);
	if (rc == PX_EVERIFY && strstr(err->msg, "no party record"))
		rc = px_errorf(err, PX_ENOTFOUND, "no party \"%s\"", party_id);
	return rc;
}

/* ---- checking an entry */

/*
 * The string value of the top-level member `name` of the JSON object in
 * text[0..len), copied raw into out; 0 if absent or not a plain string.
 * Only a hint for choosing the verifier: the validated record's filed_by
 * is compared with it afterwards.
 */
static int scan_member(const char *text, size_t len, const char *name,
		       char *out, size_t cap)
{
	size_t i, nlen = strlen(name);
	int depth = 0, expect_key = 0;

	out[0] = '\0';
	for (i = 0; i < len; i++) {
		char c = text[i];
		if (c == '"') {
			size_t start = ++i;
			while (i < len && text[i] != '"')
				i += text[i] == '\\' ? 2 : 1;
			if (i >= len)
				return 0;
			if (depth == 1 && expect_key && i - start == nlen &&
			    memcmp(text + start, name, nlen) == 0 &&
			    i + 2 < len && text[i + 1] == ':' &&
			    text[i + 2] == '"') {
				size_t v = i + 3, e = v;
				while (e < len && text[e] != '"' &&
				       text[e] != '\\')
					e++;
				if (e >= len || text[e] != '"' ||
				    e - v >= cap)
					return 0;
				memcpy(out, text + v, e - v);
				out[e - v] = '\0';
				return 1;
			}
			expect_key = 0;
		} else if (c == '{') {
			depth++;
			expect_key = depth == 1;
		} else if (c == '[') {
			depth++;
			expect_key = 0;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',') {
			expect_key = depth == 1;
		}
	}
	return 0;
}

/* What check_entry learns and write_entry needs. */
struct apply_ctx {
	struct note note;
	struct rec rec;
	int have_note, have_rec;
	int64_t rid;	     /* the record's rid (index + 1 for a new one) */
	int64_t prev_latest; /* revision being replaced; 0 for a new record */
	int first;	     /* a first revision */
	char record_id[REC_ID_SIZE];
	char scanned_by[REC_ID_SIZE];
};

static void ctx_release(struct apply_ctx *c)
{
	if (c->have_note)
		note_release(&c->note);
	if (c->have_rec)
		rec_release(&c->rec);
	c->have_note = c->have_rec = 0;
}

static int is_refusal(int rc)
{
	return rc == PX_EINVAL || rc == PX_EVERIFY || rc == PX_ECONFLICT ||
	       rc == PX_EEXIST || rc == PX_ENOTFOUND || rc == PX_ETOOBIG;
}

static int check_revision(struct store *st, struct apply_ctx *c,
			  uint64_t index, struct px_err *err)
{
	const struct rec_info *info = &c->rec.info;
	const char *owner = rec_info_owner(info);
	sqlite3_stmt *s;
	int64_t rid;
	int rc;

	if (!info->revises[0]) {
		if (info->kind == REC_PARTY && info->filed_by[0])
			return px_errorf(err, PX_EINVAL,
					 "filed_by: a party is registered by "
					 "the log operator's key (leave "
					 "filed_by out)");
		rid = store_rid(st, info->id, NULL, NULL, err);
		if (rid < 0)
			return (int)rid;
		if (rid > 0)
			return px_errorf(err, PX_EEXIST,
					 "record \"%s\" already exists (the "
					 "same first revision was filed before)",
					 info->id);
		/* No revision has this id either: a first revision's id is
		 * its record's, and any later revision's text names the one
		 * it revises, so its hash differs. */
		c->first = 1;
		c->rid = (int64_t)index + 1;
		memcpy(c->record_id, info->id, REC_ID_SIZE);
		return 0;
	}

	s = store_stmt(st, S_REV_BY_ID, err);
	if (!s)
		return err->code;
	sqlite3_bind_text(s, 1, info->revises, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return px_errorf(err, PX_ENOTFOUND,
				 "revises: no revision \"%s\"", info->revises);
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlerr(st, rc, "looking up a revision", err);
		sqlite3_reset(s);
		return rc;
	}
	{
		int64_t vidx = sqlite3_column_int64(s, 0);
		int64_t latest = sqlite3_column_int64(s, 3);
		int withdrawn = sqlite3_column_int(s, 4);
		const char *rec_id = (const char *)sqlite3_column_text(s, 2);
		const char *rec_owner = (const char *)sqlite3_column_text(s, 5);
		const char *latest_id = (const char *)sqlite3_column_text(s, 6);

		rid = sqlite3_column_int64(s, 1);
		snprintf(c->record_id, sizeof(c->record_id), "%s",
			 rec_id ? rec_id : "");
		if (withdrawn)
			rc = px_errorf(err, PX_ECONFLICT,
				       "revises: record \"%s\" is withdrawn "
				       "and cannot be revised (file a new "
				       "record instead)",
				       rec_id);
		else if (vidx != latest)
			rc = px_errorf(err, PX_ECONFLICT,
				       "revises: stale revision: \"%s\" is not "
				       "the latest revision of \"%s\" (the "
				       "latest is \"%s\")",
				       info->revises, rec_id, latest_id);
		else if (info->kind == REC_PARTY && !info->filed_by[0])
			rc = 0; /* the operator revises a party */
		else if (!rec_owner || strcmp(owner, rec_owner) != 0)
			rc = px_errorf(
			    err, PX_EVERIFY,
			    "only the owner of \"%s\" (%s) may revise or "
			    "withdraw it, or an editor filing with acting_for "
			    "set to the owner; this revision is filed for "
			    "\"%s\"",
			    rec_id, rec_owner ? rec_owner : "none", owner);
		else
			rc = 0;
		c->prev_latest = latest;
	}
	sqlite3_reset(s);
	if (rc < 0)
		return rc;
	c->rid = rid;

	/* a place must not come to lie within itself */
	if (info->kind == REC_PLACE && !info->withdrawn) {
		json_t *parent = json_object_get(c->rec.json, "parent");
		if (parent) {
			int64_t prid = store_rid(st, json_string_value(parent),
						 NULL, NULL, err);
			if (prid < 0)
				return (int)prid;
			rc = store_within_rid(st, prid, rid);
			if (rc < 0)
				return store_sqlerr(st, SQLITE_ERROR,
						    "walking the place "
						    "hierarchy",
						    err);
			if (rc == 1)
				return px_errorf(err, PX_EINVAL,
						 "parent: \"%s\" lies within "
						 "this place (a place cannot "
						 "contain itself)",
						 json_string_value(parent));
		}
	}
	return 0;
}

/* The note text of an entry (signed-note: it ends at the last blank
 * line), with its final newline; 0 when there is no blank line. */
static size_t note_text_len(const uint8_t *entry, size_t len)
{
	size_t split;

	for (split = len; split > 1; split--)
		if (entry[split - 1] == '\n' && entry[split - 2] == '\n')
			return split - 1;
	return 0;
}

/*
 * The verifier store_apply would check `entry` with now (step 1 above):
 * the operator key for a party registration, else the current key of the
 * party the text names in filed_by.  *tlen is the length of the note text
 * with its final newline.
 */
static int entry_verifier(struct store *st, const uint8_t *entry, size_t len,
			  const struct note_verifier *operator_key,
			  char scanned_by[REC_ID_SIZE], size_t *tlen,
			  struct note_verifier *v, struct px_err *err)
{
	int rc;

	*tlen = note_text_len(entry, len);
	if (!*tlen)
		return px_errorf(err, PX_EVERIFY,
				 "entry: no signature (not a signed note: no "
				 "blank line before signature lines)");
	scan_member((const char *)entry, *tlen, "filed_by", scanned_by,
		    REC_ID_SIZE);

	if (scanned_by[0]) {
		rc = party_verifier(st, scanned_by, v, NULL, err);
		if (rc < 0)
			return rc;
	} else if (operator_key) {
		*v = *operator_key;
	} else {
		return px_errorf(err, PX_EVERIFY,
				 "entry: no operator key to verify a party "
				 "registration with");
	}
	return 0;
}

static int same_verifier(const struct note_verifier *a,
			 const struct note_verifier *b)
{
	return a->id == b->id && a->alg == b->alg &&
	       memcmp(a->pub, b->pub, sizeof(a->pub)) == 0 &&
	       strcmp(a->name, b->name) == 0;
}

int store_entry_key(struct store *st, const uint8_t *entry, size_t len,
		    const struct note_verifier *operator_key,
		    struct note_verifier *out, struct px_err *err)
{
	char scanned[REC_ID_SIZE];
	struct px_err local;
	size_t tlen;

	if (!err) {
		px_err_clear(&local);
		err = &local;
	}
	return entry_verifier(st, entry, len, operator_key, scanned, &tlen,
			      out, err);
}

void store_prepare(const uint8_t *entry, size_t len, struct store_prep *prep)
{
	size_t tlen = note_text_len(entry, len);
	struct note n;

	prep->verified = 0;
	prep->parsed = 0;
	if (prep->have_key) {
		px_err_clear(&prep->err);
		if (note_open(entry, len, &prep->key, 1, &n, &prep->err) == 0) {
			note_release(&n);
			prep->verified = 1;
		}
	}
	if (tlen < 2)
		return; /* check_entry says why */
	px_err_clear(&prep->err);
	prep->rc = rec_parse_canonical((const char *)entry, tlen - 1, NULL,
				       &prep->rec, &prep->err);
	prep->parsed = 1;
}

void store_prep_release(struct store_prep *prep)
{
	if (prep->parsed && prep->rc == 0)
		rec_release(&prep->rec);
	prep->parsed = 0;
	prep->verified = 0;
}

static int check_entry(struct store *st, uint64_t index, const uint8_t *entry,
		       size_t len, const struct note_verifier *operator_key,
		       struct store_prep *prep, struct apply_ctx *c,
		       struct px_err *err)
{
	struct rec_resolver res = {resolve, st};
	struct note_verifier v;
	size_t tlen;
	int rc;

	rc = entry_verifier(st, entry, len, operator_key, c->scanned_by,
			    &tlen, &v, err);
	if (rc < 0)
		return rc;
	/* a prepared entry whose signature verified with this very key
	 * (store_prepare) is not checked again */
	if (!prep || !prep->verified || !same_verifier(&prep->key, &v)) {
		rc = note_open(entry, len, &v, 1, &c->note, err);
		if (rc < 0) {
			px_err_prefix(err, "signature (%s)",
				      c->scanned_by[0] ? c->scanned_by
						       : "log operator");
			return rc;
		}
		c->have_note = 1; /* its text is entry[0..tlen) */
	}
	if (tlen < 2 || entry[tlen - 1] != '\n')
		return px_errorf(err, PX_EINVAL, "entry: empty note text");
	if (prep && prep->parsed) {
		rc = prep->rc;
		if (rc < 0) {
			*err = prep->err;
			return rc;
		}
		c->rec = prep->rec; /* taken over */
		prep->parsed = 0;
	} else {
		rc = rec_parse_canonical((const char *)entry, tlen - 1, NULL,
					 &c->rec, err);
		if (rc < 0)
			return rc;
	}
	c->have_rec = 1;
	rc = rec_check_refs(&c->rec, &res, err);
	if (rc < 0)
		return rc;
	if (strcmp(c->rec.info.filed_by, c->scanned_by) != 0)
		return px_errorf(err, PX_EVERIFY,
				 "filed_by: the entry was checked against "
				 "\"%s\"",
				 c->scanned_by);
	return check_revision(st, c, index, err);
}

/* ---- writing an entry */

struct cols {
	const char *t_start, *t_end, *etype, *pkey;
	int64_t place, parent, event, event2;
};

static const char *jstr(const json_t *obj, const char *path)
{
	/* path: "a.b.c" through objects */
	char key[64];
	const json_t *v = obj;

	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path += n + (dot ? 1 : 0);
	}
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int ref_rid(struct store *st, const char *id, int64_t *out,
		   struct px_err *err)
{
	int64_t rid;

	*out = 0;
	if (!id)
		return 0;
	rid = store_rid(st, id, NULL, NULL, err);
	if (rid < 0)
		return (int)rid;
	*out = rid;
	return 0;
}

static int extract_cols(struct store *st, const struct apply_ctx *c,
			struct cols *k, struct px_err *err)
{
	const json_t *r = c->rec.json;
	int rc = 0;

	memset(k, 0, sizeof(*k));
	switch (c->rec.info.kind) {
	case REC_PARTY:
		k->pkey = jstr(r, "key");
		break;
	case REC_EVENT:
		k->t_start = jstr(r, "time.start");
		k->t_end = jstr(r, "time.end");
		k->etype = jstr(r, "type");
		rc = ref_rid(st, jstr(r, "place.place"), &k->place, err);
		break;
	case REC_ACCOUNT:
		k->t_start = jstr(r, "claims.time.start");
		k->t_end = jstr(r, "claims.time.end");
		k->etype = jstr(r, "claims.type.type");
		rc = ref_rid(st, jstr(r, "claims.place.place"), &k->place, err);
		if (rc == 0)
			rc = ref_rid(st, jstr(r, "event"), &k->event, err);
		break;
	case REC_PLACE:
		k->place = c->rid;
		rc = ref_rid(st, jstr(r, "parent"), &k->parent, err);
		break;
	case REC_PERSON:
		rc = ref_rid(st, jstr(r, "origin"), &k->place, err);
		break;
	case REC_EVIDENCE:
		rc = ref_rid(st, jstr(r, "capture_place"), &k->place, err);
		break;
	case REC_RELATION: {
		const char *from = jstr(r, "from");
		rc = ref_rid(st, jstr(r, "to"), &k->event, err);
		if (rc == 0 && from && strncmp(from, "event-", 6) == 0)
			rc = ref_rid(st, from, &k->event2, err);
		break;
	}
	default:
		break;
	}
	return rc;
}

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void bind_opt_rid(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static int step_done(struct store *st, sqlite3_stmt *s, const char *what,
		     struct px_err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_sqlerr(st, rc, what, err);
	return 0;
}

/* Run a cached statement that returns no rows. */
static int run(struct store *st, enum store_stmt which, struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, which, err);

	if (!s)
		return err ? err->code : PX_EIO;
	return step_done(st, s, stmt_sql[which], err);
}

/* ---- full-text rows */

struct ftsdoc {
	struct px_buf text[SF_COUNT];
	struct px_buf keys[SF_COUNT];
};

static int add_text(struct px_buf *b, const char *s)
{
	if (!s || !*s)
		return 0;
	if (b->len && px_buf_addstr(b, " · ") < 0)
		return PX_ENOMEM;
	return px_buf_addstr(b, s) < 0 ? PX_ENOMEM : 0;
}

static int add_name(struct ftsdoc *d, const char *name)
{
	char key[NAMES_KEY_MAX];
	int rc;

	if (!name)
		return 0;
	rc = add_text(&d->text[SF_NAMES], name);
	if (rc == 0 && names_key(name, strlen(name), key, NULL) == 0 && key[0])
		rc = add_text(&d->keys[SF_NAMES], key);
	return rc;
}

static int add_names(struct ftsdoc *d, const json_t *arr)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < json_array_size(arr); i++)
		rc = add_name(d, jstr(json_array_get(arr, i), "name"));
	return rc;
}

static int add_actors(struct px_buf *b, const json_t *actors)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < json_array_size(actors); i++)
		rc = add_text(b, jstr(json_array_get(actors, i), "name"));
	return rc;
}

static int fts_collect(const json_t *r, enum rec_kind kind, struct ftsdoc *d)
{
	struct px_buf *notes = &d->text[SF_NOTES];
	int rc = add_text(notes, jstr(r, "comment"));
	size_t i;

	switch (kind) {
	case REC_PARTY:
		if (rc == 0)
			rc = add_text(&d->text[SF_TITLE], jstr(r, "name"));
		if (rc == 0)
			rc = add_name(d, jstr(r, "name"));
		if (rc == 0)
			rc = add_names(d, json_object_get(r, "names"));
		if (rc == 0)
			rc = add_text(notes, jstr(r, "affiliation"));
		if (rc == 0)
			rc = add_text(notes, jstr(r, "description"));
		break;
	case REC_SOURCE:
		if (rc == 0)
			rc = add_text(&d->text[SF_TITLE], jstr(r, "title"));
		if (rc == 0)
			rc = add_text(notes, jstr(r, "author"));
		if (rc == 0)
			rc = add_text(notes, jstr(r, "outlet"));
		break;
	case REC_EVENT:
		if (rc == 0)
			rc = add_text(&d->text[SF_TITLE], jstr(r, "title"));
		break;
	case REC_ACCOUNT: {
		const json_t *tr = json_object_get(r, "translations");
		const json_t *cl = json_object_get(r, "claims");
		if (rc == 0)
			rc = add_text(&d->text[SF_NARRATIVE],
				      jstr(r, "narrative.text"));
		for (i = 0; rc == 0 && i < json_array_size(tr); i++)
			rc = add_text(&d->text[SF_TRANSLATIONS],
				      jstr(json_array_get(tr, i), "text"));
		if (rc == 0)
			rc = add_text(&d->text[SF_CHARACTERIZATION],
				      jstr(cl, "characterization.text"));
		if (rc == 0)
			rc = add_actors(&d->text[SF_ACTORS],
					json_object_get(json_object_get(
							    cl, "initiators"),
							"actors"));
		if (rc == 0)
			rc = add_actors(&d->text[SF_ACTORS],
					json_object_get(json_object_get(
							    cl, "targets"),
							"actors"));
		break;
	}
	case REC_PERSON:
	case REC_PLACE:
		if (rc == 0)
			rc = add_names(d, json_object_get(r, "names"));
		break;
	case REC_EVIDENCE:
		if (rc == 0)
			rc = add_text(&d->text[SF_TITLE], jstr(r, "filename"));
		if (rc == 0)
			rc = add_text(notes, jstr(r, "description"));
		if (rc == 0)
			rc = add_text(notes, jstr(r, "captured_by"));
		break;
	case REC_RELATION:
		if (rc == 0)
			rc = add_text(notes, jstr(r, "note"));
		break;
	default:
		break;
	}
	return rc;
}

static int fts_write(struct store *st, int64_t rid, const json_t *r,
		     enum rec_kind kind, struct px_err *err)
{
	struct ftsdoc d;
	sqlite3_stmt *s;
	int rc = 0, i;

	/* Delete the rows one rowid at a time: a DELETE of a rowid range
	 * opens a statement journal, and FTS5 flushes its buffer at every
	 * savepoint.  A record filed since the last flush has none. */
	if ((uint64_t)rid - 1 < st->fts_fresh) {
		int64_t old[STORE_FTS_SPAN];
		size_t nold = 0, j;
		s = store_stmt(st, S_FTS_PROBE, err);
		if (!s)
			return err->code;
		sqlite3_bind_int64(s, 1, STORE_FTS_ROWID(kind, rid, 0));
		sqlite3_bind_int64(
		    s, 2, STORE_FTS_ROWID(kind, rid, STORE_FTS_SPAN - 1));
		while ((rc = sqlite3_step(s)) == SQLITE_ROW &&
		       nold < STORE_FTS_SPAN)
			old[nold++] = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return store_sqlerr(st, rc, "reading search rows", err);
		for (j = 0; j < nold; j++) {
			s = store_stmt(st, S_FTS_DEL, err);
			if (!s)
				return err->code;
			sqlite3_bind_int64(s, 1, old[j]);
			rc = step_done(st, s, "deleting search rows", err);
			if (rc < 0)
				return rc;
		}
	}
	for (i = 0; i < SF_COUNT; i++) {
		px_buf_init(&d.text[i], REC_CANON_TEXT_MAX * 2);
		px_buf_init(&d.keys[i], REC_CANON_TEXT_MAX * 2);
	}
	rc = fts_collect(r, kind, &d);
	if (rc < 0)
		rc = px_errorf(err, rc, "store: collecting search text: %s",
			       px_strerror(rc));
	for (i = 0; rc == 0 && i < SF_COUNT; i++) {
		if (!d.text[i].len)
			continue;
		s = store_stmt(st, S_FTS_INS, err);
		if (!s) {
			rc = err->code;
			break;
		}
		sqlite3_bind_int64(s, 1, STORE_FTS_ROWID(kind, rid, i));
		sqlite3_bind_text(s, 2, (const char *)d.text[i].data,
				  (int)d.text[i].len, SQLITE_STATIC);
		if (d.keys[i].len)
			sqlite3_bind_text(s, 3, (const char *)d.keys[i].data,
					  (int)d.keys[i].len, SQLITE_STATIC);
		rc = step_done(st, s, "indexing search text", err);
	}
	for (i = 0; i < SF_COUNT; i++) {
		px_buf_release(&d.text[i]);
		px_buf_release(&d.keys[i]);
	}
	return rc;
}

/* ---- the disputed flag */

static int within_cb(void *ctx, const char *inner, const char *outer)
{
	return store_place_within(ctx, inner, outer) == 1;
}

/* Revision idx, parsed (a new reference); NULL with err set. */
static json_t *rev_json(struct store *st, int64_t idx, struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_REV_JSON, err);
	json_t *j = NULL;
	int rc;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, idx);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		j = store_parse_json((const char *)sqlite3_column_text(s, 0),
				     (size_t)sqlite3_column_bytes(s, 0), err);
	else if (rc == SQLITE_DONE)
		px_errorf(err, PX_ECORRUPT,
			  "store: revision %" PRId64 " missing", idx);
	else
		store_sqlerr(st, rc, "reading a revision", err);
	sqlite3_reset(s);
	return j;
}

/* The current accounts of an event as cmp_event reads them:
 * {"id", "owner", "index", "withdrawn": false, "record"}. */
static int event_accounts(struct store *st, int64_t event, json_t *arr,
			  struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_ACCOUNTS_LITE, err);
	int rc;

	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, event);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *rec = jcache_get(st, sqlite3_column_int64(s, 3),
					 sqlite3_column_int64(s, 4));
		json_t *o;
		if (rec)
			json_incref(rec);
		else
			rec = rev_json(st, sqlite3_column_int64(s, 4), err);
		if (!rec) {
			sqlite3_reset(s);
			return err->code;
		}
		o = json_pack("{s:s,s:s?,s:I,s:b,s:o}", "id",
			      (const char *)sqlite3_column_text(s, 0), "owner",
			      (const char *)sqlite3_column_text(s, 1), "index",
			      (json_int_t)sqlite3_column_int64(s, 2),
			      "withdrawn", 0, "record", rec);
		if (!o || json_array_append_new(arr, o) < 0) {
			sqlite3_reset(s);
			return px_errorf(err, PX_ENOMEM,
					 "store: out of memory");
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_sqlerr(st, rc, "listing an event's accounts", err);
	return 0;
}

static int recompute_disputed(struct store *st, int64_t event,
			      struct px_err *err)
{
	struct cmp_places places = {within_cb, st};
	sqlite3_stmt *s;
	json_t *arr = json_array(), *cmp = NULL;
	int rc, disputed = 0;

	if (!arr)
		return px_errorf(err, PX_ENOMEM, "store: out of memory");
	rc = event_accounts(st, event, arr, err);
	/* one account alone cannot disagree with anyone */
	if (rc == 0 && json_array_size(arr) >= 2) {
		rc = cmp_event(arr, &places, &cmp, err);
		if (rc == 0)
			disputed = json_is_true(json_object_get(cmp, "disputed"));
	}
	if (rc == 0) {
		s = store_stmt(st, S_SET_DISPUTED, err);
		if (!s) {
			rc = err->code;
		} else {
			sqlite3_bind_int64(s, 1, event);
			sqlite3_bind_int(s, 2, disputed);
			rc = step_done(st, s, "setting the disputed flag", err);
		}
	}
	json_decref(arr);
	json_decref(cmp);
	return rc;
}

/* Note derived data of rid to bring up to date (storeint.h, marks). */
static int mark(struct store *st, int what, int64_t rid, struct px_err *err)
{
	if (px_grow(&st->marks, &st->mcap, st->mn + 1, sizeof(*st->marks),
		    1024))
		return px_errorf(err, PX_ENOMEM, "store: out of memory");
	st->marks[st->mn].what = what;
	st->marks[st->mn++].rid = rid;
	st->dirty = 1;
	return 0;
}

static int mark_cmp(const void *a, const void *b)
{
	const struct store_mark *x = a, *y = b;

	if (x->what != y->what)
		return x->what < y->what ? -1 : 1;
	return x->rid < y->rid ? -1 : x->rid > y->rid;
}

static int fts_rebuild(struct store *st, int64_t rid, struct px_err *err)
{
	struct store_jcache *e = jcache_find(st, rid);
	sqlite3_stmt *s;
	json_t *r;
	int rc, kind;

	/* a record marked was applied in this transaction: its cache entry,
	 * when there is one, is its current revision (storeint.h) */
	if (e) {
		rc = fts_write(st, rid, e->json, (enum rec_kind)e->kind, err);
		return rc;
	}
	s = store_stmt(st, S_REC_CURRENT, err);
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, rid);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
			 ? px_errorf(err, PX_ECORRUPT,
				     "store: dirty record %" PRId64 " missing",
				     rid)
			 : store_sqlerr(st, rc, "reading a record", err);
		sqlite3_reset(s);
		return rc;
	}
	kind = sqlite3_column_int(s, 0);
	r = store_parse_json((const char *)sqlite3_column_text(s, 1),
			     (size_t)sqlite3_column_bytes(s, 1), err);
	sqlite3_reset(s);
	if (!r)
		return err->code;
	rc = fts_write(st, rid, r, (enum rec_kind)kind, err);
	json_decref(r);
	return rc;
}

int store_flush(struct store *st, struct px_err *err)
{
	struct px_err local;
	struct store_mark *m;
	size_t n, i;
	int rc = 0;

	if (!err) {
		px_err_clear(&local);
		err = &local;
	}
	if (!st->dirty || st->readonly)
		return 0;
	/* full-text rows first, then disputed flags, each in rid order and
	 * once: the same writes whatever order the marks were made in */
	m = st->marks + st->mdone;
	n = st->mn - st->mdone;
	qsort(m, n, sizeof(*m), mark_cmp);
	for (i = 0; rc == 0 && i < n; i++) {
		int64_t rid = m[i].rid;
		if (i && m[i].what == m[i - 1].what && rid == m[i - 1].rid)
			continue;
		if (m[i].what == 0) {
			rc = fts_rebuild(st, rid, err);
			/* every record filed since the last flush is marked */
			if (st->fts_fresh < (uint64_t)rid)
				st->fts_fresh = (uint64_t)rid;
		} else {
			rc = recompute_disputed(st, rid, err);
		}
	}
	if (rc)
		return rc;
	/* inside a savepoint the marks stay, flushed, until the savepoint
	 * ends: rolling it back undoes this flush's writes too */
	if (st->sp_depth)
		st->mdone = st->mn;
	else
		st->mn = st->mdone = 0;
	st->dirty = 0;
	return 0;
}

static int recompute_for_place(struct store *st, int64_t place,
			       struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_AFFECTED_EVENTS, err);
	int64_t *events = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, place);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int64_t *bigger =
			    px_realloc(events, ncap * sizeof(*events));
			if (!bigger) {
				sqlite3_reset(s);
				px_free(events);
				return px_errorf(err, PX_ENOMEM,
						 "store: out of memory");
			}
			events = bigger;
			cap = ncap;
		}
		events[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		px_free(events);
		return store_sqlerr(st, rc, "finding affected events", err);
	}
	rc = 0;
	for (i = 0; rc == 0 && i < n; i++)
		rc = mark(st, 1, events[i], err);
	px_free(events);
	return rc;
}

static int64_t record_event(struct store *st, int64_t rid, struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_REC_EVENT, err);
	int64_t ev = 0;
	int rc;

	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, rid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ev = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		ev = store_sqlerr(st, rc, "reading an account", err);
	sqlite3_reset(s);
	return ev;
}

static int write_entry(struct store *st, uint64_t index, struct apply_ctx *c,
		       struct px_err *err)
{
	const struct rec_info *info = &c->rec.info;
	sqlite3_stmt *s;
	struct cols k;
	int64_t owner = 0, old_event = 0;
	int rc;

	s = store_stmt(st, S_INS_REV, err);
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, (int64_t)index);
	sqlite3_bind_text(s, 2, info->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, c->rid);
	sqlite3_bind_text(s, 4, (const char *)c->rec.canon.data,
			  (int)c->rec.canon.len, SQLITE_STATIC);
	rc = step_done(st, s, "adding a revision", err);
	if (rc < 0)
		return rc;

	if (info->withdrawn) {
		s = store_stmt(st, S_WITHDRAW, err);
		if (!s)
			return err->code;
		sqlite3_bind_int64(s, 1, c->rid);
		sqlite3_bind_int64(s, 2, (int64_t)index);
		rc = step_done(st, s, "withdrawing a record", err);
		if (rc == 0 && info->kind == REC_ACCOUNT) {
			int64_t ev = record_event(st, c->rid, err);
			rc = ev < 0 ? (int)ev
				    : ev ? mark(st, 1, ev, err)
					 : 0;
		}
		return rc;
	}

	rc = extract_cols(st, c, &k, err);
	if (rc < 0)
		return rc;
	if (c->first) {
		if (info->kind == REC_PARTY)
			owner = c->rid;
		else
			rc = ref_rid(st, rec_info_owner(info), &owner, err);
		if (rc < 0)
			return rc;
		s = store_stmt(st, S_INS_REC, err);
		if (!s)
			return err->code;
		sqlite3_bind_text(s, 2, info->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, (int)info->kind);
		sqlite3_bind_int64(s, 4, owner);
	} else {
		if (info->kind == REC_ACCOUNT) {
			old_event = record_event(st, c->rid, err);
			if (old_event < 0)
				return (int)old_event;
		}
		s = store_stmt(st, S_UPD_REC, err);
		if (!s)
			return err->code;
	}
	sqlite3_bind_int64(s, 1, c->rid);
	sqlite3_bind_int64(s, 13, (int64_t)index);
	bind_opt_text(s, 5, k.t_start);
	bind_opt_text(s, 6, k.t_end);
	bind_opt_rid(s, 7, k.place);
	bind_opt_rid(s, 8, k.parent);
	bind_opt_rid(s, 9, k.event);
	bind_opt_rid(s, 10, k.event2);
	bind_opt_text(s, 11, k.etype);
	bind_opt_text(s, 12, k.pkey);
	rc = step_done(st, s, c->first ? "adding a record" : "revising a record",
		       err);
	if (rc == 0)
		rc = mark(st, 0, c->rid, err);
	if (rc == 0 && info->kind == REC_ACCOUNT) {
		rc = mark(st, 1, k.event, err);
		if (rc == 0 && old_event && old_event != k.event)
			rc = mark(st, 1, old_event, err);
	}
	if (rc == 0 && info->kind == REC_PLACE && !c->first)
		rc = recompute_for_place(st, c->rid, err);
	return rc;
}

static int record_refusal(struct store *st, uint64_t index, int code,
			  const char *msg, struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_INS_REFUSED, err);

	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, (int64_t)index);
	sqlite3_bind_int(s, 2, code);
	sqlite3_bind_text(s, 3, msg, -1, SQLITE_TRANSIENT);
	return step_done(st, s, "recording a refused entry", err);
}

int store_apply(struct store *st, uint64_t index, const uint8_t *entry,
		size_t len, const struct note_verifier *operator_key,
		int dry_run, struct store_applied *out, struct px_err *err)
{
	return store_apply_prepared(st, index, entry, len, operator_key, NULL,
				    dry_run, out, err);
}

int store_apply_prepared(struct store *st, uint64_t index,
			 const uint8_t *entry, size_t len,
			 const struct note_verifier *operator_key,
			 struct store_prep *prep, int dry_run,
			 struct store_applied *out, struct px_err *err)
{
	struct apply_ctx c;
	struct store_markpos mpos;
	struct px_err local;
	int rc, own_txn = 0, wrc;

	if (!err) {
		px_err_clear(&local);
		err = &local;
	}
	if (out)
		memset(out, 0, sizeof(*out));
	if (st->readonly)
		return px_errorf(err, PX_EUSAGE, "store: opened read-only");
	if (!dry_run && index != st->applied)
		return px_errorf(err, PX_EINVAL,
				 "store: entry %" PRIu64 " is not the next "
				 "to apply (%" PRIu64 ")",
				 index, st->applied);
	if (index >= (uint64_t)STORE_RID_MAX)
		return px_errorf(err, PX_ETOOBIG, "store: index %" PRIu64
				 " out of range", index);
	memset(&c, 0, sizeof(c));
	rc = check_entry(st, index, entry, len, operator_key, prep, &c, err);
	if (rc == 0 && out) {
		out->info = c.rec.info;
		memcpy(out->record_id, c.record_id, REC_ID_SIZE);
	}
	if (dry_run || (rc < 0 && !is_refusal(rc))) {
		ctx_release(&c);
		return rc;
	}

	if (sqlite3_get_autocommit(st->db)) {
		wrc = exec(st, "BEGIN IMMEDIATE", err);
		if (wrc < 0) {
			ctx_release(&c);
			return wrc;
		}
		own_txn = 1;
	}
	marks_at(st, &mpos);
	wrc = run(st, S_SP_BEGIN, err);
	if (wrc == 0) {
		if (rc < 0) {
			struct px_err e2;
			px_err_clear(&e2);
			wrc = record_refusal(st, index, rc, err->msg, &e2);
			if (wrc < 0)
				*err = e2;
		}
		else
			wrc = write_entry(st, index, &c, err);
		if (wrc == 0) {
			wrc = run(st, S_SP_RELEASE, err);
			if (wrc == 0 && rc == 0 && !c.rec.info.withdrawn)
				jcache_put(st, c.rid, (int64_t)index,
					   (int)c.rec.info.kind,
					   c.rec.json);
		} else {
			run(st, S_SP_ROLLBACK, NULL);
			marks_rollback(st, &mpos);
			st->ridgen++;
			run(st, S_SP_RELEASE, NULL);
		}
	}
	if (own_txn) {
		if (wrc == 0)
			wrc = store_flush(st, err);
		if (wrc == 0)
			wrc = exec(st, "COMMIT", err);
		else
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		if (wrc < 0)
			st->ridgen++;
		marks_clear(st);
		jcache_clear(st);
	}
	ctx_release(&c);
	if (wrc < 0)
		return wrc;
	st->applied = index + 1;
	return rc;
}
