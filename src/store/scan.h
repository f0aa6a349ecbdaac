/*
 * scan.h - read-only streaming scans of the store for bulk exports.
 *
 * store_list builds a full record object (store.h) for every record of a
 * page and needs a query per page; an export of every account wants only
 * each account's current revision, its owner and its event, in one pass.
 * A scan is one SQL statement walking the records in the order store_list
 * gives them, with the filters store_list applies, and handing back the
 * stored canonical JSON as it is (the caller parses what it needs, once).
 * Beside it, store_scan_current looks a record up by id with one prepared
 * statement, for the places and sources a row names (the caller caches).
 *
 * Every pointer in a struct store_scan_row belongs to SQLite: valid until
 * the next store_scan_next, store_scan_start or store_scan_free on the
 * same scan; what store_scan_current and store_scan_record give, until
 * the next call of the same function (or store_scan_free).  A scan holds a
 * read transaction for as long as its statement is stepping (one snapshot
 * for the whole pass, lookups included).  While a scan is open the
 * connection's page cache is held to a few megabytes (a pass reads each
 * page once); store_scan_free gives it back its size.
 */
#ifndef PX_STORE_SCAN_H
#define PX_STORE_SCAN_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

struct store_scan; /* opaque */

enum store_scan_what {
	/*
	 * Every current (not withdrawn) account in created order (rid), as
	 * store_list(kind account, party) gives them: only the accounts
	 * q->party owns when it is set.  When q sets from, to, place or
	 * type, only the accounts whose event store_list(kind event, same
	 * filters) would list: current events matching them.  Each row is
	 * one account and the rid of its event (withdrawn or not): the
	 * event itself is read only when asked for (store_scan_record).
	 */
	STORE_SCAN_ACCOUNTS,
	/*
	 * Every event store_list(kind event, q's filters) lists, in its
	 * order (start date, then rid), each followed by its current
	 * accounts in rid order: one row per account, or one row with no
	 * account (id and json NULL) for an event that has none.  The rows
	 * of one event are consecutive (same event_rid).
	 */
	STORE_SCAN_EVENTS
};

struct store_scan_row {
	int64_t rid;	   /* the account's rid; 0 when there is none */
	const char *id;	   /* the account's record id, or NULL */
	const char *owner; /* its owner's record id, or NULL */
	const char *json;  /* its current revision's canonical JSON */
	size_t len;
	int64_t event_rid;	/* 0 when the account's event is unknown */
	const char *event_id;	/* STORE_SCAN_EVENTS: the event's id */
	const char *event_json; /* and its current revision */
	size_t event_len;
};

/* A scan for lookups only (store_scan_current); store_scan_start begins a
 * pass.  PX_ENOMEM. */
int store_scan_new(struct store *st, struct store_scan **out,
		   struct px_err *err);
void store_scan_free(struct store_scan *sc);

/*
 * Begin a pass (ending any earlier one).  q's from, to, place, party and
 * type are used (the rest is ignored) and checked as store_list checks
 * them, with the same errors: a malformed date is PX_EINVAL, an unknown
 * place or party PX_ENOTFOUND.
 */
int store_scan_start(struct store_scan *sc, enum store_scan_what what,
		     const struct store_query *q, struct px_err *err);

/* The next row: 1, 0 at the end of the pass, or a negative PX_E* code. */
int store_scan_next(struct store_scan *sc, struct store_scan_row *row,
		    struct px_err *err);

/*
 * The current revision (the record store_get shows as "record") of the
 * record whose id is id: 1 with *json and *len set, 0 if the store has no
 * such record, or a negative PX_E* code.
 */
int store_scan_current(struct store_scan *sc, const char *id, const char **json,
		       size_t *len, struct px_err *err);

/* The same by rid, with the record's id in *id: 1, 0 if the store has no
 * such record, or a negative PX_E* code. */
int store_scan_record(struct store_scan *sc, int64_t rid, const char **id,
		      const char **json, size_t *len, struct px_err *err);

#endif
