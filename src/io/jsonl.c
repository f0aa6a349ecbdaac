/*
 * jsonl.c - parallax's own line format, in and out.
 *
 * A line is one of:
 *   - a log entry, as export writes it: {"entry": "<signed note>", ...}
 *     (other members, such as "index" and "id", are informative).  The
 *     entry is submitted as it is (repo_submit_entry), so the record keeps
 *     its id and its filer's signature.  A party registration is signed by
 *     the operator of the log it came from; it is re-registered with this
 *     log's operator key (repo_register_party with the same JSON, hence the
 *     same party id).
 *   - a plain record revision's JSON (with "kind"): filed custodially for
 *     the --as party (repo_file_batch; filed_by/filed_at are kept when
 *     given), or signed with the given signer key; a party record without
 *     filed_by is registered by the operator.
 * Lines are applied in order: references must point backwards, as they do
 * in an export (which follows the log's order).  An id the store already
 * holds counts as "already imported".
 */
#include "io/ioint.h"
#include "repo/repo.h"
#include "store/store.h"

#include <errno.h>
#include <string.h>

#define LINE_MAX_BYTES (4 * 65536)

struct jbatch {
	int signed_entries; /* the batch holds signed notes, not JSON */
	struct px_buf text;
	size_t off[512], len[512];
	uint64_t line[512];
	size_t n;
};

static void bad(struct io_ctx *c, uint64_t line, const char *msg)
{
	char clean[PX_ERR_MSG_MAX + 128];

	c->stats->bad++;
	if (c->opt->report &&
	    c->reported < (c->opt->max_reported ? c->opt->max_reported : 50)) {
		c->reported++;
		snprintf(clean, sizeof(clean), "%s", msg);
		io_clean_msg(clean);
		fprintf(c->opt->report, "line %llu: %s\n",
			(unsigned long long)line, clean);
	}
}

static void account(struct io_ctx *c, uint64_t line,
		    const struct repo_result *res, int update)
{
	if (res->rc == 0) {
		c->stats->records++;
		if (update)
			c->stats->updated++;
		else
			c->stats->imported++;
	} else if (res->rc == PX_EEXIST) {
		c->stats->skipped_existing++;
	} else {
		char msg[PX_ERR_MSG_MAX + 32];

		snprintf(msg, sizeof(msg), "refused: %s",
			 res->message[0] ? res->message : px_strerror(res->rc));
		bad(c, line, msg);
	}
}

static int jflush(struct io_ctx *c, struct jbatch *b, struct px_err *err)
{
	struct repo_result res[512];
	const char *txt[512];
	int rc;

	if (!b->n)
		return 0;
	for (size_t i = 0; i < b->n; i++)
		txt[i] = (const char *)b->text.data + b->off[i];
	memset(res, 0, sizeof(res[0]) * b->n);
	if (b->signed_entries)
		rc = repo_submit_many(c->repo, (const uint8_t *const *)txt,
				      b->len, b->n, res, err);
	else
		rc = repo_file_batch(c->repo, txt, b->len, b->n, c->party, 0,
				     res, err);
	if (rc == 0)
		for (size_t i = 0; i < b->n; i++)
			account(c, b->line[i], &res[i],
				strstr(txt[i], "\"revises\"") != NULL);
	b->n = 0;
	px_buf_reset(&b->text);
	return rc;
}

/* Queue text for the batch of its sort (flushing the other sort first). */
static int enqueue(struct io_ctx *c, struct jbatch *b, int signed_entry,
		   uint64_t line, const void *text, size_t len,
		   struct px_err *err)
{
	int rc;

	if (b->n && b->signed_entries != signed_entry) {
		rc = jflush(c, b, err);
		if (rc < 0)
			return rc;
	}
	b->signed_entries = signed_entry;
	b->off[b->n] = b->text.len;
	b->len[b->n] = len;
	b->line[b->n] = line;
	if (px_buf_add(&b->text, text, len) || px_buf_addc(&b->text, 0))
		return px_errorf(err, PX_ENOMEM, "out of memory");
	b->n++;
	if (b->n == PX_ARRAY_LEN(b->off))
		return jflush(c, b, err);
	return 0;
}

/* Would the record be new?  (dry run) */
static void dry(struct io_ctx *c, uint64_t line, const char *text, size_t len)
{
	struct rec r;
	struct px_err e = {0};
	json_t *got = NULL;

	if (rec_parse(text, len, NULL, &r, &e) != 0) {
		bad(c, line, e.msg);
		return;
	}
	if (c->st && store_get(c->st, r.info.id, 0, &got, NULL) == 0) {
		c->stats->skipped_existing++;
		json_decref(got);
	} else {
		c->stats->imported++;
		c->stats->records++;
	}
	rec_release(&r);
}

/* Sign a plain record with the given key and queue the entry. */
static int sign_enqueue(struct io_ctx *c, struct jbatch *b, uint64_t line,
			const char *text, size_t len, struct px_err *err)
{
	struct px_buf t, note;
	struct px_err e = {0};
	int rc;

	px_buf_init(&t, REC_CANON_TEXT_MAX + 1);
	px_buf_init(&note, REC_CANON_TEXT_MAX + 4096);
	rc = rec_canon_text(text, len, &t, &e);
	if (rc == 0)
		rc = px_buf_addc(&t, '\n');
	if (rc == 0)
		rc = note_sign((const char *)t.data, t.len, c->opt->signer, 1,
			       &note, &e);
	if (rc == 0)
		rc = enqueue(c, b, 1, line, note.data, note.len, err);
	else if (rc != PX_ENOMEM) {
		bad(c, line, e.msg);
		rc = 0;
	}
	px_buf_release(&t);
	px_buf_release(&note);
	return rc;
}

static int one_line(struct io_ctx *c, struct jbatch *b, uint64_t line,
		    const char *s, size_t len, struct px_err *err)
{
	json_t *j, *entry;
	json_error_t je;
	struct repo_result res;
	int rc = 0;

	memset(&res, 0, sizeof(res));
	j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);
	if (!j || !json_is_object(j)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "not a JSON object: %s",
			 j ? "another JSON value" : je.text);
		json_decref(j);
		bad(c, line, msg);
		return 0;
	}
	c->stats->rows++;
	entry = json_object_get(j, "entry");
	if (json_is_string(entry)) {
		const char *note = json_string_value(entry);
		size_t nlen = json_string_length(entry);
		const char *nl = memchr(note, '\n', nlen);
		json_t *rec;

		if (!nl) {
			bad(c, line, "entry: not a signed note");
			goto out;
		}
		/* the note's text is its first line (canonical JSON) */
		rec = json_loadb(note, (size_t)(nl - note), 0, NULL);
		if (!rec) {
			bad(c, line, "entry: the note's text is not JSON");
			goto out;
		}
		if (c->opt->dry_run) {
			dry(c, line, note, (size_t)(nl - note));
			json_decref(rec);
			goto out;
		}
		int reg = json_object_get(rec, "filed_by") == NULL &&
			  json_object_get(rec, "revises") == NULL;
		json_decref(rec);
		if (reg) {
			struct px_err e = {0};

			rc = jflush(c, b, err);
			if (rc < 0)
				goto out;
			if (repo_register_party(c->repo, note,
						(size_t)(nl - note), &res,
						&e) < 0 &&
			    res.rc == 0) {
				res.rc = e.code ? e.code : PX_EINVAL;
				snprintf(res.message, sizeof(res.message), "%s",
					 e.msg);
			}
			account(c, line, &res, 0);
			goto out;
		}
		rc = enqueue(c, b, 1, line, note, nlen, err);
		goto out;
	}
	if (!json_is_string(json_object_get(j, "kind"))) {
		bad(c, line,
		    "neither a record (no \"kind\") nor an export "
		    "line (no \"entry\")");
		goto out;
	}
	if (c->opt->dry_run) {
		dry(c, line, s, len);
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(j, "kind")), "party") ==
		0 &&
	    !json_object_get(j, "filed_by") && !json_object_get(j, "revises")) {
		struct px_err e = {0};

		rc = jflush(c, b, err);
		if (rc < 0)
			goto out;
		if (repo_register_party(c->repo, s, len, &res, &e) < 0 &&
		    res.rc == 0) {
			res.rc = e.code ? e.code : PX_EINVAL;
			snprintf(res.message, sizeof(res.message), "%s", e.msg);
		}
		account(c, line, &res, 0);
		goto out;
	}
	if (c->opt->signer) {
		rc = sign_enqueue(c, b, line, s, len, err);
		goto out;
	}
	if (!c->party && !json_object_get(j, "filed_by")) {
		bad(c, line, "filed_by: missing, and no --as party given");
		goto out;
	}
	rc = enqueue(c, b, 0, line, s, len, err);
out:
	json_decref(j);
	return rc;
}

int io_import_jsonl(struct io_ctx *c, FILE *f, struct px_err *err);

int io_import_jsonl(struct io_ctx *c, FILE *f, struct px_err *err)
{
	struct px_buf line;
	struct jbatch *b;
	struct px_progress prog;
	uint64_t lineno = 0, offset = 0;
	long size = -1;
	int ch, rc = 0, toolong = 0;

	b = px_calloc(1, sizeof(*b));
	if (!b)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	px_buf_init(&b->text, (size_t)64 * 1024 * 1024);
	px_buf_init(&line, LINE_MAX_BYTES);
	if (fseek(f, 0, SEEK_END) == 0) {
		size = ftell(f);
		rewind(f);
	}
	px_progress_start(&prog, "importing", size > 0 ? (uint64_t)size : 0);
	if (!c->opt->progress)
		prog.enabled = 0;
	if (c->opt->strict && !c->opt->dry_run) {
		/* check every line first */
		struct io_import_options o = *c->opt;
		struct io_import_stats pass;
		const struct io_import_options *keep = c->opt;
		struct io_import_stats *keeps = c->stats;

		o.dry_run = 1;
		memset(&pass, 0, sizeof(pass));
		c->opt = &o;
		c->stats = &pass;
		rc = io_import_jsonl(c, f, err);
		c->opt = keep;
		c->stats = keeps;
		if (rc == 0 && pass.bad) {
			keeps->rows = pass.rows;
			keeps->bad = pass.bad;
			rc = px_errorf(err, PX_EINVAL,
				       "%llu bad line%s: nothing imported "
				       "(--strict)",
				       (unsigned long long)pass.bad,
				       pass.bad == 1 ? "" : "s");
		}
		if (rc < 0 || fseek(f, 0, SEEK_SET) != 0) {
			if (rc == 0)
				rc = px_errorf(err, PX_EUSAGE,
					       "--strict needs a file, not a "
					       "pipe");
			goto out;
		}
		c->reported = 0;
	}
	for (;;) {
		ch = getc_unlocked(f);
		if (ch == EOF || ch == '\n') {
			if (ch == EOF && ferror(f)) {
				rc = px_errorf(err, PX_EIO, "read: %s",
					       strerror(errno));
				break;
			}
			if (ch == EOF && line.len == 0 && !toolong)
				break;
			lineno++;
			offset += line.len + 1;
			if (toolong) {
				bad(c, lineno, "line longer than 256 KiB");
				c->stats->rows++;
			} else {
				size_t n = line.len;
				const char *s = (const char *)line.data;

				while (n &&
				       (s[n - 1] == '\r' || s[n - 1] == ' '))
					n--;
				if (n) {
					rc = one_line(c, b, lineno, s, n, err);
					if (rc < 0)
						break;
				}
			}
			px_buf_reset(&line);
			toolong = 0;
			px_progress_update(&prog, offset);
			if (ch == EOF)
				break;
			continue;
		}
		if (!toolong && px_buf_addc(&line, (uint8_t)ch) != 0)
			toolong = 1;
	}
	if (rc == 0)
		rc = jflush(c, b, err);
out:
	px_progress_finish(&prog);
	px_buf_release(&line);
	px_buf_release(&b->text);
	px_free(b);
	return rc;
}
