/*
 * auth.c - who is asking and whether they may: API tokens (Authorization:
 * Bearer), browser sessions (the px_session cookie, HttpOnly and
 * SameSite=Strict) with their CSRF token, the roles each route allows, the
 * login rate limits, and the audit of logins and refusals.  The accounts
 * themselves live in DIR/auth.db (src/store/auth.h).
 *
 * Rules:
 *   A1. A request with an Authorization header is judged by it alone: a
 *       token that is unknown, revoked or expired is a 401, never a
 *       silent fall-back to anonymous.
 *   A2. A session cookie that does not name a live session is ignored (the
 *       request is anonymous); a state-changing request authenticated by a
 *       session must carry X-CSRF-Token equal to the session's token
 *       (compared in constant time), else 403 "csrf".  Tokens need no CSRF
 *       token: a browser never sends them on its own.
 *   A3. Failed logins are counted per user name and per client address in
 *       a window of HTTP_RL_WINDOW seconds; past the limit every login for
 *       that name or address is refused with 429 until the window ends,
 *       whether the password is right or not.
 */
#include "http/httpint.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void http_audit(struct http_req *req, const char *what, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	auth_audit(req->srv->auth, what, req->authed ? req->user.name : NULL,
		   req->ip, detail);
}

int http_authenticate(struct http_req *req)
{
	const char *h = http_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	char token[AUTH_SECRET_SIZE + 1];
	struct px_err err;
	int rc;

	req->authed = 0;
	if (h) { /* A1 */
		rc = http_bearer_get(h, token, sizeof(token));
		if (rc == 0)
			rc = auth_token_check(req->srv->auth, token, &req->user,
					      &err);
		else
			px_errorf(&err, PX_EINVAL,
				  "Authorization: expected \"Bearer "
				  "<token>\"");
		sodium_memzero(token, sizeof(token));
		if (rc) {
			http_audit(req, "refused", "%s %s: 401 %s", req->method,
				   req->url, err.msg);
			http_reply_errorf(req, 401, "unauthorized", NULL, "%s",
					  err.msg);
			return PX_EVERIFY;
		}
		req->authed = 1;
		return 0;
	}
	h = http_header(req, MHD_HTTP_HEADER_COOKIE);
	if (h && http_cookie_get(h, "px_session", req->secret,
				 sizeof(req->secret)) == 0) { /* A2 */
		if (auth_session_get(req->srv->auth, req->secret, &req->user,
				     req->csrf, NULL) == 0) {
			req->authed = 1;
			req->via_session = 1;
		} else {
			req->secret[0] = '\0';
		}
	}
	return 0;
}

int http_forbid(struct http_req *req, const char *fmt, ...)
{
	char msg[PX_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_audit(req, "refused", "%s %s: 403 %s", req->method, req->url, msg);
	http_reply_errorf(req, 403, "forbidden", NULL, "%s", msg);
	return PX_EVERIFY;
}

int http_require(struct http_req *req, unsigned mask)
{
	const char *sent;

	if (!req->authed) {
		http_audit(req, "refused", "%s %s: 401 not logged in",
			   req->method, req->url);
		http_reply_errorf(req, 401, "unauthorized", NULL,
				  "log in (POST /api/v1/session) or send "
				  "\"Authorization: Bearer <token>\"");
		return PX_EVERIFY;
	}
	if (req->via_session && req->m != HTTP_GET && req->m != HTTP_HEAD) {
		sent = http_header(req, "X-CSRF-Token");
		if (!sent || strlen(sent) != strlen(req->csrf) ||
		    sodium_memcmp(sent, req->csrf, strlen(req->csrf)) != 0) {
			http_audit(req, "refused", "%s %s: 403 csrf",
				   req->method, req->url);
			http_reply_errorf(
			    req, 403, "csrf", NULL,
			    "%s: the X-CSRF-Token header must carry the "
			    "session's CSRF token",
			    sent ? "wrong CSRF token" : "no CSRF token");
			return PX_EVERIFY;
		}
	}
	if (!(mask & HTTP_ROLE(req->user.role)))
		return http_forbid(req, "a user with role %s may not do this",
				   auth_role_name(req->user.role));
	return 0;
}

/* ---- login rate limits (A3) */

static uint64_t rl_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/*
 * The counter for key (open addressing; expired entries are reused).
 * NULL when the table is full of live counters: the caller then refuses,
 * so flooding the table cannot reset anyone's count.  Caller holds rl_mu.
 */
static struct http_rl_entry *rl_find(struct http_server *srv, const char *key,
				     double now)
{
	uint64_t h = rl_hash(key);
	struct http_rl_entry *free_slot = NULL, *e;
	unsigned i;

	for (i = 0; i < 64; i++) {
		e = &srv->rl[(h + i) % HTTP_RL_SLOTS];
		if (e->key[0] && strcmp(e->key, key) == 0) {
			if (now - e->start > HTTP_RL_WINDOW) {
				e->start = now;
				e->fails = 0;
			}
			return e;
		}
		if (!free_slot &&
		    (!e->key[0] || now - e->start > HTTP_RL_WINDOW))
			free_slot = e;
	}
	if (free_slot) {
		snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
		free_slot->start = now;
		free_slot->fails = 0;
	}
	return free_slot;
}

/* 1 if a login for user/ip may be tried now; with fail set, count one
 * failure for both. */
static int rl_step(struct http_server *srv, const char *user, const char *ip,
		   int fail, double *retry)
{
	char ku[sizeof(srv->rl[0].key)], ki[sizeof(srv->rl[0].key)];
	struct http_rl_entry *eu, *ei;
	double now = px_now();
	int ok;

	snprintf(ku, sizeof(ku), "u:%s", user);
	snprintf(ki, sizeof(ki), "i:%s", ip);
	pthread_mutex_lock(&srv->rl_mu);
	eu = rl_find(srv, ku, now);
	ei = rl_find(srv, ki, now);
	if (fail) {
		if (eu)
			eu->fails++;
		if (ei)
			ei->fails++;
	}
	ok = eu && ei && eu->fails < srv->opt.login_user_max &&
	     ei->fails < srv->opt.login_ip_max;
	*retry = HTTP_RL_WINDOW;
	if (eu && ei)
		*retry =
		    HTTP_RL_WINDOW -
		    (now - (eu->start < ei->start ? eu->start : ei->start));
	pthread_mutex_unlock(&srv->rl_mu);
	return ok;
}

/* ---- /api/v1/session */

static json_t *session_json(struct http_req *req, const char *csrf)
{
	return json_pack("{s:o, s:o}", "user",
			 req->authed ? auth_user_json(&req->user) : json_null(),
			 "csrf",
			 csrf && *csrf ? json_string(csrf) : json_null());
}

static void rate_limited(struct http_req *req, double retry)
{
	char secs[24];

	snprintf(secs, sizeof(secs), "%d", retry < 1 ? 1 : (int)retry + 1);
	http_audit(req, "refused", "%s %s: 429 login rate limit", req->method,
		   req->url);
	http_reply_errorf(req, 429, "rate_limited", NULL,
			  "too many failed logins; try again in %s seconds",
			  secs);
	if (req->resp)
		MHD_add_response_header(req->resp, MHD_HTTP_HEADER_RETRY_AFTER,
					secs);
}

static void login(struct http_req *req)
{
	struct http_login l;
	struct http_error e;
	struct px_err err;
	char secret[AUTH_SECRET_SIZE], csrf[AUTH_CSRF_SIZE], cookie[160];
	double retry;
	int rc;

	rc = http_parse_login((const char *)req->body.data, req->body.len, &l,
			      &e);
	if (rc) {
		sodium_memzero(&l, sizeof(l));
		http_reply_error(req, &e);
		return;
	}
	if (!rl_step(req->srv, l.username, req->ip, 0, &retry)) {
		sodium_memzero(&l, sizeof(l));
		rate_limited(req, retry);
		return;
	}
	sem_wait(&req->srv->login_sem);
	rc = auth_login(req->srv->auth, l.username, l.password, &req->user,
			&err);
	sem_post(&req->srv->login_sem);
	sodium_memzero(l.password, sizeof(l.password));
	if (rc) {
		rl_step(req->srv, l.username, req->ip, 1, &retry);
		auth_audit(req->srv->auth, "login-failed", l.username, req->ip,
			   err.msg);
		http_reply_errorf(req, 401, "unauthorized", NULL, "%s",
				  err.msg);
		return;
	}
	rc = auth_session_new(req->srv->auth, req->user.id, HTTP_SESSION_TTL,
			      secret, csrf, &err);
	if (rc) {
		http_reply_errorf(req, 500, "internal", NULL, "%s", err.msg);
		return;
	}
	req->authed = 1;
	auth_audit(req->srv->auth, "login", req->user.name, req->ip, "session");
	http_reply_json(req, 200, session_json(req, csrf));
	snprintf(cookie, sizeof(cookie),
		 "px_session=%s; HttpOnly; SameSite=Strict; Path=/; "
		 "Max-Age=%d",
		 secret, HTTP_SESSION_TTL);
	sodium_memzero(secret, sizeof(secret));
	if (req->resp)
		MHD_add_response_header(req->resp, MHD_HTTP_HEADER_SET_COOKIE,
					cookie);
	sodium_memzero(cookie, sizeof(cookie));
}

int http_route_session(struct http_req *req)
{
	struct px_err err;

	switch (req->m) {
	case HTTP_POST:
		login(req);
		return 1;
	case HTTP_GET:
	case HTTP_HEAD:
		http_reply_json(
		    req, 200,
		    session_json(req, req->via_session ? req->csrf : NULL));
		return 1;
	case HTTP_DELETE:
		if (http_require(req, HTTP_ANY_ROLE))
			return 1;
		if (req->via_session &&
		    auth_session_end(req->srv->auth, req->secret, &err)) {
			http_reply_errorf(req, 500, "internal", NULL, "%s",
					  err.msg);
			return 1;
		}
		http_audit(req, "logout", "session");
		req->authed = 0;
		http_reply_json(req, 200, session_json(req, NULL));
		if (req->resp)
			MHD_add_response_header(
			    req->resp, MHD_HTTP_HEADER_SET_COOKIE,
			    "px_session=; HttpOnly; SameSite=Strict; Path=/; "
			    "Max-Age=0");
		return 1;
	default:
		return 0;
	}
}
