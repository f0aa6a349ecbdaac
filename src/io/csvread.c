/*
 * csvread.c - a pull reader over libcsv (Debian libcsv-dev), which parses
 * RFC 4180 CSV by pushing fields and rows to callbacks.  We feed it one
 * physical line at a time, so that every row knows the line it starts on
 * (error messages name it), and queue the rows it completes.  libcsv runs
 * in strict mode (a quote inside an unquoted field, or text after a closing
 * quote, is an error): such a row is reported as broken and the parser is
 * restarted at the next line.  Fields longer than IO_FIELD_MAX make their
 * row unreadable (reported), not the file.  TSV (GeoNames) uses libcsv with
 * a tab delimiter and no quote character.  Memory goes through
 * px_realloc/px_free (csv_set_realloc_func).
 */
#include "io/io.h"

#include <csv.h>
#include <errno.h>
#include <string.h>

#define LINE_CHUNK 65536

struct qrow {
	struct px_buf data; /* the fields, each followed by a NUL */
	size_t *off;	    /* start of each field in data */
	size_t *len;
	size_t n, cap;
	uint64_t line;
	const char *problem;
	const char **ptr; /* filled when handed out */
	size_t ptrcap;
};

struct io_csv {
	FILE *f;
	int tsv;
	struct csv_parser p;
	int p_ok;
	struct px_buf in; /* bytes read, not yet fed */
	size_t in_pos;
	int eof;
	int done;
	uint64_t line; /* lines fed so far */
	uint64_t offset;
	int first; /* BOM check pending */
	/* rows: q[0..nq) completed, q[nq] being built */
	struct qrow *q;
	size_t nq, qcap, qhead;
	int building;		/* a row is in progress */
	uint64_t pending_start; /* line the row being parsed started on */
	int at_line_start;	/* the next byte fed begins a physical line */
	int nomem;
	struct io_csv_row out;
};

static void *csv_px_realloc(void *p, size_t n)
{
	return px_realloc(p, n);
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int is_term(unsigned char c)
{
	return c == '\n' || c == '\r';
}

static int parser_init(struct io_csv *c)
{
	if (csv_init(&c->p, c->tsv ? 0 : (CSV_STRICT | CSV_STRICT_FINI)) != 0)
		return PX_ENOMEM;
	/* libcsv grows its field buffer by blk_size at a time (128 bytes by
	 * default): a 10 MB field would take 80,000 reallocations, each
	 * copying the field so far.  Grow by 1 MiB instead. */
	csv_set_blk_size(&c->p, (size_t)1 << 20);
	csv_set_realloc_func(&c->p, csv_px_realloc);
	csv_set_free_func(&c->p, px_free);
	csv_set_space_func(&c->p, no_space);
	csv_set_term_func(&c->p, is_term);
	if (c->tsv) {
		csv_set_delim(&c->p, '\t');
		csv_set_quote(&c->p, 0);
	}
	c->p_ok = 1;
	return 0;
}

static struct qrow *cur_row(struct io_csv *c)
{
	if (c->nq >= c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 4;
		struct qrow *nq = px_realloc(c->q, ncap * sizeof(*nq));

		if (!nq)
			return NULL;
		memset(nq + c->qcap, 0, (ncap - c->qcap) * sizeof(*nq));
		for (size_t i = c->qcap; i < ncap; i++)
			px_buf_init(&nq[i].data, (size_t)IO_FIELD_MAX * 4);
		c->q = nq;
		c->qcap = ncap;
	}
	return &c->q[c->nq];
}

static void row_begin(struct io_csv *c)
{
	struct qrow *r = cur_row(c);

	if (!r) {
		c->nomem = 1;
		return;
	}
	if (!c->building) {
		px_buf_reset(&r->data);
		r->n = 0;
		r->problem = NULL;
		c->building = 1;
	}
}

static void on_field(void *s, size_t len, void *data)
{
	struct io_csv *c = data;
	struct qrow *r;

	row_begin(c);
	if (c->nomem)
		return;
	r = &c->q[c->nq];
	if (r->n >= IO_COLUMNS_MAX) {
		r->problem = "more than 512 columns";
		return;
	}
	if (r->n >= r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		size_t *no = px_realloc(r->off, ncap * sizeof(*no));
		size_t *nl;

		if (!no) {
			c->nomem = 1;
			return;
		}
		r->off = no;
		nl = px_realloc(r->len, ncap * sizeof(*nl));
		if (!nl) {
			c->nomem = 1;
			return;
		}
		r->len = nl;
		r->cap = ncap;
	}
	if (len > IO_FIELD_MAX) {
		if (!r->problem)
			r->problem = "a field is longer than 1 MiB";
		len = 0;
	}
	r->off[r->n] = r->data.len;
	r->len[r->n] = len;
	if ((len && px_buf_add(&r->data, s, len) != 0) ||
	    px_buf_addc(&r->data, 0) != 0) {
		if (!r->problem)
			r->problem = "the row is too long";
		r->len[r->n] = 0;
	}
	r->n++;
}

static void on_row(int term, void *data)
{
	struct io_csv *c = data;

	(void)term;
	row_begin(c);
	if (c->nomem)
		return;
	c->q[c->nq].line = c->pending_start ? c->pending_start : c->line;
	c->pending_start = 0;
	c->building = 0;
	c->nq++;
}

int io_csv_open(FILE *f, int tsv, struct io_csv **out, struct px_err *err)
{
	struct io_csv *c = px_calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return px_errorf(err, PX_ENOMEM, "csv reader: out of memory");
	c->f = f;
	c->tsv = tsv;
	c->first = 1;
	c->at_line_start = 1;
	px_buf_init(&c->in, (size_t)64 * 1024 * 1024);
	if (parser_init(c) != 0) {
		px_free(c);
		return px_errorf(err, PX_ENOMEM, "csv reader: out of memory");
	}
	*out = c;
	return 0;
}

void io_csv_free(struct io_csv *c)
{
	if (!c)
		return;
	if (c->p_ok)
		csv_free(&c->p);
	for (size_t i = 0; i < c->qcap; i++) {
		px_buf_release(&c->q[i].data);
		px_free(c->q[i].off);
		px_free(c->q[i].len);
		px_free(c->q[i].ptr);
	}
	px_free(c->q);
	px_buf_release(&c->in);
	px_free(c);
}

uint64_t io_csv_offset(const struct io_csv *c)
{
	return c->offset;
}

/* Fill c->in so that it holds at least one whole line (or the rest). */
static int fill(struct io_csv *c, struct px_err *err)
{
	if (c->in_pos > 0) {
		memmove(c->in.data, c->in.data + c->in_pos,
			c->in.len - c->in_pos);
		c->in.len -= c->in_pos;
		c->in_pos = 0;
	}
	if (c->eof)
		return 0;
	if (px_buf_reserve(&c->in, LINE_CHUNK) != 0)
		return px_errorf(err, PX_ENOMEM, "csv reader: out of memory");
	size_t n = fread(c->in.data + c->in.len, 1, LINE_CHUNK, c->f);
	if (n < LINE_CHUNK) {
		if (ferror(c->f))
			return px_errorf(err, PX_EIO, "read: %s",
					 strerror(errno));
		c->eof = 1;
	}
	c->in.len += n;
	return 0;
}

/* Feed the parser bytes p[0..n) of one physical line (or a piece of a
 * long one); on a strict-mode parse error mark the row being built as
 * broken, close it, and restart the parser (the rest of the piece is
 * skipped). */
static void feed(struct io_csv *c, const uint8_t *p, size_t n)
{
	size_t got;

	if (n == 0)
		return;
	if (c->at_line_start) {
		c->line++;
		if (c->pending_start == 0 && p[0] != '\n' && p[0] != '\r')
			c->pending_start = c->line;
	}
	c->at_line_start = p[n - 1] == '\n';
	got = csv_parse(&c->p, p, n, on_field, on_row, c);
	if (got != n && csv_error(&c->p) == CSV_EPARSE) {
		row_begin(c);
		if (c->nomem)
			return;
		c->q[c->nq].problem = "broken quoting (a '\"' inside an "
				      "unquoted field or after a closing "
				      "quote)";
		on_row(0, c);
		csv_free(&c->p);
		c->p_ok = 0;
		if (parser_init(c) != 0)
			c->nomem = 1;
	}
}

static void skip_bom(struct io_csv *c)
{
	size_t avail = c->in.len - c->in_pos;

	if (c->first && avail >= 3 &&
	    memcmp(c->in.data + c->in_pos, "\xEF\xBB\xBF", 3) == 0) {
		c->in_pos += 3;
		c->offset += 3;
	}
	c->first = 0;
}

static int feed_line(struct io_csv *c, struct px_err *err)
{
	const uint8_t *p, *nl;
	size_t avail, take;
	int rc;

	for (;;) {
		avail = c->in.len - c->in_pos;
		p = c->in.data ? c->in.data + c->in_pos : NULL;
		nl = avail ? memchr(p, '\n', avail) : NULL;
		if (nl || c->eof)
			break;
		if (avail >= LINE_CHUNK) {
			/* a long line: feed what we have, then read on */
			skip_bom(c);
			avail = c->in.len - c->in_pos;
			feed(c, c->in.data + c->in_pos, avail);
			c->in_pos += avail;
			c->offset += avail;
		}
		rc = fill(c, err);
		if (rc < 0)
			return rc;
	}
	skip_bom(c);
	avail = c->in.len - c->in_pos;
	p = c->in.data ? c->in.data + c->in_pos : NULL;
	if (avail == 0) {
		c->done = 1;
		if (c->p_ok && csv_fini(&c->p, on_field, on_row, c) != 0) {
			row_begin(c);
			if (c->nomem)
				return 0;
			c->q[c->nq].problem = "a quoted field is not closed "
					      "before the end of the file";
			on_row(0, c);
		}
		return 0;
	}
	nl = memchr(p, '\n', avail);
	take = nl ? (size_t)(nl - p) + 1 : avail;
	feed(c, p, take);
	c->in_pos += take;
	c->offset += take;
	return 0;
}

int io_csv_next(struct io_csv *c, const struct io_csv_row **row,
		struct px_err *err)
{
	struct qrow *r;
	int rc;

	*row = NULL;
	if (c->qhead >= c->nq) {
		/* all handed out: recycle the queue, keeping a row in
		 * progress at the front */
		if (c->qhead > 0 && c->qhead == c->nq) {
			if (c->building) {
				struct qrow tmp = c->q[0];

				c->q[0] = c->q[c->nq];
				c->q[c->nq] = tmp;
			}
			c->nq = 0;
			c->qhead = 0;
		}
		while (c->nq == 0 && !c->done) {
			rc = feed_line(c, err);
			if (rc < 0)
				return rc;
			if (c->nomem)
				return px_errorf(err, PX_ENOMEM,
						 "csv reader: out of memory");
		}
		if (c->nq == 0)
			return 0;
	}
	r = &c->q[c->qhead++];
	if (r->ptrcap < r->n || !r->ptr) {
		size_t cap = r->n ? r->n : 1;
		const char **np = px_realloc(r->ptr, cap * sizeof(*np));

		if (!np)
			return px_errorf(err, PX_ENOMEM,
					 "csv reader: out of memory");
		r->ptr = np;
		r->ptrcap = cap;
	}
	for (size_t i = 0; i < r->n; i++)
		r->ptr[i] = (const char *)r->data.data + r->off[i];
	c->out.n = r->n;
	c->out.field = r->ptr;
	c->out.len = r->len;
	c->out.line = r->line;
	c->out.problem = r->problem;
	*row = &c->out;
	return 1;
}
