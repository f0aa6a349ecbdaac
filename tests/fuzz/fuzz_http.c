/*
 * fuzz_http.c - libFuzzer target for everything the server parses from a
 * client (src/http/parse.c): JSON request bodies (login, record revision,
 * withdrawal, user, token, any object), the signed entry of POST
 * /api/v1/entries read for its owner, query values, the Cookie header,
 * the Authorization header and X-Forwarded-For.  The first input byte picks the parser; the
 * rest is its input.  For any input: nothing crashes or leaks; a failure
 * always fills the error with a 4xx status, an API error code and a
 * printable message; a success leaves NUL-terminated, bounded outputs.
 */
#include "http/httpint.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct http_error *e)
{
	size_t i, n = strlen(e->message);

	if (e->status < 400 || e->status > 499 || !e->code || n == 0)
		abort();
	if (rec_utf8_count(e->message, n) < 0 ||
	    rec_utf8_count(e->field, strlen(e->field)) < 0)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)e->message[i] < 0x20)
			abort();
	if (strlen(e->field) >= sizeof(e->field))
		abort();
}

/* A NUL-terminated copy (headers and query values are C strings). */
static char *cstr(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_error e;
	const char *body;
	size_t n;
	char *s, out[AUTH_SECRET_SIZE + 1];
	int rc = 0, k = -1, b;
	unsigned lim;
	uint64_t u;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	n = size - 1;
	memset(&e, 0, sizeof(e));
	switch (data[0] % 12) {
	case 0: {
		struct http_login l;
		rc = http_parse_login(body, n, &l, &e);
		if (rc == 0 && (strlen(l.username) > AUTH_NAME_MAX ||
				strlen(l.password) > AUTH_PASSWORD_MAX))
			abort();
		break;
	}
	case 1: {
		char exp[REC_ID_SIZE];
		json_t *rec = NULL;
		rc = http_parse_revision(body, n, exp, &rec, &e);
		if (rc == 0 && (!json_is_object(rec) || !exp[0]))
			abort();
		json_decref(rec);
		break;
	}
	case 2: {
		char reason[4 * REC_NOTE_MAX + 1], exp[REC_ID_SIZE];
		rc = http_parse_withdrawal(body, n, reason, exp, &e);
		if (rc == 0 && !reason[0])
			abort();
		break;
	}
	case 3: {
		struct http_user_req u2;
		rc = http_parse_user(body, n, &u2, &e);
		if (rc == 0 && (auth_check_name(u2.username, NULL) ||
				!auth_role_name(u2.role)))
			abort();
		break;
	}
	case 4: {
		struct http_token_req t;
		rc = http_parse_token(body, n, &t, &e);
		if (rc == 0 && t.expires < 0)
			abort();
		break;
	}
	case 5: {
		json_t *o = NULL;
		rc = http_parse_object(body, n, &o, &e);
		if (rc == 0 && !json_is_object(o))
			abort();
		json_decref(o);
		break;
	}
	case 6: {
		enum rec_kind kind;
		char owner[REC_ID_SIZE];
		rc = http_entry_owner((const uint8_t *)body, n, &kind, owner,
				      &e);
		if (rc == 0 &&
		    (!rec_kind_name(kind) || strlen(owner) >= REC_ID_SIZE))
			abort();
		break;
	}
	case 7:
		s = cstr(data + 1, n);
		if (http_cookie_get(s, "px_session", out, sizeof(out)) == 0 &&
		    strlen(out) >= sizeof(out))
			abort();
		free(s);
		return 0;
	case 8: {
		char addr[INET6_ADDRSTRLEN];
		unsigned char bin[16];
		s = cstr(data + 1, n);
		if (http_bearer_get(s, out, sizeof(out)) == 0 &&
		    (strlen(out) == 0 || strlen(out) >= sizeof(out)))
			abort();
		/* the same text as an X-Forwarded-For value: an address
		 * given back is one inet_pton reads */
		if (http_forwarded_for(s, addr, sizeof(addr)) == 0 &&
		    inet_pton(AF_INET, addr, bin) != 1 &&
		    inet_pton(AF_INET6, addr, bin) != 1)
			abort();
		free(s);
		return 0;
	}
	case 9:
		s = cstr(data + 1, n);
		rc = http_query_limit("limit", s, &lim, &e);
		if (rc == 0 && (lim < 1 || lim > 1000))
			abort();
		if (rc)
			check_error(&e);
		memset(&e, 0, sizeof(e));
		rc = http_query_u64("index", s, &u, &e);
		free(s);
		break;
	case 10:
		s = cstr(data + 1, n);
		rc = http_query_date("from", s, &e);
		if (rc == 0 && strlen(s) != 10)
			abort();
		if (rc)
			check_error(&e);
		memset(&e, 0, sizeof(e));
		rc = http_query_id("place", s, -1, &e);
		free(s);
		break;
	default:
		s = cstr(data + 1, n);
		rc = http_query_kind("kind", s, &k, &e);
		if (rc == 0 && !rec_kind_name((enum rec_kind)k))
			abort();
		if (rc)
			check_error(&e);
		memset(&e, 0, sizeof(e));
		rc = http_query_bool("disputed", s, &b, &e);
		if (rc == 0 && b != 0 && b != 1)
			abort();
		free(s);
		break;
	}
	if (rc)
		check_error(&e);
	return 0;
}
