/*
 * cli_fmt.c - helpers of the record commands (cli_fmt.h): argument
 * parsing in the style of `parallax log`, the data directory, reading a
 * record file or standard input within a hard maximum, JSON output for
 * scripts, and aligned tables whose widths count characters rather than
 * bytes (a name in Armenian takes as many columns as its Latin spelling).
 */
#include "cli_fmt.h"

#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_DATA_DIR "./parallax-data"
#define READ_CHUNK 65536

int cli_parse_args(const char *cmd, int argc, char **argv,
		   const struct cli_opt *opts, const char **pos, int maxpos,
		   int *npos)
{
	int i, dashdash = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;
		size_t n = 0;

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			if (*npos >= maxpos)
				return cli_usage_error(
				    cmd, "unexpected argument '%s'", a);
			pos[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		for (o = opts; o->name; o++) {
			n = strlen(o->name);
			if (strncmp(a, o->name, n) == 0 &&
			    (a[n] == '\0' || (a[n] == '=' && o->val)))
				break;
		}
		if (!o->name)
			return cli_usage_error(cmd, "unknown option '%s'", a);
		if (!o->val) {
			*o->flag = 1;
			continue;
		}
		if (a[n] == '=') {
			*o->val = a + n + 1;
		} else {
			if (i + 1 >= argc)
				return cli_usage_error(
				    cmd, "option '%s' needs a value", o->name);
			*o->val = argv[++i];
		}
	}
	return 0;
}

const char *cli_data_dir(const char *opt)
{
	const char *env;

	if (opt && *opt)
		return opt;
	env = getenv("PARALLAX_DIR");
	if (env && *env)
		return env;
	return DEFAULT_DATA_DIR;
}

int cli_read_input(const char *path, struct px_buf *b, struct px_err *err)
{
	int rc;

	if (strcmp(path, "-") != 0) {
		rc = px_read_file(path, b, err);
		if (rc == PX_ETOOBIG)
			return px_errorf(err, rc,
					 "'%s': more than the %zu bytes one "
					 "record can hold",
					 path, b->max);
		return rc;
	}
	for (;;) {
		ssize_t n;

		rc = px_buf_reserve(b, READ_CHUNK);
		if (rc == PX_ETOOBIG && b->len < b->max)
			rc = px_buf_reserve(b, b->max - b->len);
		if (rc == PX_ETOOBIG) {
			/* Full: one more byte means the input is too long. */
			char c;
			n = read(STDIN_FILENO, &c, 1);
			if (n == 0)
				return 0;
			return px_errorf(err, PX_ETOOBIG,
					 "standard input: more than the %zu "
					 "bytes one record can hold",
					 b->max);
		}
		if (rc)
			return px_errorf(err, rc, "standard input: %s",
					 px_strerror(rc));
		n = read(STDIN_FILENO, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return px_errorf(err, PX_EIO, "read standard input: %s",
					 strerror(errno));
		}
		if (n == 0)
			return 0;
		b->len += (size_t)n;
		b->data[b->len] = 0;
	}
}

int cli_print_json(const json_t *v)
{
	if (json_dumpf(v, stdout,
		       JSON_INDENT(2) | JSON_SORT_KEYS |
			   JSON_REAL_PRECISION(17)))
		return 1;
	fputc('\n', stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Decode one UTF-8 sequence at s (assumed valid; bytes of invalid text
 * count one each); returns its length and the code point in *cp. */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((unsigned)(s[0] & 0x0f) << 12) |
		      ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((unsigned)(s[0] & 0x07) << 18) |
		      ((unsigned)(s[1] & 0x3f) << 12) |
		      ((unsigned)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/* Combining marks (the common blocks) take no column of their own. */
static int combining(unsigned cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x483 && cp <= 0x489) ||
	       (cp >= 0x1ab0 && cp <= 0x1aff) ||
	       (cp >= 0x1dc0 && cp <= 0x1dff) ||
	       (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f);
}

size_t cli_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	unsigned cp;

	while (*p) {
		p += utf8_next(p, &cp);
		if (!combining(cp))
			w++;
	}
	return w;
}

void cli_put_cell(FILE *f, const char *s, size_t max, size_t width)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t w = 0, total = cli_width((const char *)p), n;
	unsigned cp;

	/* Control characters (line breaks in a narrative) print as a
	 * space, so that a row stays one line. */
	while (*p) {
		n = utf8_next(p, &cp);
		if (!combining(cp)) {
			if (max && total > max && w + 1 >= max)
				break;
			w++;
		}
		if (cp < 0x20 || cp == 0x7f)
			fputc(' ', f);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
	if (*p) {
		fputs("\xe2\x80\xa6", f);
		w++;
	}
	for (; w < width; w++)
		fputc(' ', f);
}

void cli_table_init(struct cli_table *t, size_t ncols, const char *const *head)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols < CLI_TABLE_COLS ? ncols : CLI_TABLE_COLS;
	for (i = 0; i < t->ncols; i++)
		t->head[i] = head[i];
}

int cli_table_add(struct cli_table *t, const char *const *cells)
{
	size_t i;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		char **c = px_realloc(t->cells, cap * t->ncols * sizeof(*c));
		if (!c)
			return PX_ENOMEM;
		t->cells = c;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++) {
		char *c = px_strdup(cells[i] ? cells[i] : "");
		if (!c) {
			while (i > 0)
				px_free(t->cells[t->nrows * t->ncols + --i]);
			return PX_ENOMEM;
		}
		t->cells[t->nrows * t->ncols + i] = c;
	}
	t->nrows++;
	return 0;
}

void cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t width[CLI_TABLE_COLS], r, i, w;

	for (i = 0; i < t->ncols; i++)
		width[i] = cli_width(t->head[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			w = cli_width(t->cells[r * t->ncols + i]);
			if (t->max[i] && w > t->max[i])
				w = t->max[i];
			if (w > width[i])
				width[i] = w;
		}
	for (i = 0; i < t->ncols; i++)
		cli_put_cell(f, t->head[i], 0,
			     i + 1 < t->ncols ? width[i] + 2 : 0);
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++)
			cli_put_cell(f, t->cells[r * t->ncols + i], t->max[i],
				     i + 1 < t->ncols ? width[i] + 2 : 0);
		fputc('\n', f);
	}
}

void cli_table_release(struct cli_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		px_free(t->cells[i]);
	px_free(t->cells);
	memset(t, 0, sizeof(*t));
}

const char *cli_jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}
