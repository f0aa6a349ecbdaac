/*
 * store.h - the SQLite projection of the log: current state and history of
 * every record, search, and the queries the CLI, the server, the importers
 * and the exporters need.  Only src/store/ includes sqlite3.h.
 *
 * The store is built only by applying log entries in order (store_apply);
 * it records how many entries it has applied and catches up from the log
 * on open (done by the repo, src/repo/).  Throwing the database away and
 * re-applying the log (`parallax reindex`) gives a store that answers every
 * query identically.
 *
 * An entry is a C2SP signed note whose text is a record revision's canonical
 * JSON followed by one newline (docs/MODEL.md).  store_apply checks, against
 * the state built by the entries before it:
 *   1. the note's signature: a party registration (a party record with no
 *      filed_by) by the operator key; any other entry by the current key of
 *      its filed_by party (a party may also revise itself with its own key,
 *      and key rotation is a party revision);
 *   2. the record (rec_parse_canonical), with references resolved against
 *      the store: every referenced record must exist (withdrawn ones too);
 *   3. revisions: `revises` must name the record's latest revision (else
 *      PX_ECONFLICT, "stale revision"); only the owner (or an editor filing
 *      with acting_for = owner) may revise or withdraw; a withdrawn record
 *      cannot be revised; a first revision whose id exists is a duplicate
 *      (PX_EEXIST).
 * An entry that fails is not applied; store_apply still counts it as seen
 * and remembers why it was refused (so replaying the log is deterministic),
 * and returns the error.
 *
 * Query results are jansson values (the server sends them as they are, the
 * CLI formats them).  A record in a result is an object
 *   {"id": record id, "kind", "revision": latest revision id,
 *    "index": log index of the latest revision, "created_index",
 *    "owner", "filed_by", "acting_for"?, "filed_at", "withdrawn": bool,
 *    "record": the latest revision's JSON (for a withdrawn record, the last
 *              revision before the withdrawal),
 *    "withdrawal"?: {"reason", "index", "filed_at"}}
 * Lists are {"items": [...], "next": cursor or null, "total"?: n}.
 *
 * Thread safety: one struct store is used by one thread at a time; a
 * server opens one read-only store per worker thread (WAL mode lets them
 * read while the writer writes).
 */
#ifndef PX_STORE_STORE_H
#define PX_STORE_STORE_H

#include "log/note.h"
#include "record/record.h"
#include "util/px.h"

#include <jansson.h>
#include <stdint.h>

struct store; /* opaque */

#define STORE_FILE "store.db" /* inside the data directory */

/* Open (creating if needed, unless readonly) the database at path. */
int store_open(const char *path, int readonly, struct store **out,
	       struct px_err *err);
void store_close(struct store *st);

/* How many log entries have been applied (the next index to apply). */
uint64_t store_applied(struct store *st);

/*
 * Transactions around store_apply: the repo applies a batch in one.
 * store_apply outside a transaction runs in its own.  Search rows and
 * disputed flags are brought up to date for the whole batch in
 * store_commit (a search or a disputed-only list inside the transaction
 * does it first); if store_commit fails the transaction is still open and
 * the caller rolls it back.
 */
int store_begin(struct store *st, struct px_err *err);
int store_commit(struct store *st, struct px_err *err);
/* Bring the derived data up to date inside the open transaction, ahead of
 * store_commit (which then has nothing left to do but commit); a no-op
 * when nothing waits or the store is read-only. */
int store_flush(struct store *st, struct px_err *err);
void store_rollback(struct store *st);

/* What store_apply reports about an applied entry. */
struct store_applied {
	struct rec_info info;         /* envelope; info.id = revision id */
	char record_id[REC_ID_SIZE];  /* the record's id (first revision) */
};

/*
 * Apply log entry `index` (which must equal store_applied()).  operator_key
 * is the log operator's verifier key (it signs party registrations).  On
 * refusal returns the error (PX_EINVAL, PX_EVERIFY, PX_ECONFLICT,
 * PX_EEXIST, PX_ENOTFOUND ...) with a message naming the JSON path or the
 * rule; the entry is counted as seen either way, unless dry_run is set, in
 * which case nothing at all is written (used to check an entry before it
 * is appended to the log).
 */
int store_apply(struct store *st, uint64_t index, const uint8_t *entry,
		size_t len, const struct note_verifier *operator_key,
		int dry_run, struct store_applied *out, struct px_err *err);

/*
 * Preparing entries ahead, on other threads (catch-up, reindex, the
 * writer's larger rounds and custodial filings): what can be learnt of an
 * entry without the store.  store_entry_key gives the key store_apply would
 * check the entry against in the store's present state (0, or an error if
 * it has none: a refusal store_apply will report).  store_prepare, which
 * touches no store and may run on any thread, checks the signature with
 * prep->key when prep->have_key is set, and parses and validates the
 * record as rec_parse_canonical does without a resolver (everything but
 * whether the records it refers to exist).  store_apply_prepared is
 * store_apply given that work: the signature is not checked again when
 * prep->key is still the key store_apply picks (otherwise -- a key rotated
 * or a party registered in between -- it is checked as usual), the parsed
 * record is taken as it is, and only its references are resolved.  The
 * result is the same as store_apply's.  prep may be NULL; its record is
 * taken over (release prep with store_prep_release either way).
 */
struct store_prep {
	struct note_verifier key;
	unsigned char have_key; /* in: key is set */
	unsigned char verified; /* out: the signature verifies with key */
	unsigned char parsed;	/* out: rc, err and rec hold the parse */
	int rc;
	struct px_err err;
	struct rec rec; /* parsed and rc == 0: the record (owned) */
};

int store_entry_key(struct store *st, const uint8_t *entry, size_t len,
		    const struct note_verifier *operator_key,
		    struct note_verifier *out, struct px_err *err);
void store_prepare(const uint8_t *entry, size_t len, struct store_prep *prep);
void store_prep_release(struct store_prep *prep);
int store_apply_prepared(struct store *st, uint64_t index,
			 const uint8_t *entry, size_t len,
			 const struct note_verifier *operator_key,
			 struct store_prep *prep, int dry_run,
			 struct store_applied *out, struct px_err *err);

/*
 * Parsed revisions the store keeps until a transaction ends (to bring
 * derived data up to date) are handed to release(ctx, json) then, which
 * must json_decref it, on any thread, instead of being freed on this one.
 * A record is mostly freed on the thread that allocated it, the one that
 * prepared it (store_prepare); NULL (the default) frees them here.
 */
void store_set_release(struct store *st, void (*release)(void *, json_t *),
		       void *ctx);

/*
 * Bulk loading, for a database nobody else uses that is thrown away if
 * the process dies before it is complete (reindex builds a new file and
 * renames it in): store_bulk(st, 1) trades durability for speed (no
 * write-ahead log, no syncs, a larger cache); store_bulk(st, 0), outside
 * a transaction, returns to WAL mode and gathers the statistics the query
 * planner uses (ANALYZE).
 */
int store_bulk(struct store *st, int on, struct px_err *err);

/*
 * Savepoints inside a transaction, so a batch can drop one bad entry.
 * store_rollback_to undoes and ends the innermost savepoint (a
 * store_release after it is a no-op); store_applied() follows.
 */
int store_savepoint(struct store *st, struct px_err *err);
int store_release(struct store *st, struct px_err *err);
void store_rollback_to(struct store *st);

/* ---- reading */

/*
 * One record by record id (or by any of its revision ids).  With history,
 * adds "history": every revision oldest first, each
 * {"revision", "index", "filed_by", "acting_for"?, "filed_at",
 *  "withdrawn", "record"}.  PX_ENOTFOUND if unknown.
 */
int store_get(struct store *st, const char *id, int history, json_t **out,
	      struct px_err *err);

/*
 * What became of log entry `index`: {"index", "status": "applied",
 * "revision", "id" (record id), "kind", "text" (the note text: canonical
 * JSON and "\n")} or {"index", "status": "refused", "code" ("EVERIFY"...),
 * "error"}.  PX_ENOTFOUND for an index not yet applied.
 */
int store_entry_status(struct store *st, uint64_t index, json_t **out,
		       struct px_err *err);

/*
 * The revision id and record id of log entry `index` when it was applied
 * (1), without reading the record; 0 when it was refused or is not yet
 * applied.
 */
int store_entry_ids(struct store *st, uint64_t index, char rev[REC_ID_SIZE],
		    char id[REC_ID_SIZE], struct px_err *err);

/* The current verifier key of a party. */
int store_party_key(struct store *st, const char *party_id,
		    struct note_verifier *out, struct px_err *err);

/* Filters for store_list and store_search; zero/NULL means "any". */
struct store_query {
	int kind;           /* an enum rec_kind, or -1 for any */
	const char *text;   /* search words, in any script (store_search) */
	const char *from;   /* YYYY-MM-DD: events whose time ends on/after */
	const char *to;     /* YYYY-MM-DD: events whose time starts on/before */
	const char *place;  /* place id: at it or any place within it */
	const char *party;  /* party id: records it owns; for events, events
			       it has an account of */
	const char *type;   /* event type code */
	const char *event;  /* accounts (and relations) of this event */
	int disputed;       /* events with at least one disputed field */
	int withdrawn;      /* include withdrawn records */
	const char *cursor; /* from a previous result's "next" */
	unsigned limit;     /* 0: 50; at most 1000 */
};

void store_query_init(struct store_query *q);

/*
 * Records matching the filters, in a stable order (events by start date
 * then id; others by created_index), with cursor pagination.
 */
int store_list(struct store *st, const struct store_query *q, json_t **out,
	       struct px_err *err);

/*
 * Full-text search in every script, diacritics-insensitive, over titles,
 * narratives, translations, characterizations, source titles and every
 * name of every place and person, including their transliteration keys
 * (src/names/): "Stepanakert", "Степанакерт" and "Xankəndi" find the same
 * place.  A query that matches a place also finds the events at that place
 * or within it.  Each item is a record (above) with "snippet" (the matching
 * text with the match in [brackets]) and "match" (which field matched).
 */
int store_search(struct store *st, const struct store_query *q, json_t **out,
		 struct px_err *err);

/*
 * The comparison of an event's current accounts (src/compare/):
 * {"event": record, "accounts": [record...], "fields": {...}} as
 * compare.h describes, and "disputed": bool.
 */
int store_compare(struct store *st, const char *event_id, json_t **out,
		  struct px_err *err);

/* Is `place` equal to or inside `ancestor` (through parent links)? */
int store_place_within(struct store *st, const char *place,
		       const char *ancestor);

/*
 * One read transaction (BEGIN DEFERRED ... COMMIT) around several reads on
 * a read-only handle, so they share one snapshot and one WAL read lock
 * instead of one per statement.  Both do nothing on a read-write handle;
 * store_read_begin does nothing inside a transaction already open, and
 * store_read_end ends whatever transaction is open on a read-only handle
 * (none after a failed store_read_begin).
 */
int store_read_begin(struct store *st, struct px_err *err);
void store_read_end(struct store *st);

/* Counts per kind, applied and refused entries: {"applied", "refused",
 * "records": {"event": n, ...}}. */
int store_stats(struct store *st, json_t **out, struct px_err *err);

#endif
