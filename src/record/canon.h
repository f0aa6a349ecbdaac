/*
 * canon.h - strict JSON input and the RFC 8785 canonical form (JCS).
 *
 * Every record is stored, hashed and signed as canonical JSON.  Parsing is
 * jansson's (with duplicate keys refused); what jansson accepts is then
 * checked against the rules records live by, which are I-JSON (RFC 7493,
 * required by RFC 8785 §3.1) narrowed further:
 *   - the text is valid UTF-8 with no lone surrogates (escaped or not) and
 *     no U+0000 anywhere;
 *   - no object has two members with the same name;
 *   - numbers are integers in [-(2^53-1), 2^53-1]: records carry no
 *     fractions and no exponents ("1.0" and "1e2" are refused, "-0" reads
 *     as 0);
 *   - nesting is at most REC_CANON_DEPTH_MAX arrays/objects deep and the
 *     text at most REC_CANON_TEXT_MAX bytes (one log entry, tile.h).
 * Writing produces the canonical form of RFC 8785 §3.2: no whitespace
 * (§3.2.1), literals as-is (§3.2.2.1), strings with the minimal escapes
 * (§3.2.2.2), integers in shortest decimal form (§3.2.2.3, which for
 * integers below 2^53 is plain decimal), object members sorted by the
 * UTF-16 code units of their names (§3.2.3), output in UTF-8 (§3.2.4).
 *
 * Errors name the JSON path of the offending value and the reason:
 * "claims.casualties[2].low: numbers must be integers (12.5)".  Paths are
 * member names joined with '.', array positions as [i], names that are not
 * plain identifiers as ["name"], and the whole text as "$".  Errors jansson
 * finds (syntax, invalid UTF-8, lone surrogates, duplicate names) are
 * reported with the path of the member being read, found by scanning the
 * text up to the error, and jansson's line, column and reason:
 * "claims.characterization.text: invalid JSON at line 1, column 93: unable
 * to decode byte 0xc3".
 */
#ifndef PX_RECORD_CANON_H
#define PX_RECORD_CANON_H

#include "util/px.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define REC_CANON_TEXT_MAX 65535       /* longest JSON text we read or write */
#define REC_CANON_DEPTH_MAX 32	       /* deepest nesting of arrays/objects */
#define REC_INT_MAX 9007199254740991LL /* 2^53 - 1 (RFC 7493 §2.2) */
#define REC_PATH_MAX 256

/* A JSON path being built while walking a value (see the top of file). */
struct rec_path {
	char s[REC_PATH_MAX];
	size_t len;
};

void rec_path_init(struct rec_path *p);
/* Append a member name / an array index; return the length to restore. */
size_t rec_path_push_key(struct rec_path *p, const char *key, size_t klen);
size_t rec_path_push_index(struct rec_path *p, size_t i);
void rec_path_pop(struct rec_path *p, size_t old_len);
/* The path as text: "$" when empty.  Truncated paths end in "...". */
const char *rec_path_str(const struct rec_path *p);

/*
 * Check that s[0..len) is valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  Returns the number of code points,
 * or -1 if it is not valid.
 */
long rec_utf8_count(const char *s, size_t len);

/*
 * Compare two valid UTF-8 strings by their UTF-16 code units, the order of
 * RFC 8785 §3.2.3 (it differs from byte order only between characters
 * above U+FFFF and those in U+E000..U+FFFF).  Returns <0, 0 or >0.
 */
int rec_utf16_cmp(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Parse JSON text strictly (see the top of file).  On success *out is a new
 * jansson value the caller releases with json_decref.  PX_ETOOBIG for text
 * over REC_CANON_TEXT_MAX, PX_EINVAL for anything malformed, PX_ENOMEM.
 */
int rec_canon_parse(const char *text, size_t len, json_t **out,
		    struct px_err *err);

/*
 * Check a value built in memory against the same rules (UTF-8 strings
 * without U+0000, integers in range, no reals, depth).  0 or PX_EINVAL.
 */
int rec_canon_check(const json_t *v, struct px_err *err);

/*
 * Append the canonical form of v to out.  The value is checked as by
 * rec_canon_check first; out's max bounds the size (PX_ETOOBIG).
 */
int rec_canon_write(const json_t *v, struct px_buf *out, struct px_err *err);

/* Parse text strictly and append its canonical form to out. */
int rec_canon_text(const char *text, size_t len, struct px_buf *out,
		   struct px_err *err);

#endif
