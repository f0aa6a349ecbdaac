/*
 * http.h - `parallax serve`: the HTTP server over a data directory (the
 * JSON API under /api/v1/, the public log under /log/, the web UI at /).
 * Only src/http/ includes microhttpd.h.  The routes are listed in
 * docs/openapi.yaml; the request lifecycle is described in server.c.
 */
#ifndef PX_HTTP_HTTP_H
#define PX_HTTP_HTTP_H

#include "util/px.h"

#include <stddef.h>

struct http_options {
	const char *listen;	 /* "HOST:PORT"; NULL: 127.0.0.1:8080 */
	const char *web_dir;	 /* the web UI's files; NULL: none */
	unsigned threads;	 /* worker threads (MHD thread pool); 0: 8 */
	unsigned conn_limit;	 /* open connections; 0: 1000 */
	unsigned timeout;	 /* seconds a connection may stay idle; 0: 30 */
	size_t body_max;	 /* request body bytes; 0: 1 MiB */
	size_t header_max;	 /* request line and header fields, in bytes;
				    0: 16 KiB (answered 431 past it) */
	size_t url_max;		 /* request target (path and query) bytes;
				    0: 8 KiB, never more than header_max
				    (answered 414 past it) */
	unsigned headers_max;	 /* header fields; 0: 100 (431 past it) */
	size_t conn_memory;	 /* microhttpd's per-connection memory (the
				    header block and read buffer); 0: four
				    times header_max, at least 64 KiB */
	unsigned login_user_max; /* failed logins per user per minute; 0: 5 */
	unsigned login_ip_max;	 /* failed logins per address per minute;
				    0: 30 */
	size_t sqlite_heap;	 /* SQLite's memory in all (page caches of
				    every reader and the writer): a soft
				    limit; 0: 96 MiB */
	const char *trusted_proxy; /* the reverse proxy's address: from it,
				      the client's address is the last of
				      X-Forwarded-For; NULL: none */
	int quiet;		   /* no "listening on" line */
};

void http_options_init(struct http_options *o);

/*
 * Serve the data directory `dir` until SIGTERM or SIGINT, then shut down
 * gracefully: stop accepting, let requests in flight finish (writes are
 * acknowledged or refused, never half done), close the repository.
 * Returns 0 after a clean shutdown.
 */
int http_serve(const char *dir, const struct http_options *opt,
	       struct px_err *err);

#endif
