/*
 * px.h - the utilities every parallax subsystem shares: error codes and
 * messages, the allocation wrapper, growable buffers with a hard maximum,
 * durable file operations, hex and base64, and the progress bar.
 *
 * Conventions (see docs/STYLE.md):
 *   - Fallible functions return int: 0 on success, a negative PX_E* code on
 *     failure.  They take a `struct px_err *err` as their last argument (NULL
 *     is allowed) which receives a message saying what, where and why.
 *   - Structs are never typedef'd.  Lifecycle: thing_init / thing_release /
 *     thing_free.
 *   - All heap memory goes through px_malloc/px_realloc/px_free so that tests
 *     can make the Nth allocation fail (px_alloc_fail_at).
 */
#ifndef PX_UTIL_H
#define PX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- error codes: one X-macro list so codes, names and texts never drift. */
#define PX_ERRNO_MAP(X)                                                        \
	X(EINVAL, -1, "invalid input")                                         \
	X(ENOMEM, -2, "out of memory")                                         \
	X(EIO, -3, "input/output error")                                       \
	X(ENOTFOUND, -4, "not found")                                          \
	X(EVERIFY, -5, "verification failed")                                  \
	X(ECONFLICT, -6, "conflict")                                           \
	X(ETOOBIG, -7, "too large")                                            \
	X(EEXIST, -8, "already exists")                                        \
	X(ECORRUPT, -9, "corrupt data")                                        \
	X(EUSAGE, -10, "usage error")                                          \
	X(ECLOSED, -11, "closed")

enum px_errno {
	PX_OK = 0,
#define PX_ERR_ENUM(name, val, text) PX_##name = (val),
	PX_ERRNO_MAP(PX_ERR_ENUM)
#undef PX_ERR_ENUM
};

/* The short name of a code ("EINVAL") and its text ("invalid input"). */
const char *px_strerror_name(int code);
const char *px_strerror(int code);

#define PX_ERR_MSG_MAX 1024

struct px_err {
	int code;
	char msg[PX_ERR_MSG_MAX];
};

/*
 * Record an error in *err (if err is not NULL) and return code.  The message
 * is formatted printf-style; by convention lower case, the subject quoted:
 * "tile/0/001: hash 17 is 3f..., expected 9a...".
 */
int px_errorf(struct px_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Prefix the message already in err with "prefix: " (for adding "where") and
 * return err->code.  With err NULL it returns the last code px_errorf
 * recorded on this thread (never 0), so `return px_err_prefix(...)` is
 * always a failure.
 */
int px_err_prefix(struct px_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void px_err_clear(struct px_err *err);

/* ---- memory: one wrapper so tests can fail allocation N. */
void *px_malloc(size_t n);
void *px_calloc(size_t count, size_t size);
void *px_realloc(void *p, size_t n);
void px_free(void *p);
/* Make room in the array *arr (of *cap elements of size bytes) for at
 * least need elements: its capacity doubles, starting at min.  0, or
 * PX_ENOMEM with the array as it was. */
int px_grow(void *arr, size_t *cap, size_t need, size_t size, size_t min);
char *px_strdup(const char *s);
char *px_strndup(const char *s, size_t n);
/*
 * Make the nth allocation from now fail (1 = the next one), and every one
 * after it if sticky is set; 0 turns failure injection off.  Returns how
 * many allocations were made since the last call (to size anomaly loops;
 * counting starts with the first call).
 */
unsigned long px_alloc_fail_at(unsigned long nth, int sticky);

/* ---- growable byte buffer with a hard maximum (curl's dynbuf idea). */
struct px_buf {
	uint8_t *data; /* always NUL-terminated past len when data != NULL */
	size_t len;
	size_t cap;
	size_t max; /* appends that would make len exceed max fail ETOOBIG */
};

void px_buf_init(struct px_buf *b, size_t max);
void px_buf_release(struct px_buf *b);
void px_buf_reset(struct px_buf *b); /* len = 0, keeps the memory */
int px_buf_reserve(struct px_buf *b, size_t extra);
int px_buf_add(struct px_buf *b, const void *p, size_t n);
int px_buf_addstr(struct px_buf *b, const char *s);
int px_buf_addf(struct px_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int px_buf_addc(struct px_buf *b, uint8_t c);
/* Take ownership of the data (caller frees with px_free); b is reset. */
uint8_t *px_buf_detach(struct px_buf *b, size_t *len);

/* ---- files.  Paths are plain C strings; every error names the path. */
/*
 * Write data to path durably: write a temporary file in the same directory,
 * fsync it, rename it over path, fsync the directory.  mode is the new
 * file's permission bits.
 */
int px_write_file_durable(const char *path, const void *data, size_t len,
			  unsigned mode, struct px_err *err);
/*
 * The same without the rename and directory fsync: the caller batches them.
 * Writes "path.tmp" style temporary (returned in tmp, caller frees), fsynced.
 */
int px_write_temp_synced(const char *path, const void *data, size_t len,
			 unsigned mode, char **tmp, struct px_err *err);
/* fsync a directory. */
int px_fsync_dir(const char *dir, struct px_err *err);
/* mkdir -p with the given mode for the directories it creates. */
int px_mkdirs(const char *path, unsigned mode, struct px_err *err);
/*
 * Read a whole file into a px_buf (initialised by the caller with its max).
 * Returns PX_ENOTFOUND if the file does not exist, PX_ETOOBIG past b->max.
 */
int px_read_file(const char *path, struct px_buf *b, struct px_err *err);
int px_file_exists(const char *path);
/* Join dir and rel with one '/'; returns a new string or NULL on ENOMEM. */
char *px_path_join(const char *dir, const char *rel);

/* ---- encodings. */
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void px_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly n bytes of hex; 0 or PX_EINVAL. */
int px_hex_decode(uint8_t *out, size_t n, const char *in, size_t inlen);
/* Standard padded base64 (RFC 4648 §4): length of the encoding of n bytes. */
size_t px_b64_len(size_t n);
/* Encode into out (px_b64_len(n)+1 bytes, NUL-terminated). */
void px_b64_encode(char *out, const uint8_t *in, size_t n);
/*
 * Decode strict padded base64 into out (capacity outcap); *outlen receives
 * the decoded length.  Rejects anything that is not canonical base64.
 */
int px_b64_decode(uint8_t *out, size_t outcap, size_t *outlen, const char *in,
		  size_t inlen);

/* ---- parsing numbers without atoi's silence. */
/* Parse a decimal uint64 with no sign, no leading zeros (except "0"). */
int px_parse_u64(const char *s, size_t len, uint64_t *out);

/* ---- progress bar on a terminal (stderr); silent when not a tty. */
struct px_progress {
	const char *label;
	uint64_t total; /* 0 when unknown */
	uint64_t done;
	double started;
	double last_draw;
	int enabled;
};

void px_progress_start(struct px_progress *p, const char *label,
		       uint64_t total);
void px_progress_update(struct px_progress *p, uint64_t done);
void px_progress_finish(struct px_progress *p);

/* Monotonic time in seconds. */
double px_now(void);

#define PX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
