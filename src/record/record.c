/*
 * record.c - validation of record revisions, kind by kind, and their ids.
 *
 * The validator walks a parsed record with a JSON path (canon.h) and stops
 * at the first error, which names the path and the reason.  Each kind is a
 * table of allowed and required members and a function that checks them
 * in the order of docs/MODEL.md; the small checkers below (text, enum, id,
 * date, ...) are shared by all kinds.  References to other records are
 * checked for syntax and kind here, and for existence by the caller's
 * rec_resolve_cb (the store).
 */
#include "record/record.h"

#include "log/hash.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

/* ---- kinds and ids. */

static const char *const kind_names[REC_KIND_COUNT] = {
    "party",  "source", "event",    "account",
    "person", "place",	"evidence", "relation",
};

static const char *const V_KIND[REC_KIND_COUNT + 1] = {
    "party", "source",	 "event",    "account", "person",
    "place", "evidence", "relation", NULL,
};

const char *rec_kind_name(enum rec_kind kind)
{
	if ((int)kind < 0 || kind >= REC_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

int rec_kind_parse(const char *s, size_t len, enum rec_kind *kind)
{
	int k;

	for (k = 0; k < REC_KIND_COUNT; k++) {
		if (strlen(kind_names[k]) == len &&
		    memcmp(kind_names[k], s, len) == 0) {
			*kind = (enum rec_kind)k;
			return 0;
		}
	}
	return PX_EINVAL;
}

void rec_id_make(enum rec_kind kind, const void *canon, size_t len,
		 char out[REC_ID_SIZE])
{
	uint8_t h[LOG_HASH_SIZE];
	size_t n = strlen(kind_names[kind]);

	log_sha256(h, canon, len);
	memcpy(out, kind_names[kind], n);
	out[n] = '-';
	px_hex_encode(out + n + 1, h, sizeof(h));
}

int rec_id_parse(const char *s, size_t len, enum rec_kind *kind,
		 uint8_t hash[32], struct px_err *err)
{
	const char *dash = memchr(s, '-', len);
	size_t i, hlen;

	if (!dash || rec_kind_parse(s, (size_t)(dash - s), kind) < 0)
		return px_errorf(err, PX_EINVAL,
				 "must be a record id (KIND-HEX, KIND one of "
				 "party, source, event, account, person, "
				 "place, evidence, relation)");
	hlen = len - (size_t)(dash - s) - 1;
	if (hlen != REC_ID_HEX)
		return px_errorf(err, PX_EINVAL,
				 "the id's hash must be %d hex digits, not %zu",
				 REC_ID_HEX, hlen);
	for (i = 0; i < hlen; i++) {
		char c = dash[1 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return px_errorf(
			    err, PX_EINVAL,
			    "the id's hash must be lower-case hex");
	}
	if (px_hex_decode(hash, 32, dash + 1, hlen) < 0)
		return px_errorf(err, PX_EINVAL, "the id's hash is not hex");
	return 0;
}

const char *rec_info_owner(const struct rec_info *info)
{
	return info->acting_for[0] ? info->acting_for : info->filed_by;
}

/* ---- the validation context. */

struct vctx {
	struct rec_path path;
	const struct rec_resolver *res;
	struct rec *collect; /* without a resolver: note references here */
	struct px_err *err;
};

static int fail(struct vctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct vctx *c, const char *fmt, ...)
{
	char why[PX_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return px_errorf(c->err, PX_EINVAL, "%s: %s", rec_path_str(&c->path),
			 why);
}

typedef int (*check_fn)(struct vctx *c, const json_t *v, const void *arg);

/* Check member `name` of obj with fn, if it is present. */
static int field(struct vctx *c, const json_t *obj, const char *name,
		 check_fn fn, const void *arg)
{
	const json_t *v = json_object_get(obj, name);
	size_t old;
	int rc;

	if (!v)
		return 0;
	old = rec_path_push_key(&c->path, name, strlen(name));
	rc = fn(c, v, arg);
	if (rc == 0)
		rec_path_pop(&c->path, old);
	return rc;
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* The value must be an object with members only from `allowed` and every
 * member of `required`. */
static int members(struct vctx *c, const json_t *v, const char *const *allowed,
		   const char *const *required)
{
	const char *key;
	json_t *m;

	if (!json_is_object(v))
		return fail(c, "must be an object");
	json_object_foreach((json_t *)v, key, m)
	{
		if (!in_list(key, allowed)) {
			rec_path_push_key(&c->path, key, strlen(key));
			return fail(c, "unknown field");
		}
	}
	for (; required && *required; required++) {
		if (!json_object_get(v, *required)) {
			rec_path_push_key(&c->path, *required,
					  strlen(*required));
			return fail(c, "required field is missing");
		}
	}
	return 0;
}

/* ---- text. */

struct tspec {
	long max;      /* most code points */
	int multiline; /* allows '\n' and '\t', and outer whitespace */
};

static const struct tspec T_NAME = {REC_NAME_MAX, 0};
static const struct tspec T_TITLE = {REC_TITLE_MAX, 0};
static const struct tspec T_NOTE = {REC_NOTE_MAX, 1};
static const struct tspec T_TEXT = {REC_TEXT_MAX, 1};
static const struct tspec T_FILENAME = {255, 0};

static int is_space_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	/* ASCII whitespace, U+00A0, U+2000..U+200B, U+3000 */
	if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		*n = 1;
		return 1;
	}
	if (i + 1 < len && s[i] == 0xC2 && s[i + 1] == 0xA0) {
		*n = 2;
		return 1;
	}
	if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 &&
	    s[i + 2] <= 0x8B) {
		*n = 3;
		return 1;
	}
	if (i + 2 < len && s[i] == 0xE3 && s[i + 1] == 0x80 &&
	    s[i + 2] == 0x80) {
		*n = 3;
		return 1;
	}
	return 0;
}

static int check_text(struct vctx *c, const json_t *v, const void *arg)
{
	const struct tspec *t = arg;
	const unsigned char *s;
	size_t len, i, n;
	long cps;

	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = (const unsigned char *)json_string_value(v);
	len = json_string_length(v);
	cps = rec_utf8_count((const char *)s, len);
	if (cps < 0)
		return fail(c, "is not valid UTF-8");
	if (cps == 0)
		return fail(c, "must not be empty");
	if (cps > t->max)
		return fail(c, "is %ld characters long, more than %ld", cps,
			    t->max);
	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];
		if (ch < 0x20 || ch == 0x7F) {
			if (t->multiline && (ch == '\n' || ch == '\t'))
				continue;
			return fail(c,
				    "must not contain control character "
				    "U+%04X (at byte %zu)",
				    ch, i);
		}
		/* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8. */
		if (ch == 0xC2 && i + 1 < len && s[i + 1] < 0xA0)
			return fail(c,
				    "must not contain control character "
				    "U+%04X (at byte %zu)",
				    s[i + 1], i);
	}
	if (!t->multiline) {
		/* the last character starts at the last non-continuation
		 * byte */
		size_t last = len - 1;
		while (last > 0 && (s[last] & 0xC0) == 0x80)
			last--;
		if (is_space_at(s, len, 0, &n) || is_space_at(s, len, last, &n))
			return fail(c, "must not begin or end with "
				       "whitespace");
	} else {
		i = 0;
		while (i < len && is_space_at(s, len, i, &n))
			i += n;
		if (i == len)
			return fail(c, "must not be only whitespace");
	}
	return 0;
}

/* ---- vocabularies: lower-case codes, words joined by '-'. */

static int check_enum(struct vctx *c, const json_t *v, const void *arg)
{
	const char *const *list = arg;
	char all[600];
	size_t n = 0;

	if (!json_is_string(v))
		return fail(c, "must be a string");
	if (in_list(json_string_value(v), list) &&
	    strlen(json_string_value(v)) == json_string_length(v))
		return 0;
	for (; *list && n < sizeof(all) - 1; list++)
		n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s",
				      n ? ", " : "", *list);
	return fail(c, "must be one of: %s", all);
}

static const char *const V_PARTY_TYPE[] = {
    "government-body", "ombudsperson", "ngo",	"international-organization",
    "media",	       "individual",   "other", NULL};
static const char *const V_SOURCE_TYPE[] = {
    "document",		 "article", "report", "interview",
    "testimony",	 "photo",   "video",  "audio",
    "social-media-post", "dataset", "other",  NULL};
/* ACLED source_scale */
static const char *const V_SOURCE_SCALE[] = {
    "local",	     "subnational", "national", "regional",
    "international", "new-media",   "other",	NULL};
/* UCDP GED date_prec, coarsened to the units users state */
static const char *const V_DATE_PREC[] = {"day", "week", "month", "year", NULL};
/* UCDP GED where_prec */
static const char *const V_WHERE_PREC[] = {"exact",  "near",	"district",
					   "region", "country", NULL};
/* ACLED inter1/inter2 */
static const char *const V_INTER[] = {
    "state-forces",	"rebel-group",	  "political-militia",
    "identity-militia", "rioters",	  "protesters",
    "civilians",	"external-other", NULL};
static const char *const V_PERSON_STATUS[] = {
    "missing",	  "detained",	"released", "found-alive",
    "found-dead", "identified", "deceased", NULL};
static const char *const V_PLACE_TYPE[] = {
    "settlement",    "district", "region", "country", "road", "checkpoint",
    "heritage-site", "landmark", "water",  "other",   NULL};
/* relations an account claims between its event and another */
static const char *const V_CLAIM_REL[] = {
    "before", "after", "in-response-to", "part-of", "same-as", NULL};
static const char *const V_REL_PERSON[] = {"victim", "witness", "missing-in",
					   "detained-in", NULL};
/* event-event first, then person-event */
static const char *const V_REL_ALL[] = {
    "same-as",	      "part-of",     "before",
    "in-response-to", "victim",	     "witness",
    "missing-in",     "detained-in", NULL};

/* ACLED event types and sub-event types (codebook 2023), as codes. */
static const char *const V_EVENT_TYPE[] = {"battle",
					   "explosion-remote-violence",
					   "violence-against-civilians",
					   "protest",
					   "riot",
					   "strategic-development",
					   NULL};
static const char *const V_SUB_BATTLE[] = {
    "armed-clash", "government-regains-territory",
    "non-state-actor-overtakes-territory", NULL};
static const char *const V_SUB_EXPLOSION[] = {
    "chemical-weapon",
    "air-drone-strike",
    "suicide-bomb",
    "shelling-artillery-missile-attack",
    "remote-explosive-landmine-ied",
    "grenade",
    NULL};
static const char *const V_SUB_VAC[] = {"sexual-violence", "attack",
					"abduction-forced-disappearance", NULL};
static const char *const V_SUB_PROTEST[] = {
    "peaceful-protest", "protest-with-intervention",
    "excessive-force-against-protesters", NULL};
static const char *const V_SUB_RIOT[] = {"violent-demonstration",
					 "mob-violence", NULL};
static const char *const V_SUB_STRATEGIC[] = {
    "agreement",
    "arrests",
    "change-to-group-activity",
    "disrupted-weapons-use",
    "headquarters-or-base-established",
    "looting-property-destruction",
    "non-violent-transfer-of-territory",
    "other",
    NULL};
static const char *const *const V_SUBTYPES[] = {V_SUB_BATTLE, V_SUB_EXPLOSION,
						V_SUB_VAC,    V_SUB_PROTEST,
						V_SUB_RIOT,   V_SUB_STRATEGIC};

/* A string value as quoted in a message: at most 40 bytes, cut between
 * characters, control characters shown as '?', "..." when cut. */
static const char *shown(const json_t *v, char buf[64])
{
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	size_t len = json_string_length(v), i = 0, n = 0;

	while (i < len) {
		size_t clen = s[i] < 0x80   ? 1
			      : s[i] < 0xE0 ? 2
			      : s[i] < 0xF0 ? 3
					    : 4;
		if (clen > len - i)
			clen = len - i;
		if (n + clen > 40)
			break;
		if (s[i] < 0x20 || s[i] == 0x7F ||
		    (s[i] == 0xC2 && clen == 2 && s[i + 1] < 0xA0)) {
			buf[n++] = '?';
		} else {
			memcpy(buf + n, s + i, clen);
			n += clen;
		}
		i += clen;
	}
	if (i < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* ---- scalars. */

struct ispec {
	long long min, max;
};

static int check_int(struct vctx *c, const json_t *v, const void *arg)
{
	const struct ispec *r = arg;
	long long n;

	if (!json_is_integer(v))
		return fail(c, "must be an integer");
	n = json_integer_value(v);
	if (n < r->min || n > r->max)
		return fail(c, "%lld is out of range [%lld, %lld]", n, r->min,
			    r->max);
	return 0;
}

static int check_version(struct vctx *c, const json_t *v, const void *arg)
{
	(void)arg;
	if (!json_is_integer(v) || json_integer_value(v) != REC_VERSION)
		return fail(c, "must be %d (the only format version)",
			    REC_VERSION);
	return 0;
}

static int digits(const char *s, int n, int *out)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*out = x;
	return 0;
}

/* RFC 3339 §5.6 full-date with the §5.7 limits on days per month. */
static int parse_date(const char *s, size_t len)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
	    digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0)
		return -1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	return 0;
}

static int check_date(struct vctx *c, const json_t *v, const void *arg)
{
	char q[64];
	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	if (parse_date(json_string_value(v), json_string_length(v)) < 0)
		return fail(c,
			    "must be a date YYYY-MM-DD (RFC 3339 "
			    "full-date), not \"%s\"",
			    shown(v, q));
	return 0;
}

/* RFC 3339 §5.6 date-time in UTC without fractions:
 * YYYY-MM-DDTHH:MM:SSZ (seconds 00..59; no leap seconds). */
static int check_datetime(struct vctx *c, const json_t *v, const void *arg)
{
	char q[64];
	const char *s;
	size_t len;
	int h, mi, se;

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len != 20 || parse_date(s, 10) < 0 || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    digits(s + 11, 2, &h) < 0 || digits(s + 14, 2, &mi) < 0 ||
	    digits(s + 17, 2, &se) < 0 || h > 23 || mi > 59 || se > 59)
		return fail(c,
			    "must be a UTC time YYYY-MM-DDTHH:MM:SSZ "
			    "(RFC 3339), not \"%s\"",
			    shown(v, q));
	return 0;
}

/* BCP 47 (RFC 5646 §2.1) syntax, simplified: a primary language of 2-3
 * lower-case letters, then subtags of 1-8 letters or digits. */
static int check_lang(struct vctx *c, const json_t *v, const void *arg)
{
	char q[64];
	const char *s;
	size_t len, i, sub = 0, nsub = 0;

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || len > 35)
		goto bad;
	for (i = 0; i <= len; i++) {
		char ch = i < len ? s[i] : '-';
		if (ch == '-') {
			if (sub == 0 || sub > 8 || (nsub == 0 && sub < 2) ||
			    (nsub == 0 && sub > 3))
				goto bad;
			nsub++;
			sub = 0;
		} else if (ch >= 'a' && ch <= 'z') {
			sub++;
		} else if (nsub > 0 && ((ch >= 'A' && ch <= 'Z') ||
					(ch >= '0' && ch <= '9'))) {
			sub++;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	return fail(c,
		    "must be a BCP 47 language tag such as \"hy\", "
		    "\"az-Latn\" or \"en\", not \"%s\"",
		    shown(v, q));
}

/* ISO 15924 script code: four letters, the first upper case. */
static int check_script(struct vctx *c, const json_t *v, const void *arg)
{
	char q[64];
	const char *s;

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	if (json_string_length(v) != 4 || s[0] < 'A' || s[0] > 'Z' ||
	    s[1] < 'a' || s[1] > 'z' || s[2] < 'a' || s[2] > 'z' ||
	    s[3] < 'a' || s[3] > 'z')
		return fail(c,
			    "must be an ISO 15924 script code such as "
			    "\"Armn\", \"Latn\" or \"Cyrl\", not \"%s\"",
			    shown(v, q));
	return 0;
}

static int check_url(struct vctx *c, const json_t *v, const void *arg)
{
	const char *s;
	size_t len, i, scheme;

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > REC_URL_MAX)
		return fail(c, "is %zu bytes long, more than %d", len,
			    REC_URL_MAX);
	scheme = strncmp(s, "https://", 8) == 0	 ? 8
		 : strncmp(s, "http://", 7) == 0 ? 7
						 : 0;
	if (!scheme || len == scheme)
		return fail(c, "must be an http:// or https:// URL");
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
			return fail(c,
				    "must not contain spaces or control "
				    "characters (at byte %zu)",
				    i);
	return 0;
}

static int check_sha256(struct vctx *c, const json_t *v, const void *arg)
{
	const char *s;
	size_t i;

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	if (json_string_length(v) != 64)
		return fail(c, "must be 64 lower-case hex digits (SHA-256)");
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return fail(c, "must be 64 lower-case hex digits "
				       "(SHA-256)");
	return 0;
}

/* RFC 6838 §4.2 type "/" subtype, restricted-name characters, lower case. */
static int check_media_type(struct vctx *c, const json_t *v, const void *arg)
{
	char q[64];
	const char *s;
	size_t len, i, part = 0, nslash = 0;

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	for (i = 0; i <= len; i++) {
		char ch = i < len ? s[i] : '/';
		if (ch == '/') {
			if (part == 0 || part > 127)
				goto bad;
			nslash++;
			part = 0;
		} else if ((ch >= 'a' && ch <= 'z') ||
			   (ch >= '0' && ch <= '9')) {
			part++;
		} else if (part > 0 && strchr("!#$&-^_.+", ch)) {
			part++;
		} else {
			goto bad;
		}
	}
	if (nslash == 2)
		return 0;
bad:
	return fail(c,
		    "must be a lower-case media type such as "
		    "\"image/jpeg\" (RFC 6838), not \"%s\"",
		    shown(v, q));
}

/* A signed-note verifier key (C2SP signed-note): name+keyid+base64(type
 * || public key), with type 0x01 (Ed25519) and the key ID equal to the
 * first four bytes of SHA-256(name || "\n" || type || public key). */
static int check_note_key(struct vctx *c, const json_t *v, const void *arg)
{
	const char *s, *p1, *p2;
	size_t len, i, nlen, blen;
	uint8_t raw[64], h[LOG_HASH_SIZE], idb[4], hin[256 + 1 + 33];

	(void)arg;
	if (!json_is_string(v))
		return fail(c, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	p1 = memchr(s, '+', len);
	if (!p1)
		goto bad;
	nlen = (size_t)(p1 - s);
	if (nlen == 0 || nlen > 255)
		return fail(c, "the key name must be 1 to 255 bytes");
	for (i = 0; i < nlen; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
			return fail(c, "the key name must not contain spaces "
				       "or control characters");
	p2 = memchr(p1 + 1, '+', len - nlen - 1);
	if (!p2 || p2 - p1 - 1 != 8 || px_hex_decode(idb, 4, p1 + 1, 8) < 0)
		goto bad;
	for (i = 1; i <= 8; i++)
		if (p1[i] >= 'A' && p1[i] <= 'F')
			goto bad;
	blen = len - (size_t)(p2 + 1 - s);
	if (px_b64_decode(raw, sizeof(raw), &blen, p2 + 1, blen) < 0 ||
	    blen != 33)
		return fail(c, "the key must be base64 of 33 bytes (type and "
			       "Ed25519 public key)");
	if (raw[0] != 0x01)
		return fail(c,
			    "the key type must be 0x01 (Ed25519), not 0x%02x",
			    raw[0]);
	memcpy(hin, s, nlen);
	hin[nlen] = '\n';
	memcpy(hin + nlen + 1, raw, 33);
	log_sha256(h, hin, nlen + 1 + 33);
	if (memcmp(h, idb, 4) != 0)
		return fail(c, "the key ID does not match the key name and "
			       "public key");
	return 0;
bad:
	return fail(c, "must be a signed-note verifier key "
		       "NAME+KEYID+BASE64");
}

/* ---- references. */

static const enum rec_kind K_PARTY = REC_PARTY, K_SOURCE = REC_SOURCE,
			   K_EVENT = REC_EVENT, K_PLACE = REC_PLACE,
			   K_EVIDENCE = REC_EVIDENCE;

/* Note a reference for rec_check_refs, with the path it is at. */
static int add_ref(struct vctx *c, const char *id, enum rec_kind kind)
{
	struct rec *r = c->collect;
	struct rec_ref *ref;

	if (r->nrefs == r->refcap) {
		size_t ncap = r->refcap ? r->refcap * 2 : 8;
		void *bigger = px_realloc(r->refs, ncap * sizeof(*r->refs));
		if (!bigger)
			return px_errorf(c->err, PX_ENOMEM, "out of memory");
		r->refs = bigger;
		r->refcap = ncap;
	}
	ref = &r->refs[r->nrefs];
	ref->path = px_strdup(rec_path_str(&c->path));
	if (!ref->path)
		return px_errorf(c->err, PX_ENOMEM, "out of memory");
	snprintf(ref->id, sizeof(ref->id), "%s", id);
	ref->kind = kind;
	r->nrefs++;
	return 0;
}

int rec_check_refs(const struct rec *r, const struct rec_resolver *res,
		   struct px_err *err)
{
	struct px_err e;
	size_t i;
	int rc;

	for (i = 0; res && res->resolve && i < r->nrefs; i++) {
		const struct rec_ref *ref = &r->refs[i];
		px_err_clear(&e);
		rc = res->resolve(res->ctx, ref->id, ref->kind, &e);
		/* the messages of check_id below */
		if (rc == PX_ENOTFOUND)
			return px_errorf(err, PX_EINVAL,
					 "%s: no %s record \"%s\"", ref->path,
					 kind_names[ref->kind], ref->id);
		if (rc < 0)
			return px_errorf(err, rc, "%s: %s", ref->path,
					 e.msg[0] ? e.msg : px_strerror(rc));
	}
	return 0;
}

/* An id of the given kind; with resolve set, one the store knows. */
static int check_id(struct vctx *c, const json_t *v, enum rec_kind want,
		    int resolve)
{
	enum rec_kind kind;
	uint8_t h[32];
	struct px_err e;
	int rc;

	if (!json_is_string(v))
		return fail(c, "must be a string");
	px_err_clear(&e);
	if (rec_id_parse(json_string_value(v), json_string_length(v), &kind, h,
			 &e) < 0)
		return fail(c, "%s", e.msg);
	if (kind != want)
		return fail(c, "must be an id of kind %s, not %s",
			    kind_names[want], kind_names[kind]);
	if (!resolve)
		return 0;
	if ((!c->res || !c->res->resolve) && c->collect)
		return add_ref(c, json_string_value(v), want);
	if (!c->res || !c->res->resolve)
		return 0;
	px_err_clear(&e);
	rc = c->res->resolve(c->res->ctx, json_string_value(v), want, &e);
	if (rc == PX_ENOTFOUND)
		return fail(c, "no %s record \"%s\"", kind_names[want],
			    json_string_value(v));
	if (rc < 0)
		return px_errorf(c->err, rc, "%s: %s", rec_path_str(&c->path),
				 e.msg[0] ? e.msg : px_strerror(rc));
	return 0;
}

static int check_ref(struct vctx *c, const json_t *v, const void *arg)
{
	return check_id(c, v, *(const enum rec_kind *)arg, 1);
}

/* ---- arrays. */

struct aspec {
	size_t min, max;
	check_fn item;
	const void *arg;
};

/* An array of min..max items, each passing item, no two equal. */
static int check_array(struct vctx *c, const json_t *v, const void *arg)
{
	const struct aspec *a = arg;
	size_t i, j, n, old;
	int rc;

	if (!json_is_array(v))
		return fail(c, "must be an array");
	n = json_array_size(v);
	if (n < a->min)
		return fail(c, "must have at least %zu item%s", a->min,
			    a->min == 1 ? "" : "s");
	if (n > a->max)
		return fail(c, "has %zu items, more than %zu", n, a->max);
	for (i = 0; i < n; i++) {
		old = rec_path_push_index(&c->path, i);
		rc = a->item(c, json_array_get(v, i), a->arg);
		if (rc < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(v, i),
				       json_array_get(v, j)))
				return fail(c, "repeats item %zu", j);
		rec_path_pop(&c->path, old);
	}
	return 0;
}

static const struct aspec A_SOURCES = {1, 50, check_ref, &K_SOURCE};
static const struct aspec A_EVIDENCE = {1, 50, check_ref, &K_EVIDENCE};
static const struct aspec A_USED_BY = {1, 20, check_text, &T_NAME};

/* Member `key` of items i and j of arr must differ; returns a failure
 * naming item i's member when they are equal. */
static int distinct_by(struct vctx *c, const json_t *arr, const char *key)
{
	size_t i, j;

	for (i = 1; i < json_array_size(arr); i++) {
		const json_t *a = json_object_get(json_array_get(arr, i), key);
		for (j = 0; j < i && a; j++) {
			if (json_equal(a, json_object_get(
					      json_array_get(arr, j), key))) {
				rec_path_push_index(&c->path, i);
				rec_path_push_key(&c->path, key, strlen(key));
				return fail(c, "repeats item %zu's %s", j, key);
			}
		}
	}
	return 0;
}

/* ---- composite values shared by several kinds. */

/* A name: {"name", "lang", "script", "used_by"}. */
static const char *const F_NAME[] = {"name", "lang", "script", "used_by", NULL};
static const char *const R_NAME_PERSON[] = {"name", "script", NULL};
static const char *const R_NAME_PLACE[] = {"name", "lang", "script", NULL};
static const char *const R_NAME_PARTY[] = {"name", "lang", NULL};

static int check_name(struct vctx *c, const json_t *v, const void *arg)
{
	const char *const *required = arg;
	int rc = members(c, v, F_NAME, required);

	if (rc == 0)
		rc = field(c, v, "name", check_text, &T_NAME);
	if (rc == 0)
		rc = field(c, v, "lang", check_lang, NULL);
	if (rc == 0)
		rc = field(c, v, "script", check_script, NULL);
	if (rc == 0)
		rc = field(c, v, "used_by", check_array, &A_USED_BY);
	return rc;
}

/* A time interval: {"start", "end", "precision"} (+ "sources" in claims). */
static const char *const F_INTERVAL[] = {"start", "end", "precision", NULL};
static const char *const F_INTERVAL_CLAIM[] = {"start", "end", "precision",
					       "sources", NULL};
static const char *const R_INTERVAL[] = {"start", "end", "precision", NULL};

static int check_interval(struct vctx *c, const json_t *v, const void *arg)
{
	const char *s, *e;
	int rc = members(c, v, arg ? F_INTERVAL_CLAIM : F_INTERVAL, R_INTERVAL);

	if (rc == 0)
		rc = field(c, v, "start", check_date, NULL);
	if (rc == 0)
		rc = field(c, v, "end", check_date, NULL);
	if (rc < 0)
		return rc;
	s = json_string_value(json_object_get(v, "start"));
	e = json_string_value(json_object_get(v, "end"));
	if (strcmp(e, s) < 0) {
		rec_path_push_key(&c->path, "end", 3);
		return fail(c, "must not be before start (%s < %s)", e, s);
	}
	rc = field(c, v, "precision", check_enum, V_DATE_PREC);
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

/* A located place: {"place", "precision"} (+ "sources" in claims). */
static const char *const F_PLACEREF[] = {"place", "precision", NULL};
static const char *const F_PLACEREF_CLAIM[] = {"place", "precision", "sources",
					       NULL};
static const char *const R_PLACEREF[] = {"place", "precision", NULL};

static int check_placeref(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, arg ? F_PLACEREF_CLAIM : F_PLACEREF, R_PLACEREF);

	if (rc == 0)
		rc = field(c, v, "place", check_ref, &K_PLACE);
	if (rc == 0)
		rc = field(c, v, "precision", check_enum, V_WHERE_PREC);
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

/* An event type and sub-type: the subtype must belong to the type. */
static int check_subtype(struct vctx *c, const json_t *obj)
{
	const json_t *t = json_object_get(obj, "type");
	size_t i;

	for (i = 0; V_EVENT_TYPE[i]; i++)
		if (strcmp(json_string_value(t), V_EVENT_TYPE[i]) == 0)
			return field(c, obj, "subtype", check_enum,
				     V_SUBTYPES[i]);
	return 0;
}

/* ---- the envelope. */

static const char *const F_ENVELOPE[] = {"v",	       "kind",	   "filed_by",
					 "acting_for", "filed_at", "revises",
					 "withdrawal", "comment",  NULL};
static const char *const F_WITHDRAWAL[] = {"reason", NULL};

static int check_withdrawal(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_WITHDRAWAL, F_WITHDRAWAL);

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "reason", check_text, &T_NOTE);
	return rc;
}

/* ---- the kinds.  Each list holds the kind's own members. */

struct kind_def {
	const char *const *fields;
	const char *const *required;
	int (*check)(struct vctx *c, const json_t *rec);
};

/* party */
static const char *const F_PARTY[] = {
    "name", "names", "type", "affiliation", "key", "url", "description", NULL};
static const char *const R_PARTY[] = {"name", "type", "key", NULL};
static const struct aspec A_PARTY_NAMES = {1, 20, check_name, R_NAME_PARTY};
static const struct tspec T_AFFILIATION = {REC_NAME_MAX, 0};

static int check_party(struct vctx *c, const json_t *r)
{
	int rc = field(c, r, "name", check_text, &T_NAME);

	if (rc == 0)
		rc = field(c, r, "names", check_array, &A_PARTY_NAMES);
	if (rc == 0)
		rc = field(c, r, "type", check_enum, V_PARTY_TYPE);
	if (rc == 0)
		rc = field(c, r, "affiliation", check_text, &T_AFFILIATION);
	if (rc == 0)
		rc = field(c, r, "key", check_note_key, NULL);
	if (rc == 0)
		rc = field(c, r, "url", check_url, NULL);
	if (rc == 0)
		rc = field(c, r, "description", check_text, &T_NOTE);
	return rc;
}

/* source */
static const char *const F_SOURCE[] = {"type",	    "title", "author", "outlet",
				       "published", "lang",  "url",    "scale",
				       "evidence",  NULL};
static const char *const R_SOURCE[] = {"type", "title", NULL};

static int check_source(struct vctx *c, const json_t *r)
{
	int rc = field(c, r, "type", check_enum, V_SOURCE_TYPE);

	if (rc == 0)
		rc = field(c, r, "title", check_text, &T_TITLE);
	if (rc == 0)
		rc = field(c, r, "author", check_text, &T_NAME);
	if (rc == 0)
		rc = field(c, r, "outlet", check_text, &T_NAME);
	if (rc == 0)
		rc = field(c, r, "published", check_date, NULL);
	if (rc == 0)
		rc = field(c, r, "lang", check_lang, NULL);
	if (rc == 0)
		rc = field(c, r, "url", check_url, NULL);
	if (rc == 0)
		rc = field(c, r, "scale", check_enum, V_SOURCE_SCALE);
	if (rc == 0)
		rc = field(c, r, "evidence", check_array, &A_EVIDENCE);
	return rc;
}

/* event */
static const char *const F_EVENT[] = {"title", "type",	"subtype",
				      "time",  "place", NULL};
static const char *const R_EVENT[] = {"title", "type", "time", "place", NULL};

static int check_event(struct vctx *c, const json_t *r)
{
	int rc = field(c, r, "title", check_text, &T_NAME);

	if (rc == 0)
		rc = field(c, r, "type", check_enum, V_EVENT_TYPE);
	if (rc == 0)
		rc = check_subtype(c, r);
	if (rc == 0)
		rc = field(c, r, "time", check_interval, NULL);
	if (rc == 0)
		rc = field(c, r, "place", check_placeref, NULL);
	return rc;
}

/* account */
static const char *const F_ACCOUNT[] = {"event",  "narrative", "translations",
					"claims", "sources",   NULL};
static const char *const R_ACCOUNT[] = {"event", "narrative", NULL};
static const char *const F_TEXT[] = {"text", "lang", NULL};
static const char *const F_TRANSLATION[] = {"text", "lang", "translated_by",
					    NULL};
static const char *const R_TEXT[] = {"text", "lang", NULL};
static const char *const F_CLAIMS[] = {
    "time",	  "place",     "type",
    "initiators", "targets",   "characterization",
    "casualties", "relations", NULL};
static const char *const F_CTYPE[] = {"type", "subtype", "sources", NULL};
static const char *const R_CTYPE[] = {"type", NULL};
static const char *const F_ACTORS[] = {"actors", "sources", NULL};
static const char *const R_ACTORS[] = {"actors", NULL};
static const char *const F_ACTOR[] = {"name", "inter", "party", NULL};
static const char *const R_ACTOR[] = {"name", NULL};
static const char *const F_CHAR[] = {"text", "lang", "sources", NULL};
static const char *const F_CASUALTIES[] = {"civilians", "military", "unknown",
					   "sources", NULL};
static const char *const F_FIGURE[] = {"low", "best", "high", NULL};
static const char *const F_SIDE[] = {"side", "low", "best", "high", NULL};
static const char *const R_SIDE[] = {"side", NULL};
static const char *const F_CREL[] = {"type", "event", "sources", NULL};
static const char *const R_CREL[] = {"type", "event", NULL};
static const struct ispec I_COUNT = {0, REC_COUNT_MAX};

static int check_narrative(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, arg ? F_TRANSLATION : F_TEXT, R_TEXT);

	if (rc == 0)
		rc = field(c, v, "text", check_text, &T_TEXT);
	if (rc == 0)
		rc = field(c, v, "lang", check_lang, NULL);
	if (rc == 0)
		rc = field(c, v, "translated_by", check_text, &T_NAME);
	return rc;
}

static const struct aspec A_TRANSLATIONS = {1, 10, check_narrative, "t"};

static int check_ctype(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_CTYPE, R_CTYPE);

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "type", check_enum, V_EVENT_TYPE);
	if (rc == 0)
		rc = check_subtype(c, v);
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

static int check_actor(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_ACTOR, R_ACTOR);

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "name", check_text, &T_NAME);
	if (rc == 0)
		rc = field(c, v, "inter", check_enum, V_INTER);
	if (rc == 0)
		rc = field(c, v, "party", check_ref, &K_PARTY);
	return rc;
}

static const struct aspec A_ACTORS = {1, 20, check_actor, NULL};

static int check_actors(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_ACTORS, R_ACTORS);
	size_t old;

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "actors", check_array, &A_ACTORS);
	if (rc == 0) {
		old = rec_path_push_key(&c->path, "actors", 6);
		rc = distinct_by(c, json_object_get(v, "actors"), "name");
		if (rc == 0)
			rec_path_pop(&c->path, old);
	}
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

static int check_characterization(struct vctx *c, const json_t *v,
				  const void *arg)
{
	int rc = members(c, v, F_CHAR, R_TEXT);

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "text", check_text, &T_NOTE);
	if (rc == 0)
		rc = field(c, v, "lang", check_lang, NULL);
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

/* low <= best <= high, wherever two of them are given. */
static int check_figure(struct vctx *c, const json_t *v, const void *arg)
{
	static const char *const names[3] = {"low", "best", "high"};
	const json_t *x[3];
	int rc = members(c, v, arg ? F_SIDE : F_FIGURE, arg ? R_SIDE : NULL);
	int i, j, any = 0;

	if (rc == 0)
		rc = field(c, v, "side", check_text, &T_NAME);
	for (i = 0; i < 3 && rc == 0; i++) {
		rc = field(c, v, names[i], check_int, &I_COUNT);
		x[i] = json_object_get(v, names[i]);
		any |= x[i] != NULL;
	}
	if (rc < 0)
		return rc;
	if (!any)
		return fail(c, "must give at least one of low, best, high");
	for (i = 0; i < 3; i++) {
		for (j = i + 1; j < 3; j++) {
			long long a, b;
			if (!x[i] || !x[j])
				continue;
			a = json_integer_value(x[i]);
			b = json_integer_value(x[j]);
			if (a > b) {
				rec_path_push_key(&c->path, names[i],
						  strlen(names[i]));
				return fail(c,
					    "must not exceed %s (%lld > %lld)",
					    names[j], a, b);
			}
		}
	}
	return 0;
}

static const struct aspec A_MILITARY = {1, 20, check_figure, "side"};

static int check_casualties(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_CASUALTIES, NULL);
	size_t old;

	(void)arg;
	if (rc == 0 && !json_object_get(v, "civilians") &&
	    !json_object_get(v, "military") && !json_object_get(v, "unknown"))
		return fail(c, "must give at least one of civilians, "
			       "military, unknown");
	if (rc == 0)
		rc = field(c, v, "civilians", check_figure, NULL);
	if (rc == 0)
		rc = field(c, v, "military", check_array, &A_MILITARY);
	if (rc == 0 && json_object_get(v, "military")) {
		old = rec_path_push_key(&c->path, "military", 8);
		rc = distinct_by(c, json_object_get(v, "military"), "side");
		if (rc == 0)
			rec_path_pop(&c->path, old);
	}
	if (rc == 0)
		rc = field(c, v, "unknown", check_figure, NULL);
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

static int check_claim_relation(struct vctx *c, const json_t *v,
				const void *arg)
{
	const json_t *own = arg;
	const json_t *ev;
	int rc = members(c, v, F_CREL, R_CREL);

	if (rc == 0)
		rc = field(c, v, "type", check_enum, V_CLAIM_REL);
	if (rc == 0)
		rc = field(c, v, "event", check_ref, &K_EVENT);
	if (rc < 0)
		return rc;
	ev = json_object_get(v, "event");
	if (own && json_equal(ev, own)) {
		rec_path_push_key(&c->path, "event", 5);
		return fail(c, "must be another event than the account's own");
	}
	return field(c, v, "sources", check_array, &A_SOURCES);
}

static int check_claims(struct vctx *c, const json_t *v, const void *arg)
{
	const json_t *own_event = arg;
	struct aspec rels = {1, 50, check_claim_relation, own_event};
	int rc = members(c, v, F_CLAIMS, NULL);

	if (rc == 0 && json_object_size(v) == 0)
		return fail(c, "must make at least one claim (or be left out)");
	if (rc == 0)
		rc = field(c, v, "time", check_interval, "claim");
	if (rc == 0)
		rc = field(c, v, "place", check_placeref, "claim");
	if (rc == 0)
		rc = field(c, v, "type", check_ctype, NULL);
	if (rc == 0)
		rc = field(c, v, "initiators", check_actors, NULL);
	if (rc == 0)
		rc = field(c, v, "targets", check_actors, NULL);
	if (rc == 0)
		rc = field(c, v, "characterization", check_characterization,
			   NULL);
	if (rc == 0)
		rc = field(c, v, "casualties", check_casualties, NULL);
	if (rc == 0)
		rc = field(c, v, "relations", check_array, &rels);
	return rc;
}

static int check_account(struct vctx *c, const json_t *r)
{
	const json_t *tr;
	size_t i, old;
	int rc = field(c, r, "event", check_ref, &K_EVENT);

	if (rc == 0)
		rc = field(c, r, "narrative", check_narrative, NULL);
	if (rc == 0)
		rc = field(c, r, "translations", check_array, &A_TRANSLATIONS);
	if (rc < 0)
		return rc;
	/* each translation is into another language than the others */
	tr = json_object_get(r, "translations");
	for (i = 0; tr && i < json_array_size(tr); i++) {
		const json_t *lang =
		    json_object_get(json_array_get(tr, i), "lang");
		if (json_equal(lang,
			       json_object_get(json_object_get(r, "narrative"),
					       "lang"))) {
			rec_path_push_key(&c->path, "translations", 12);
			rec_path_push_index(&c->path, i);
			rec_path_push_key(&c->path, "lang", 4);
			return fail(c, "must differ from the narrative's "
				       "language");
		}
	}
	if (tr) {
		old = rec_path_push_key(&c->path, "translations", 12);
		rc = distinct_by(c, tr, "lang");
		if (rc < 0)
			return rc;
		rec_path_pop(&c->path, old);
	}
	rc = field(c, r, "claims", check_claims, json_object_get(r, "event"));
	if (rc == 0)
		rc = field(c, r, "sources", check_array, &A_SOURCES);
	return rc;
}

/* person */
static const char *const F_PERSON[] = {"names", "birth_year", "origin",
				       "status", NULL};
static const char *const R_PERSON[] = {"names", NULL};
static const char *const F_STATUS[] = {"status", "since",   "place",
				       "event",	 "sources", NULL};
static const char *const R_STATUS[] = {"status", "since", NULL};
static const struct aspec A_PERSON_NAMES = {1, 50, check_name, R_NAME_PERSON};
static const struct ispec I_BIRTH_YEAR = {1800, 2100};

static int check_status(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_STATUS, R_STATUS);

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "status", check_enum, V_PERSON_STATUS);
	if (rc == 0)
		rc = field(c, v, "since", check_date, NULL);
	if (rc == 0)
		rc = field(c, v, "place", check_ref, &K_PLACE);
	if (rc == 0)
		rc = field(c, v, "event", check_ref, &K_EVENT);
	if (rc == 0)
		rc = field(c, v, "sources", check_array, &A_SOURCES);
	return rc;
}

static const struct aspec A_STATUS = {1, 100, check_status, NULL};

static int check_person(struct vctx *c, const json_t *r)
{
	const json_t *st;
	size_t i;
	int rc = field(c, r, "names", check_array, &A_PERSON_NAMES);

	if (rc == 0)
		rc = field(c, r, "birth_year", check_int, &I_BIRTH_YEAR);
	if (rc == 0)
		rc = field(c, r, "origin", check_ref, &K_PLACE);
	if (rc == 0)
		rc = field(c, r, "status", check_array, &A_STATUS);
	if (rc < 0)
		return rc;
	/* the status history is in time order */
	st = json_object_get(r, "status");
	for (i = 1; st && i < json_array_size(st); i++) {
		const char *a = json_string_value(
		    json_object_get(json_array_get(st, i - 1), "since"));
		const char *b = json_string_value(
		    json_object_get(json_array_get(st, i), "since"));
		if (strcmp(b, a) < 0) {
			rec_path_push_key(&c->path, "status", 6);
			rec_path_push_index(&c->path, i);
			rec_path_push_key(&c->path, "since", 5);
			return fail(c,
				    "must not be before the previous "
				    "status (%s < %s)",
				    b, a);
		}
	}
	return 0;
}

/* place */
static const char *const F_PLACE[] = {"names",	     "type",	  "parent",
				      "coordinates", "geonameid", NULL};
static const char *const R_PLACE[] = {"names", "type", NULL};
static const char *const F_COORD[] = {"lat", "lon", NULL};
static const struct aspec A_PLACE_NAMES = {1, 100, check_name, R_NAME_PLACE};
static const struct ispec I_LAT = {-REC_LAT_MAX, REC_LAT_MAX};
static const struct ispec I_LON = {-REC_LON_MAX, REC_LON_MAX};
static const struct ispec I_GEONAMEID = {1, 2147483647};

static int check_coordinates(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = members(c, v, F_COORD, F_COORD);

	(void)arg;
	if (rc == 0)
		rc = field(c, v, "lat", check_int, &I_LAT);
	if (rc == 0)
		rc = field(c, v, "lon", check_int, &I_LON);
	return rc;
}

static int check_place(struct vctx *c, const json_t *r)
{
	int rc = field(c, r, "names", check_array, &A_PLACE_NAMES);

	if (rc == 0)
		rc = field(c, r, "type", check_enum, V_PLACE_TYPE);
	if (rc == 0)
		rc = field(c, r, "parent", check_ref, &K_PLACE);
	if (rc == 0)
		rc = field(c, r, "coordinates", check_coordinates, NULL);
	if (rc == 0)
		rc = field(c, r, "geonameid", check_int, &I_GEONAMEID);
	return rc;
}

/* evidence */
static const char *const F_EVIDENCE[] = {
    "sha256",	   "size",	  "media_type",	   "filename", "description",
    "captured_at", "captured_by", "capture_place", "source",   NULL};
static const char *const R_EVIDENCE[] = {"sha256", "size", "media_type", NULL};
static const struct ispec I_SIZE = {0, REC_INT_MAX};

static int check_filename(struct vctx *c, const json_t *v, const void *arg)
{
	int rc = check_text(c, v, arg);

	if (rc == 0 && (strchr(json_string_value(v), '/') ||
			strchr(json_string_value(v), '\\')))
		return fail(c, "must be a file name without '/' or '\\'");
	return rc;
}

static int check_evidence(struct vctx *c, const json_t *r)
{
	int rc = field(c, r, "sha256", check_sha256, NULL);

	if (rc == 0)
		rc = field(c, r, "size", check_int, &I_SIZE);
	if (rc == 0)
		rc = field(c, r, "media_type", check_media_type, NULL);
	if (rc == 0)
		rc = field(c, r, "filename", check_filename, &T_FILENAME);
	if (rc == 0)
		rc = field(c, r, "description", check_text, &T_NOTE);
	if (rc == 0)
		rc = field(c, r, "captured_at", check_datetime, NULL);
	if (rc == 0)
		rc = field(c, r, "captured_by", check_text, &T_NAME);
	if (rc == 0)
		rc = field(c, r, "capture_place", check_ref, &K_PLACE);
	if (rc == 0)
		rc = field(c, r, "source", check_ref, &K_SOURCE);
	return rc;
}

/* relation */
static const char *const F_RELATION[] = {"type",    "from", "to",
					 "sources", "note", NULL};
static const char *const R_RELATION[] = {"type", "from", "to", NULL};

static int check_relation(struct vctx *c, const json_t *r)
{
	const char *type;
	enum rec_kind from_kind;
	int rc = field(c, r, "type", check_enum, V_REL_ALL);

	if (rc < 0)
		return rc;
	type = json_string_value(json_object_get(r, "type"));
	from_kind = in_list(type, V_REL_PERSON) ? REC_PERSON : REC_EVENT;
	rc = field(c, r, "from", check_ref, &from_kind);
	if (rc == 0)
		rc = field(c, r, "to", check_ref, &K_EVENT);
	if (rc < 0)
		return rc;
	if (json_equal(json_object_get(r, "from"), json_object_get(r, "to"))) {
		rec_path_push_key(&c->path, "to", 2);
		return fail(c, "must differ from \"from\"");
	}
	rc = field(c, r, "sources", check_array, &A_SOURCES);
	if (rc == 0)
		rc = field(c, r, "note", check_text, &T_NOTE);
	return rc;
}

static const struct kind_def kinds[REC_KIND_COUNT] = {
    [REC_PARTY] = {F_PARTY, R_PARTY, check_party},
    [REC_SOURCE] = {F_SOURCE, R_SOURCE, check_source},
    [REC_EVENT] = {F_EVENT, R_EVENT, check_event},
    [REC_ACCOUNT] = {F_ACCOUNT, R_ACCOUNT, check_account},
    [REC_PERSON] = {F_PERSON, R_PERSON, check_person},
    [REC_PLACE] = {F_PLACE, R_PLACE, check_place},
    [REC_EVIDENCE] = {F_EVIDENCE, R_EVIDENCE, check_evidence},
    [REC_RELATION] = {F_RELATION, R_RELATION, check_relation},
};

/* ---- the whole revision. */

static void copy_str(char *dst, size_t cap, const json_t *v)
{
	size_t n = v ? json_string_length(v) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, json_string_value(v), n);
	dst[n] = '\0';
}

static int validate(const json_t *rec, const struct rec_resolver *res,
		    struct rec *collect, struct rec_info *info,
		    struct px_err *err)
{
	const char *allowed[32];
	const char *const *required;
	const struct kind_def *def;
	const json_t *kind_v;
	enum rec_kind kind;
	struct vctx c;
	size_t n = 0, i;
	int rc, withdrawal;
	static const char *const none[] = {NULL};
	static const char *const env_required[] = {"v", "kind", "filed_at",
						   NULL};

	memset(info, 0, sizeof(*info));
	rec_path_init(&c.path);
	c.res = res;
	c.collect = collect;
	c.err = err;
	if (!json_is_object(rec))
		return fail(&c, "a record must be a JSON object");
	rc = rec_canon_check(rec, err);
	if (rc < 0)
		return rc;
	kind_v = json_object_get(rec, "kind");
	if (!kind_v) {
		rec_path_push_key(&c.path, "kind", 4);
		return fail(&c, "required field is missing");
	}
	rc = field(&c, rec, "kind", check_enum, V_KIND);
	if (rc < 0)
		return rc;
	rec_kind_parse(json_string_value(kind_v), json_string_length(kind_v),
		       &kind);
	def = &kinds[kind];
	withdrawal = json_object_get(rec, "withdrawal") != NULL;

	for (i = 0; withdrawal && def->fields[i]; i++) {
		if (json_object_get(rec, def->fields[i])) {
			rec_path_push_key(&c.path, def->fields[i],
					  strlen(def->fields[i]));
			return fail(&c, "must not be given in a withdrawal");
		}
	}
	for (i = 0; F_ENVELOPE[i]; i++)
		allowed[n++] = F_ENVELOPE[i];
	for (i = 0; !withdrawal && def->fields[i]; i++)
		allowed[n++] = def->fields[i];
	allowed[n] = NULL;
	rc = members(&c, rec, allowed, env_required);
	if (rc < 0)
		return rc;
	if (!json_object_get(rec, "filed_by") && kind != REC_PARTY) {
		rec_path_push_key(&c.path, "filed_by", 8);
		return fail(&c, "required field is missing");
	}
	if (withdrawal && !json_object_get(rec, "revises")) {
		rec_path_push_key(&c.path, "revises", 7);
		return fail(&c, "required field is missing (a withdrawal "
				"names the revision it withdraws)");
	}
	required = withdrawal ? none : def->required;
	rc = members(&c, rec, allowed, required);
	if (rc < 0)
		return rc;

	/* envelope, in the order of docs/MODEL.md */
	rc = field(&c, rec, "v", check_version, NULL);
	if (rc == 0)
		rc = field(&c, rec, "filed_by", check_ref, &K_PARTY);
	if (rc == 0)
		rc = field(&c, rec, "acting_for", check_ref, &K_PARTY);
	if (rc == 0 && json_object_get(rec, "acting_for") &&
	    json_equal(json_object_get(rec, "acting_for"),
		       json_object_get(rec, "filed_by"))) {
		rec_path_push_key(&c.path, "acting_for", 10);
		return fail(&c, "must differ from filed_by (leave it out when "
				"a party files for itself)");
	}
	if (rc == 0)
		rc = field(&c, rec, "filed_at", check_datetime, NULL);
	if (rc == 0 && json_object_get(rec, "revises")) {
		size_t old = rec_path_push_key(&c.path, "revises", 7);
		/* a revision id: syntax and kind only; the store checks that
		 * it is the record's latest revision */
		rc = check_id(&c, json_object_get(rec, "revises"), kind, 0);
		if (rc == 0)
			rec_path_pop(&c.path, old);
	}
	if (rc == 0)
		rc = field(&c, rec, "withdrawal", check_withdrawal, NULL);
	if (rc == 0)
		rc = field(&c, rec, "comment", check_text, &T_NOTE);
	if (rc == 0 && !withdrawal)
		rc = def->check(&c, rec);
	if (rc < 0)
		return rc;

	info->kind = kind;
	copy_str(info->revises, sizeof(info->revises),
		 json_object_get(rec, "revises"));
	copy_str(info->filed_by, sizeof(info->filed_by),
		 json_object_get(rec, "filed_by"));
	copy_str(info->acting_for, sizeof(info->acting_for),
		 json_object_get(rec, "acting_for"));
	copy_str(info->filed_at, sizeof(info->filed_at),
		 json_object_get(rec, "filed_at"));
	info->withdrawn = withdrawal;
	return 0;
}

int rec_validate(const json_t *rec, const struct rec_resolver *res,
		 struct rec_info *info, struct px_err *err)
{
	return validate(rec, res, NULL, info, err);
}

int rec_parse(const char *text, size_t len, const struct rec_resolver *res,
	      struct rec *out, struct px_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	px_buf_init(&out->canon, REC_CANON_TEXT_MAX);
	rc = rec_canon_parse(text, len, &out->json, err);
	if (rc == 0)
		rc = validate(out->json, res, out, &out->info, err);
	if (rc == 0)
		rc = rec_canon_write(out->json, &out->canon, err);
	if (rc < 0) {
		rec_release(out);
		return rc;
	}
	rec_id_make(out->info.kind, out->canon.data, out->canon.len,
		    out->info.id);
	return 0;
}

void rec_release(struct rec *r)
{
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
	px_buf_release(&r->canon);
	while (r->nrefs)
		px_free(r->refs[--r->nrefs].path);
	px_free(r->refs);
	r->refs = NULL;
	r->refcap = 0;
}

int rec_parse_canonical(const char *text, size_t len,
			const struct rec_resolver *res, struct rec *out,
			struct px_err *err)
{
	size_t i;
	int rc = rec_parse(text, len, res, out, err);

	if (rc < 0)
		return rc;
	if (out->canon.len == len && memcmp(out->canon.data, text, len) == 0)
		return 0;
	for (i = 0; i < len && i < out->canon.len; i++)
		if ((uint8_t)text[i] != out->canon.data[i])
			break;
	rec_release(out);
	return px_errorf(err, PX_EINVAL,
			 "$: not in canonical form (RFC 8785): differs at byte "
			 "%zu",
			 i);
}

int rec_time_format(int64_t unix_seconds, char out[REC_TIME_SIZE])
{
	/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
	const int64_t min = -62135596800LL, max = 253402300799LL;
	time_t t = (time_t)unix_seconds;
	struct tm tm;

	out[0] = '\0';
	if (unix_seconds < min || unix_seconds > max || !gmtime_r(&t, &tm))
		return PX_EINVAL;
	snprintf(out, REC_TIME_SIZE, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	return 0;
}
