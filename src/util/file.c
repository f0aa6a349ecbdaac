/*
 * file.c - durable file operations.  A durable write is: write a temporary
 * file beside the target, fsync it, rename it over the target, fsync the
 * directory (so the rename itself survives power loss).  Temporary files are
 * named ".NAME.tmp-PID-N" so recovery can recognise and remove leftovers.
 */
#define _GNU_SOURCE
#include "px.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_ulong tmp_counter;

char *px_path_join(const char *dir, const char *rel)
{
	size_t dl = strlen(dir), rl = strlen(rel);
	char *p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	p = px_malloc(dl + 1 + rl + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, rel, rl + 1);
	return p;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return px_strdup(".");
	if (slash == path)
		return px_strdup("/");
	return px_strndup(path, (size_t)(slash - path));
}

int px_fsync_dir(const char *dir, struct px_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return px_errorf(err, PX_EIO, "open directory '%s': %s", dir,
				 strerror(errno));
	if (fsync(fd) != 0) {
		int e = errno;
		close(fd);
		return px_errorf(err, PX_EIO, "fsync directory '%s': %s", dir,
				 strerror(e));
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int px_write_temp_synced(const char *path, const void *data, size_t len,
			 unsigned mode, char **tmp, struct px_err *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	char suffix[64];
	struct px_buf name;
	int fd, rc;

	*tmp = NULL;
	snprintf(suffix, sizeof(suffix), ".tmp-%ld-%lu", (long)getpid(),
		 (unsigned long)atomic_fetch_add(&tmp_counter, 1));
	px_buf_init(&name, 4096);
	if (px_buf_add(&name, path, dl) || px_buf_addc(&name, '.') ||
	    px_buf_addstr(&name, base) || px_buf_addstr(&name, suffix)) {
		px_buf_release(&name);
		return px_errorf(err, PX_ENOMEM, "'%s': path too long", path);
	}
	fd = open((char *)name.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  (mode_t)mode);
	if (fd < 0) {
		rc = px_errorf(err, PX_EIO, "create '%s': %s",
			       (char *)name.data, strerror(errno));
		px_buf_release(&name);
		return rc;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = px_errorf(err, PX_EIO, "write '%s': %s",
			       (char *)name.data, strerror(errno));
		close(fd);
		unlink((char *)name.data);
		px_buf_release(&name);
		return rc;
	}
	if (close(fd) != 0) {
		rc = px_errorf(err, PX_EIO, "close '%s': %s",
			       (char *)name.data, strerror(errno));
		unlink((char *)name.data);
		px_buf_release(&name);
		return rc;
	}
	*tmp = (char *)px_buf_detach(&name, NULL);
	return 0;
}

int px_write_file_durable(const char *path, const void *data, size_t len,
			  unsigned mode, struct px_err *err)
{
	char *tmp, *dir;
	int rc;

	rc = px_write_temp_synced(path, data, len, mode, &tmp, err);
	if (rc)
		return rc;
	if (rename(tmp, path) != 0) {
		rc = px_errorf(err, PX_EIO, "rename '%s' to '%s': %s", tmp,
			       path, strerror(errno));
		unlink(tmp);
		px_free(tmp);
		return rc;
	}
	px_free(tmp);
	dir = dir_of(path);
	if (!dir)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = px_fsync_dir(dir, err);
	px_free(dir);
	return rc;
}

int px_mkdirs(const char *path, unsigned mode, struct px_err *err)
{
	char *p = px_strdup(path);
	size_t i, n;
	int rc = 0;

	if (!p)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	n = strlen(p);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			rc = px_errorf(err, PX_EIO, "create directory '%s': %s",
				       p, strerror(errno));
			break;
		}
		p[i] = c;
	}
	px_free(p);
	return rc;
}

int px_read_file(const char *path, struct px_buf *b, struct px_err *err)
{
	uint8_t chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0) {
		if (errno == ENOENT)
			return px_errorf(err, PX_ENOTFOUND, "'%s': not found",
					 path);
		return px_errorf(err, PX_EIO, "open '%s': %s", path,
				 strerror(errno));
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = px_errorf(err, PX_EIO, "read '%s': %s", path,
				       strerror(errno));
			break;
		}
		if (n == 0)
			break;
		rc = px_buf_add(b, chunk, (size_t)n);
		if (rc) {
			rc = px_errorf(err, rc,
				       "'%s': %s (the limit is %zu bytes)",
				       path, px_strerror(rc), b->max);
			break;
		}
	}
	close(fd);
	if (rc == 0 && b->data == NULL)
		rc = px_buf_reserve(b, 0) ? px_errorf(err, PX_ENOMEM,
						      "out of memory")
					  : 0;
	if (rc == 0 && b->data)
		b->data[b->len] = '\0';
	return rc;
}

int px_file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}
