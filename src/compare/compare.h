/*
 * compare.h - where accounts of one event agree and where they conflict,
 * per claim field, by the rules in docs/MODEL.md ("Comparison").
 *
 * Input: the current revisions of an event's accounts, each as the store
 * returns a record ({"id", "owner", "index", "record": {...account...}}).
 * Accounts with "withdrawn": true are left out; "index" (the log index)
 * orders the values of every field (then "id"); "owner" may be absent,
 * in which case the record's acting_for or filed_by is used.
 * Output (a new jansson object):
 *   {"event": the event id (absent when there is no account),
 *    "accounts": [{"account", "owner", "index"}...] in that order,
 *    "disputed": bool,                   any field disputed
 *    "fields": {
 *      "<field>": {"status": "agreed" | "disputed" | "single-source",
 *                  "values": [{"account": id, "owner": party id,
 *                              "value": the claim as filed,
 *                              ...field-specific: "range": [low, high|null]
 *                              and "sources" for casualties}...],
 *                  "overlap": for agreed time ({"start", "end"}) and
 *                             casualties ([low, high|null])},
 *      ...}}
 * Fields: time, place, type, initiators, targets, characterization
 * (status is always "side-by-side"), casualties.civilians,
 * casualties.military.<side>, casualties.unknown, relations.<type-free
 * key: the other event's id>.  A field no account claims is absent.
 *
 * Whether one place lies within another is asked through a callback (the
 * store follows parent links).  Pure otherwise: no I/O, deterministic.
 *
 * Errors: PX_EINVAL for a malformed account, naming the account id and
 * the JSON path ("account \"account-..\": record.claims.time.start: must
 * be a date \"YYYY-MM-DD\""), or for accounts of different events;
 * PX_ENOMEM; a negative code returned by the callback.
 */
#ifndef PX_COMPARE_COMPARE_H
#define PX_COMPARE_COMPARE_H

#include "util/px.h"

#include <jansson.h>

/* 1 if place `inner` is `outer` or lies within it, else 0; a negative
 * PX_E* code stops the comparison with that error. */
typedef int (*cmp_within_cb)(void *ctx, const char *inner, const char *outer);

struct cmp_places {
	cmp_within_cb within; /* NULL: places agree only when equal */
	void *ctx;
};

/* Compare the accounts (a JSON array of store records); *out is new. */
int cmp_event(const json_t *accounts, const struct cmp_places *places,
	      json_t **out, struct px_err *err);

/* Two inclusive day intervals "YYYY-MM-DD" intersect? */
int cmp_intervals_intersect(const char *s1, const char *e1, const char *s2,
			    const char *e2);

#endif
