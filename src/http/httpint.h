/*
 * httpint.h - what the files of src/http/ share.  server.c owns the daemon
 * and the request lifecycle; routes_read.c and routes_write.c answer the
 * API; auth.c decides who is asking and whether they may; parse.c holds
 * the parsers of everything a client sends (bodies, cookies, headers,
 * query values), kept free of microhttpd so the fuzz target can call them.
 * Nothing outside src/http/ (and tests/fuzz/fuzz_http.c, which uses only
 * the parse.c part) includes this.
 */
#ifndef PX_HTTP_HTTPINT_H
#define PX_HTTP_HTTPINT_H

#include "http/http.h"
#include "record/record.h"
#include "store/auth.h"

#include <jansson.h>
#include <stdint.h>

/* ---- parse.c: no microhttpd, no I/O. */

/* An error to answer with: {"error": {"code", "message", "field"}}. */
struct http_error {
	unsigned status;  /* 400, 401, 403, 404, 409, 413, 422, 429, ... */
	const char *code; /* "bad_request", "invalid_record", ... */
	char message[PX_ERR_MSG_MAX];
	char field[REC_PATH_MAX]; /* "" for null */
};

/* Make s safe to show in a JSON error: control bytes, and every non-ASCII
 * byte when s is not valid UTF-8, become '?'.  (A message may quote what
 * the client sent.) */
void http_text_clean(char *s);

int http_error_set(struct http_error *e, unsigned status, const char *code,
		   const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The value of cookie `name` in a Cookie header (RFC 6265 §4.2.1:
 * "a=b; c=d"), copied to out.  0, PX_ENOTFOUND, or PX_EINVAL when the
 * value does not fit in cap or holds bytes a cookie value may not.
 */
int http_cookie_get(const char *header, const char *name, char *out,
		    size_t cap);
/*
 * The client address a trusted reverse proxy vouches for: the last element
 * of an X-Forwarded-For value (the proxy appends the address it saw to
 * whatever the client sent, so only the last one is the proxy's word), in
 * inet_ntop's canonical form.  0, or PX_EINVAL when that element is not an
 * IPv4 or IPv6 address or does not fit in cap.
 */
int http_forwarded_for(const char *header, char *out, size_t cap);
/* The token of "Authorization: Bearer <token>" (RFC 6750 §2.1). */
int http_bearer_get(const char *header, char *out, size_t cap);

/* Query values.  Each returns 0 or fills e (400, field = the name). */
int http_query_limit(const char *name, const char *s, unsigned *out,
		     struct http_error *e);
int http_query_u64(const char *name, const char *s, uint64_t *out,
		   struct http_error *e);
int http_query_date(const char *name, const char *s, struct http_error *e);
/* A record id of `kind` (-1: any kind). */
int http_query_id(const char *name, const char *s, int kind,
		  struct http_error *e);
int http_query_kind(const char *name, const char *s, int *kind,
		    struct http_error *e);
/* "1"/"true" -> 1, "0"/"false" -> 0. */
int http_query_bool(const char *name, const char *s, int *out,
		    struct http_error *e);

/* A JSON object body, parsed strictly (duplicate names refused). */
int http_parse_object(const char *body, size_t len, json_t **out,
		      struct http_error *e);

struct http_login {
	char username[AUTH_NAME_MAX + 1];
	char password[AUTH_PASSWORD_MAX + 1];
};
/* {"username", "password"}; the password is wiped by the caller. */
int http_parse_login(const char *body, size_t len, struct http_login *l,
		     struct http_error *e);

/* {"expected_revision": id, "record": {...}}; *rec is new. */
int http_parse_revision(const char *body, size_t len,
			char expected[REC_ID_SIZE], json_t **rec,
			struct http_error *e);
/* {"reason": text, "expected_revision"?: id} */
int http_parse_withdrawal(const char *body, size_t len,
			  char reason[4 * REC_NOTE_MAX + 1],
			  char expected[REC_ID_SIZE], struct http_error *e);

struct http_user_req {
	char username[AUTH_NAME_MAX + 1];
	char password[AUTH_PASSWORD_MAX + 1];
	enum auth_role role;
	char party[REC_ID_SIZE];
};
int http_parse_user(const char *body, size_t len, struct http_user_req *u,
		    struct http_error *e);

struct http_token_req {
	char username[AUTH_NAME_MAX + 1]; /* "" for the caller */
	char label[AUTH_LABEL_MAX + 1];
	int64_t expires; /* Unix seconds; 0 never */
};
int http_parse_token(const char *body, size_t len, struct http_token_req *t,
		     struct http_error *e);

/*
 * What a signed entry (a note whose text is a record's canonical JSON)
 * claims about itself, read without checking the signature (the store
 * does that): its kind and owner (acting_for, else filed_by; "" for a
 * party registration).
 */
int http_entry_owner(const uint8_t *note, size_t len, enum rec_kind *kind,
		     char owner[REC_ID_SIZE], struct http_error *e);

/* Map a library error (code and message) to an HTTP error. */
void http_error_from_px(struct http_error *e, int code, const char *msg);

/* ---- the server (server.c, auth.c, routes_*.c). */

#include "log/source.h"
#include "log/tilehash.h"
#include "repo/repo.h"

#include <microhttpd.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

#define HTTP_CACHE_SLOTS 1024 /* cached public API responses */
#define HTTP_CACHE_ITEM_MAX                                                    \
	(64u * 1024)	    /* largest cached body: the cache                  \
			      holds at most 64 MiB */
#define HTTP_RL_SLOTS 4096  /* login rate-limit counters */
#define HTTP_RL_WINDOW 60.0 /* seconds */
#define HTTP_SESSION_TTL (12 * 3600)
#define HTTP_LOGINS_AT_ONCE 2 /* Argon2id hashes at once (19 MiB each) */
#define HTTP_API "/api/v1/"
/* A declared body over the limit is read and dropped before its 413 up to
 * this many times the limit (server.c, S3). */
#define HTTP_DRAIN_FACTOR 16

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_OTHER
};

struct http_cache_slot {
	pthread_mutex_t mu;
	uint64_t gen; /* the write generation the response belongs to */
	char *key;    /* path and query */
	struct MHD_Response *resp;
};

/*
 * A write handed to the submitters (submit.c), so that no worker thread
 * waits for a group commit: the worker checks and authorizes the request,
 * makes the job, suspends the connection and queues the job; a submitter
 * runs it through repo_* (filings of one party queued together go as one
 * repo_file_batch) and resumes the connection; the worker then answers
 * from the job's result.  The job lives in its http_req.
 */
enum http_job_kind {
	HTTP_JOB_FILE,	   /* repo_file(text, as) */
	HTTP_JOB_REGISTER, /* repo_register_party(text) */
	HTTP_JOB_REVISE,   /* repo_revise(id, expected, text, as) */
	HTTP_JOB_ENTRY	   /* repo_submit_entry(the request body) */
};

enum http_job_state {
	HTTP_JOB_IDLE,	 /* no write */
	HTTP_JOB_MADE,	 /* to be queued once the connection is suspended */
	HTTP_JOB_QUEUED, /* a submitter has it; the connection is suspended */
	HTTP_JOB_DONE	 /* answered (rc, res, err); connection resumed */
};

struct http_job {
	struct http_job *next;
	struct http_req *req;
	enum http_job_kind kind;
	atomic_int state; /* enum http_job_state */
	char *text;	  /* JSON text (free()), or NULL for HTTP_JOB_ENTRY */
	size_t len;
	int has_as;
	char as[REC_ID_SIZE];
	char id[REC_ID_SIZE];
	char expected[REC_ID_SIZE]; /* "" for none */
	int rc;
	struct repo_result res;
	struct px_err err;
};

#define HTTP_SUBMITTERS 32  /* submitter threads */
#define HTTP_BATCH_MAX 1024 /* filings taken as one repo_file_batch */

struct http_rl_entry {
	char key[AUTH_NAME_MAX + 8]; /* "u:name" or "i:address"; "" free */
	double start;
	unsigned fails;
};

struct http_server {
	struct http_options opt;
	int proxy_family; /* opt.trusted_proxy: AF_INET, AF_INET6; 0 none */
	unsigned char proxy_addr[16];
	char *dir;
	char *logdir;
	struct repo *repo;
	struct auth_db *auth;
	struct MHD_Daemon *daemon;
	atomic_int stopping;	  /* SIGTERM seen: new requests get 503 */
	atomic_long inflight;	  /* requests begun and not yet completed */
	atomic_uint_fast64_t gen; /* bumped after every accepted write */

	pthread_mutex_t readers_mu; /* every reader store opened, to close */
	struct store **readers;
	size_t nreaders, capreaders;

	pthread_mutex_t proof_mu; /* the tile reader for proofs */
	struct log_source src;
	int have_src;
	struct log_tilehash *th;
	uint64_t th_size;

	struct http_cache_slot cache[HTTP_CACHE_SLOTS];

	pthread_mutex_t sub_mu; /* the submitters' queue (submit.c) */
	pthread_cond_t sub_cond;
	struct http_job *sub_head, **sub_tail;
	int sub_stop;
	pthread_t sub_threads[HTTP_SUBMITTERS];
	unsigned nsub;

	pthread_mutex_t rl_mu;
	struct http_rl_entry rl[HTTP_RL_SLOTS];
	sem_t login_sem; /* bounds the memory logins take */
};

struct http_req {
	struct http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	enum http_method m;
	struct px_buf body;
	size_t uri_len; /* the request target as sent (path and query) */
	int started;	/* on_request has seen the request */
	int too_big;
	int counted;  /* counted in srv->inflight */
	int answered; /* a response was queued (1), or queuing failed (-1) */
	struct MHD_Response *resp;
	unsigned status;
	size_t resp_len; /* body bytes of resp */
	/* who is asking (auth.c) */
	int authed;
	int via_session;
	struct auth_user user;
	char csrf[AUTH_CSRF_SIZE];
	char secret[AUTH_SECRET_SIZE];
	char ip[64];
	struct http_job job; /* a write in flight (submit.c) */
};

/* server.c: answering.  Each sets req->resp/status; the last one wins. */
void http_reply_json(struct http_req *req, unsigned status, json_t *body);
void http_reply_error(struct http_req *req, const struct http_error *e);
void http_reply_errorf(struct http_req *req, unsigned status, const char *code,
		       const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void http_reply_bytes(struct http_req *req, unsigned status, const char *ctype,
		      const void *data, size_t len);
/* A query value, or NULL. */
const char *http_query(struct http_req *req, const char *name);
/* A request header, or NULL. */
const char *http_header(struct http_req *req, const char *name);
/* This thread's read-only store (opened on first use). */
struct store *http_reader(struct http_req *req, struct px_err *err);
/* A tile-backed hash reader of the tree of the current checkpoint, with
 * proof_mu held; release with http_proof_end. */
int http_proof_begin(struct http_server *srv, struct log_hash_reader *r,
		     uint64_t *size, struct px_err *err);
void http_proof_end(struct http_server *srv);

/* auth.c */
/* Who is asking: a Bearer token or a session cookie.  0, or an error
 * answer already made (a bad or revoked token: 401). */
int http_authenticate(struct http_req *req);
#define HTTP_ROLE(r) (1u << (r))
#define HTTP_ANY_ROLE 0xfu
/* The caller must be logged in with one of the roles in mask, and a
 * session-authenticated state-changing request must carry the CSRF token.
 * 0, or the refusal is answered (and audited). */
int http_require(struct http_req *req, unsigned mask);
/* Refuse and audit: 403 with the message. */
int http_forbid(struct http_req *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void http_audit(struct http_req *req, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* POST/GET/DELETE /api/v1/session. */
int http_route_session(struct http_req *req);

/* docs/openapi.yaml, made part of the library at build time
 * (tools/embed_file.py, src/http/meson.build): served at
 * /api/v1/openapi.yaml by every binary, wherever it runs from. */
extern const unsigned char http_openapi_yaml[];
extern const size_t http_openapi_yaml_len;

/* routes_read.c: GET routes under /api/v1/ (path without the prefix).
 * 1 if the path is a read route (answered), 0 if unknown. */
int http_route_read(struct http_req *req, const char *path);
/* routes_write.c: POST/DELETE routes; 1 if known (answered, or a write
 * job made: req->job.state == HTTP_JOB_MADE), 0 if not. */
int http_route_write(struct http_req *req, const char *path);
/* Answer a write from its finished job (on the worker, after resume). */
void http_write_finish(struct http_req *req);

/* submit.c: the submitter threads. */
int http_submit_start(struct http_server *srv, struct px_err *err);
/* Run every queued job, then stop the threads. */
void http_submit_stop(struct http_server *srv);
/* Make req's write job (it takes text, which is freed with free()). */
void http_job_make(struct http_req *req, enum http_job_kind kind, char *text,
		   const char *as, const char *id, const char *expected);
/* Queue req's made job; the connection must be suspended already. */
void http_submit_enqueue(struct http_req *req);

#endif
