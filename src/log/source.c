/*
 * source.c - reading a log's public files from a directory or over
 * http(s).  Every fetch is bounded by the caller's px_buf maximum, so a
 * hostile server or a corrupt mirror cannot make us read without limit.
 *
 * A directory source reads each file with one read(2) into a buffer sized
 * from fstat, which is what keeps `parallax verify` close to the speed of
 * hashing alone.  A URL source keeps one libcurl easy handle for its whole
 * life, so every fetch reuses the same connection (HTTP keep-alive); a
 * mutex serialises fetches on it.  Both may be used from several threads.
 *
 * Paths handed to a source are relative to the log root ("checkpoint",
 * "tile/0/000") and must not climb out of it: absolute paths, empty
 * elements and ".." elements are refused.
 */
#include "log/source.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Timeouts for a URL source: connecting, and a transfer that stalls below
 * one byte a second for this long. */
#define SOURCE_CONNECT_TIMEOUT_S 15L
#define SOURCE_STALL_TIMEOUT_S 30L
#define SOURCE_MAX_REDIRECTS 5L

static int path_ok(const char *path)
{
	const char *p = path;

	if (*p == '\0' || *p == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
		else
			break;
	}
	return path[strlen(path) - 1] != '/';
}

/* ---- directory source. */

struct dir_source {
	char *root; /* the log root: the directory holding `checkpoint` */
};

static int dir_fetch(void *ctx, const char *path, struct px_buf *out,
		     struct px_err *err)
{
	struct dir_source *d = ctx;
	struct stat st;
	size_t start = out->len, want;
	char *full;
	int fd, rc = 0;

	if (!path_ok(path))
		return px_errorf(err, PX_EINVAL,
				 "'%s': not a path inside the log", path);
	full = px_path_join(d->root, path);
	if (!full)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			rc = px_errorf(err, PX_ENOTFOUND, "'%s': not found",
				       full);
		else
			rc = px_errorf(err, PX_EIO, "open '%s': %s", full,
				       strerror(errno));
		px_free(full);
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = px_errorf(err, PX_EIO, "'%s': not a regular file", full);
		goto out;
	}
	if ((uint64_t)st.st_size > out->max - out->len) {
		rc =
		    px_errorf(err, PX_ETOOBIG,
			      "'%s': %lld bytes, more than the %zu allowed",
			      full, (long long)st.st_size, out->max - out->len);
		goto out;
	}
	want = (size_t)st.st_size;
	rc = px_buf_reserve(out, want);
	if (rc) {
		rc = px_errorf(err, rc, "'%s': %s", full, px_strerror(rc));
		goto out;
	}
	/* One read for the whole file; a loop only for short reads. */
	while (out->len - start < want) {
		ssize_t n =
		    read(fd, out->data + out->len, want - (out->len - start));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = px_errorf(err, PX_EIO, "read '%s': %s", full,
				       strerror(errno));
			out->len = start;
			break;
		}
		if (n == 0)
			break; /* the file shrank; we hand back what it has */
		out->len += (size_t)n;
	}
	out->data[out->len] = '\0';
out:
	close(fd);
	px_free(full);
	return rc;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int dir_open(struct log_source *src, const char *where,
		    struct px_err *err)
{
	struct dir_source *d;
	char *logdir, *pub;

	if (!is_dir(where))
		return px_file_exists(where)
			   ? px_errorf(err, PX_EINVAL, "'%s': not a directory",
				       where)
			   : px_errorf(err, PX_ENOTFOUND,
				       "'%s': no such directory", where);
	d = px_calloc(1, sizeof(*d));
	if (!d)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	/* A data directory: DIR/log.pub beside the public DIR/log/. */
	logdir = px_path_join(where, "log");
	pub = px_path_join(where, "log.pub");
	if (!logdir || !pub) {
		px_free(logdir);
		px_free(pub);
		px_free(d);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	if (is_dir(logdir) && px_file_exists(pub)) {
		d->root = logdir;
		logdir = NULL;
	} else {
		d->root = px_strdup(where);
	}
	px_free(logdir);
	px_free(pub);
	src->where = d->root ? px_strdup(d->root) : NULL;
	if (!d->root || !src->where) {
		px_free(d->root);
		px_free(src->where);
		px_free(d);
		src->where = NULL;
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	src->fetch = dir_fetch;
	src->ctx = d;
	return 0;
}

static void dir_release(struct dir_source *d)
{
	px_free(d->root);
	px_free(d);
}

/* ---- http(s) source. */

struct url_source {
	char *base; /* the URL of the log root, without a trailing '/' */
	pthread_mutex_t mu; /* held for a whole fetch: one easy handle */
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
	/* per fetch */
	struct px_buf *out;
	int too_big;
	int no_memory;
};

static size_t url_write(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct url_source *u = ctx;
	size_t n = size * nmemb;
	long status = 0;
	int rc;

	/* Keep only the body of a 200: an error page is not the file. */
	curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return n;
	rc = px_buf_add(u->out, ptr, n);
	if (rc == PX_ETOOBIG) {
		u->too_big = 1;
		return 0;
	}
	if (rc) {
		u->no_memory = 1;
		return 0;
	}
	return n;
}

static int url_fetch(void *ctx, const char *path, struct px_buf *out,
		     struct px_err *err)
{
	struct url_source *u = ctx;
	struct px_buf url;
	size_t start = out->len;
	long status = 0;
	CURLcode cc;
	int rc = 0;

	if (!path_ok(path))
		return px_errorf(err, PX_EINVAL,
				 "'%s': not a path inside the log", path);
	px_buf_init(&url, 8192);
	if (px_buf_addstr(&url, u->base) || px_buf_addc(&url, '/') ||
	    px_buf_addstr(&url, path)) {
		px_buf_release(&url);
		return px_errorf(err, PX_ENOMEM, "'%s/%s': URL too long",
				 u->base, path);
	}
	pthread_mutex_lock(&u->mu);
	u->out = out;
	u->too_big = 0;
	u->no_memory = 0;
	u->errbuf[0] = '\0';
	curl_easy_setopt(u->curl, CURLOPT_URL, (char *)url.data);
	/* 0 is "no limit" to libcurl; the write callback enforces ours. */
	curl_easy_setopt(u->curl, CURLOPT_MAXFILESIZE_LARGE,
			 out->max - out->len > (size_t)INT64_MAX
			     ? (curl_off_t)0
			     : (curl_off_t)(out->max - out->len));
	cc = curl_easy_perform(u->curl);
	curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, &status);
	if (u->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		rc = px_errorf(err, PX_ETOOBIG,
			       "'%s': more than the %zu bytes allowed",
			       (char *)url.data, out->max - start);
	} else if (u->no_memory) {
		rc = px_errorf(err, PX_ENOMEM, "'%s': out of memory",
			       (char *)url.data);
	} else if (cc != CURLE_OK) {
		rc = px_errorf(err, PX_EIO, "'%s': %s", (char *)url.data,
			       u->errbuf[0] ? u->errbuf
					    : curl_easy_strerror(cc));
	} else if (status == 404 || status == 410) {
		rc = px_errorf(err, PX_ENOTFOUND, "'%s': not found (HTTP %ld)",
			       (char *)url.data, status);
	} else if (status != 200) {
		rc = px_errorf(err, PX_EIO,
			       "'%s': the server answered HTTP status %ld",
			       (char *)url.data, status);
	}
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	} else if (px_buf_reserve(out, 0)) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
	}
	u->out = NULL;
	pthread_mutex_unlock(&u->mu);
	px_buf_release(&url);
	return rc;
}

static void url_release(struct url_source *u)
{
	if (u->curl) {
		curl_easy_cleanup(u->curl);
		curl_global_cleanup();
	}
	pthread_mutex_destroy(&u->mu);
	px_free(u->base);
	px_free(u);
}

static int url_open(struct log_source *src, const char *where,
		    struct px_err *err)
{
	struct url_source *u;
	size_t n = strlen(where);

	while (n > 0 && where[n - 1] == '/')
		n--;
	u = px_calloc(1, sizeof(*u));
	if (!u)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	pthread_mutex_init(&u->mu, NULL);
	u->base = px_strndup(where, n);
	src->where = px_strndup(where, n);
	if (!u->base || !src->where) {
		px_free(src->where);
		src->where = NULL;
		url_release(u);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(u->curl = curl_easy_init())) {
		if (!u->curl)
			curl_global_cleanup();
		px_free(src->where);
		src->where = NULL;
		url_release(u);
		return px_errorf(err, PX_EIO, "'%s': cannot start libcurl",
				 where);
	}
	curl_easy_setopt(u->curl, CURLOPT_WRITEFUNCTION, url_write);
	curl_easy_setopt(u->curl, CURLOPT_WRITEDATA, u);
	curl_easy_setopt(u->curl, CURLOPT_ERRORBUFFER, u->errbuf);
	curl_easy_setopt(u->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(u->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(u->curl, CURLOPT_MAXREDIRS, SOURCE_MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(u->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(u->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(u->curl, CURLOPT_CONNECTTIMEOUT,
			 SOURCE_CONNECT_TIMEOUT_S);
	curl_easy_setopt(u->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(u->curl, CURLOPT_LOW_SPEED_TIME,
			 SOURCE_STALL_TIMEOUT_S);
	curl_easy_setopt(u->curl, CURLOPT_USERAGENT, "parallax/0.1");
	curl_easy_setopt(u->curl, CURLOPT_ACCEPT_ENCODING, "");
	src->fetch = url_fetch;
	src->ctx = u;
	return 0;
}

/* ---- the interface. */

static int is_url(const char *where)
{
	return strncmp(where, "http://", 7) == 0 ||
	       strncmp(where, "https://", 8) == 0;
}

int log_source_open(struct log_source *src, const char *where,
		    struct px_err *err)
{
	src->fetch = NULL;
	src->ctx = NULL;
	src->where = NULL;
	if (!where || !*where)
		return px_errorf(err, PX_EINVAL,
				 "no log directory or URL given");
	return is_url(where) ? url_open(src, where, err)
			     : dir_open(src, where, err);
}

void log_source_release(struct log_source *src)
{
	if (src->ctx) {
		if (src->fetch == url_fetch)
			url_release(src->ctx);
		else if (src->fetch == dir_fetch)
			dir_release(src->ctx);
	}
	px_free(src->where);
	src->fetch = NULL;
	src->ctx = NULL;
	src->where = NULL;
}
