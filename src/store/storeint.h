/*
 * storeint.h - what the files of src/store/ share and nobody else sees: the
 * struct behind the opaque struct store, the cache of prepared statements,
 * the schema's numbering of full-text fields, and the helpers that turn
 * rows back into the record objects of store.h.
 *
 * Schema (version STORE_SCHEMA, PRAGMA user_version):
 *   records    one row per record.  rid is 1 + the log index of the
 *              record's first revision (unique, the same on every replay,
 *              and never 0, which the code uses for "none"), so list order
 *              "by created_index" is rid order.  latest and
 *              current are revision indexes: the latest revision, and the
 *              latest that is not a withdrawal (what "record" shows).  The
 *              filter columns hold, per kind:
 *                t_start/t_end  event time; an account's claimed time
 *                place          event place; account's claimed place;
 *                               person origin; evidence capture place;
 *                               a place itself
 *                parent         a place's parent
 *                event          an account's event; a relation's `to`
 *                event2         a relation's `from` when it is an event
 *                etype          event type; an account's claimed type
 *                disputed       events: some claim field is disputed
 *                pkey           parties: the current verifier key
 *   revisions  one row per applied entry: idx (log index), revision id,
 *              rid, the canonical JSON.
 *   refused    one row per refused entry: idx, error code, message.
 *   fts        FTS5 (unicode61, remove_diacritics 2): one row per record
 *              and text field, rowid = STORE_FTS_ROWID(kind, rid, field):
 *              the kind's rank (store_fts_rank) above bit
 *              STORE_FTS_KIND_SHIFT, then rid * STORE_FTS_SPAN + field, so
 *              the rows of one kind are one rowid range and a search for
 *              one kind is a range FTS5 seeks to (its cost bounded by the
 *              matches in that kind, not by how common the word is in
 *              others); column text holds the words as filed, keys the
 *              transliteration keys of names (src/names/).
 *
 * Derived data waiting (struct store's marks, in memory): the full-text
 * rows of a record (what 0) and the disputed flag of an event (what 1) to
 * bring up to date before the transaction commits (store_flush).
 * Deferring them keeps FTS5 writes out of per-entry savepoints (FTS5
 * flushes its buffer at every savepoint) and compares an event once per
 * batch however many of its accounts the batch adds.  The marks follow the
 * transaction: a savepoint rolled back drops the marks made inside it and
 * brings back those a flush inside it took.
 *
 * Invariants:
 *   1. applied == 1 + the largest idx in revisions or refused (0 when
 *      both are empty); every index below it is in exactly one of them.
 *   2. Every write store_apply makes for one entry happens inside the
 *      savepoint "apply", so an entry is applied wholly or not at all.
 *   3. Outside a transaction, and after store_flush inside one, no mark
 *      is waiting, the fts rows of every record are those of its current
 *      revision, and records.disputed is what cmp_event says about the
 *      event's current accounts.  Whatever changes one of these inputs
 *      (a revision; an account's revision or withdrawal; a place's new
 *      parent, for the events whose accounts claim places below it)
 *      marks it dirty in the same savepoint.  So the derived data depend
 *      only on the records, never on how entries were batched.
 */
#ifndef PX_STORE_STOREINT_H
#define PX_STORE_STOREINT_H

#include "store/store.h"

#include <sqlite3.h>

#define STORE_SCHEMA 3
#define STORE_FTS_SPAN 16 /* fts rowids per record */
#define STORE_FTS_KIND_SHIFT 44 /* fts rowid bits below the kind's rank */
#define STORE_FTS_RID_MASK ((INT64_C(1) << STORE_FTS_KIND_SHIFT) - 1)
/* The largest rid the fts rowids have room for. */
#define STORE_RID_MAX (STORE_FTS_RID_MASK / STORE_FTS_SPAN)

/* A kind's rank in fts rowids: a search read newest first (highest rowid
 * first) meets events, then accounts, places, persons, sources, relations,
 * evidence and parties. */
extern const int store_fts_rank[REC_KIND_COUNT];

#define STORE_FTS_KIND_BASE(kind)                                             \
	((int64_t)store_fts_rank[(kind)] << STORE_FTS_KIND_SHIFT)
#define STORE_FTS_ROWID(kind, rid, field)                                     \
	(STORE_FTS_KIND_BASE(kind) + (int64_t)(rid) * STORE_FTS_SPAN + (field))
#define STORE_FTS_RID(rowid) (((rowid) & STORE_FTS_RID_MASK) / STORE_FTS_SPAN)
#define STORE_FTS_FIELD(rowid) ((int)((rowid) % STORE_FTS_SPAN))

enum store_field {
	SF_TITLE,
	SF_NAMES,
	SF_NARRATIVE,
	SF_TRANSLATIONS,
	SF_CHARACTERIZATION,
	SF_ACTORS,
	SF_NOTES,
	SF_COUNT
};

extern const char *const store_field_names[SF_COUNT];

/* Cached statements; SQL text in store.c (stmt_sql). */
enum store_stmt {
	S_RID_BY_ID,
	S_PARTY,
	S_REV_BY_ID,
	S_INS_REV,
	S_INS_REC,
	S_UPD_REC,
	S_WITHDRAW,
	S_INS_REFUSED,
	S_FTS_DEL,
	S_FTS_PROBE,
	S_FTS_INS,
	S_EVENT_ACCOUNTS,
	S_SET_DISPUTED,
	S_RECORD,
	S_HISTORY,
	S_REV_RID,
	S_WITHIN,
	S_AFFECTED_EVENTS,
	S_ENTRY_REV,
	S_ENTRY_REFUSED,
	S_APPLIED,
	S_REC_EVENT,
	S_ACCOUNTS_LITE,
	S_REV_JSON,
	S_SP_BEGIN,
	S_SP_RELEASE,
	S_SP_ROLLBACK,
	S_REC_CURRENT,
	S_ENTRY_SP,
	S_ENTRY_RELEASE,
	S_ENTRY_ROLLBACK,
	S_COUNT
};

#define STORE_VCACHE 64

/* A party's parsed verifier key, keyed by rid and checked against the
 * key text in the records table (so rollbacks cannot leave it stale). */
struct store_vcache {
	int64_t rid; /* 0: empty */
	char *key;   /* the key text it was parsed from */
	struct note_verifier v;
};

/* Slots of the cache of parsed revisions (at most half of them used). */
#define STORE_JCACHE 32768

/* A revision applied in the open transaction, parsed: store_flush reads
 * it instead of parsing the stored text again.  The cache is emptied
 * whenever the transaction commits or anything in it is rolled back, so
 * an entry (rid, idx) is always the revision at log index idx.  Every
 * revision that is not a withdrawal is put, replacing the record's entry,
 * so the entry of a record is its current revision (a withdrawal leaves
 * the one before current, and nothing revises a withdrawn record). */
struct store_jcache {
	int64_t rid; /* 0: empty */
	int64_t idx;
	int kind;
	json_t *json;
};

/* Slots of the cache of record ids (direct-mapped by a hash of the id). */
#define STORE_RIDCACHE 4096

/* A record id known to the store and its rid and kind, which never change
 * once the record is committed.  Valid while gen is the store's ridgen,
 * which every rollback advances (a rolled-back record's id must not stay
 * known). */
struct store_ridcache {
	uint32_t gen;
	int kind;
	int64_t rid;
	char id[REC_ID_SIZE];
};

/* Derived data to bring up to date: what 0 = the fts rows of record rid,
 * what 1 = the disputed flag of event rid. */
struct store_mark {
	int what;
	int64_t rid;
};

/* Where the marks stood when a savepoint began. */
struct store_markpos {
	size_t n, done;
};

struct store {
	sqlite3 *db;
	int readonly;
	uint64_t applied;
	int sp_depth; /* open store_savepoint()s */
	int dirty;    /* marks are waiting: mdone < mn */
	struct store_mark *marks; /* made in the open transaction */
	size_t mn, mcap;
	size_t mdone;		     /* marks before this one are flushed */
	struct store_markpos *msp; /* per open savepoint, innermost last */
	size_t mspcap;
	uint64_t fts_fresh; /* records first filed at this log index or
			       later have no fts rows yet (none were written
			       since: store_flush writes them) */
	sqlite3_stmt *stmt[S_COUNT];
	struct store_vcache vcache[STORE_VCACHE];
	struct store_ridcache *ridcache; /* STORE_RIDCACHE slots, or NULL */
	uint32_t ridgen;		     /* from 1 */
	struct store_jcache *jcache; /* STORE_JCACHE slots, or NULL */
	void (*release)(void *, json_t *); /* store_set_release */
	void *release_ctx;
	uint32_t *jused;	     /* the slots in use */
	size_t jn;
};

/* The cached statement, reset and with bindings cleared; NULL with err set
 * on failure. */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt which,
			 struct px_err *err);
/* An SQLite error as a px error: PX_ENOMEM, PX_ECORRUPT or PX_EIO. */
int store_sqlerr(struct store *st, int rc, const char *what,
		 struct px_err *err);
/* rid of a record id (or 0 if unknown, <0 on error); *kind and
 * *withdrawn if not NULL. */
int64_t store_rid(struct store *st, const char *id, int *kind,
		  int *withdrawn, struct px_err *err);
/* The record object of store.h for rid; with history, also "history". */
int store_record_json(struct store *st, int64_t rid, int history,
		      json_t **out, struct px_err *err);
/* rid-level place_within: 1, 0, or <0 on error. */
int store_within_rid(struct store *st, int64_t place, int64_t ancestor);
/* Parse canonical JSON text from the database. */
json_t *store_parse_json(const char *text, size_t len, struct px_err *err);

/* A filter's date: YYYY-MM-DD (query.c). */
int store_valid_date(const char *s);
/* The rid of record id named by filter `what`; PX_ENOTFOUND ("what: no
 * record ...") when there is none (query.c). */
int64_t store_need_rid(struct store *st, const char *what, const char *id,
		       struct px_err *err);
/* SQL for the rids of the places at or within the place bound to its one
 * parameter (through parent links). */
#define STORE_DOWN_SQL                                                         \
	"(WITH RECURSIVE down(x) AS (SELECT ? UNION SELECT c.rid FROM "        \
	"records c JOIN down ON c.parent=down.x) SELECT x FROM down)"

#endif
