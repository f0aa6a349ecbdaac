/*
 * query.c - the reading side of the store: records as the JSON objects of
 * store.h (with history), entry status, filtered lists with cursor
 * pagination, full-text search in every script, the place hierarchy, the
 * comparison of an event's accounts, and counts.
 *
 * Lists and searches build their SQL from a fixed set of clauses
 * (add_filters) and bind every user value as a parameter; search words are
 * each quoted as an FTS5 string (fts_query), so no user text is ever read
 * as SQL or as FTS5 query syntax.
 *
 * Search order: first the records whose own text matches: by bm25 rank
 * (ties by rowid) when at most SEARCH_RANK_MAX texts match, else kind by
 * kind (events first, storeint.h) and newest first within a kind, so that
 * a common word costs one page rather than a ranking of a million texts
 * (a search for one kind reads only that kind's range of fts rowids);
 * then the events at, or within, each matched place (up to
 * SEARCH_PLACES places, best first), each place's events by start date.
 * Every record appears once.  A search cursor is the number of results
 * already returned.  Snippets come from FTS5's snippet() on the row that
 * matched, computed in the same pass (a separate snippet query per result
 * would search the index again for each).
 */
#include "store/storeint.h"

#include "compare/compare.h"
#include "names/names.h"

#include <inttypes.h>
#include <string.h>

#define LIST_DEFAULT 50
#define LIST_MAX 1000
#define SEARCH_TEXT_MAX 1000
#define SEARCH_TERMS_MAX 32
#define SEARCH_RANK_MAX 2000 /* rank by bm25 up to this many matches */
#define SEARCH_PLACES 100    /* matched places whose events are added */
#define SEARCH_SORT_MAX 5000 /* events at a place sorted, not walked */
/* the matching text with the match in [brackets] */
#define SNIPPET "snippet(fts, 0, '[', ']', '…', 16)"
#define PX_STR_(x) #x
#define PX_STR(x) PX_STR_(x)

static struct px_err *need_err(struct px_err *err, struct px_err *local)
{
	if (err)
		return err;
	px_err_clear(local);
	return local;
}

json_t *store_parse_json(const char *text, size_t len, struct px_err *err)
{
	json_error_t je;
	json_t *v = json_loadb(text, len, 0, &je);

	if (!v)
		px_errorf(err, PX_ECORRUPT, "store: stored JSON unreadable: %s",
			  je.text);
	return v;
}

static int oom(struct px_err *err)
{
	return px_errorf(err, PX_ENOMEM, "store: out of memory");
}

/*
 * Derived data (full-text rows, disputed flags) are brought up to date at
 * commit; a query that reads them inside an open write transaction brings
 * them up to date first.
 */
static int up_to_date(struct store *st, struct px_err *err)
{
	int rc;

	if (!st->dirty || st->readonly)
		return 0;
	if (!sqlite3_get_autocommit(st->db))
		return store_flush(st, err);
	rc = store_begin(st, err);
	if (rc == 0)
		rc = store_commit(st, err);
	if (rc < 0)
		store_rollback(st);
	return rc;
}

/* ---- records */

static int set_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static int add_history(struct store *st, int64_t rid, json_t *o,
		       struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_HISTORY, err);
	json_t *hist = json_array();
	int rc;

	if (!s || !hist) {
		json_decref(hist);
		return s ? oom(err) : err->code;
	}
	sqlite3_bind_int64(s, 1, rid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *rev = json_object();
		json_t *rj = store_parse_json(
		    (const char *)sqlite3_column_text(s, 2),
		    (size_t)sqlite3_column_bytes(s, 2), err);
		const json_t *af;
		if (!rev || !rj) {
			json_decref(rev);
			json_decref(rj);
			json_decref(hist);
			sqlite3_reset(s);
			return rj ? oom(err) : err->code;
		}
		set_str(rev, "revision",
			(const char *)sqlite3_column_text(s, 1));
		json_object_set_new(rev, "index",
				    json_integer(sqlite3_column_int64(s, 0)));
		json_object_set(rev, "filed_by",
				json_object_get(rj, "filed_by")
				    ? json_object_get(rj, "filed_by")
				    : json_null());
		af = json_object_get(rj, "acting_for");
		if (af)
			json_object_set(rev, "acting_for", (json_t *)af);
		json_object_set(rev, "filed_at", json_object_get(rj, "filed_at"));
		json_object_set_new(
		    rev, "withdrawn",
		    json_boolean(json_object_get(rj, "withdrawal") != NULL));
		json_object_set_new(rev, "record", rj);
		json_array_append_new(hist, rev);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		json_decref(hist);
		return store_sqlerr(st, rc, "reading history", err);
	}
	json_object_set_new(o, "history", hist);
	return 0;
}

int store_record_json(struct store *st, int64_t rid, int history,
		      json_t **out, struct px_err *err)
{
	sqlite3_stmt *s = store_stmt(st, S_RECORD, err);
	json_t *o = NULL, *latest = NULL, *cur = NULL;
	const json_t *af;
	int rc, kind, withdrawn;
	int64_t lidx;

	*out = NULL;
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, rid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return px_errorf(err, PX_ENOTFOUND, "no record %" PRId64, rid);
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlerr(st, rc, "reading a record", err);
		sqlite3_reset(s);
		return rc;
	}
	kind = sqlite3_column_int(s, 1);
	lidx = sqlite3_column_int64(s, 2);
	withdrawn = sqlite3_column_int(s, 3);
	o = json_object();
	latest = store_parse_json((const char *)sqlite3_column_text(s, 6),
				  (size_t)sqlite3_column_bytes(s, 6), err);
	if (withdrawn)
		cur = store_parse_json((const char *)sqlite3_column_text(s, 7),
				       (size_t)sqlite3_column_bytes(s, 7), err);
	else if (latest)
		cur = json_incref(latest);
	if (!o || !latest || !cur) {
		rc = o && (!latest || !cur) ? err->code : oom(err);
		sqlite3_reset(s);
		json_decref(o);
		json_decref(latest);
		json_decref(cur);
		return rc;
	}
	set_str(o, "id", (const char *)sqlite3_column_text(s, 0));
	set_str(o, "kind", rec_kind_name((enum rec_kind)kind));
	set_str(o, "revision", (const char *)sqlite3_column_text(s, 5));
	json_object_set_new(o, "index", json_integer(lidx));
	json_object_set_new(o, "created_index", json_integer(rid - 1));
	set_str(o, "owner", (const char *)sqlite3_column_text(s, 4));
	sqlite3_reset(s);
	json_object_set(o, "filed_by",
			json_object_get(latest, "filed_by")
			    ? json_object_get(latest, "filed_by")
			    : json_null());
	af = json_object_get(latest, "acting_for");
	if (af)
		json_object_set(o, "acting_for", (json_t *)af);
	json_object_set(o, "filed_at", json_object_get(latest, "filed_at"));
	json_object_set_new(o, "withdrawn", json_boolean(withdrawn));
	json_object_set(o, "record", cur);
	if (withdrawn) {
		json_t *w = json_object();
		if (w) {
			json_object_set(w, "reason",
					json_object_get(json_object_get(
							    latest, "withdrawal"),
							"reason"));
			json_object_set_new(w, "index", json_integer(lidx));
			json_object_set(w, "filed_at",
					json_object_get(latest, "filed_at"));
			json_object_set_new(o, "withdrawal", w);
		}
	}
	json_decref(latest);
	json_decref(cur);
	if (history) {
		rc = add_history(st, rid, o, err);
		if (rc < 0) {
			json_decref(o);
			return rc;
		}
	}
	*out = o;
	return 0;
}

/* rid of a record id or of any of its revision ids; 0 if unknown. */
static int64_t any_rid(struct store *st, const char *id, struct px_err *err)
{
	sqlite3_stmt *s;
	int64_t rid = store_rid(st, id, NULL, NULL, err);
	int rc;

	if (rid != 0)
		return rid;
	s = store_stmt(st, S_REV_RID, err);
	if (!s)
		return err->code;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rid = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		rid = store_sqlerr(st, rc, "looking up a revision", err);
	sqlite3_reset(s);
	return rid;
}

int store_get(struct store *st, const char *id, int history, json_t **out,
	      struct px_err *err)
{
	struct px_err local;
	int64_t rid;

	err = need_err(err, &local);
	*out = NULL;
	rid = any_rid(st, id, err);
	if (rid < 0)
		return (int)rid;
	if (rid == 0)
		return px_errorf(err, PX_ENOTFOUND, "no record \"%s\"", id);
	return store_record_json(st, rid, history, out, err);
}

int store_entry_status(struct store *st, uint64_t index, json_t **out,
		       struct px_err *err)
{
	struct px_err local;
	sqlite3_stmt *s;
	json_t *o;
	int rc;

	err = need_err(err, &local);
	*out = NULL;
	if (index >= st->applied || index > INT64_MAX)
		return px_errorf(err, PX_ENOTFOUND,
				 "entry %" PRIu64 " has not been applied "
				 "(the store has %" PRIu64 ")",
				 index, st->applied);
	o = json_object();
	if (!o)
		return oom(err);
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	s = store_stmt(st, S_ENTRY_REV, err);
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, (int64_t)index);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 3);
		size_t n = (size_t)sqlite3_column_bytes(s, 3);
		char *t = px_malloc(n + 2);
		if (!t) {
			sqlite3_reset(s);
			oom(err);
			goto fail;
		}
		memcpy(t, text, n);
		t[n] = '\n';
		t[n + 1] = '\0';
		set_str(o, "status", "applied");
		set_str(o, "revision", (const char *)sqlite3_column_text(s, 0));
		set_str(o, "id", (const char *)sqlite3_column_text(s, 1));
		set_str(o, "kind",
			rec_kind_name((enum rec_kind)sqlite3_column_int(s, 2)));
		json_object_set_new(o, "text", json_stringn(t, n + 1));
		px_free(t);
		sqlite3_reset(s);
		*out = o;
		return 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_sqlerr(st, rc, "reading an entry", err);
		goto fail;
	}
	s = store_stmt(st, S_ENTRY_REFUSED, err);
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, (int64_t)index);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		set_str(o, "status", "refused");
		set_str(o, "code", px_strerror_name(sqlite3_column_int(s, 0)));
		set_str(o, "error", (const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		*out = o;
		return 0;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		px_errorf(err, PX_ECORRUPT,
			  "store: entry %" PRIu64 " is neither applied nor "
			  "refused",
			  index);
	else
		store_sqlerr(st, rc, "reading an entry", err);
fail:
	json_decref(o);
	return err->code;
}

int store_entry_ids(struct store *st, uint64_t index, char rev[REC_ID_SIZE],
		    char id[REC_ID_SIZE], struct px_err *err)
{
	struct px_err local;
	sqlite3_stmt *s;
	int rc;

	err = need_err(err, &local);
	if (index >= st->applied || index > INT64_MAX)
		return 0;
	s = store_stmt(st, S_ENTRY_REV, err);
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, (int64_t)index);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(rev, REC_ID_SIZE, "%s",
			 (const char *)sqlite3_column_text(s, 0));
		snprintf(id, REC_ID_SIZE, "%s",
			 (const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_sqlerr(st, rc, "reading an entry", err);
	return 0;
}

/* ---- places */

int store_within_rid(struct store *st, int64_t place, int64_t ancestor)
{
	sqlite3_stmt *s;
	int rc;

	if (place <= 0 || ancestor <= 0)
		return 0;
	if (place == ancestor)
		return 1;
	s = store_stmt(st, S_WITHIN, NULL);
	if (!s)
		return PX_EIO;
	sqlite3_bind_int64(s, 1, place);
	sqlite3_bind_int64(s, 2, ancestor);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : PX_EIO;
}

int store_place_within(struct store *st, const char *place,
		       const char *ancestor)
{
	int64_t a, b;

	if (!place || !ancestor)
		return 0;
	if (strcmp(place, ancestor) == 0)
		return 1;
	a = store_rid(st, place, NULL, NULL, NULL);
	b = store_rid(st, ancestor, NULL, NULL, NULL);
	if (a <= 0 || b <= 0)
		return 0;
	return store_within_rid(st, a, b);
}

/* ---- filters */

struct binds {
	size_t n;
	struct {
		const char *s; /* NULL: integer */
		int64_t i;
	} v[16];
};

static void bind_s(struct binds *b, const char *s)
{
	b->v[b->n].s = s;
	b->v[b->n++].i = 0;
}

static void bind_i(struct binds *b, int64_t i)
{
	b->v[b->n].s = NULL;
	b->v[b->n++].i = i;
}

/* Bind b's values to s's parameters first..first+n-1. */
static void apply_binds(sqlite3_stmt *s, const struct binds *b, int first)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->v[i].s)
			sqlite3_bind_text(s, first + (int)i, b->v[i].s, -1,
					  SQLITE_STATIC);
		else
			sqlite3_bind_int64(s, first + (int)i, b->v[i].i);
	}
}

int store_valid_date(const char *s)
{
	size_t i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

int64_t store_need_rid(struct store *st, const char *what, const char *id,
		       struct px_err *err)
{
	int64_t rid = store_rid(st, id, NULL, NULL, err);

	if (rid == 0)
		return px_errorf(err, PX_ENOTFOUND, "%s: no record \"%s\"",
				 what, id);
	return rid;
}

/* Append " AND ..." clauses for q's filters (except text and cursor). */
static int add_filters(struct store *st, const struct store_query *q,
		       int by_place, struct px_buf *sql, struct binds *b,
		       struct px_err *err)
{
	int64_t rid;
	int rc = 0;

	if (q->kind >= 0) {
		if (q->kind >= REC_KIND_COUNT)
			return px_errorf(err, PX_EINVAL, "kind: out of range");
		/* by_place: the query is driven by the place index */
		rc |= px_buf_addstr(sql, by_place > 0 ? " AND +r.kind=?"
						      : " AND r.kind=?");
		bind_i(b, q->kind);
	}
	if (!q->withdrawn)
		rc |= px_buf_addstr(sql, " AND r.withdrawn=0");
	if (q->from) {
		if (!store_valid_date(q->from))
			return px_errorf(err, PX_EINVAL,
					 "from: must be a date YYYY-MM-DD, not "
					 "\"%s\"",
					 q->from);
		rc |= px_buf_addstr(sql, " AND r.t_end>=?");
		bind_s(b, q->from);
	}
	if (q->to) {
		if (!store_valid_date(q->to))
			return px_errorf(err, PX_EINVAL,
					 "to: must be a date YYYY-MM-DD, not "
					 "\"%s\"",
					 q->to);
		rc |= px_buf_addstr(sql, " AND r.t_start<=?");
		bind_s(b, q->to);
	}
	if (q->place) {
		rid = store_need_rid(st, "place", q->place, err);
		if (rid < 0)
			return (int)rid;
		/* by_place < 0: walk in time order, the place checked */
		rc |= px_buf_addstr(sql, by_place < 0
					     ? " AND +r.place IN " STORE_DOWN_SQL
					     : " AND r.place IN " STORE_DOWN_SQL);
		bind_i(b, rid);
	}
	if (q->party) {
		rid = store_need_rid(st, "party", q->party, err);
		if (rid < 0)
			return (int)rid;
		rc |= px_buf_addstr(
		    sql, " AND (r.owner=? OR (r.kind=2 AND EXISTS (SELECT 1 "
			 "FROM records a WHERE a.event=r.rid AND a.kind=3 AND "
			 "a.withdrawn=0 AND a.owner=?)))");
		bind_i(b, rid);
		bind_i(b, rid);
	}
	if (q->type) {
		rc |= px_buf_addstr(sql, " AND r.etype=?");
		bind_s(b, q->type);
	}
	if (q->event) {
		rid = store_need_rid(st, "event", q->event, err);
		if (rid < 0)
			return (int)rid;
		rc |= px_buf_addstr(sql, " AND (r.event=? OR r.event2=?)");
		bind_i(b, rid);
		bind_i(b, rid);
	}
	if (q->disputed)
		rc |= px_buf_addstr(sql, by_place > 0
					     ? " AND +r.kind=2 AND +r.disputed=1"
					     : " AND r.kind=2 AND r.disputed=1");
	return rc ? oom(err) : 0;
}

void store_query_init(struct store_query *q)
{
	memset(q, 0, sizeof(*q));
	q->kind = -1;
}

static unsigned page_size(const struct store_query *q)
{
	if (q->limit == 0)
		return LIST_DEFAULT;
	return q->limit > LIST_MAX ? LIST_MAX : q->limit;
}

static int prepare(struct store *st, const struct px_buf *sql,
		   sqlite3_stmt **s, struct px_err *err)
{
	int rc = sqlite3_prepare_v2(st->db, (const char *)sql->data,
				    (int)sql->len, s, NULL);

	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, "preparing a query", err);
	return 0;
}

/* {"items": items, "next": next or null}; consumes items. */
static int make_list(json_t *items, const char *next, json_t **out,
		     struct px_err *err)
{
	json_t *o = json_object();

	if (!o || !items) {
		json_decref(o);
		json_decref(items);
		return oom(err);
	}
	json_object_set_new(o, "items", items);
	set_str(o, "next", next);
	*out = o;
	return 0;
}

/* Cursors: "t.<date>.<rid>" for events by time, "r.<rid>" by rid,
 * "s.<offset>" for searches. */
static int parse_cursor(const char *c, char type, char date[11], int64_t *n,
			struct px_err *err)
{
	const char *num = c + 2;
	uint64_t v;

	if (c[0] != type || c[1] != '.')
		goto bad;
	if (type == 't') {
		if (strlen(c) < 14 || c[12] != '.')
			goto bad;
		memcpy(date, c + 2, 10);
		date[10] = '\0';
		if (!store_valid_date(date))
			goto bad;
		num = c + 13;
	}
	if (px_parse_u64(num, strlen(num), &v) < 0 || v > INT64_MAX)
		goto bad;
	*n = (int64_t)v;
	return 0;
bad:
	return px_errorf(err, PX_EINVAL, "cursor: \"%.64s\" is not a cursor "
			 "from this query", c);
}

/*
 * Events within a place, in time order: when the place holds many events,
 * walking events by start date and checking each one's place finds a page
 * soon; sorting every event found through the place index would cost in
 * proportion to all of them.
 */
static int list_by_time(struct store *st, const struct store_query *q)
{
	sqlite3_stmt *s = NULL;
	struct px_err e;
	int64_t rid, n = 0;

	if (q->kind != REC_EVENT || !q->place)
		return 0;
	px_err_clear(&e);
	rid = store_rid(st, q->place, NULL, NULL, &e);
	if (rid <= 0)
		return 0; /* add_filters reports it */
	if (sqlite3_prepare_v2(st->db,
			       "SELECT count(*) FROM (SELECT 1 FROM records r "
			       "WHERE r.place IN " STORE_DOWN_SQL " AND +r.kind=2 "
			       "LIMIT " PX_STR(SEARCH_SORT_MAX) ")",
			       -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, rid);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n >= SEARCH_SORT_MAX;
}

int store_list(struct store *st, const struct store_query *q, json_t **out,
	       struct px_err *err)
{
	struct px_err local;
	struct px_buf sql;
	struct binds b;
	sqlite3_stmt *s = NULL;
	json_t *items = NULL;
	unsigned limit = page_size(q), n = 0;
	int by_time = q->kind == REC_EVENT;
	char date[11] = "", next[64] = "";
	int64_t crid = 0;
	int rc;

	err = need_err(err, &local);
	*out = NULL;
	if (q->disputed && (rc = up_to_date(st, err)) < 0)
		return rc;
	memset(&b, 0, sizeof(b));
	px_buf_init(&sql, 8192);
	rc = px_buf_addstr(&sql, "SELECT r.rid, r.t_start FROM records r "
				 "WHERE 1");
	if (rc == 0)
		rc = add_filters(st, q, list_by_time(st, q) ? -1 : 0, &sql, &b,
				 err);
	if (rc == 0 && q->cursor) {
		rc = parse_cursor(q->cursor, by_time ? 't' : 'r', date, &crid,
				  err);
		if (rc == 0 && by_time) {
			rc = px_buf_addstr(&sql,
					   " AND (r.t_start, r.rid) > (?, ?)");
			bind_s(&b, date);
			bind_i(&b, crid);
		} else if (rc == 0) {
			rc = px_buf_addstr(&sql, " AND r.rid > ?");
			bind_i(&b, crid);
		}
	}
	if (rc == 0)
		rc = px_buf_addf(&sql, " ORDER BY %s LIMIT %u",
				 by_time ? "r.t_start, r.rid" : "r.rid",
				 limit + 1);
	if (rc == 0)
		rc = prepare(st, &sql, &s, err);
	if (rc < 0)
		goto out;
	apply_binds(s, &b, 1);
	items = json_array();
	if (!items) {
		rc = oom(err);
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64(s, 0);
		json_t *rec;
		if (n == limit) {
			break;
		}
		if (by_time)
			snprintf(next, sizeof(next), "t.%.10s.%" PRId64,
				 (const char *)sqlite3_column_text(s, 1), rid);
		else
			snprintf(next, sizeof(next), "r.%" PRId64, rid);
		rc = store_record_json(st, rid, 0, &rec, err);
		if (rc < 0)
			goto out;
		json_array_append_new(items, rec);
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = store_sqlerr(st, rc, "listing records", err);
		goto out;
	}
	rc = make_list(items, rc == SQLITE_ROW ? next : NULL, out, err);
	items = NULL;
out:
	json_decref(items);
	sqlite3_finalize(s);
	px_buf_release(&sql);
	return rc;
}

/* ---- search */

/* A set of rids (open addressing). */
struct ridset {
	int64_t *slot;
	size_t cap, n;
};

static int ridset_add(struct ridset *set, int64_t rid)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 256, j;
		int64_t *ns = px_calloc(ncap, sizeof(*ns));
		if (!ns)
			return PX_ENOMEM;
		for (j = 0; j < set->cap; j++) {
			int64_t v = set->slot[j];
			if (!v)
				continue;
			for (i = (uint64_t)v * 0x9e3779b97f4a7c15ULL % ncap;
			     ns[i]; i = (i + 1) % ncap)
				;
			ns[i] = v;
		}
		px_free(set->slot);
		set->slot = ns;
		set->cap = ncap;
	}
	for (i = (uint64_t)rid * 0x9e3779b97f4a7c15ULL % set->cap; set->slot[i];
	     i = (i + 1) % set->cap)
		if (set->slot[i] == rid)
			return 0;
	set->slot[i] = rid;
	set->n++;
	return 1;
}

static int ridset_has(const struct ridset *set, int64_t rid)
{
	size_t i;

	if (!set->cap)
		return 0;
	for (i = (uint64_t)rid * 0x9e3779b97f4a7c15ULL % set->cap; set->slot[i];
	     i = (i + 1) % set->cap)
		if (set->slot[i] == rid)
			return 1;
	return 0;
}

static int has_alnum(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			return 1;
	}
	return 0;
}

/* Append s[0..n) as an FTS5 string: in double quotes, '"' doubled. */
static int fts_quote(struct px_buf *b, const char *s, size_t n)
{
	size_t i;
	int rc = px_buf_addc(b, '"');

	for (i = 0; rc == 0 && i < n; i++) {
		if (s[i] == '"')
			rc = px_buf_addc(b, '"');
		if (rc == 0)
			rc = px_buf_addc(b, (uint8_t)s[i]);
	}
	if (rc == 0)
		rc = px_buf_addc(b, '"');
	return rc;
}

/*
 * The FTS5 query for user text: every word must match, each as itself (in
 * either column), as its folded Latin form (names_fold), or as its
 * transliteration key in the keys column (names_key).  Words with nothing
 * to index (only punctuation) are dropped.  *nterms receives how many words
 * were kept.
 */
static int fts_query(const char *text, struct px_buf *q, int *nterms,
		     struct px_err *err)
{
	size_t len = strlen(text), i = 0;
	int rc = 0;

	*nterms = 0;
	if (len > SEARCH_TEXT_MAX)
		return px_errorf(err, PX_ETOOBIG,
				 "text: search text is %zu bytes, more than "
				 "%d",
				 len, SEARCH_TEXT_MAX);
	if (rec_utf8_count(text, len) < 0)
		return px_errorf(err, PX_EINVAL, "text: not valid UTF-8");
	while (i < len && rc == 0) {
		char fold[NAMES_KEY_MAX], key[NAMES_KEY_MAX];
		size_t start, n;
		int have_fold, have_key, fold_ok, ascii = 1, k;

		while (i < len && (text[i] == ' ' || text[i] == '\t' ||
				   text[i] == '\n' || text[i] == '\r'))
			i++;
		start = i;
		while (i < len && !(text[i] == ' ' || text[i] == '\t' ||
				    text[i] == '\n' || text[i] == '\r'))
			i++;
		n = i - start;
		if (n == 0)
			break;
		for (k = 0; k < (int)n; k++)
			if ((unsigned char)text[start + k] >= 0x80)
				ascii = 0;
		fold_ok = names_fold(text + start, n, fold, sizeof(fold),
				     NULL) == 0;
		have_fold = fold_ok && has_alnum(fold, strlen(fold));
		have_key = names_key(text + start, n, key, NULL) == 0 &&
			   has_alnum(key, strlen(key));
		/* a word of only punctuation matches nothing: drop it (a
		 * non-Latin word is kept even if it could not be folded) */
		if (!has_alnum(text + start, n) && !have_fold && !have_key &&
		    (ascii || fold_ok))
			continue;
		if (++*nterms > SEARCH_TERMS_MAX)
			return px_errorf(err, PX_EINVAL,
					 "text: more than %d words",
					 SEARCH_TERMS_MAX);
		if (q->len)
			rc |= px_buf_addstr(q, " AND ");
		/* the words are never matched against the kind column */
		rc |= px_buf_addstr(q, "{text keys} : (");
		rc |= fts_quote(q, text + start, n);
		if (have_fold) {
			rc |= px_buf_addstr(q, " OR ");
			rc |= fts_quote(q, fold, strlen(fold));
		}
		if (have_key) {
			rc |= px_buf_addstr(q, " OR keys : ");
			rc |= fts_quote(q, key, strlen(key));
		}
		rc |= px_buf_addc(q, ')');
	}
	return rc ? oom(err) : 0;
}

struct hit {
	int64_t rid;
	int64_t fts_rowid; /* the matching row (of the place, for via) */
	int64_t via;	   /* the matched place, for events found through it */
	char *snippet;	   /* owned; NULL for none */
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

static void hits_release(struct hits *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		px_free(h->v[i].snippet);
	px_free(h->v);
}

static int hits_add(struct hits *h, int64_t rid, int64_t rowid, int64_t via,
		    const char *snippet)
{
	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 64;
		struct hit *nv = px_realloc(h->v, ncap * sizeof(*nv));
		if (!nv)
			return PX_ENOMEM;
		h->v = nv;
		h->cap = ncap;
	}
	h->v[h->n].snippet = NULL;
	if (snippet && !(h->v[h->n].snippet = px_strdup(snippet)))
		return PX_ENOMEM;
	h->v[h->n].rid = rid;
	h->v[h->n].fts_rowid = rowid;
	h->v[h->n++].via = via;
	return 0;
}

/* State of one search while it walks its candidates. */
struct walk {
	struct ridset seen;
	struct hits page;   /* results on the requested page */
	struct hits places; /* matched places: rid, fts rowid */
	int64_t offset, pos;
	unsigned limit;
	int more; /* a result exists past the page */
};

/* Offer candidate rid; returns 1 when the walk can stop. */
static int walk_offer(struct walk *w, int64_t rid, int64_t rowid,
		      int64_t via, const char *snippet, int *rc)
{
	if (w->pos++ < w->offset)
		return 0;
	if (w->page.n == w->limit) {
		w->more = 1;
		return 1;
	}
	if (hits_add(&w->page, rid, rowid, via, snippet) < 0)
		*rc = PX_ENOMEM;
	return *rc < 0;
}

static int render_hits(struct store *st, const struct walk *w,
		       json_t *items, struct px_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < w->page.n; i++) {
		const struct hit *h = &w->page.v[i];
		json_t *rec = NULL;
		int field = STORE_FTS_FIELD(h->fts_rowid);
		rc = store_record_json(st, h->rid, 0, &rec, err);
		if (rc < 0)
			break;
		set_str(rec, "snippet", h->snippet);
		if (h->via) {
			json_t *place = NULL;
			set_str(rec, "match", "place");
			if (store_record_json(st, h->via, 0, &place, err) == 0)
				json_object_set(rec, "via",
						json_object_get(place, "id"));
			json_decref(place);
		} else {
			set_str(rec, "match",
				field < SF_COUNT ? store_field_names[field]
						 : NULL);
		}
		json_array_append_new(items, rec);
	}
	return rc;
}

/* Bind parameters i and i + 1 to the fts rowids of kind (all kinds for
 * kind < 0). */
static void bind_kind_range(sqlite3_stmt *s, int i, int kind)
{
	if (kind < 0) {
		sqlite3_bind_int64(s, i, 0);
		sqlite3_bind_int64(s, i + 1, INT64_MAX);
		return;
	}
	sqlite3_bind_int64(s, i, STORE_FTS_KIND_BASE(kind));
	sqlite3_bind_int64(s, i + 1,
			   STORE_FTS_KIND_BASE(kind) + STORE_FTS_RID_MASK);
}

/* The places whose text matches, best first (at most SEARCH_PLACES). */
static int fts_places(struct store *st, const struct px_buf *match,
		      struct hits *places, struct px_err *err)
{
	struct px_buf pm;
	sqlite3_stmt *s = NULL;
	int rc;

	px_buf_init(&pm, 32768);
	rc = sqlite3_prepare_v2(st->db,
				"SELECT rowid, " SNIPPET " FROM fts WHERE fts "
				"MATCH ?1 AND rowid BETWEEN ?2 AND ?3 ORDER BY "
				"rank, rowid LIMIT " PX_STR(SEARCH_PLACES),
				-1, &s, NULL);
	if (rc != SQLITE_OK) {
		px_buf_release(&pm);
		return store_sqlerr(st, rc, "preparing a search", err);
	}
	sqlite3_bind_text(s, 1, (const char *)match->data, (int)match->len,
			  SQLITE_STATIC);
	bind_kind_range(s, 2, REC_PLACE);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t rowid = sqlite3_column_int64(s, 0);
		if (hits_add(places, STORE_FTS_RID(rowid), rowid, 0,
			     (const char *)sqlite3_column_text(s, 1)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_sqlerr(st, rc, "searching places", err);
	sqlite3_finalize(s);
	px_buf_release(&pm);
	return rc;
}

/* How many rows match, counting no further than max. */
static int fts_count(struct store *st, const struct px_buf *match, int kind,
		     int64_t max, int64_t *n, struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT count(*) FROM (SELECT rowid FROM "
				    "fts WHERE fts MATCH ?1 AND rowid BETWEEN "
				    "?3 AND ?4 LIMIT ?2)",
				    -1, &s, NULL);

	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, "preparing a search", err);
	sqlite3_bind_text(s, 1, (const char *)match->data, (int)match->len,
			  SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, max);
	bind_kind_range(s, 3, kind);
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	rc = rc == SQLITE_ROW ? 0 : store_sqlerr(st, rc, "searching", err);
	sqlite3_finalize(s);
	return rc;
}

/* The rids of place `id` and of every place within it. */
static int places_within(struct store *st, const char *id, struct ridset *set,
			 struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	int64_t rid = store_need_rid(st, "place", id, err);
	int rc;

	if (rid < 0)
		return (int)rid;
	rc = sqlite3_prepare_v2(st->db, "SELECT x FROM " STORE_DOWN_SQL, -1, &s,
				NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, "preparing a search", err);
	sqlite3_bind_int64(s, 1, rid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (ridset_add(set, sqlite3_column_int64(s, 0)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	rc = rc == SQLITE_DONE ? 0
			       : store_sqlerr(st, rc, "walking places", err);
	sqlite3_finalize(s);
	return rc;
}

int store_search(struct store *st, const struct store_query *q, json_t **out,
		 struct px_err *err)
{
	struct px_err local;
	struct px_buf match, fsql, psql;
	struct binds b, cb;
	struct ridset within;
	struct walk w;
	struct px_buf *am;
	sqlite3_stmt *fts = NULL, *chk = NULL, *ev = NULL, *evcount = NULL;
	sqlite3_stmt *ev_way[2] = {NULL, NULL};
	json_t *items = NULL;
	char next[32];
	int64_t nmatch = 0;
	int nterms = 0, rc, src = SQLITE_DONE;
	size_t i;

	err = need_err(err, &local);
	*out = NULL;
	if ((rc = up_to_date(st, err)) < 0)
		return rc;
	memset(&w, 0, sizeof(w));
	memset(&b, 0, sizeof(b));
	memset(&cb, 0, sizeof(cb));
	memset(&within, 0, sizeof(within));
	px_buf_init(&match, 16384);
	px_buf_init(&fsql, 8192);
	px_buf_init(&psql, 8192);
	w.limit = page_size(q);
	rc = fts_query(q->text ? q->text : "", &match, &nterms, err);
	if (rc == 0 && q->cursor) {
		char unused[11];
		rc = parse_cursor(q->cursor, 's', unused, &w.offset, err);
	}
	if (rc < 0)
		goto out;
	if (nterms == 0) {
		rc = make_list(json_array(), NULL, out, err);
		goto out;
	}
	/* the filters, once for a candidate and once for events at a place;
	 * a candidate's place is looked up in the places within q->place,
	 * found once here rather than once per candidate */
	rc = add_filters(st, q, 0, &psql, &b, err);
	if (rc == 0 && q->place)
		rc = places_within(st, q->place, &within, err);
	if (rc == 0) {
		struct store_query cq = *q;
		cq.place = NULL;
		rc = px_buf_addstr(&fsql, "SELECT r.kind, (1") ? oom(err) : 0;
		if (rc == 0)
			rc = add_filters(st, &cq, 0, &fsql, &cb, err);
	}
	if (rc == 0 &&
	    px_buf_addstr(&fsql, "), r.place FROM records r WHERE r.rid=?"))
		rc = oom(err);
	if (rc == 0)
		rc = prepare(st, &fsql, &chk, err);
	if (rc < 0)
		goto out;
	if (b.n + 1 > PX_ARRAY_LEN(b.v) || cb.n + 1 > PX_ARRAY_LEN(cb.v)) {
		rc = px_errorf(err, PX_EINVAL, "too many filters");
		goto out;
	}
	/* Events at a place, two ways: driven by the place index (sorting
	 * what it finds) when a place has few events, and by walking events
	 * in time order when it has many; "+" keeps the planner to each. */
	{
		static const char *const head[2] = {
		    "SELECT r.rid FROM records r WHERE +r.kind=2 AND r.place "
		    "IN " STORE_DOWN_SQL,
		    "SELECT r.rid FROM records r WHERE r.kind=2 AND +r.place "
		    "IN " STORE_DOWN_SQL};
		static const char *const tail[2] = {
		    " ORDER BY +r.t_start, r.rid", " ORDER BY r.t_start, r.rid"};
		int way;
		for (way = 0; way < 2 && rc == 0; way++) {
			struct binds pb;
			memset(&pb, 0, sizeof(pb));
			px_buf_reset(&psql);
			rc = px_buf_addstr(&psql, head[way]) < 0 ? oom(err) : 0;
			if (rc == 0)
				rc = add_filters(st, q, !way, &psql, &pb, err);
			if (rc == 0 && px_buf_addstr(&psql, tail[way]) < 0)
				rc = oom(err);
			if (rc == 0)
				rc = prepare(st, &psql, &ev_way[way], err);
		}
		if (rc == 0)
			rc = sqlite3_prepare_v2(
			    st->db,
			    "SELECT count(*) FROM (SELECT 1 FROM records r "
			    "WHERE r.place IN " STORE_DOWN_SQL " AND +r.kind=2 LIMIT "
			    PX_STR(SEARCH_SORT_MAX) ")",
			    -1, &evcount, NULL) == SQLITE_OK
				 ? 0
				 : store_sqlerr(st, SQLITE_ERROR,
						"preparing a search", err);
		if (rc < 0)
			goto out;
	}
	/* the places the words name, best first (their events follow) */
	if (q->kind < 0 || q->kind == REC_EVENT) {
		rc = fts_places(st, &match, &w.places, err);
		if (rc < 0)
			goto out;
	}
	am = &match;
	/* by relevance when few texts match; newest first otherwise (kind
	 * by kind, store_fts_rank), so a common word costs a page, not a
	 * ranking of everything; one kind is one range of rowids */
	rc = fts_count(st, am, q->kind, SEARCH_RANK_MAX + 1, &nmatch, err);
	if (rc == 0)
		rc = sqlite3_prepare_v2(st->db,
					nmatch <= SEARCH_RANK_MAX
					    ? "SELECT rowid, " SNIPPET " FROM "
					      "fts WHERE fts MATCH ?1 AND "
					      "rowid BETWEEN ?2 AND ?3 "
					      "ORDER BY rank, rowid"
					    : "SELECT rowid, " SNIPPET " FROM "
					      "fts WHERE fts MATCH ?1 AND "
					      "rowid BETWEEN ?2 AND ?3 "
					      "ORDER BY rowid DESC",
					-1, &fts, NULL);
	if (rc > 0) {
		rc = store_sqlerr(st, rc, "preparing a search", err);
		goto out;
	}
	if (rc < 0)
		goto out;
	sqlite3_bind_text(fts, 1, (const char *)am->data, (int)am->len,
			  SQLITE_STATIC);
	bind_kind_range(fts, 2, q->kind);
	rc = 0;
	/* 1. records whose own text matches */
	while (rc == 0 && (src = sqlite3_step(fts)) == SQLITE_ROW) {
		int64_t rowid = sqlite3_column_int64(fts, 0);
		int64_t rid = STORE_FTS_RID(rowid);
		int ok, added = ridset_add(&w.seen, rid);
		if (added < 0) {
			rc = oom(err);
			break;
		}
		if (!added)
			continue;
		sqlite3_reset(chk);
		apply_binds(chk, &cb, 1);
		sqlite3_bind_int64(chk, (int)cb.n + 1, rid);
		if (sqlite3_step(chk) != SQLITE_ROW)
			continue;
		ok = sqlite3_column_int(chk, 1);
		if (ok && q->place)
			ok = sqlite3_column_type(chk, 2) != SQLITE_NULL &&
			     ridset_has(&within,
					sqlite3_column_int64(chk, 2));
		if (ok && walk_offer(&w, rid, rowid, 0,
				     (const char *)sqlite3_column_text(fts, 1),
				     &rc))
			break;
	}
	if (rc == 0 && src != SQLITE_ROW && src != SQLITE_DONE) {
		rc = store_sqlerr(st, src, "searching", err);
		goto out;
	}
	if (rc < 0) {
		if (rc == PX_ENOMEM)
			oom(err);
		goto out;
	}
	/* 2. events at or within the matched places */
	if (!w.more && (q->kind < 0 || q->kind == REC_EVENT)) {
		for (i = 0; rc == 0 && !w.more && i < w.places.n; i++) {
			const struct hit *p = &w.places.v[i];
			int64_t nev = 0;
			sqlite3_reset(evcount);
			sqlite3_bind_int64(evcount, 1, p->rid);
			if (sqlite3_step(evcount) == SQLITE_ROW)
				nev = sqlite3_column_int64(evcount, 0);
			ev = ev_way[nev >= SEARCH_SORT_MAX];
			sqlite3_reset(ev);
			sqlite3_bind_int64(ev, 1, p->rid);
			/* the same filter values as the candidate check */
			apply_binds(ev, &b, 2);
			while (rc == 0 && (src = sqlite3_step(ev)) == SQLITE_ROW) {
				int64_t rid = sqlite3_column_int64(ev, 0);
				int added = ridset_add(&w.seen, rid);
				if (added < 0) {
					rc = oom(err);
					break;
				}
				if (added && walk_offer(&w, rid, p->fts_rowid,
							p->rid, p->snippet,
							&rc))
					break;
			}
			if (rc == 0 && src != SQLITE_ROW && src != SQLITE_DONE)
				rc = store_sqlerr(st, src, "searching places",
						  err);
		}
		if (rc == PX_ENOMEM)
			oom(err);
		if (rc < 0)
			goto out;
	}
	items = json_array();
	if (!items) {
		rc = oom(err);
		goto out;
	}
	rc = render_hits(st, &w, items, err);
	if (rc < 0)
		goto out;
	snprintf(next, sizeof(next), "s.%" PRId64,
		 w.offset + (int64_t)w.page.n);
	rc = make_list(items, w.more ? next : NULL, out, err);
	items = NULL;
out:
	json_decref(items);
	sqlite3_finalize(fts);
	sqlite3_finalize(chk);
	sqlite3_finalize(ev_way[0]);
	sqlite3_finalize(ev_way[1]);
	sqlite3_finalize(evcount);
	px_free(within.slot);
	px_free(w.seen.slot);
	hits_release(&w.page);
	hits_release(&w.places);
	px_buf_release(&match);
	px_buf_release(&fsql);
	px_buf_release(&psql);
	return rc;
}

/* ---- comparison */

static int within_cb(void *ctx, const char *inner, const char *outer)
{
	return store_place_within(ctx, inner, outer) == 1;
}

int store_compare(struct store *st, const char *event_id, json_t **out,
		  struct px_err *err)
{
	struct px_err local;
	struct cmp_places places = {within_cb, st};
	sqlite3_stmt *s;
	json_t *event = NULL, *accounts = NULL, *cmp = NULL, *o = NULL;
	int64_t rid, *rids = NULL;
	size_t n = 0, cap = 0, i;
	int kind = -1, rc;

	err = need_err(err, &local);
	*out = NULL;
	rid = store_rid(st, event_id, &kind, NULL, err);
	if (rid < 0)
		return (int)rid;
	if (rid == 0 || kind != REC_EVENT)
		return px_errorf(err, PX_ENOTFOUND, "no event \"%s\"",
				 event_id);
	s = store_stmt(st, S_EVENT_ACCOUNTS, err);
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, rid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int64_t *nr = px_realloc(rids, ncap * sizeof(*nr));
			if (!nr) {
				sqlite3_reset(s);
				rc = oom(err);
				goto out;
			}
			rids = nr;
			cap = ncap;
		}
		rids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		rc = store_sqlerr(st, rc, "listing accounts", err);
		goto out;
	}
	rc = store_record_json(st, rid, 0, &event, err);
	if (rc < 0)
		goto out;
	accounts = json_array();
	if (!accounts) {
		rc = oom(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		json_t *a;
		rc = store_record_json(st, rids[i], 0, &a, err);
		if (rc < 0)
			goto out;
		json_array_append_new(accounts, a);
	}
	rc = cmp_event(accounts, &places, &cmp, err);
	if (rc < 0)
		goto out;
	o = json_object();
	if (!o) {
		rc = oom(err);
		goto out;
	}
	json_object_set(o, "event", event);
	json_object_set(o, "accounts", accounts);
	json_object_set(o, "fields", json_object_get(cmp, "fields")
					 ? json_object_get(cmp, "fields")
					 : json_object());
	json_object_set_new(
	    o, "disputed",
	    json_boolean(json_is_true(json_object_get(cmp, "disputed"))));
	*out = o;
	o = NULL;
out:
	px_free(rids);
	json_decref(event);
	json_decref(accounts);
	json_decref(cmp);
	json_decref(o);
	return rc;
}

/* ---- counts */

int store_stats(struct store *st, json_t **out, struct px_err *err)
{
	struct px_err local;
	sqlite3_stmt *s = NULL;
	json_t *o = json_object(), *recs = json_object();
	int rc, k;

	err = need_err(err, &local);
	*out = NULL;
	if (!o || !recs) {
		rc = oom(err);
		goto fail;
	}
	for (k = 0; k < REC_KIND_COUNT; k++)
		json_object_set_new(recs, rec_kind_name((enum rec_kind)k),
				    json_integer(0));
	json_object_set_new(o, "applied", json_integer((json_int_t)st->applied));
	rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM refused", -1, &s,
				NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		json_object_set_new(o, "refused",
				    json_integer(sqlite3_column_int64(s, 0)));
	else {
		rc = store_sqlerr(st, rc, "counting refused entries", err);
		goto fail;
	}
	sqlite3_finalize(s);
	rc = sqlite3_prepare_v2(st->db,
				"SELECT kind, count(*) FROM records GROUP BY "
				"kind",
				-1, &s, NULL);
	if (rc != SQLITE_OK) {
		rc = store_sqlerr(st, rc, "counting records", err);
		goto fail;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name =
		    rec_kind_name((enum rec_kind)sqlite3_column_int(s, 0));
		if (name)
			json_object_set_new(
			    recs, name,
			    json_integer(sqlite3_column_int64(s, 1)));
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlerr(st, rc, "counting records", err);
		goto fail;
	}
	sqlite3_finalize(s);
	json_object_set_new(o, "records", recs);
	*out = o;
	return 0;
fail:
	sqlite3_finalize(s);
	json_decref(o);
	json_decref(recs);
	return rc;
}

/* ---- read transactions */

/*
 * A read-only handle outside a transaction takes a WAL read lock for each
 * statement (SQLite "WAL mode" §2.2: a reader marks the end of the WAL it
 * sees for the length of its transaction); one BEGIN DEFERRED around all the
 * reads of a request takes it once and gives them all the same snapshot.
 * A read-write handle, or one already in a transaction, is left alone.
 */
int store_read_begin(struct store *st, struct px_err *err)
{
	int rc;

	if (!st->readonly || !sqlite3_get_autocommit(st->db))
		return 0;
	rc = sqlite3_exec(st->db, "BEGIN DEFERRED", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, "BEGIN DEFERRED", err);
	return 0;
}

void store_read_end(struct store *st)
{
	if (!st->readonly || sqlite3_get_autocommit(st->db))
		return;
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}
