/*
 * source.h - where a log's public files are read from: a directory
 * (DIR/log/ of a data directory, or any mirror of it) or an http(s):// URL
 * serving that directory (fetched with libcurl).  Paths are relative to the
 * log root: "checkpoint", "tile/0/000", "tile/entries/001.p/7".
 */
#ifndef PX_LOG_SOURCE_H
#define PX_LOG_SOURCE_H

#include "util/px.h"

/*
 * Fetch `path` into out (appended; out's max bounds the size).  Returns
 * PX_ENOTFOUND when the file does not exist (HTTP 404), another negative
 * code for any other failure, with err naming the path or URL.
 */
typedef int (*log_fetch_cb)(void *ctx, const char *path, struct px_buf *out,
			    struct px_err *err);

struct log_source {
	log_fetch_cb fetch;
	void *ctx;
	char *where; /* the directory or URL, for messages */
};

/*
 * Open a source for `where`: a URL starting with http:// or https://, else
 * a directory.  A data directory (one holding log/ and log.pub) may be
 * given instead of its log/ directory.  Free with log_source_release.
 */
int log_source_open(struct log_source *src, const char *where,
		    struct px_err *err);
void log_source_release(struct log_source *src);

#endif
