/*
 * parse.c - everything the server reads from a client, parsed as hostile
 * input: cookie and Authorization headers, query values, and the JSON
 * bodies of the write routes.  Nothing here does I/O or touches
 * microhttpd, so tests/fuzz/fuzz_http.c drives these functions directly.
 * Every failure fills a struct http_error with the status, the API error
 * code and the JSON path or query name at fault.
 */
#include "http/httpint.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BODY_JSON_DEPTH 34 /* a record (32 levels) inside a wrapper */

void http_text_clean(char *s)
{
	size_t i, n = strlen(s);
	int bad_utf8 = rec_utf8_count(s, n) < 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F || (bad_utf8 && c >= 0x80))
			s[i] = '?';
	}
}

int http_error_set(struct http_error *e, unsigned status, const char *code,
		   const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return PX_EINVAL;
	e->status = status;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	http_text_clean(e->message);
	http_text_clean(e->field);
	return PX_EINVAL;
}

int http_forwarded_for(const char *header, char *out, size_t cap)
{
	const char *last = strrchr(header, ',');
	unsigned char bin[16];
	char a[INET6_ADDRSTRLEN];
	size_t n;

	last = last ? last + 1 : header;
	while (*last == ' ' || *last == '\t')
		last++;
	n = strlen(last);
	while (n && (last[n - 1] == ' ' || last[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(a))
		return PX_EINVAL;
	memcpy(a, last, n);
	a[n] = '\0';
	if (inet_pton(AF_INET, a, bin) == 1)
		return inet_ntop(AF_INET, bin, out, (socklen_t)cap) ? 0
								    : PX_EINVAL;
	if (inet_pton(AF_INET6, a, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, (socklen_t)cap)
			   ? 0
			   : PX_EINVAL;
	return PX_EINVAL;
}

/* RFC 6265 §4.1.1 cookie-octet: no controls, whitespace, DQUOTE, ',', ';'
 * or '\\'. */
static int cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) ||
	       (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B) ||
	       (c >= 0x5D && c <= 0x7E);
}

int http_cookie_get(const char *header, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (!header || cap == 0)
		return PX_ENOTFOUND;
	while (*p) {
		const char *eq, *end, *v;
		size_t vlen, i;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0) {
			v = eq + 1;
			vlen = (size_t)(end - v);
			while (vlen &&
			       (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (vlen >= cap)
				return PX_EINVAL;
			for (i = 0; i < vlen; i++)
				if (!cookie_octet((unsigned char)v[i]))
					return PX_EINVAL;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		p = end;
	}
	return PX_ENOTFOUND;
}

int http_bearer_get(const char *header, char *out, size_t cap)
{
	const char *p;
	size_t n, i;

	if (!header)
		return PX_ENOTFOUND;
	/* The scheme is case-insensitive (RFC 9110 §11.1). */
	if (strncasecmp(header, "Bearer ", 7) != 0)
		return PX_EINVAL;
	p = header + 7;
	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n && p[n - 1] == ' ')
		n--;
	if (n == 0 || n >= cap)
		return PX_EINVAL;
	/* RFC 6750 §2.1 b64token. */
	for (i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("-._~+/=", c)))
			return PX_EINVAL;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int http_query_u64(const char *name, const char *s, uint64_t *out,
		   struct http_error *e)
{
	if (!s || px_parse_u64(s, strlen(s), out))
		return http_error_set(e, 400, "bad_request", name,
				      "%s: must be a decimal number", name);
	return 0;
}

int http_query_limit(const char *name, const char *s, unsigned *out,
		     struct http_error *e)
{
	uint64_t v;

	if (http_query_u64(name, s, &v, e))
		return PX_EINVAL;
	if (v < 1 || v > 1000)
		return http_error_set(e, 400, "bad_request", name,
				      "%s: must be between 1 and 1000", name);
	*out = (unsigned)v;
	return 0;
}

static int is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int http_query_date(const char *name, const char *s, struct http_error *e)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31};
	unsigned y = 0, m = 0, d = 0, i;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			goto bad;
	}
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		       (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1 || m < 1 || m > 12 || d < 1)
		goto bad;
	if (d > mdays[m - 1] + (m == 2 && is_leap(y)))
		goto bad;
	return 0;
bad:
	return http_error_set(e, 400, "bad_request", name,
			      "%s: must be a date YYYY-MM-DD", name);
}

int http_query_id(const char *name, const char *s, int kind,
		  struct http_error *e)
{
	struct px_err err;
	enum rec_kind k;
	uint8_t h[32];

	if (!s || rec_id_parse(s, strlen(s), &k, h, &err))
		return http_error_set(e, 400, "bad_request", name,
				      "%s: not a record id", name);
	if (kind >= 0 && (int)k != kind)
		return http_error_set(e, 400, "bad_request", name,
				      "%s: must be a %s id", name,
				      rec_kind_name((enum rec_kind)kind));
	return 0;
}

int http_query_kind(const char *name, const char *s, int *kind,
		    struct http_error *e)
{
	enum rec_kind k;

	if (!s || rec_kind_parse(s, strlen(s), &k))
		return http_error_set(e, 400, "bad_request", name,
				      "%s: not a record kind", name);
	*kind = (int)k;
	return 0;
}

int http_query_bool(const char *name, const char *s, int *out,
		    struct http_error *e)
{
	if (s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)) {
		*out = 1;
		return 0;
	}
	if (s && (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)) {
		*out = 0;
		return 0;
	}
	return http_error_set(e, 400, "bad_request", name, "%s: must be 1 or 0",
			      name);
}

/* Deeper than jansson's own limit would be refused by it anyway; this
 * bounds the work before parsing. */
static int too_deep(const char *s, size_t len, int max)
{
	int depth = 0, in_str = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[') {
			if (++depth > max)
				return 1;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return 0;
}

int http_parse_object(const char *body, size_t len, json_t **out,
		      struct http_error *e)
{
	json_error_t je;
	json_t *v;

	*out = NULL;
	if (!body || len == 0)
		return http_error_set(e, 400, "bad_request", "$",
				      "the request body is empty; a JSON "
				      "object is expected");
	if (too_deep(body, len, BODY_JSON_DEPTH))
		return http_error_set(e, 400, "bad_request", "$",
				      "JSON nested too deeply");
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return http_error_set(e, 400, "bad_request", "$",
				      "invalid JSON at line %d, column %d: %s",
				      je.line, je.column, je.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return http_error_set(e, 400, "bad_request", "$",
				      "a JSON object is expected");
	}
	*out = v;
	return 0;
}

/* Copy string member `key` of o into out (cap bytes).  required: missing
 * is an error; returns 1 when absent and optional. */
static int get_str(const json_t *o, const char *key, int required, char *out,
		   size_t cap, struct http_error *e)
{
	const json_t *v = json_object_get(o, key);
	size_t n;

	if (!v) {
		if (required)
			return http_error_set(e, 400, "bad_request", key,
					      "%s: missing", key);
		out[0] = '\0';
		return 1;
	}
	if (!json_is_string(v))
		return http_error_set(e, 400, "bad_request", key,
				      "%s: must be a string", key);
	n = json_string_length(v);
	if (n >= cap)
		return http_error_set(e, 400, "bad_request", key,
				      "%s: longer than %zu bytes", key,
				      cap - 1);
	if (memchr(json_string_value(v), '\0', n))
		return http_error_set(e, 400, "bad_request", key,
				      "%s: must not contain U+0000", key);
	memcpy(out, json_string_value(v), n);
	out[n] = '\0';
	return 0;
}

/* Refuse members other than the allowed ones. */
static int only_members(const json_t *o, const char *const *allowed,
			struct http_error *e)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)o, key, v)
	{
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (!allowed[i])
			return http_error_set(e, 400, "bad_request", key,
					      "%s: unknown field", key);
	}
	return 0;
}

static int get_id(const json_t *o, const char *key, int required, int kind,
		  char out[REC_ID_SIZE], struct http_error *e)
{
	int rc = get_str(o, key, required, out, REC_ID_SIZE, e);

	if (rc)
		return rc < 0 ? rc : 1;
	return http_query_id(key, out, kind, e);
}

int http_parse_login(const char *body, size_t len, struct http_login *l,
		     struct http_error *e)
{
	static const char *const allowed[] = {"username", "password", NULL};
	json_t *o;
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = http_parse_object(body, len, &o, e)) != 0)
		return rc;
	rc = only_members(o, allowed, e);
	if (rc == 0)
		rc = get_str(o, "username", 1, l->username, sizeof(l->username),
			     e);
	if (rc == 0)
		rc = get_str(o, "password", 1, l->password, sizeof(l->password),
			     e);
	json_decref(o);
	return rc;
}

int http_parse_revision(const char *body, size_t len,
			char expected[REC_ID_SIZE], json_t **rec,
			struct http_error *e)
{
	static const char *const allowed[] = {"expected_revision", "record",
					      NULL};
	json_t *o, *r;
	int rc;

	*rec = NULL;
	expected[0] = '\0';
	if ((rc = http_parse_object(body, len, &o, e)) != 0)
		return rc;
	rc = only_members(o, allowed, e);
	if (rc == 0)
		rc = get_id(o, "expected_revision", 1, -1, expected, e);
	if (rc == 0) {
		r = json_object_get(o, "record");
		if (!r)
			rc = http_error_set(e, 400, "bad_request", "record",
					    "record: missing");
		else if (!json_is_object(r))
			rc = http_error_set(e, 400, "bad_request", "record",
					    "record: must be an object");
		else
			*rec = json_incref(r);
	}
	json_decref(o);
	return rc;
}

int http_parse_withdrawal(const char *body, size_t len,
			  char reason[4 * REC_NOTE_MAX + 1],
			  char expected[REC_ID_SIZE], struct http_error *e)
{
	static const char *const allowed[] = {"reason", "expected_revision",
					      NULL};
	json_t *o;
	int rc;

	reason[0] = expected[0] = '\0';
	if ((rc = http_parse_object(body, len, &o, e)) != 0)
		return rc;
	rc = only_members(o, allowed, e);
	if (rc == 0)
		rc = get_str(o, "reason", 1, reason, 4 * REC_NOTE_MAX + 1, e);
	if (rc == 0 && reason[0] == '\0')
		rc = http_error_set(e, 422, "invalid_record", "reason",
				    "reason: must not be empty");
	if (rc == 0) {
		rc = get_id(o, "expected_revision", 0, -1, expected, e);
		if (rc > 0)
			rc = 0;
	}
	json_decref(o);
	return rc;
}

int http_parse_user(const char *body, size_t len, struct http_user_req *u,
		    struct http_error *e)
{
	static const char *const allowed[] = {"username", "password", "role",
					      "party", NULL};
	char role[16];
	struct px_err err;
	json_t *o;
	int rc;

	memset(u, 0, sizeof(*u));
	if ((rc = http_parse_object(body, len, &o, e)) != 0)
		return rc;
	rc = only_members(o, allowed, e);
	if (rc == 0)
		rc = get_str(o, "username", 1, u->username, sizeof(u->username),
			     e);
	if (rc == 0 && auth_check_name(u->username, &err))
		rc = http_error_set(e, 400, "bad_request", "username", "%s",
				    err.msg);
	if (rc == 0)
		rc = get_str(o, "password", 1, u->password, sizeof(u->password),
			     e);
	if (rc == 0)
		rc = get_str(o, "role", 1, role, sizeof(role), e);
	if (rc == 0 && auth_role_parse(role, &u->role))
		rc = http_error_set(e, 400, "bad_request", "role",
				    "role: must be admin, editor, party or "
				    "reader");
	if (rc == 0) {
		rc = get_id(o, "party", 0, REC_PARTY, u->party, e);
		if (rc > 0)
			rc = 0;
	}
	json_decref(o);
	return rc;
}

int http_parse_token(const char *body, size_t len, struct http_token_req *t,
		     struct http_error *e)
{
	static const char *const allowed[] = {"username", "label", "expires",
					      NULL};
	const json_t *x;
	json_t *o;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = http_parse_object(body, len, &o, e)) != 0)
		return rc;
	rc = only_members(o, allowed, e);
	if (rc == 0) {
		rc = get_str(o, "username", 0, t->username, sizeof(t->username),
			     e);
		if (rc > 0)
			rc = 0;
	}
	if (rc == 0)
		rc = get_str(o, "label", 1, t->label, sizeof(t->label), e);
	if (rc == 0 && (x = json_object_get(o, "expires")) != NULL) {
		if (!json_is_integer(x) || json_integer_value(x) <= 0)
			rc = http_error_set(e, 400, "bad_request", "expires",
					    "expires: must be a positive "
					    "integer (Unix seconds)");
		else
			t->expires = (int64_t)json_integer_value(x);
	}
	json_decref(o);
	return rc;
}

int http_entry_owner(const uint8_t *note, size_t len, enum rec_kind *kind,
		     char owner[REC_ID_SIZE], struct http_error *e)
{
	const uint8_t *blank = NULL;
	const json_t *k, *f;
	json_t *o;
	size_t i, tlen;
	int rc;

	owner[0] = '\0';
	/* A signed note's text ends at the first blank line (C2SP
	 * signed-note): text, "\n", signature lines. */
	for (i = 0; i + 1 < len; i++)
		if (note[i] == '\n' && note[i + 1] == '\n') {
			blank = note + i;
			break;
		}
	if (!blank)
		return http_error_set(e, 422, "invalid_record", "$",
				      "not a signed note: no blank line "
				      "before the signatures");
	tlen = (size_t)(blank - note);
	if ((rc = http_parse_object((const char *)note, tlen, &o, e)) != 0) {
		e->status = 422;
		e->code = "invalid_record";
		return rc;
	}
	k = json_object_get(o, "kind");
	if (!json_is_string(k) ||
	    rec_kind_parse(json_string_value(k), json_string_length(k), kind))
		rc = http_error_set(e, 422, "invalid_record", "kind",
				    "kind: missing or not a record kind");
	if (rc == 0) {
		f = json_object_get(o, "acting_for");
		if (!f)
			f = json_object_get(o, "filed_by");
		if (f && (!json_is_string(f) ||
			  json_string_length(f) >= REC_ID_SIZE))
			rc = http_error_set(e, 422, "invalid_record",
					    "filed_by", "filed_by: not an id");
		else if (f)
			memcpy(owner, json_string_value(f),
			       json_string_length(f) + 1);
	}
	json_decref(o);
	return rc;
}

/* The JSON path at the start of a validation message ("a.b[1]: reason"). */
static void message_path(const char *msg, char *out, size_t cap)
{
	const char *colon = strstr(msg, ": ");
	size_t n, i;

	out[0] = '\0';
	if (!colon)
		return;
	n = (size_t)(colon - msg);
	if (n == 0 || n >= cap)
		return;
	for (i = 0; i < n; i++)
		if (msg[i] == ' ' || msg[i] == '\'' || msg[i] == '"')
			return;
	memcpy(out, msg, n);
	out[n] = '\0';
}

void http_error_from_px(struct http_error *e, int code, const char *msg)
{
	const char *m = msg && *msg ? msg : px_strerror(code);

	switch (code) {
	case PX_ECONFLICT:
	case PX_EEXIST:
		http_error_set(e, 409, "conflict", NULL, "%s", m);
		break;
	case PX_ETOOBIG:
		http_error_set(e, 413, "too_large", NULL, "%s", m);
		break;
	case PX_ECLOSED:
		http_error_set(e, 503, "unavailable", NULL, "%s", m);
		break;
	case PX_EINVAL:
	case PX_EVERIFY:
	case PX_ENOTFOUND:
	case PX_EUSAGE:
		http_error_set(e, 422, "invalid_record", NULL, "%s", m);
		message_path(m, e->field, sizeof(e->field));
		break;
	default:
		http_error_set(e, 500, "internal", NULL, "%s", m);
		break;
	}
}
