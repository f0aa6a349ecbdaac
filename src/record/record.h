/*
 * record.h - the record kinds of parallax, their envelope, their ids, and
 * complete validation.  docs/MODEL.md documents every field.
 *
 * A record revision is one JSON object: the envelope members common to all
 * kinds, plus the members of its kind, e.g.
 *
 *   {"v":1,"kind":"event","filed_by":"party-3f..","filed_at":
 *    "2026-03-01T10:00:00Z","title":"Shelling of a market","type":...}
 *
 * Envelope:
 *   v           1 (the format version)                            required
 *   kind        party source event account person place evidence relation
 *   filed_by    the party whose key signs the entry; absent only on party
 *               records, which the log operator's key signs
 *   acting_for  the party a record is filed for, when an editor (filed_by)
 *               files on its behalf; it then owns the record
 *   filed_at    RFC 3339 UTC time, "2026-03-01T10:00:00Z"           required
 *   revises     the revision id this revision replaces (same kind)
 *   withdrawal  {"reason": text}: withdraws the record; needs revises and
 *               carries no kind members
 *   comment     a note on this revision
 *
 * Ids.  A revision's id is its kind, '-', and the lower-case hex SHA-256 of
 * its canonical JSON text (canon.h), e.g. "event-9f86d0..." (73 bytes at
 * most).  A record's id is the id of its first revision; references between
 * records (an account's event, a place's parent, a claim's sources) always
 * name record ids, `revises` names the revision being replaced.  The kind
 * prefix lets validation check that a reference names the right kind
 * without the store; whether it exists is asked of the store through
 * rec_resolve_cb.
 *
 * Every error names the JSON path and the reason, e.g.
 *   "claims.casualties.civilians.low: must not exceed best (40 > 12)".
 * Validation stops at the first error, found in a fixed order: the value's
 * type, unknown members, missing members, then each member in the order of
 * docs/MODEL.md.
 */
#ifndef PX_RECORD_RECORD_H
#define PX_RECORD_RECORD_H

#include "record/canon.h"
#include "util/px.h"

#include <jansson.h>
#include <stdint.h>

enum rec_kind {
	REC_PARTY,
	REC_SOURCE,
	REC_EVENT,
	REC_ACCOUNT,
	REC_PERSON,
	REC_PLACE,
	REC_EVIDENCE,
	REC_RELATION,
	REC_KIND_COUNT
};

#define REC_VERSION 1
#define REC_ID_HEX 64
#define REC_ID_SIZE 80	 /* longest id ("evidence-" + 64 hex) and a NUL */
#define REC_TIME_SIZE 21 /* "YYYY-MM-DDTHH:MM:SSZ" and a NUL */

/* "party", "source", ...; NULL for a value out of range. */
const char *rec_kind_name(enum rec_kind kind);
/* The kind named s[0..len); 0 or PX_EINVAL. */
int rec_kind_parse(const char *s, size_t len, enum rec_kind *kind);

/*
 * The id of a revision whose canonical text is canon[0..len):
 * "<kind>-<hex SHA-256(canon)>" written to out.
 */
void rec_id_make(enum rec_kind kind, const void *canon, size_t len,
		 char out[REC_ID_SIZE]);
/*
 * Parse an id: its kind and hash.  0, or PX_EINVAL (with a message saying
 * what is wrong) when it is not exactly "<kind>-<64 lower-case hex>".
 */
int rec_id_parse(const char *s, size_t len, enum rec_kind *kind,
		 uint8_t hash[32], struct px_err *err);

/*
 * Does the record `id` (of kind `kind`, already checked against the id's
 * prefix) exist?  Return 0 if it does, PX_ENOTFOUND if not (no message
 * needed: the validator writes one naming the path), or another negative
 * code with err set (which the validator prefixes with the path).  The
 * store decides whether a withdrawn record may still be referred to.
 */
typedef int (*rec_resolve_cb)(void *ctx, const char *id, enum rec_kind kind,
			      struct px_err *err);

struct rec_resolver {
	rec_resolve_cb resolve; /* NULL: references are checked for syntax
				   and kind only */
	void *ctx;
};

/* What the store needs from the envelope of a valid revision. */
struct rec_info {
	enum rec_kind kind;
	char id[REC_ID_SIZE];	      /* this revision's id */
	char revises[REC_ID_SIZE];    /* "" on a first revision */
	char filed_by[REC_ID_SIZE];   /* "" for a party filed by the operator */
	char acting_for[REC_ID_SIZE]; /* "" unless an editor filed it */
	char filed_at[REC_TIME_SIZE];
	int withdrawn; /* the revision is a withdrawal */
};

/* The owner of a record revision: acting_for if set, else filed_by. */
const char *rec_info_owner(const struct rec_info *info);

/*
 * Validate a record revision held as a jansson value (for instance one
 * built in memory); it is checked with rec_canon_check first.  On success
 * *info is filled, except info->id (which needs the canonical text).
 */
int rec_validate(const json_t *rec, const struct rec_resolver *res,
		 struct rec_info *info, struct px_err *err);

/* A reference to another record, at a JSON path of a revision. */
struct rec_ref {
	char id[REC_ID_SIZE];
	enum rec_kind kind;
	char *path; /* "claims.place" (owned) */
};

/* A parsed, validated revision with its canonical text and id. */
struct rec {
	json_t *json;	     /* the parsed value (owned) */
	struct px_buf canon; /* its canonical text, NUL-terminated */
	struct rec_info info;
	/* parsed without a resolver: the references to check, in the
	 * order the validator met them (rec_check_refs) */
	struct rec_ref *refs;
	size_t nrefs, refcap;
};

/*
 * Parse JSON text strictly (canon.h), validate it as a record revision
 * (res may be NULL), write its canonical form and compute its id.  On
 * failure nothing is kept and *out is left released.  The text is at most
 * REC_CANON_TEXT_MAX bytes.  Release with rec_release.
 *
 * With res NULL the references are checked for syntax and kind only and
 * noted in out->refs, so that parsing (which needs no store) can run on
 * any thread and rec_check_refs resolve them later where the store is.
 */
int rec_parse(const char *text, size_t len, const struct rec_resolver *res,
	      struct rec *out, struct px_err *err);
void rec_release(struct rec *r);

/*
 * Resolve the references a parse without a resolver noted, in order; the
 * first that does not resolve is the error, worded as rec_parse words it
 * ("claims.place: no place record \"place-...\"").  0 when all resolve.
 */
int rec_check_refs(const struct rec *r, const struct rec_resolver *res,
		   struct px_err *err);

/*
 * As rec_parse, for text that must already be canonical: a log entry's
 * text (without the note's final newline).  Text that is valid but not in
 * canonical form is refused (PX_EINVAL, naming the first differing byte),
 * so that an entry's id is always the hash of exactly the bytes signed.
 */
int rec_parse_canonical(const char *text, size_t len,
			const struct rec_resolver *res, struct rec *out,
			struct px_err *err);

/* Format a time (seconds since the Unix epoch, UTC) as a record time,
 * "YYYY-MM-DDTHH:MM:SSZ".  Returns 0, or PX_EINVAL outside years 1-9999. */
int rec_time_format(int64_t unix_seconds, char out[REC_TIME_SIZE]);

/* Limits (code points for text; items for arrays); see docs/MODEL.md. */
#define REC_NAME_MAX 200   /* names, titles, actors, used_by */
#define REC_TITLE_MAX 300  /* source titles */
#define REC_NOTE_MAX 2000  /* comments, reasons, descriptions */
#define REC_TEXT_MAX 20000 /* narratives and translations */
#define REC_URL_MAX 2000
#define REC_COUNT_MAX 10000000 /* a casualty figure */
#define REC_LAT_MAX 90000000   /* micro-degrees */
#define REC_LON_MAX 180000000

#endif
