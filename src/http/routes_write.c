/*
 * routes_write.c - the state-changing routes of /api/v1/: filing records
 * (custodial, POST /records; non-custodial, POST /entries), revisions and
 * withdrawals, and the admin routes for users and tokens.  Who may do what
 * (the authorization matrix, checked before anything is submitted):
 *
 *   route                              admin  editor  party   reader
 *   POST /entries                        -     any    own       -
 *   POST /records (kind party)          yes     -      -        -
 *   POST /records (other kinds)          -     any    own       -
 *   POST /records/{id}/revisions        (1)    any    own       -
 *   POST /records/{id}/withdrawal       (1)    any    own       -
 *   POST /users, /users/{n}/disable     yes     -      -        -
 *   POST /tokens, DELETE /tokens/{id}   yes     -      -        -
 *   (1) party records only (the operator's registrations)
 *
 * "own": a party member files, revises and withdraws only as its own party
 * (the record's owner must be its party).  "any": an editor files for any
 * party and is recorded as acting for it (filed_by = the editor's own
 * party, acting_for = the party), or, when the editor has no party of its
 * own, files with the party's key, which the operator must hold.
 * Writes go through repo_* (group commit) on the submitter threads
 * (submit.c): a route checks and authorizes, then makes the job; the answer
 * is made by http_write_finish once the job is done.  An accepted write
 * bumps the cache generation before it is answered.
 */
#include "http/httpint.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void reply_result(struct http_req *req, int rc,
			 const struct repo_result *res,
			 const struct px_err *err)
{
	struct http_error e;

	if (rc == 0 && res->rc == 0) {
		atomic_fetch_add(&req->srv->gen, 1); /* S4 */
		http_audit(req, "filing", "%s %s index %llu", res->id,
			   res->revision, (unsigned long long)res->index);
		http_reply_json(req, 201,
				json_pack("{s:s, s:s, s:s, s:I}", "id", res->id,
					  "revision", res->revision, "kind",
					  rec_kind_name(res->kind)
					      ? rec_kind_name(res->kind)
					      : "",
					  "index", (json_int_t)res->index));
		return;
	}
	if (rc == 0)
		http_error_from_px(&e, res->rc, res->message);
	else
		http_error_from_px(&e, rc, err->msg);
	http_audit(req, "refused", "%s %s: %u %s", req->method, req->url,
		   e.status, e.message);
	http_reply_error(req, &e);
}

/* The current record `id` from the store: its kind and owner.  0, or
 * answered (404). */
static int record_owner(struct http_req *req, const char *id,
			enum rec_kind *kind, char owner[REC_ID_SIZE])
{
	struct http_error e;
	struct px_err err;
	struct store *st;
	json_t *rec = NULL;
	const json_t *o;
	uint8_t h[32];

	if (rec_id_parse(id, strlen(id), kind, h, &err)) {
		http_reply_errorf(req, 404, "not_found", NULL, "no record '%s'",
				  id);
		return PX_ENOTFOUND;
	}
	px_err_clear(&err);
	st = http_reader(req, &err);
	if (!st) {
		http_reply_errorf(req, 503, "unavailable", NULL, "%s", err.msg);
		return PX_EIO;
	}
	if (store_get(st, id, 0, &rec, &err)) {
		http_error_set(&e, 404, "not_found", NULL, "no record '%s'",
			       id);
		http_reply_error(req, &e);
		return PX_ENOTFOUND;
	}
	o = json_object_get(rec, "owner");
	snprintf(owner, REC_ID_SIZE, "%s",
		 json_is_string(o) ? json_string_value(o) : "");
	json_decref(rec);
	return 0;
}

/*
 * Decide, for a filing of a record owned by `owner` (a party id), which
 * party signs (as_party) and whether acting_for must be set.  0, or
 * answered (403).
 */
static int filer_for(struct http_req *req, const char *owner,
		     const char **as_party, const char **acting_for)
{
	const struct auth_user *u = &req->user;

	*acting_for = NULL;
	if (u->role == AUTH_PARTY) {
		if (strcmp(owner, u->party) != 0)
			return http_forbid(req,
					   "a party member files only as its "
					   "own party (%s), not as %s",
					   u->party, owner);
		*as_party = u->party;
		return 0;
	}
	if (u->role == AUTH_EDITOR) {
		if (u->party[0] && strcmp(owner, u->party) != 0) {
			*as_party = u->party;
			*acting_for = owner;
		} else {
			*as_party = owner;
		}
		return 0;
	}
	return http_forbid(req, "a user with role %s may not file records",
			   auth_role_name(u->role));
}

/* Text of a JSON value (caller frees with free()). */
static char *dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT);
}

static void post_records(struct http_req *req)
{
	struct repo_result res;
	struct http_error e;
	struct px_err err;
	json_t *rec;
	const json_t *k, *af, *fb;
	const char *as = NULL, *acting = NULL, *target;
	enum rec_kind kind;
	char *text;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN) | HTTP_ROLE(AUTH_EDITOR) |
				  HTTP_ROLE(AUTH_PARTY)))
		return;
	if (http_parse_object((const char *)req->body.data, req->body.len, &rec,
			      &e)) {
		http_reply_error(req, &e);
		return;
	}
	k = json_object_get(rec, "kind");
	if (!json_is_string(k) ||
	    rec_kind_parse(json_string_value(k), json_string_length(k),
			   &kind)) {
		json_decref(rec);
		http_reply_errorf(req, 422, "invalid_record", "kind",
				  "kind: missing or not a record kind");
		return;
	}
	memset(&res, 0, sizeof(res));
	px_err_clear(&err);
	if (kind == REC_PARTY) {
		if (req->user.role != AUTH_ADMIN) {
			json_decref(rec);
			http_forbid(req, "only an admin registers parties");
			return;
		}
		text = dump(rec);
		json_decref(rec);
		if (!text) {
			rc = px_errorf(&err, PX_ENOMEM, "out of memory");
			reply_result(req, rc, &res, &err);
			return;
		}
		http_job_make(req, HTTP_JOB_REGISTER, text, NULL, NULL, NULL);
		return;
	}
	if (req->user.role == AUTH_ADMIN) {
		json_decref(rec);
		http_forbid(req, "an admin registers parties and users; "
				 "records are filed by editors and parties");
		return;
	}
	af = json_object_get(rec, "acting_for");
	fb = json_object_get(rec, "filed_by");
	if ((af && !json_is_string(af)) || (fb && !json_is_string(fb))) {
		json_decref(rec);
		http_reply_errorf(req, 422, "invalid_record",
				  af && !json_is_string(af) ? "acting_for"
							    : "filed_by",
				  "must be a party id");
		return;
	}
	/* The party the record is filed for. */
	target = http_query(req, "as");
	if (af)
		target = json_string_value(af);
	if (req->user.role == AUTH_PARTY) {
		target = af   ? json_string_value(af)
			 : fb ? json_string_value(fb)
			      : req->user.party;
	} else if (!target) {
		json_decref(rec);
		http_reply_errorf(req, 422, "invalid_record", "acting_for",
				  "acting_for: an editor must say which party "
				  "it files for (\"acting_for\" or ?as=PARTY)");
		return;
	}
	if (http_query_id("acting_for", target, REC_PARTY, &e)) {
		json_decref(rec);
		e.status = 422;
		e.code = "invalid_record";
		http_reply_error(req, &e);
		return;
	}
	if (filer_for(req, target, &as, &acting)) {
		json_decref(rec);
		return;
	}
	if (fb && strcmp(json_string_value(fb), as) != 0) {
		json_decref(rec);
		http_forbid(req, "filed_by must be %s for this user", as);
		return;
	}
	if (acting)
		json_object_set_new(rec, "acting_for", json_string(acting));
	else
		json_object_del(rec, "acting_for");
	text = dump(rec);
	json_decref(rec);
	if (!text) {
		rc = px_errorf(&err, PX_ENOMEM, "out of memory");
		reply_result(req, rc, &res, &err);
		return;
	}
	http_job_make(req, HTTP_JOB_FILE, text, as, NULL, NULL);
}

static void post_entries(struct http_req *req)
{
	struct http_error e;
	enum rec_kind kind;
	char owner[REC_ID_SIZE];

	if (http_require(req, HTTP_ROLE(AUTH_EDITOR) | HTTP_ROLE(AUTH_PARTY)))
		return;
	if (req->body.len == 0) {
		http_reply_errorf(req, 400, "bad_request", "$",
				  "the request body must be a signed note");
		return;
	}
	if (http_entry_owner(req->body.data, req->body.len, &kind, owner, &e)) {
		http_reply_error(req, &e);
		return;
	}
	if (req->user.role == AUTH_PARTY && strcmp(owner, req->user.party)) {
		http_forbid(req,
			    "a party member files only as its own party (%s), "
			    "not as %s",
			    req->user.party, owner[0] ? owner : "the operator");
		return;
	}
	http_job_make(req, HTTP_JOB_ENTRY, NULL, NULL, NULL, NULL);
}

/* /records/{id}/revisions and /records/{id}/withdrawal */
static void post_revision(struct http_req *req, const char *id, int withdrawal)
{
	char expected[REC_ID_SIZE], owner[REC_ID_SIZE];
	char reason[4 * REC_NOTE_MAX + 1];
	struct repo_result res;
	struct http_error e;
	struct px_err err;
	enum rec_kind kind;
	const char *as = NULL, *acting = NULL;
	json_t *rec = NULL;
	char *text;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN) | HTTP_ROLE(AUTH_EDITOR) |
				  HTTP_ROLE(AUTH_PARTY)))
		return;
	rc = withdrawal
		 ? http_parse_withdrawal((const char *)req->body.data,
					 req->body.len, reason, expected, &e)
		 : http_parse_revision((const char *)req->body.data,
				       req->body.len, expected, &rec, &e);
	if (rc) {
		http_reply_error(req, &e);
		return;
	}
	if (record_owner(req, id, &kind, owner)) {
		json_decref(rec);
		return;
	}
	if (kind == REC_PARTY) {
		/* Party records are the operator's: only an admin. */
		if (req->user.role != AUTH_ADMIN) {
			json_decref(rec);
			http_forbid(req, "only an admin revises party records");
			return;
		}
		as = NULL;
	} else if (req->user.role == AUTH_ADMIN) {
		json_decref(rec);
		http_forbid(req, "an admin revises only party records");
		return;
	} else if (filer_for(req, owner, &as, &acting)) {
		json_decref(rec);
		return;
	}
	if (withdrawal) {
		rec = json_pack("{s:s, s:{s:s}}", "kind", rec_kind_name(kind),
				"withdrawal", "reason", reason);
	} else {
		json_object_del(rec, "revises");
		if (!json_object_get(rec, "kind"))
			json_object_set_new(rec, "kind",
					    json_string(rec_kind_name(kind)));
	}
	if (rec && acting)
		json_object_set_new(rec, "acting_for", json_string(acting));
	else if (rec)
		json_object_del(rec, "acting_for");
	if (rec && as)
		json_object_del(rec, "filed_by");
	text = rec ? dump(rec) : NULL;
	json_decref(rec);
	if (!text) {
		memset(&res, 0, sizeof(res));
		px_err_clear(&err);
		rc = px_errorf(&err, PX_ENOMEM, "out of memory");
		reply_result(req, rc, &res, &err);
		return;
	}
	http_job_make(req, HTTP_JOB_REVISE, text, as, id, expected);
}

void http_write_finish(struct http_req *req)
{
	struct http_job *j = &req->job;

	reply_result(req, j->rc, &j->res, &j->err);
	free(j->text);
	j->text = NULL;
}

static void post_users(struct http_req *req)
{
	struct http_user_req u;
	struct http_error e;
	struct px_err err;
	struct auth_user created;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN)))
		return;
	rc = http_parse_user((const char *)req->body.data, req->body.len, &u,
			     &e);
	if (rc) {
		sodium_memzero(u.password, sizeof(u.password));
		http_reply_error(req, &e);
		return;
	}
	px_err_clear(&err);
	if (u.party[0]) { /* the party must be registered */
		struct store *st = http_reader(req, &err);
		json_t *p = NULL;
		rc = st ? store_get(st, u.party, 0, &p, &err) : PX_EIO;
		json_decref(p);
		if (rc) {
			sodium_memzero(u.password, sizeof(u.password));
			http_reply_errorf(
			    req, rc == PX_ENOTFOUND ? 422 : 503,
			    rc == PX_ENOTFOUND ? "invalid_record"
					       : "unavailable",
			    "party", "party: no party record '%s'", u.party);
			return;
		}
	}
	rc = auth_user_add(req->srv->auth, u.username, u.password, u.role,
			   u.party, &err);
	sodium_memzero(u.password, sizeof(u.password));
	if (rc == 0)
		rc = auth_user_get(req->srv->auth, u.username, &created, &err);
	if (rc) {
		http_error_from_px(&e, rc, err.msg);
		if (rc == PX_EINVAL) {
			e.status = 400;
			e.code = "bad_request";
		}
		http_reply_error(req, &e);
		return;
	}
	http_audit(req, "user-add", "%s %s", u.username,
		   auth_role_name(u.role));
	http_reply_json(req, 201, auth_user_json(&created));
}

static void disable_user(struct http_req *req, const char *name)
{
	struct px_err err;
	struct auth_user u;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN)))
		return;
	px_err_clear(&err);
	rc = auth_user_disable(req->srv->auth, name, &err);
	if (rc == 0)
		rc = auth_user_get(req->srv->auth, name, &u, &err);
	if (rc) {
		http_reply_errorf(req, rc == PX_ENOTFOUND ? 404 : 500,
				  rc == PX_ENOTFOUND ? "not_found" : "internal",
				  NULL, "%s", err.msg);
		return;
	}
	http_audit(req, "user-disable", "%s", name);
	http_reply_json(req, 200, auth_user_json(&u));
}

static void post_tokens(struct http_req *req)
{
	struct http_token_req t;
	struct http_error e;
	struct px_err err;
	char id[AUTH_TOKEN_ID_SIZE], secret[AUTH_SECRET_SIZE];
	const char *who;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN)))
		return;
	if (http_parse_token((const char *)req->body.data, req->body.len, &t,
			     &e)) {
		http_reply_error(req, &e);
		return;
	}
	who = t.username[0] ? t.username : req->user.name;
	px_err_clear(&err);
	rc = auth_token_new(req->srv->auth, who, t.label, t.expires, id, secret,
			    &err);
	if (rc) {
		http_reply_errorf(req,
				  rc == PX_ENOTFOUND ? 404
				  : rc == PX_EINVAL  ? 400
						     : 500,
				  rc == PX_ENOTFOUND ? "not_found"
				  : rc == PX_EINVAL  ? "bad_request"
						     : "internal",
				  "username", "%s", err.msg);
		return;
	}
	http_audit(req, "token-add", "%s for %s", id, who);
	http_reply_json(req, 201,
			json_pack("{s:s, s:s, s:s, s:s}", "id", id, "token",
				  secret, "username", who, "label", t.label));
	sodium_memzero(secret, sizeof(secret));
}

static void delete_token(struct http_req *req, const char *id)
{
	struct px_err err;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN)))
		return;
	px_err_clear(&err);
	rc = auth_token_revoke(req->srv->auth, id, &err);
	if (rc) {
		http_reply_errorf(req, rc == PX_ENOTFOUND ? 404 : 500,
				  rc == PX_ENOTFOUND ? "not_found" : "internal",
				  NULL, "%s", err.msg);
		return;
	}
	http_audit(req, "token-revoke", "%s", id);
	http_reply_json(req, 200,
			json_pack("{s:s, s:b}", "id", id, "revoked", 1));
}

/* Split "a/b/c" into at most 3 segments (in buf); returns the count, or
 * -1 for more, or an empty segment. */
static int split(const char *path, char *buf, size_t cap, char *seg[3])
{
	size_t n = strlen(path);
	int k = 0;
	char *p;

	if (n == 0 || n >= cap)
		return -1;
	memcpy(buf, path, n + 1);
	for (p = buf; k < 3; k++) {
		char *slash = strchr(p, '/');
		seg[k] = p;
		if (!*p)
			return -1;
		if (!slash)
			return k + 1;
		*slash = '\0';
		p = slash + 1;
	}
	return -1;
}

int http_route_write(struct http_req *req, const char *path)
{
	char buf[256], *seg[3];
	int n = split(path, buf, sizeof(buf), seg);

	if (n < 1)
		return 0;
	if (n == 1 && strcmp(seg[0], "session") == 0)
		return http_route_session(req);
	if (req->m == HTTP_POST) {
		if (n == 1 && strcmp(seg[0], "entries") == 0)
			post_entries(req);
		else if (n == 1 && strcmp(seg[0], "records") == 0)
			post_records(req);
		else if (n == 3 && strcmp(seg[0], "records") == 0 &&
			 strcmp(seg[2], "revisions") == 0)
			post_revision(req, seg[1], 0);
		else if (n == 3 && strcmp(seg[0], "records") == 0 &&
			 strcmp(seg[2], "withdrawal") == 0)
			post_revision(req, seg[1], 1);
		else if (n == 1 && strcmp(seg[0], "users") == 0)
			post_users(req);
		else if (n == 3 && strcmp(seg[0], "users") == 0 &&
			 strcmp(seg[2], "disable") == 0)
			disable_user(req, seg[1]);
		else if (n == 1 && strcmp(seg[0], "tokens") == 0)
			post_tokens(req);
		else
			return 0;
		return 1;
	}
	if (req->m == HTTP_DELETE && n == 2 && strcmp(seg[0], "tokens") == 0) {
		delete_token(req, seg[1]);
		return 1;
	}
	return 0;
}
