/*
 * scan.c - the streaming scans of scan.h: one SQL statement per pass over
 * the accounts (or the events and their accounts) an export selects, and
 * one prepared statement for looking records up by id.
 *
 * The filters are the clauses query.c's add_filters writes for
 * store_list, checked in the same order with the same messages (from, to,
 * place, party), so an export that streams selects, orders and refuses
 * exactly what the paged store_list did:
 *   events   e.kind = event, e.withdrawn = 0, e.t_end >= from,
 *            e.t_start <= to, e.place within place (the parent links
 *            walked down), e.etype = type, and for party: e.owner = party
 *            or a current account of e is the party's;
 *            ordered by e.t_start, e.rid;
 *   accounts a.kind = account, a.withdrawn = 0, a.owner = party;
 *            ordered by a.rid.
 * Every user value is bound as a parameter; nothing user-given is ever
 * read as SQL.
 */
#include "store/scan.h"
#include "store/storeint.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SCAN_BINDS 8
/* The page cache while a scan is open, KiB: a pass reads each page once,
 * so a larger cache only costs the memory it grows into; the lookups'
 * index pages fit in it. */
#define SCAN_CACHE_KIB 8000

struct store_scan {
	struct store *st;
	sqlite3_stmt *pass;   /* the running pass, or NULL */
	sqlite3_stmt *lookup; /* current revision by record id */
	sqlite3_stmt *byrid;  /* id and current revision by rid */
	int done;
	int64_t cache_size; /* PRAGMA cache_size to restore; 0: unchanged */
};

/* The connection's PRAGMA cache_size (negative: KiB, positive: pages),
 * or 0 if it cannot be read. */
static int64_t cache_size(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA cache_size", -1, &s, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void set_cache_size(struct store *st, int64_t v)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size=%" PRId64, v);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int store_scan_new(struct store *st, struct store_scan **out,
		   struct px_err *err)
{
	struct store_scan *sc = px_calloc(1, sizeof(*sc));

	*out = NULL;
	if (!sc)
		return px_errorf(err, PX_ENOMEM, "store: out of memory");
	sc->st = st;
	/* a smaller page cache for as long as the scan is open (restored
	 * by store_scan_free); it only tunes memory, never what is read */
	sc->cache_size = cache_size(st);
	if (sc->cache_size < -SCAN_CACHE_KIB)
		set_cache_size(st, -SCAN_CACHE_KIB);
	else
		sc->cache_size = 0;
	/* and pages read through a memory map rather than copied by
	 * pread (restored too) */
	sqlite3_exec(st->db, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
	*out = sc;
	return 0;
}

void store_scan_free(struct store_scan *sc)
{
	if (!sc)
		return;
	sqlite3_finalize(sc->pass);
	sqlite3_finalize(sc->lookup);
	sqlite3_finalize(sc->byrid);
	if (sc->cache_size)
		set_cache_size(sc->st, sc->cache_size);
	sqlite3_exec(sc->st->db, "PRAGMA mmap_size=0", NULL, NULL, NULL);
	px_free(sc);
}

struct scan_binds {
	int n;
	const char *s[SCAN_BINDS]; /* NULL: the integer in i[] */
	int64_t i[SCAN_BINDS];
};

static void bind_text(struct scan_binds *b, const char *s)
{
	b->s[b->n] = s;
	b->i[b->n++] = 0;
}

static void bind_int(struct scan_binds *b, int64_t i)
{
	b->s[b->n] = NULL;
	b->i[b->n++] = i;
}

/*
 * The " AND ..." clauses on the events (alias e) for q, and the rid of
 * q->party in *party (0 for none).  with_party: also the party clause on
 * the events (the accounts pass filters the accounts themselves).
 */
static int event_filters(struct store *st, const struct store_query *q,
			 int with_party, struct px_buf *sql,
			 struct scan_binds *b, int64_t *party,
			 struct px_err *err)
{
	int rc = 0;

	*party = 0;
	if (q->from) {
		if (!store_valid_date(q->from))
			return px_errorf(err, PX_EINVAL,
					 "from: must be a date YYYY-MM-DD, not "
					 "\"%s\"",
					 q->from);
		rc |= px_buf_addstr(sql, " AND e.t_end>=?");
		bind_text(b, q->from);
	}
	if (q->to) {
		if (!store_valid_date(q->to))
			return px_errorf(err, PX_EINVAL,
					 "to: must be a date YYYY-MM-DD, not "
					 "\"%s\"",
					 q->to);
		rc |= px_buf_addstr(sql, " AND e.t_start<=?");
		bind_text(b, q->to);
	}
	if (q->place) {
		int64_t rid = store_need_rid(st, "place", q->place, err);

		if (rid < 0)
			return (int)rid;
		rc |= px_buf_addstr(sql, " AND e.place IN " STORE_DOWN_SQL);
		bind_int(b, rid);
	}
	if (q->party) {
		*party = store_need_rid(st, "party", q->party, err);
		if (*party < 0)
			return (int)*party;
		if (with_party) {
			rc |= px_buf_addf(
			    sql,
			    " AND (e.owner=? OR EXISTS (SELECT 1 FROM records "
			    "p WHERE p.event=e.rid AND p.kind=%d AND "
			    "p.withdrawn=0 AND p.owner=?))",
			    REC_ACCOUNT);
			bind_int(b, *party);
			bind_int(b, *party);
		}
	}
	if (q->type) {
		rc |= px_buf_addstr(sql, " AND e.etype=?");
		bind_text(b, q->type);
	}
	return rc ? px_errorf(err, PX_ENOMEM, "store: out of memory") : 0;
}

int store_scan_start(struct store_scan *sc, enum store_scan_what what,
		     const struct store_query *q, struct px_err *err)
{
	struct store *st = sc->st;
	struct scan_binds b;
	struct px_buf sql;
	int64_t party = 0;
	int rc = 0;

	sqlite3_finalize(sc->pass);
	sc->pass = NULL;
	sc->done = 0;
	memset(&b, 0, sizeof(b));
	px_buf_init(&sql, 8192);
	if (what == STORE_SCAN_ACCOUNTS) {
		int by_event = q->from || q->to || q->place || q->type;
		struct px_buf ef;

		px_buf_init(&ef, 4096);
		rc = event_filters(st, q, 0, &ef, &b, &party, err);
		/* the event is joined only to be filtered: most accounts
		 * claim what the export needs of it (store_scan_record) */
		if (rc == 0 &&
		    px_buf_addf(&sql,
				"SELECT a.rid, a.id, o.id, ac.json, a.event, "
				"NULL, NULL FROM records a JOIN revisions ac "
				"ON ac.idx=a.current LEFT JOIN records o ON "
				"o.rid=a.owner%s WHERE a.kind=%d AND "
				"a.withdrawn=0",
				by_event ? " JOIN records e ON e.rid=a.event"
					 : "",
				REC_ACCOUNT))
			rc = PX_ENOMEM;
		if (rc == 0 && by_event &&
		    (px_buf_addf(&sql, " AND e.kind=%d AND e.withdrawn=0",
				 REC_EVENT) ||
		     (ef.len && px_buf_add(&sql, ef.data, ef.len))))
			rc = PX_ENOMEM;
		/* the event's clauses bind first, the owner's after them */
		if (rc == 0 && party && px_buf_addstr(&sql, " AND a.owner=?"))
			rc = PX_ENOMEM;
		if (rc == 0 && px_buf_addstr(&sql, " ORDER BY a.rid"))
			rc = PX_ENOMEM;
		px_buf_release(&ef);
		if (party)
			bind_int(&b, party);
	} else {
		if (px_buf_addf(&sql,
				"SELECT a.rid, a.id, o.id, ac.json, e.rid, "
				"e.id, ec.json FROM records e JOIN revisions "
				"ec ON ec.idx=e.current LEFT JOIN records a "
				"ON a.event=e.rid AND a.kind=%d AND "
				"a.withdrawn=0 LEFT JOIN revisions ac ON "
				"ac.idx=a.current LEFT JOIN records o ON "
				"o.rid=a.owner WHERE e.kind=%d AND "
				"e.withdrawn=0",
				REC_ACCOUNT, REC_EVENT))
			rc = PX_ENOMEM;
		if (rc == 0)
			rc = event_filters(st, q, 1, &sql, &b, &party, err);
		if (rc == 0 &&
		    px_buf_addstr(&sql, " ORDER BY e.t_start, e.rid, a.rid"))
			rc = PX_ENOMEM;
	}
	if (rc == PX_ENOMEM)
		rc = px_errorf(err, PX_ENOMEM, "store: out of memory");
	if (rc == 0) {
		int src = sqlite3_prepare_v2(st->db, (const char *)sql.data,
					     (int)sql.len, &sc->pass, NULL);

		if (src != SQLITE_OK)
			rc = store_sqlerr(st, src, "preparing a scan", err);
	}
	px_buf_release(&sql);
	if (rc < 0)
		return rc;
	for (int i = 0; i < b.n; i++) {
		if (b.s[i])
			sqlite3_bind_text(sc->pass, i + 1, b.s[i], -1,
					  SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(sc->pass, i + 1, b.i[i]);
	}
	return 0;
}

int store_scan_next(struct store_scan *sc, struct store_scan_row *row,
		    struct px_err *err)
{
	sqlite3_stmt *s = sc->pass;
	int rc;

	memset(row, 0, sizeof(*row));
	if (!s || sc->done)
		return 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sc->done = 1;
		sqlite3_reset(s); /* ends the statement's read */
		return 0;
	}
	if (rc != SQLITE_ROW)
		return store_sqlerr(sc->st, rc, "scanning records", err);
	row->rid = sqlite3_column_int64(s, 0);
	row->id = (const char *)sqlite3_column_text(s, 1);
	row->owner = (const char *)sqlite3_column_text(s, 2);
	row->json = (const char *)sqlite3_column_text(s, 3);
	row->len = (size_t)sqlite3_column_bytes(s, 3);
	row->event_rid = sqlite3_column_int64(s, 4);
	row->event_id = (const char *)sqlite3_column_text(s, 5);
	row->event_json = (const char *)sqlite3_column_text(s, 6);
	row->event_len = (size_t)sqlite3_column_bytes(s, 6);
	if (!row->json)
		row->len = 0;
	if (!row->event_json)
		row->event_len = 0;
	return 1;
}

int store_scan_current(struct store_scan *sc, const char *id, const char **json,
		       size_t *len, struct px_err *err)
{
	int rc;

	*json = NULL;
	*len = 0;
	if (!sc->lookup) {
		rc = sqlite3_prepare_v2(sc->st->db,
					"SELECT c.json FROM records r JOIN "
					"revisions c ON c.idx=r.current WHERE "
					"r.id=?1",
					-1, &sc->lookup, NULL);
		if (rc != SQLITE_OK)
			return store_sqlerr(sc->st, rc, "preparing a lookup",
					    err);
	} else {
		sqlite3_reset(sc->lookup);
	}
	sqlite3_bind_text(sc->lookup, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(sc->lookup);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_sqlerr(sc->st, rc, "looking up a record", err);
	*json = (const char *)sqlite3_column_text(sc->lookup, 0);
	*len = (size_t)sqlite3_column_bytes(sc->lookup, 0);
	return *json ? 1 : 0;
}

int store_scan_record(struct store_scan *sc, int64_t rid, const char **id,
		      const char **json, size_t *len, struct px_err *err)
{
	int rc;

	*id = *json = NULL;
	*len = 0;
	if (!sc->byrid) {
		rc = sqlite3_prepare_v2(sc->st->db,
					"SELECT r.id, c.json FROM records r "
					"JOIN revisions c ON c.idx=r.current "
					"WHERE r.rid=?1",
					-1, &sc->byrid, NULL);
		if (rc != SQLITE_OK)
			return store_sqlerr(sc->st, rc, "preparing a lookup",
					    err);
	} else {
		sqlite3_reset(sc->byrid);
	}
	sqlite3_bind_int64(sc->byrid, 1, rid);
	rc = sqlite3_step(sc->byrid);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_sqlerr(sc->st, rc, "looking up a record", err);
	*id = (const char *)sqlite3_column_text(sc->byrid, 0);
	*json = (const char *)sqlite3_column_text(sc->byrid, 1);
	*len = (size_t)sqlite3_column_bytes(sc->byrid, 1);
	return *id && *json ? 1 : 0;
}
