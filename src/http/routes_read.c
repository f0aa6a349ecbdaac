/*
 * routes_read.c - the GET routes of /api/v1/: lists and details of records,
 * search, statistics, the log's state, raw entries, proofs and the OpenAPI
 * description.  Every record in an answer is the store's record object,
 * which carries its log index ("index", "created_index") so that a client
 * can ask for its inclusion proof.  Reads use the thread's own read-only
 * store (http_reader); proofs come from the public tiles (read-only).
 */
#include "http/httpint.h"

#include "log/tile.h"

#include <stdio.h>
#include <string.h>

/* Answer a library error: 404 for not found, else by http_error_from_px. */
static void reply_px(struct http_req *req, int rc, const struct px_err *err)
{
	struct http_error e;

	if (rc == PX_ENOTFOUND) {
		http_reply_errorf(req, 404, "not_found", NULL, "%s",
				  err->msg[0] ? err->msg : "not found");
		return;
	}
	if (rc == PX_EINVAL) {
		http_reply_errorf(req, 400, "bad_request", NULL, "%s",
				  err->msg);
		return;
	}
	http_error_from_px(&e, rc, err->msg);
	http_reply_error(req, &e);
}

/*
 * The reader store of this thread while a read route runs in a read
 * transaction (store_read_begin): every statement of the request (an event
 * detail reads the comparison, the relations and each place) shares one
 * snapshot and one WAL read lock.  http_route_read ends it once the route
 * has answered, so no snapshot outlives its request.
 */
static _Thread_local struct store *tl_reading;

static struct store *reader(struct http_req *req)
{
	struct px_err err;
	struct store *st;

	if (tl_reading)
		return tl_reading;
	px_err_clear(&err);
	st = http_reader(req, &err);
	if (st && store_read_begin(st, &err) != 0)
		st = NULL;
	if (!st) {
		http_reply_errorf(req, 503, "unavailable", NULL,
				  "cannot read the store: %s", err.msg);
		return NULL;
	}
	tl_reading = st;
	return st;
}

/* Query filters a route accepts. */
enum {
	Q_FROM = 1 << 0,
	Q_TO = 1 << 1,
	Q_PLACE = 1 << 2,
	Q_PARTY = 1 << 3,
	Q_TYPE = 1 << 4,
	Q_DISPUTED = 1 << 5,
	Q_EVENT = 1 << 6,
	Q_KIND = 1 << 7,
	Q_TEXT = 1 << 8,
	Q_WITHDRAWN = 1 << 9,
};

static int fill_query(struct http_req *req, unsigned allowed,
		      struct store_query *q, struct http_error *e)
{
	const char *v;

	if ((v = http_query(req, "limit")) &&
	    http_query_limit("limit", v, &q->limit, e))
		return PX_EINVAL;
	if ((v = http_query(req, "cursor"))) {
		if (strlen(v) > 512)
			return http_error_set(e, 400, "bad_request", "cursor",
					      "cursor: not a cursor");
		q->cursor = v;
	}
	if ((allowed & Q_FROM) && (v = http_query(req, "from"))) {
		if (http_query_date("from", v, e))
			return PX_EINVAL;
		q->from = v;
	}
	if ((allowed & Q_TO) && (v = http_query(req, "to"))) {
		if (http_query_date("to", v, e))
			return PX_EINVAL;
		q->to = v;
	}
	if ((allowed & Q_PLACE) && (v = http_query(req, "place"))) {
		if (http_query_id("place", v, REC_PLACE, e))
			return PX_EINVAL;
		q->place = v;
	}
	if ((allowed & Q_PARTY) && (v = http_query(req, "party"))) {
		if (http_query_id("party", v, REC_PARTY, e))
			return PX_EINVAL;
		q->party = v;
	}
	if ((allowed & Q_EVENT) && (v = http_query(req, "event"))) {
		if (http_query_id("event", v, REC_EVENT, e))
			return PX_EINVAL;
		q->event = v;
	}
	if ((allowed & Q_TYPE) && (v = http_query(req, "type"))) {
		if (strlen(v) > 64)
			return http_error_set(e, 400, "bad_request", "type",
					      "type: not an event type");
		q->type = v;
	}
	if ((allowed & Q_DISPUTED) && (v = http_query(req, "disputed")) &&
	    http_query_bool("disputed", v, &q->disputed, e))
		return PX_EINVAL;
	if ((allowed & Q_WITHDRAWN) && (v = http_query(req, "withdrawn")) &&
	    http_query_bool("withdrawn", v, &q->withdrawn, e))
		return PX_EINVAL;
	if ((allowed & Q_KIND) && (v = http_query(req, "kind")) &&
	    http_query_kind("kind", v, &q->kind, e))
		return PX_EINVAL;
	if (allowed & Q_TEXT) {
		v = http_query(req, "q");
		if (!v || !*v)
			return http_error_set(e, 400, "bad_request", "q",
					      "q: the search text is missing");
		if (strlen(v) > 1000)
			return http_error_set(e, 400, "bad_request", "q",
					      "q: longer than 1000 bytes");
		q->text = v;
	}
	return 0;
}

static void list_kind(struct http_req *req, int kind, unsigned allowed)
{
	struct store_query q;
	struct http_error e;
	struct px_err err;
	struct store *st;
	json_t *out = NULL;
	int rc;

	store_query_init(&q);
	q.kind = kind;
	if (fill_query(req, allowed, &q, &e)) {
		http_reply_error(req, &e);
		return;
	}
	if (!(st = reader(req)))
		return;
	px_err_clear(&err);
	rc = (allowed & Q_TEXT) ? store_search(st, &q, &out, &err)
				: store_list(st, &q, &out, &err);
	if (rc) {
		reply_px(req, rc, &err);
		return;
	}
	http_reply_json(req, 200, out);
}

/* Every record of `kind` matching one filter, up to 1000. */
static json_t *list_items(struct store *st, int kind, const char *place,
			  const char *party, const char *event,
			  struct px_err *err)
{
	struct store_query q;
	json_t *out = NULL, *items;

	store_query_init(&q);
	q.kind = kind;
	q.place = place;
	q.party = party;
	q.event = event;
	q.limit = 1000;
	if (store_list(st, &q, &out, err))
		return NULL;
	items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	if (!items)
		px_errorf(err, PX_EIO, "the store's list has no items");
	return items;
}

/* Add the place record `id` (if a string) to the map. */
static void add_place(struct store *st, json_t *map, const json_t *id)
{
	struct px_err err;
	json_t *rec = NULL;

	if (!json_is_string(id) || json_object_get(map, json_string_value(id)))
		return;
	if (store_get(st, json_string_value(id), 0, &rec, &err) == 0)
		json_object_set_new(map, json_string_value(id), rec);
}

static void event_detail(struct http_req *req, const char *id)
{
	struct http_error e;
	struct px_err err;
	struct store *st;
	json_t *cmp = NULL, *rel, *places, *out, *accts, *a, *fields, *disputed;
	size_t i;
	int rc;

	if (http_query_id("id", id, REC_EVENT, &e)) {
		http_reply_errorf(req, 404, "not_found", NULL, "no event '%s'",
				  id);
		return;
	}
	if (!(st = reader(req)))
		return;
	px_err_clear(&err);
	rc = store_compare(st, id, &cmp, &err);
	if (rc) {
		reply_px(req, rc, &err);
		return;
	}
	rel = list_items(st, REC_RELATION, NULL, NULL, id, &err);
	if (!rel) {
		json_decref(cmp);
		reply_px(req, PX_EIO, &err);
		return;
	}
	places = json_object();
	add_place(
	    st, places,
	    json_object_get(
		json_object_get(
		    json_object_get(json_object_get(cmp, "event"), "record"),
		    "place"),
		"place"));
	accts = json_object_get(cmp, "accounts");
	json_array_foreach(accts, i, a)
	{
		add_place(st, places,
			  json_object_get(
			      json_object_get(
				  json_object_get(json_object_get(a, "record"),
						  "claims"),
				  "place"),
			      "place"));
	}
	fields = json_object_get(cmp, "fields");
	disputed = json_object_get(cmp, "disputed");
	out = json_pack("{s:O, s:o, s:{s:o, s:o}, s:o, s:o}", "event",
			json_object_get(cmp, "event"), "accounts",
			accts ? json_incref(accts) : json_array(), "comparison",
			"disputed",
			disputed ? json_incref(disputed) : json_false(),
			"fields", fields ? json_incref(fields) : json_object(),
			"relations", rel, "places", places);
	json_decref(cmp);
	http_reply_json(req, 200, out);
}

static void record_detail(struct http_req *req, const char *id)
{
	struct http_error e;
	struct px_err err;
	struct store *st;
	const char *h = http_query(req, "history");
	json_t *out = NULL;
	int history = 0, rc;

	if (h && http_query_bool("history", h, &history, &e)) {
		http_reply_error(req, &e);
		return;
	}
	if (http_query_id("id", id, -1, &e)) {
		http_reply_errorf(req, 404, "not_found", NULL, "no record '%s'",
				  id);
		return;
	}
	if (!(st = reader(req)))
		return;
	px_err_clear(&err);
	rc = store_get(st, id, history, &out, &err);
	if (rc) {
		reply_px(req, rc, &err);
		return;
	}
	http_reply_json(req, 200, out);
}

/* /places/{id} and /parties/{id}. */
static void kind_detail(struct http_req *req, enum rec_kind kind,
			const char *id)
{
	struct http_error e;
	struct px_err err;
	struct store *st;
	json_t *rec = NULL, *out = NULL, *a, *b, *x, *children;
	size_t i;
	int rc;

	if (http_query_id("id", id, (int)kind, &e)) {
		http_reply_errorf(req, 404, "not_found", NULL, "no %s '%s'",
				  rec_kind_name(kind), id);
		return;
	}
	if (!(st = reader(req)))
		return;
	px_err_clear(&err);
	rc = store_get(st, id, 0, &rec, &err);
	if (rc) {
		reply_px(req, rc, &err);
		return;
	}
	if (kind == REC_PLACE) {
		a = list_items(st, REC_PLACE, id, NULL, NULL, &err);
		b = a ? list_items(st, REC_EVENT, id, NULL, NULL, &err) : NULL;
		children = json_array();
		json_array_foreach(a, i, x)
		{
			const json_t *p = json_object_get(
			    json_object_get(x, "record"), "parent");
			if (json_is_string(p) &&
			    strcmp(json_string_value(p), id) == 0)
				json_array_append(children, x);
		}
		json_decref(a);
		if (b)
			out = json_pack("{s:o, s:o, s:o}", "place", rec,
					"children", children, "events", b);
		else
			json_decref(children);
	} else {
		b = list_items(st, REC_ACCOUNT, NULL, id, NULL, &err);
		if (b)
			out = json_pack("{s:o, s:o}", "party", rec, "accounts",
					b);
	}
	if (!out) {
		if (!b)
			json_decref(rec);
		reply_px(req, PX_EIO, &err);
		return;
	}
	http_reply_json(req, 200, out);
}

static void stats(struct http_req *req)
{
	struct px_err err;
	struct store *st;
	json_t *out = NULL;
	int rc;

	if (!(st = reader(req)))
		return;
	px_err_clear(&err);
	rc = store_stats(st, &out, &err);
	if (rc) {
		reply_px(req, rc, &err);
		return;
	}
	http_reply_json(req, 200, out);
}

static void log_state(struct http_req *req)
{
	struct log *log = repo_log(req->srv->repo);
	struct px_buf text, key;
	struct log_checkpoint cp;
	struct px_err err;
	const char *blank;
	char root[48];
	int rc;

	px_buf_init(&text, NOTE_MAX_BYTES);
	px_buf_init(&key, 4096);
	memset(&cp, 0, sizeof(cp));
	px_err_clear(&err);
	rc = log_checkpoint_text(log, &text, &err);
	if (rc == 0) {
		blank = strstr((const char *)text.data, "\n\n");
		rc = blank ? log_checkpoint_parse(
				 (const char *)text.data,
				 (size_t)(blank + 1 - (const char *)text.data),
				 &cp, &err)
			   : px_errorf(&err, PX_ECORRUPT,
				       "checkpoint: not a signed note");
	}
	if (rc == 0)
		rc = note_verifier_format(log_verifier(log), &key);
	if (rc) {
		reply_px(req, rc == PX_ENOTFOUND ? PX_EIO : rc, &err);
	} else {
		px_b64_encode(root, cp.root.b, LOG_HASH_SIZE);
		http_reply_json(
		    req, 200,
		    json_pack("{s:s, s:I, s:s, s:s, s:s, s:[]}", "origin",
			      cp.origin, "size", (json_int_t)cp.size, "root",
			      root, "checkpoint", (const char *)text.data,
			      "key", (const char *)key.data, "witnesses"));
	}
	log_checkpoint_release(&cp);
	px_buf_release(&text);
	px_buf_release(&key);
}

static void entry_raw(struct http_req *req, const char *idx)
{
	struct http_error e;
	struct px_err err;
	struct px_buf b;
	uint64_t index;
	int rc;

	if (http_query_u64("index", idx, &index, &e)) {
		http_reply_error(req, &e);
		return;
	}
	px_buf_init(&b, LOG_ENTRY_MAX);
	px_err_clear(&err);
	rc = log_entry(repo_log(req->srv->repo), index, &b, &err);
	if (rc == 0) {
		http_reply_bytes(req, 200, "application/octet-stream", b.data,
				 b.len);
		if (req->resp)
			MHD_add_response_header(req->resp,
						MHD_HTTP_HEADER_CACHE_CONTROL,
						"public, max-age=31536000, "
						"immutable");
	} else if (rc == PX_ENOTFOUND || rc == PX_EINVAL) {
		http_reply_errorf(req, 404, "not_found", NULL, "no entry %llu",
				  (unsigned long long)index);
	} else {
		reply_px(req, rc, &err);
	}
	px_buf_release(&b);
}

static json_t *proof_array(const struct log_hash *proof, size_t n)
{
	json_t *a = json_array();
	char b64[48];
	size_t i;

	for (i = 0; a && i < n; i++) {
		px_b64_encode(b64, proof[i].b, LOG_HASH_SIZE);
		json_array_append_new(a, json_string(b64));
	}
	return a;
}

/* RFC 9162 §2.1.3 (inclusion) and §2.1.4 (consistency) proofs, computed
 * from the public tiles of the current checkpoint. */
static void proof(struct http_req *req, int inclusion)
{
	struct log_hash p[LOG_PROOF_MAX], leaf;
	struct log_hash_reader r;
	struct http_error e;
	struct px_err err;
	const char *a, *b;
	uint64_t x, size, cur;
	size_t n = 0;
	char b64[48];
	int rc, tries;

	a = http_query(req, inclusion ? "index" : "from");
	b = http_query(req, inclusion ? "size" : "to");
	if (http_query_u64(inclusion ? "index" : "from", a, &x, &e)) {
		http_reply_error(req, &e);
		return;
	}
	if (b && http_query_u64(inclusion ? "size" : "to", b, &size, &e)) {
		http_reply_error(req, &e);
		return;
	}
	/* A partial tile read for the current size may be replaced by an
	 * append while we read it: then try again at the new size. */
	for (tries = 0;; tries++) {
		px_err_clear(&err);
		if (http_proof_begin(req->srv, &r, &cur, &err)) {
			reply_px(req, PX_EIO, &err);
			return;
		}
		if (!b)
			size = cur;
		if (size > cur)
			rc = http_error_set(
			    &e, 400, "bad_request", inclusion ? "size" : "to",
			    "%s: the log has only %llu entries",
			    inclusion ? "size" : "to", (unsigned long long)cur);
		else if (inclusion && x >= size)
			rc = http_error_set(
			    &e, 400, "bad_request", "index",
			    "index: the tree of size %llu has no "
			    "entry %llu",
			    (unsigned long long)size, (unsigned long long)x);
		else if (!inclusion && x > size)
			rc = http_error_set(&e, 400, "bad_request", "from",
					    "from: larger than to");
		else
			rc = 0;
		if (rc) {
			http_proof_end(req->srv);
			http_reply_error(req, &e);
			return;
		}
		if (inclusion) {
			rc = r.read(r.ctx, 0, &x, 1, &leaf, &err);
			if (rc == 0)
				rc = log_tree_prove_inclusion(&r, x, size, p,
							      &n, &err);
		} else {
			rc = log_tree_prove_consistency(&r, x, size, p, &n,
							&err);
		}
		http_proof_end(req->srv);
		if (rc == 0 || tries == 2 ||
		    log_size(repo_log(req->srv->repo)) == cur)
			break;
	}
	if (rc) {
		reply_px(req, PX_EIO, &err);
		return;
	}
	if (inclusion) {
		px_b64_encode(b64, leaf.b, LOG_HASH_SIZE);
		http_reply_json(req, 200,
				json_pack("{s:I, s:I, s:s, s:o}", "index",
					  (json_int_t)x, "size",
					  (json_int_t)size, "leaf_hash", b64,
					  "proof", proof_array(p, n)));
	} else {
		http_reply_json(req, 200,
				json_pack("{s:I, s:I, s:o}", "from",
					  (json_int_t)x, "to", (json_int_t)size,
					  "proof", proof_array(p, n)));
	}
}

/* docs/openapi.yaml, part of the binary (see httpint.h). */
static void openapi(struct http_req *req)
{
	http_reply_bytes(req, 200, "application/yaml; charset=utf-8",
			 http_openapi_yaml, http_openapi_yaml_len);
}

static void admin_list(struct http_req *req, int audit)
{
	struct http_error e;
	struct px_err err;
	const char *v;
	unsigned limit = 50;
	json_t *out = NULL;
	int rc;

	if (http_require(req, HTTP_ROLE(AUTH_ADMIN)))
		return;
	if ((v = http_query(req, "limit")) &&
	    http_query_limit("limit", v, &limit, &e)) {
		http_reply_error(req, &e);
		return;
	}
	px_err_clear(&err);
	rc = audit ? auth_audit_list(req->srv->auth, http_query(req, "cursor"),
				     limit, &out, &err)
		   : auth_user_list(req->srv->auth, &out, &err);
	if (rc) {
		reply_px(req, rc, &err);
		return;
	}
	http_reply_json(req, 200, out);
}

struct list_route {
	const char *name;
	int kind;
	unsigned allowed;
};

static const struct list_route lists[] = {
    {"events", REC_EVENT,
     Q_FROM | Q_TO | Q_PLACE | Q_PARTY | Q_TYPE | Q_DISPUTED | Q_WITHDRAWN},
    {"parties", REC_PARTY, Q_WITHDRAWN},
    {"sources", REC_SOURCE, Q_PARTY | Q_WITHDRAWN},
    {"places", REC_PLACE, Q_PLACE | Q_PARTY | Q_WITHDRAWN},
    {"persons", REC_PERSON, Q_PLACE | Q_PARTY | Q_WITHDRAWN},
    {"accounts", REC_ACCOUNT, Q_PARTY | Q_EVENT | Q_PLACE | Q_WITHDRAWN},
    {"relations", REC_RELATION, Q_PARTY | Q_EVENT | Q_WITHDRAWN},
    {"evidence", REC_EVIDENCE, Q_PARTY | Q_PLACE | Q_WITHDRAWN},
    {"search", -1,
     Q_TEXT | Q_KIND | Q_FROM | Q_TO | Q_PLACE | Q_PARTY | Q_TYPE | Q_DISPUTED},
};

static int route(struct http_req *req, const char *path)
{
	const char *slash = strchr(path, '/'), *rest = slash ? slash + 1 : "";
	size_t n = slash ? (size_t)(slash - path) : strlen(path), i;

	if (!slash) {
		for (i = 0; i < PX_ARRAY_LEN(lists); i++)
			if (strcmp(path, lists[i].name) == 0) {
				list_kind(req, lists[i].kind, lists[i].allowed);
				return 1;
			}
		if (strcmp(path, "stats") == 0)
			stats(req);
		else if (strcmp(path, "log") == 0)
			log_state(req);
		else if (strcmp(path, "openapi.yaml") == 0)
			openapi(req);
		else if (strcmp(path, "session") == 0)
			return http_route_session(req);
		else if (strcmp(path, "users") == 0)
			admin_list(req, 0);
		else if (strcmp(path, "audit") == 0)
			admin_list(req, 1);
		else
			return 0;
		return 1;
	}
	if (!*rest || strchr(rest, '/'))
		return 0;
	if (n == 6 && strncmp(path, "events", n) == 0)
		event_detail(req, rest);
	else if (n == 7 && strncmp(path, "records", n) == 0)
		record_detail(req, rest);
	else if (n == 6 && strncmp(path, "places", n) == 0)
		kind_detail(req, REC_PLACE, rest);
	else if (n == 7 && strncmp(path, "parties", n) == 0)
		kind_detail(req, REC_PARTY, rest);
	else if (n == 7 && strncmp(path, "entries", n) == 0)
		entry_raw(req, rest);
	else if (n == 5 && strncmp(path, "proof", n) == 0 &&
		 strcmp(rest, "inclusion") == 0)
		proof(req, 1);
	else if (n == 5 && strncmp(path, "proof", n) == 0 &&
		 strcmp(rest, "consistency") == 0)
		proof(req, 0);
	else
		return 0;
	return 1;
}

int http_route_read(struct http_req *req, const char *path)
{
	int found = route(req, path);

	if (tl_reading) {
		store_read_end(tl_reading);
		tl_reading = NULL;
	}
	return found;
}
