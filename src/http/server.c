/*
 * server.c - `parallax serve`: a libmicrohttpd daemon (internal thread pool,
 * epoll) over one open repository.  This file owns the daemon, the request
 * lifecycle, static files (the public log under /log/, the web UI at /),
 * the response cache for public API reads and graceful shutdown; the API
 * itself is in routes_read.c, routes_write.c and auth.c.
 *
 * Request lifecycle (microhttpd calls on_request once per chunk):
 *
 *     new ──on_request(1st call)──> reading ──on_request(*size == 0)──>
 *     dispatch ──MHD_queue_response──> sending ──on_completed──> freed
 *
 * Invariants:
 *   S1. A request is counted in srv->inflight from its first on_request
 *       call to on_completed; shutdown waits for the count to reach 0, so
 *       a write that began is answered (acknowledged or refused) before
 *       the repository closes.
 *   S2. Once srv->stopping is set no new request begins any work: it is
 *       answered 503 "unavailable" with Connection: close.
 *   S3. A body is held in a px_buf bounded by opt.body_max; past it the
 *       rest is read and dropped and the answer is 413 "too_large".  A
 *       declared Content-Length over the limit is answered before the
 *       body when the client waits for 100 Continue or declares more than
 *       HTTP_DRAIN_FACTOR times the limit (on_request).
 *   S4. A cached response belongs to the write generation it was built in;
 *       every accepted write bumps srv->gen, so no cached answer outlives
 *       the state it describes.  Only public GET routes are cached (they
 *       answer the same to everyone), only bodies up to
 *       HTTP_CACHE_ITEM_MAX, one per slot, so the cache stays bounded.
 *   S5. Each worker thread reads through its own read-only store
 *       (thread-local, registered in srv->readers so shutdown closes it);
 *       writes go through repo_* (group commit in the repo's writer).
 *   S6. A write never blocks a worker: the route makes a job, queue()
 *       suspends the connection and hands the job to the submitters
 *       (submit.c); once resumed, on_request answers from the job.  A
 *       suspended request stays counted in srv->inflight (S1).
 *   S7. Memory is bounded whatever the size of the record: the response
 *       cache (S4) holds at most HTTP_CACHE_SLOTS * HTTP_CACHE_ITEM_MAX
 *       bytes, and SQLite (every reader's page cache, the writer's, the
 *       auth database's) works under a soft heap limit (opt.sqlite_heap):
 *       past it SQLite reuses cache pages instead of taking more memory.
 *   S8. What precedes the body is bounded, each limit answered with the
 *       JSON error before any other work: the request target (opt.url_max,
 *       414), the number of header fields (opt.headers_max, 431) and the
 *       request line with every header field (opt.header_max, 431).
 *       microhttpd holds the whole head in its per-connection memory
 *       (opt.conn_memory, four times header_max), so every head up to
 *       nearly four times the limit reaches on_request and is answered
 *       here (microhttpd's own records take the rest).  A head
 *       that does not fit at all, and a request microhttpd cannot frame (a
 *       malformed request line, Content-Length or chunk, an unknown HTTP
 *       version), are answered by microhttpd itself before on_request is
 *       called: the right status (400, 413, 414, 431, 505) and
 *       "Connection: close", but its own short HTML body; libmicrohttpd
 *       0.9.75 has no way to replace those bodies.
 *   S9. A client is known by its address: the TCP peer's, or, behind the
 *       one reverse proxy the operator trusts (opt.trusted_proxy), the
 *       address that proxy vouches for in X-Forwarded-For (client_ip).
 *       Nobody else's X-Forwarded-For is believed, so a client cannot pick
 *       the address its failed logins are counted against.
 */
#include "http/httpint.h"

#include "log/tile.h"

#include <sodium.h>
#include <sqlite3.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char json_ctype[] = "application/json";

void http_options_init(struct http_options *o)
{
	memset(o, 0, sizeof(*o));
}

/* ---- answering */

static void set_response(struct http_req *req, unsigned status,
			 struct MHD_Response *resp)
{
	if (req->resp)
		MHD_destroy_response(req->resp);
	req->resp = resp;
	req->status = status;
	req->resp_len = 0;
}

void http_reply_bytes(struct http_req *req, unsigned status, const char *ctype,
		      const void *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)data, MHD_RESPMEM_MUST_COPY);

	if (!r)
		return;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	set_response(req, status, r);
	req->resp_len = len;
}

void http_reply_json(struct http_req *req, unsigned status, json_t *body)
{
	size_t len;
	char *text;
	struct MHD_Response *r;

	if (!body) {
		http_reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text) {
		http_reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	len = strlen(text);
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, json_ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	set_response(req, status, r);
	req->resp_len = len;
}

void http_reply_error(struct http_req *req, const struct http_error *e)
{
	char msg[sizeof(e->message)], field[sizeof(e->field)];
	json_t *o;

	snprintf(msg, sizeof(msg), "%s", e->message);
	snprintf(field, sizeof(field), "%s", e->field);
	http_text_clean(msg);
	http_text_clean(field);
	o = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", e->code,
		      "message", msg, "field",
		      field[0] ? json_string(field) : json_null());

	http_reply_json(req, e->status, o);
	if (req->resp && e->status == 401)
		MHD_add_response_header(req->resp,
					MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"parallax\"");
}

void http_reply_errorf(struct http_req *req, unsigned status, const char *code,
		       const char *field, const char *fmt, ...)
{
	struct http_error e;
	va_list ap;

	e.status = status;
	e.code = code;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	snprintf(e.field, sizeof(e.field), "%s", field ? field : "");
	http_reply_error(req, &e);
}

const char *http_query(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

const char *http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- per-thread readers (S5) */

static _Thread_local struct store *tl_store;
static _Thread_local struct http_server *tl_owner;

struct store *http_reader(struct http_req *req, struct px_err *err)
{
	struct http_server *srv = req->srv;
	struct store *st;

	if (tl_store && tl_owner == srv)
		return tl_store;
	if (repo_store_open_reader(srv->repo, &st, err))
		return NULL;
	pthread_mutex_lock(&srv->readers_mu);
	if (srv->nreaders == srv->capreaders) {
		size_t cap = srv->capreaders ? 2 * srv->capreaders : 16;
		struct store **n = px_realloc(srv->readers, cap * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&srv->readers_mu);
			store_close(st);
			px_errorf(err, PX_ENOMEM, "out of memory");
			return NULL;
		}
		srv->readers = n;
		srv->capreaders = cap;
	}
	srv->readers[srv->nreaders++] = st;
	pthread_mutex_unlock(&srv->readers_mu);
	tl_store = st;
	tl_owner = srv;
	return st;
}

/* ---- proofs from the public tiles (read-only, like `parallax log prove`) */

int http_proof_begin(struct http_server *srv, struct log_hash_reader *r,
		     uint64_t *size, struct px_err *err)
{
	uint64_t cur = log_size(repo_log(srv->repo));
	int rc = 0;

	pthread_mutex_lock(&srv->proof_mu);
	if (!srv->have_src) {
		rc = log_source_open(&srv->src, srv->logdir, err);
		if (rc == 0)
			srv->have_src = 1;
	}
	if (rc == 0 && !srv->th) {
		rc = log_tilehash_new(&srv->src, cur, 0, &srv->th, err);
		srv->th_size = cur;
	}
	if (rc == 0 && cur != srv->th_size) {
		log_tilehash_set_size(srv->th, cur);
		srv->th_size = cur;
	}
	if (rc) {
		pthread_mutex_unlock(&srv->proof_mu);
		return rc;
	}
	log_tilehash_reader(srv->th, r);
	*size = cur;
	return 0;
}

void http_proof_end(struct http_server *srv)
{
	pthread_mutex_unlock(&srv->proof_mu);
}

/* ---- static files */

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".txt", "text/plain; charset=utf-8"},
	    {".yaml", "application/yaml"},
	    {".woff2", "font/woff2"},
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < PX_ARRAY_LEN(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Serve a regular file; 0, or PX_ENOTFOUND when it is not one. */
static int serve_file(struct http_req *req, const char *path, const char *ctype,
		      const char *cache)
{
	struct MHD_Response *r;
	struct stat sb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PX_ENOTFOUND;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return PX_ENOTFOUND;
	}
	r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (!r) {
		close(fd);
		http_reply_errorf(req, 500, "internal", NULL, "out of memory");
		return 0;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
				"*");
	set_response(req, MHD_HTTP_OK, r);
	return 0;
}

/*
 * /log/checkpoint and /log/tile/...: exactly the files of DIR/log/.  Only
 * canonical tile paths are served (log_tile_parse_path), so nothing else
 * in the directory (temporary files) is reachable.  Full tiles never
 * change (tlog-tiles: cache them forever); the checkpoint and partial
 * tiles do.
 */
static void serve_log(struct http_req *req, const char *rel)
{
	struct log_tile t;
	const char *cache = "no-store", *ctype = "application/octet-stream";
	char *path;
	int rc;

	if (strcmp(rel, "checkpoint") == 0) {
		ctype = "text/plain; charset=utf-8";
	} else if (log_tile_parse_path(rel, &t) == 0) {
		if (t.width == LOG_TILE_WIDTH)
			cache = "public, max-age=31536000, immutable";
	} else {
		http_reply_errorf(req, 404, "not_found", NULL,
				  "no log file '%s'", rel);
		return;
	}
	path = px_path_join(req->srv->logdir, rel);
	if (!path) {
		http_reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	rc = serve_file(req, path, ctype, cache);
	px_free(path);
	if (rc)
		http_reply_errorf(req, 404, "not_found", NULL,
				  "no log file '%s'", rel);
}

/* The web UI: files of web_dir; any other non-API path gets index.html so
 * the UI can route by history (/events/{id}, /search?q=...). */
static void serve_web(struct http_req *req)
{
	const char *url = req->url, *web = req->srv->opt.web_dir;
	const char *rel = url + 1, *p;
	char *path;
	int rc = PX_ENOTFOUND;

	if (!web) {
		http_reply_errorf(req, 404, "not_found", NULL,
				  "no web UI is served here (see "
				  "/api/v1/openapi.yaml)");
		return;
	}
	/* No "..", no hidden files, no backslashes. */
	for (p = url; *p; p++)
		if ((p[0] == '/' && p[1] == '.') || *p == '\\')
			break;
	if (*rel && !*p) {
		path = px_path_join(web, rel);
		if (path)
			rc = serve_file(req, path, content_type(path),
					"no-cache");
		px_free(path);
	}
	if (rc) {
		path = px_path_join(web, "index.html");
		if (path)
			rc = serve_file(req, path, "text/html; charset=utf-8",
					"no-cache");
		px_free(path);
	}
	if (rc)
		http_reply_errorf(req, 404, "not_found", NULL,
				  "no such page '%s'", url);
}

/* ---- the response cache (S4) */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

struct key_ctx {
	struct px_buf *b;
	uint64_t h;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *value)
{
	struct key_ctx *k = cls;

	(void)kind;
	/* Separators that cannot occur in decoded values' places. */
	px_buf_addc(k->b, '\n');
	px_buf_addstr(k->b, key);
	px_buf_addc(k->b, '\r');
	if (value)
		px_buf_addstr(k->b, value);
	return MHD_YES;
}

/* The cache key of a GET: path and every query argument, in order. */
static int cache_key(struct http_req *req, struct px_buf *b, uint64_t *h)
{
	struct key_ctx k = {b, 0};

	px_buf_addstr(b, req->url);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_arg,
				  &k);
	if (!b->data || b->len >= b->max)
		return PX_ETOOBIG;
	*h = fnv1a(1469598103934665603ull, (const char *)b->data);
	return 0;
}

/* Is this API path answered the same to everyone (cacheable)? */
static int cacheable_path(const char *path)
{
	return strncmp(path, "session", 7) != 0 &&
	       strncmp(path, "users", 5) != 0 &&
	       strncmp(path, "tokens", 6) != 0 &&
	       strncmp(path, "audit", 5) != 0 && strncmp(path, "log", 3) != 0 &&
	       strncmp(path, "proof/", 6) != 0;
}

static int cache_lookup(struct http_req *req, const struct px_buf *key,
			uint64_t h)
{
	struct http_server *srv = req->srv;
	struct http_cache_slot *s = &srv->cache[h % HTTP_CACHE_SLOTS];
	uint64_t gen = atomic_load(&srv->gen);
	int hit = 0;

	pthread_mutex_lock(&s->mu);
	if (s->resp && s->gen == gen && s->key &&
	    strcmp(s->key, (const char *)key->data) == 0) {
		hit = MHD_queue_response(req->conn, MHD_HTTP_OK, s->resp) ==
		      MHD_YES;
	}
	pthread_mutex_unlock(&s->mu);
	return hit;
}

/* Keep req's response in the cache and queue it from there: the slot
 * owns the reference req->resp held, and the request is answered. */
static int cache_store(struct http_req *req, const struct px_buf *key,
		       uint64_t h, uint64_t gen)
{
	struct http_server *srv = req->srv;
	struct http_cache_slot *s = &srv->cache[h % HTTP_CACHE_SLOTS];
	char *k = px_strdup((const char *)key->data);
	int ok;

	if (!k)
		return 0;
	pthread_mutex_lock(&s->mu);
	if (s->resp)
		MHD_destroy_response(s->resp);
	px_free(s->key);
	s->key = k;
	s->gen = gen;
	s->resp = req->resp;
	req->resp = NULL;
	ok = MHD_queue_response(req->conn, MHD_HTTP_OK, s->resp) == MHD_YES;
	pthread_mutex_unlock(&s->mu);
	req->answered = ok ? 1 : -1;
	return 1;
}

/* ---- dispatch */

static void dispatch_api(struct http_req *req, const char *path)
{
	struct px_buf key;
	uint64_t h = 0, gen;
	int known, cacheable, keyed = 0;

	if (http_authenticate(req))
		return;
	if (req->m == HTTP_GET || req->m == HTTP_HEAD) {
		cacheable = cacheable_path(path);
		px_buf_init(&key, 8192);
		if (cacheable && cache_key(req, &key, &h) == 0) {
			keyed = 1;
			if (cache_lookup(req, &key, h)) {
				px_buf_release(&key);
				req->answered = 1;
				return;
			}
		}
		gen = atomic_load(&req->srv->gen);
		known = http_route_read(req, path);
		if (known && keyed && req->status == MHD_HTTP_OK && req->resp &&
		    req->resp_len <= HTTP_CACHE_ITEM_MAX)
			cache_store(req, &key, h, gen);
		px_buf_release(&key);
	} else {
		known = http_route_write(req, path);
	}
	if (!known)
		http_reply_errorf(
		    req, req->m == HTTP_OTHER ? 405 : 404,
		    req->m == HTTP_OTHER ? "bad_request" : "not_found", NULL,
		    "no route %s %s", req->method, req->url);
}

static void dispatch(struct http_req *req)
{
	const char *url = req->url;

	if (req->too_big) {
		http_reply_errorf(req, 413, "too_large", NULL,
				  "the request body is larger than %zu bytes",
				  req->srv->opt.body_max);
		return;
	}
	if (strncmp(url, HTTP_API, sizeof(HTTP_API) - 1) == 0) {
		dispatch_api(req, url + sizeof(HTTP_API) - 1);
		return;
	}
	if (strcmp(url, "/api/v1") == 0 || strncmp(url, "/api/", 5) == 0) {
		http_reply_errorf(req, 404, "not_found", NULL, "no route %s %s",
				  req->method, url);
		return;
	}
	if (req->m != HTTP_GET && req->m != HTTP_HEAD) {
		http_reply_errorf(req, 405, "bad_request", NULL,
				  "%s is not allowed on %s", req->method, url);
		return;
	}
	if (strncmp(url, "/log/", 5) == 0) {
		serve_log(req, url + 5);
		return;
	}
	serve_web(req);
}

static enum http_method method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	if (strcmp(m, "PUT") == 0)
		return HTTP_PUT;
	if (strcmp(m, "DELETE") == 0)
		return HTTP_DELETE;
	return HTTP_OTHER;
}

static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind,
				      const char *key, const char *value)
{
	const char **last = cls;

	(void)kind;
	if (value && strcasecmp(key, "X-Forwarded-For") == 0)
		*last = value;
	return MHD_YES;
}

/*
 * Who is asking, for the audit trail and the login limits (S9): the TCP
 * peer's address, or, when the peer is the trusted reverse proxy, the
 * address the proxy put last in X-Forwarded-For (in the last such header
 * field: a client may send its own before the proxy's).  A request from
 * the proxy without a usable X-Forwarded-For keeps the proxy's address.
 */
static void client_ip(struct http_req *req)
{
	const struct http_server *srv = req->srv;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const void *addr = NULL;
	const char *xff = NULL;
	size_t alen = 0;

	snprintf(req->ip, sizeof(req->ip), "?");
	if (sa && sa->sa_family == AF_INET) {
		addr =
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		alen = 4;
	} else if (sa && sa->sa_family == AF_INET6) {
		addr =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		alen = 16;
	}
	if (!addr)
		return;
	inet_ntop(sa->sa_family, addr, req->ip, sizeof(req->ip));
	if (srv->proxy_family != sa->sa_family ||
	    memcmp(srv->proxy_addr, addr, alen) != 0)
		return;
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, last_forwarded,
				  &xff);
	if (xff) {
		char fwd[sizeof(req->ip)];
		if (http_forwarded_for(xff, fwd, sizeof(fwd)) == 0)
			memcpy(req->ip, fwd, sizeof(fwd));
	}
}

static enum MHD_Result queue(struct http_req *req)
{
	enum MHD_Result ret;

	if (atomic_load(&req->job.state) == HTTP_JOB_MADE) { /* S6 */
		MHD_suspend_connection(req->conn);
		http_submit_enqueue(req);
		return MHD_YES;
	}
	if (req->answered)
		return req->answered > 0 ? MHD_YES : MHD_NO;
	if (!req->resp) {
		http_reply_errorf(req, 500, "internal", NULL,
				  "no response was made");
		if (!req->resp)
			return MHD_NO;
	}
	if (atomic_load(&req->srv->stopping))
		MHD_add_response_header(req->resp, MHD_HTTP_HEADER_CONNECTION,
					"close");
	ret = MHD_queue_response(req->conn, req->status, req->resp);
	MHD_destroy_response(req->resp);
	req->resp = NULL;
	req->answered = ret == MHD_YES ? 1 : -1;
	return ret;
}

/*
 * microhttpd calls this once the request line is read, before the header
 * fields: the request begins here, so that its target's length (as sent,
 * with the query) is known to check_head.  What it returns is *con_cls;
 * on_completed frees it whether or not on_request is ever called.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_req *req = px_calloc(1, sizeof(*req));

	if (req) {
		req->srv = cls;
		req->conn = conn;
		req->uri_len = strlen(uri);
	}
	return req;
}

/* The limits of S8: 0, or the request is answered. */
static int check_head(struct http_req *req)
{
	const struct http_options *o = &req->srv->opt;
	const union MHD_ConnectionInfo *ci;
	int n;

	if (req->uri_len > o->url_max) {
		http_reply_errorf(req, MHD_HTTP_URI_TOO_LONG, "too_large", NULL,
				  "the URL is %zu bytes long; the limit is %zu "
				  "bytes",
				  req->uri_len, o->url_max);
		return -1;
	}
	n = MHD_get_connection_values(req->conn, MHD_HEADER_KIND, NULL, NULL);
	if (n > 0 && (unsigned)n > o->headers_max) {
		http_reply_errorf(req, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				  "too_large", NULL,
				  "the request has %d header fields; the limit "
				  "is %u",
				  n, o->headers_max);
		return -1;
	}
	ci = MHD_get_connection_info(req->conn,
				     MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (ci && ci->header_size > o->header_max) {
		http_reply_errorf(req, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				  "too_large", NULL,
				  "the request line and header fields are %zu "
				  "bytes; the limit is %zu bytes",
				  ci->header_size, o->header_max);
		return -1;
	}
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *req = *con_cls;

	(void)version;
	if (!req || !req->started) {
		const char *cl;
		uint64_t n = 0;
		int bad_cl;

		if (!req) {
			req = px_calloc(1, sizeof(*req));
			if (!req)
				return MHD_NO;
			req->uri_len = strlen(url);
			*con_cls = req;
		}
		req->started = 1;
		req->srv = srv;
		req->conn = conn;
		req->url = url;
		req->method = method;
		req->m = method_of(method);
		px_buf_init(&req->body, srv->opt.body_max);
		atomic_fetch_add(&srv->inflight, 1);
		req->counted = 1;
		if (atomic_load(&srv->stopping)) { /* S2 */
			http_reply_errorf(req, 503, "unavailable", NULL,
					  "the server is shutting down");
			return queue(req);
		}
		if (check_head(req)) /* S8 */
			return queue(req);
		/* A declared body over the limit (S3).  A client that waits
		 * for 100 Continue, or declares far more than the limit, is
		 * answered at once: it never sends the body (or microhttpd
		 * closes the connection instead of reading it).  Any other
		 * client's body is read and dropped first, then answered: a
		 * reverse proxy sends the body without waiting, and would
		 * take a connection closed under it for a dead server. */
		cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		bad_cl = cl && px_parse_u64(cl, strlen(cl), &n) != 0;
		if (bad_cl || (cl && n > srv->opt.body_max)) {
			const char *ex = MHD_lookup_connection_value(
			    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
			req->too_big = 1;
			px_buf_release(&req->body);
			if (bad_cl ||
			    (ex && strcasecmp(ex, "100-continue") == 0) ||
			    n / HTTP_DRAIN_FACTOR > srv->opt.body_max) {
				dispatch(req);
				return queue(req);
			}
		}
		return MHD_YES;
	}
	if (*upload_size) { /* S3 */
		if (!req->too_big &&
		    px_buf_add(&req->body, upload, *upload_size) != 0) {
			req->too_big = 1;
			px_buf_release(&req->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->answered)
		return MHD_YES; /* answered already */
	switch (atomic_load_explicit(&req->job.state, memory_order_acquire)) {
	case HTTP_JOB_DONE: /* resumed: answer the write (S6) */
		atomic_store(&req->job.state, HTTP_JOB_IDLE);
		http_write_finish(req);
		return queue(req);
	case HTTP_JOB_QUEUED:
		return MHD_YES; /* still suspended */
	default:
		break;
	}
	client_ip(req);
	dispatch(req);
	return queue(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_req *req = *con_cls;

	(void)conn;
	(void)toe;
	if (!req)
		return;
	if (req->resp)
		MHD_destroy_response(req->resp);
	free(req->job.text);
	px_buf_release(&req->body);
	sodium_memzero(req->secret, sizeof(req->secret));
	if (req->counted)
		atomic_fetch_sub(&srv->inflight, 1); /* S1 */
	px_free(req);
	*con_cls = NULL;
}

/* ---- start and stop */

static int parse_listen(const char *listen, struct sockaddr_storage *ss,
			socklen_t *sslen, int *v6, struct px_err *err)
{
	char host[256];
	const char *colon, *h, *port;
	struct addrinfo hints, *ai = NULL;
	size_t hl;
	int rc;

	colon = strrchr(listen, ':');
	if (!colon || !colon[1])
		return px_errorf(err, PX_EUSAGE,
				 "--listen '%s': expected HOST:PORT", listen);
	h = listen;
	hl = (size_t)(colon - listen);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return px_errorf(err, PX_EUSAGE, "--listen '%s': bad host",
				 listen);
	memcpy(host, h, hl);
	host[hl] = '\0';
	port = colon + 1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0 || !ai)
		return px_errorf(err, PX_EUSAGE, "--listen '%s': %s", listen,
				 gai_strerror(rc));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	*v6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return 0;
}

static void server_release(struct http_server *srv)
{
	size_t i;

	if (srv->nsub)
		http_submit_stop(srv);

	for (i = 0; i < srv->nreaders; i++)
		store_close(srv->readers[i]);
	px_free(srv->readers);
	for (i = 0; i < HTTP_CACHE_SLOTS; i++) {
		if (srv->cache[i].resp)
			MHD_destroy_response(srv->cache[i].resp);
		px_free(srv->cache[i].key);
		pthread_mutex_destroy(&srv->cache[i].mu);
	}
	if (srv->th)
		log_tilehash_free(srv->th);
	if (srv->have_src)
		log_source_release(&srv->src);
	if (srv->repo)
		repo_close(srv->repo);
	auth_close(srv->auth);
	pthread_mutex_destroy(&srv->readers_mu);
	pthread_mutex_destroy(&srv->proof_mu);
	pthread_mutex_destroy(&srv->rl_mu);
	pthread_mutex_destroy(&srv->sub_mu);
	pthread_cond_destroy(&srv->sub_cond);
	sem_destroy(&srv->login_sem);
	px_free(srv->logdir);
	px_free(srv->dir);
	px_free(srv);
}

/* microhttpd's own messages (its format strings, hence the attribute). */
__attribute__((format(printf, 2, 0))) static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("parallax serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int http_serve(const char *dir, const struct http_options *opt,
	       struct px_err *err)
{
	struct http_server *srv;
	struct repo_options ropt;
	struct sockaddr_storage ss;
	socklen_t sslen;
	sigset_t set;
	const union MHD_DaemonInfo *info;
	unsigned flags;
	int v6 = 0, sig, rc;
	size_t i;
	double deadline;

	srv = px_calloc(1, sizeof(*srv));
	if (!srv)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	srv->opt = *opt;
	if (!srv->opt.listen)
		srv->opt.listen = "127.0.0.1:8080";
	if (!srv->opt.threads)
		srv->opt.threads = 8;
	if (!srv->opt.conn_limit)
		srv->opt.conn_limit = 1000;
	if (!srv->opt.timeout)
		srv->opt.timeout = 30;
	if (!srv->opt.body_max)
		srv->opt.body_max = 1u << 20;
	if (!srv->opt.header_max)
		srv->opt.header_max = 16u * 1024;
	if (!srv->opt.url_max)
		srv->opt.url_max = 8u * 1024;
	if (srv->opt.url_max > srv->opt.header_max)
		srv->opt.url_max = srv->opt.header_max;
	if (!srv->opt.headers_max)
		srv->opt.headers_max = 100;
	if (!srv->opt.conn_memory) /* S8 */
		srv->opt.conn_memory = 4 * srv->opt.header_max < 64u * 1024
					   ? 64u * 1024
					   : 4 * srv->opt.header_max;
	if (!srv->opt.login_user_max)
		srv->opt.login_user_max = 5;
	if (!srv->opt.login_ip_max)
		srv->opt.login_ip_max = 30;
	if (!srv->opt.sqlite_heap)
		srv->opt.sqlite_heap = 96u << 20;
	sqlite3_soft_heap_limit64((sqlite3_int64)srv->opt.sqlite_heap); /* S7 */
	pthread_mutex_init(&srv->readers_mu, NULL);
	pthread_mutex_init(&srv->proof_mu, NULL);
	pthread_mutex_init(&srv->rl_mu, NULL);
	pthread_mutex_init(&srv->sub_mu, NULL);
	pthread_cond_init(&srv->sub_cond, NULL);
	srv->sub_tail = &srv->sub_head;
	sem_init(&srv->login_sem, 0, HTTP_LOGINS_AT_ONCE);
	for (i = 0; i < HTTP_CACHE_SLOTS; i++)
		pthread_mutex_init(&srv->cache[i].mu, NULL);
	srv->dir = px_strdup(dir);
	srv->logdir = px_path_join(dir, LOG_DIR_PUBLIC);
	if (!srv->dir || !srv->logdir) {
		server_release(srv);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	rc = parse_listen(srv->opt.listen, &ss, &sslen, &v6, err);
	if (rc == 0 && srv->opt.trusted_proxy) { /* S9 */
		if (inet_pton(AF_INET, srv->opt.trusted_proxy,
			      srv->proxy_addr) == 1)
			srv->proxy_family = AF_INET;
		else if (inet_pton(AF_INET6, srv->opt.trusted_proxy,
				   srv->proxy_addr) == 1)
			srv->proxy_family = AF_INET6;
		else
			rc = px_errorf(err, PX_EUSAGE,
				       "--trusted-proxy '%s': not an IPv4 or "
				       "IPv6 address",
				       srv->opt.trusted_proxy);
	}
	if (rc) {
		server_release(srv);
		return rc;
	}
	/* Every thread started from here on (the repository's writer, the
	 * submitters, microhttpd's workers) inherits this mask: only the main
	 * thread takes SIGTERM and SIGINT, in sigwait below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&ropt, 0, sizeof(ropt));
	rc = repo_open(dir, &ropt, &srv->repo, err);
	if (rc == 0)
		rc = auth_open(dir, &srv->auth, err);
	if (rc) {
		px_err_prefix(err, "open '%s'", dir);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		server_release(srv);
		return rc;
	}
	rc = http_submit_start(srv, err);
	if (rc) {
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		server_release(srv);
		return rc;
	}

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
		MHD_USE_ITC | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
		MHD_ALLOW_SUSPEND_RESUME;
	if (v6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
	    mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->opt.conn_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->opt.timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)srv->opt.conn_memory,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    /* One thread is the polling thread itself, not a pool of one:
	     * then the list ends here. */
	    srv->opt.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
	    (unsigned)srv->opt.threads, MHD_OPTION_END);
	if (!srv->daemon) {
		rc = px_errorf(err, PX_EIO, "cannot listen on %s: %s",
			       srv->opt.listen, strerror(errno));
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		server_release(srv);
		return rc;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (!srv->opt.quiet) {
		char host[256];
		const char *colon = strrchr(srv->opt.listen, ':');
		snprintf(host, sizeof(host), "%.*s",
			 (int)(colon - srv->opt.listen), srv->opt.listen);
		printf("parallax serve: listening on http://%s:%u/ (%u "
		       "threads)\n",
		       host, info ? (unsigned)info->port : 0, srv->opt.threads);
		fflush(stdout);
	}

	do {
		rc = sigwait(&set, &sig);
	} while (rc != 0);

	/* Graceful: stop accepting (S2), let in-flight requests finish (S1),
	 * then stop the daemon and close the repository. */
	atomic_store(&srv->stopping, 1);
	{
		MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	deadline = px_now() + 60.0;
	while (atomic_load(&srv->inflight) > 0 && px_now() < deadline) {
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	/* Every queued write is run and its connection resumed (J3 of
	 * submit.c) while the daemon still runs. */
	http_submit_stop(srv);
	MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	if (!srv->opt.quiet) {
		fprintf(stderr, "parallax serve: stopped (signal %d)\n", sig);
	}
	server_release(srv);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}
