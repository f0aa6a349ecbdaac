/*
 * cli_record.c - the record commands of parallax: `init`, `party`, `add`,
 * `revise`, `withdraw`, `show`, `list`, `search`, `compare` and `reindex`.
 * Each is a thin layer over the data directory (repo/repo.h) and its
 * projection (store/store.h): writes go through the repo's one write path
 * (validate, sign, append to the log, project), reads through the store.
 *
 * Output: tables and labelled lines for people by default; with --json,
 * exactly the store's JSON (records as store.h describes them), indented,
 * keys sorted, so that scripts and tests can compare outputs byte for byte.
 * Records referred to by id are shown with their name or title beside the
 * id wherever that helps a reader (owners, places, events).
 *
 * The data directory is --dir DIR, else $PARALLAX_DIR, else
 * ./parallax-data; the filing party is --as PARTY, else $PARALLAX_PARTY.
 * Exit status: 0 success, 1 refused or failed (a validation error names the
 * JSON path and the reason, and nothing is written), 2 usage error.
 */
#include "cli.h"
#include "cli_fmt.h"

#include "log/note.h"
#include "record/canon.h"
#include "record/record.h"
#include "repo/repo.h"
#include "store/store.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY_FILE_MAX 4096
#define LABEL_CACHE 64
#define LABEL_MAX 120

/* ---- opening the data directory */

static int open_repo(const char *dir, int read_only, struct repo **r,
		     struct px_err *err)
{
	struct repo_options o;
	int rc;

	if (!px_file_exists(dir))
		return px_errorf(err, PX_ENOTFOUND,
				 "no data directory '%s' (create one with "
				 "'parallax init %s', or choose one with --dir "
				 "or PARALLAX_DIR)",
				 dir, dir);
	memset(&o, 0, sizeof(o));
	o.read_only = read_only;
	o.progress = 1;
	rc = repo_open(dir, &o, r, err);
	if (rc)
		px_err_prefix(err, "open '%s'", dir);
	return rc;
}

/* ---- ids and labels */

/* Is s a well-formed record id (of kind `want`, unless want < 0)? */
static int is_id(const char *s, int want)
{
	enum rec_kind kind;
	uint8_t hash[32];

	if (rec_id_parse(s, strlen(s), &kind, hash, NULL))
		return 0;
	return want < 0 || (int)kind == want;
}

/* A short human label of a record revision's JSON: its title or name. */
static const char *record_label(const json_t *rec)
{
	const char *s;
	const json_t *a;

	if ((s = cli_jstr(rec, "title")) != NULL)
		return s;
	if ((s = cli_jstr(rec, "name")) != NULL)
		return s;
	a = json_object_get(rec, "names");
	if (json_array_size(a) > 0 &&
	    (s = cli_jstr(json_array_get(a, 0), "name")) != NULL)
		return s;
	if ((s = cli_jstr(json_object_get(rec, "narrative"), "text")) != NULL)
		return s;
	if ((s = cli_jstr(rec, "filename")) != NULL)
		return s;
	if ((s = cli_jstr(rec, "sha256")) != NULL)
		return s;
	if ((s = cli_jstr(rec, "type")) != NULL)
		return s;
	return "";
}

/* Labels of records looked up by id, cached for one command. */
struct labels {
	struct store *st;
	size_t n;
	struct {
		char id[REC_ID_SIZE];
		char *label; /* NULL: not found */
	} e[LABEL_CACHE];
};

static void labels_init(struct labels *l, struct store *st)
{
	l->st = st;
	l->n = 0;
}

static void labels_release(struct labels *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		px_free(l->e[i].label);
	l->n = 0;
}

/* The label of record id, or NULL when it is unknown. */
static const char *labels_get(struct labels *l, const char *id)
{
	json_t *j = NULL;
	char *label = NULL;
	size_t i;

	if (!id || !*id)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->e[i].id, id) == 0)
			return l->e[i].label;
	if (strlen(id) >= REC_ID_SIZE)
		return NULL;
	if (store_get(l->st, id, 0, &j, NULL) == 0) {
		const char *s = record_label(json_object_get(j, "record"));
		size_t n = strnlen(s, LABEL_MAX * 4);
		/* Cut long labels (narratives) at a character boundary. */
		while (n > 0 && s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		label = px_strndup(s, n);
	}
	json_decref(j);
	if (l->n == LABEL_CACHE) {
		px_free(l->e[0].label);
		memmove(&l->e[0], &l->e[1],
			(LABEL_CACHE - 1) * sizeof(l->e[0]));
		l->n--;
	}
	memcpy(l->e[l->n].id, id, strlen(id) + 1);
	l->e[l->n].label = label;
	return l->e[l->n++].label;
}

/* "label (id)" or just the id, into out. */
static void named(struct labels *l, const char *id, char *out, size_t cap)
{
	const char *label = labels_get(l, id);

	if (label && *label)
		snprintf(out, cap, "%s (%s)", label, id);
	else
		snprintf(out, cap, "%s", id ? id : "");
}

/* ---- reading a record file */

/*
 * Read FILE (or "-"), parse it strictly, make sure its "kind" is `kind`
 * (filling it in when absent) and write its canonical text to out.
 * Parse errors name the file, the JSON path and the reason.
 */
static int load_record(const char *path, enum rec_kind kind, struct px_buf *out,
		       int *has_filer, struct px_err *err)
{
	const char *name = rec_kind_name(kind), *given;
	const char *shown = strcmp(path, "-") == 0 ? "standard input" : path;
	struct px_buf in;
	json_t *j = NULL, *k;
	int rc;

	px_buf_init(&in, REC_CANON_TEXT_MAX);
	rc = cli_read_input(path, &in, err);
	if (rc == 0) {
		rc = rec_canon_parse((const char *)in.data, in.len, &j, err);
		if (rc)
			px_err_prefix(err, "%s", shown);
	}
	px_buf_release(&in);
	if (rc)
		return rc;
	if (!json_is_object(j)) {
		json_decref(j);
		return px_errorf(err, PX_EINVAL,
				 "%s: $: a record must be a JSON object",
				 shown);
	}
	if (has_filer)
		*has_filer = json_object_get(j, "filed_by") != NULL;
	k = json_object_get(j, "kind");
	if (k) {
		given = json_string_value(k);
		if (!given || strcmp(given, name) != 0) {
			px_errorf(err, PX_EINVAL,
				  "%s: kind: the file says %s, but the command "
				  "files a %s record",
				  shown, given ? given : "(not a string)",
				  name);
			json_decref(j);
			return PX_EINVAL;
		}
	} else if (json_object_set_new(j, "kind", json_string(name))) {
		json_decref(j);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	rc = rec_canon_write(j, out, err);
	json_decref(j);
	if (rc)
		px_err_prefix(err, "%s", shown);
	return rc;
}

/* ---- reporting writes */

static int write_result(int rc, const struct repo_result *res,
			struct px_err *err)
{
	if (rc == 0 && res->rc < 0)
		rc = res->rc;
	if (rc == 0)
		return 0;
	if (!err->msg[0] && res->message[0])
		snprintf(err->msg, sizeof(err->msg), "%s", res->message);
	err->code = rc;
	return rc;
}

static int print_written(const char *verb, const struct repo_result *res,
			 int json)
{
	json_t *j;
	int rc;

	if (!json) {
		printf("%s %s %s\nrevision %s\nlog index %llu\n", verb,
		       rec_kind_name(res->kind), res->id, res->revision,
		       (unsigned long long)res->index);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	j = json_pack("{s:s, s:s, s:s, s:I}", "id", res->id, "revision",
		      res->revision, "kind", rec_kind_name(res->kind), "index",
		      (json_int_t)res->index);
	if (!j)
		return 1;
	rc = cli_print_json(j);
	json_decref(j);
	return rc;
}

/* The filing party: --as, else $PARALLAX_PARTY; NULL if neither. */
static int filing_party(const char *cmd, const char *as, const char **out)
{
	const char *env = getenv("PARALLAX_PARTY");

	*out = NULL;
	if (!as && env && *env)
		as = env;
	if (as && !is_id(as, REC_PARTY))
		return cli_usage_error(cmd,
				       "--as: '%s' is not a party id "
				       "(party-<64 hex digits>)",
				       as);
	*out = as;
	return 0;
}

/* ---- init */

static const char init_help[] =
    "usage: parallax init [DIR] [--origin NAME] [--json]\n"
    "\n"
    "Create a new data directory DIR (default: --dir, $PARALLAX_DIR, or\n"
    "./parallax-data): the log and its public tiles under DIR/log/, the\n"
    "operator's verifier key DIR/log.pub (publish it) and signing key\n"
    "DIR/keys/log.key (keep it secret), an empty store DIR/store.db and\n"
    "the evidence directory DIR/blobs/.\n"
    "\n"
    "options:\n"
    "  --origin NAME   the log's name, which every checkpoint starts with;\n"
    "                  by convention a schema-less URL such as\n"
    "                  example.org/parallax (default: parallax.invalid/\n"
    "                  and the directory's name)\n"
    "  --dir DIR       the data directory, when DIR is not given\n"
    "  --json          print {\"dir\", \"origin\", \"key\"}\n"
    "  -h, --help      show this help\n";

/* The default origin: "parallax.invalid/" + the directory's last name,
 * with anything but [A-Za-z0-9._-] replaced by '-'. */
static void default_origin(const char *dir, char *out, size_t cap)
{
	const char *base = dir, *p;
	size_t len, i, n;

	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	for (p = dir; p < dir + len; p++)
		if (*p == '/' && p + 1 < dir + len)
			base = p + 1;
	n = (size_t)snprintf(out, cap, "parallax.invalid/");
	for (i = 0; base + i < dir + len && n + 1 < cap && n < 200; i++) {
		char c = base[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			 c == '-';
		out[n++] = ok ? c : '-';
	}
	if (n == strlen("parallax.invalid/") && n + 5 < cap) {
		memcpy(out + n, "data", 4);
		n += 4;
	}
	out[n] = '\0';
}

int cli_init(int argc, char **argv)
{
	const char *cmd = "init", *origin = NULL, *dir_opt = NULL, *pos[1];
	int json = 0;
	const struct cli_opt opts[] = {{"--origin", &origin, NULL},
				       {"--dir", &dir_opt, NULL},
				       {"--json", NULL, &json},
				       {NULL, NULL, NULL}};
	char origin_buf[256];
	const char *dir;
	struct px_err err;
	struct repo *r;
	struct px_buf key;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(init_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	dir = npos ? pos[0] : cli_data_dir(dir_opt);
	if (origin && !*origin)
		return cli_usage_error(cmd, "--origin: the name is empty");
	if (!origin) {
		default_origin(dir, origin_buf, sizeof(origin_buf));
		origin = origin_buf;
	}
	px_err_clear(&err);
	rc = repo_create(dir, origin, &err);
	if (rc) {
		px_err_prefix(&err, "init '%s'", dir);
		return cli_fail(&err);
	}
	rc = open_repo(dir, 1, &r, &err);
	if (rc)
		return cli_fail(&err);
	px_buf_init(&key, KEY_FILE_MAX);
	rc = note_verifier_format(repo_operator_key(r), &key);
	repo_close(r);
	if (rc) {
		px_buf_release(&key);
		px_errorf(&err, rc, "format the verifier key: %s",
			  px_strerror(rc));
		return cli_fail(&err);
	}
	if (json) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "dir", dir, "origin",
				      origin, "key", (const char *)key.data);
		rc = j ? cli_print_json(j) : 1;
		json_decref(j);
	} else {
		printf("created data directory %s\nlog origin %s\n"
		       "operator verifier key (%s/%s): %s\n",
		       dir, origin, dir, LOG_FILE_PUB, (const char *)key.data);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	px_buf_release(&key);
	return rc;
}

/* ---- show */

/* The order of each kind's members for display, as docs/MODEL.md lists
 * them (indexed by enum rec_kind); others follow in canonical order. */
static const char *const member_order[REC_KIND_COUNT][12] = {
    [REC_PARTY] = {"name", "names", "type", "affiliation", "key", "url",
		   "description"},
    [REC_SOURCE] = {"type", "title", "author", "outlet", "published", "lang",
		    "url", "scale", "evidence"},
    [REC_EVENT] = {"title", "type", "subtype", "time", "place"},
    [REC_ACCOUNT] = {"event", "narrative", "translations", "claims", "sources"},
    [REC_PERSON] = {"names", "birth_year", "origin", "status"},
    [REC_PLACE] = {"names", "type", "parent", "coordinates", "geonameid"},
    [REC_EVIDENCE] = {"sha256", "size", "media_type", "filename", "description",
		      "captured_at", "captured_by", "capture_place", "source"},
    [REC_RELATION] = {"type", "from", "to", "sources", "note"},
};

static const char *const envelope_members[] = {
    "v",	"kind",	   "filed_by",	 "acting_for",
    "filed_at", "revises", "withdrawal", NULL};

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

struct field_rows {
	struct cli_table t;
	struct labels *labels;
	int rc;
};

/* Text for a scalar value: strings as they are (line breaks shown as
 * "¶ "), ids with their label, numbers and booleans as JSON. */
static void scalar_text(struct field_rows *fr, const json_t *v, char *out,
			size_t cap)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = 0;

		if (is_id(s, -1)) {
			named(fr->labels, s, out, cap);
			return;
		}
		for (; *s && n + 4 < cap; s++) {
			if (*s == '\n') {
				memcpy(out + n, "\xc2\xb6 ", 3);
				n += 3;
			} else if (*s == '\t') {
				out[n++] = ' ';
			} else {
				out[n++] = *s;
			}
		}
		out[n] = '\0';
	} else if (json_is_integer(v)) {
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	} else if (json_is_true(v)) {
		snprintf(out, cap, "true");
	} else if (json_is_false(v)) {
		snprintf(out, cap, "false");
	} else {
		char *d = json_dumps(v, JSON_COMPACT);
		snprintf(out, cap, "%s", d ? d : "");
		free(d);
	}
}

static void add_row(struct field_rows *fr, const char *path, const char *val)
{
	const char *cells[2] = {path, val};

	if (fr->rc == 0)
		fr->rc = cli_table_add(&fr->t, cells);
}

/* One row per scalar, named by its JSON path ("claims.time.start",
 * "names[1].name"); arrays of scalars on one row, joined by ", ". */
static void flatten(struct field_rows *fr, const json_t *v, const char *path)
{
	char sub[REC_PATH_MAX * 2];
	static char val[REC_TEXT_MAX * 4 + 64];
	size_t i, n;

	if (json_is_object(v)) {
		const char **keys;
		const char *key;
		json_t *m;

		n = json_object_size(v);
		keys = px_calloc(n ? n : 1, sizeof(*keys));
		if (!keys) {
			fr->rc = PX_ENOMEM;
			return;
		}
		i = 0;
		/* Known members in display order, then the rest sorted. */
		if (!*path) {
			const char *k = cli_jstr(v, "kind");
			enum rec_kind kind;
			size_t o;
			if (k && rec_kind_parse(k, strlen(k), &kind) == 0)
				for (o = 0; o < 12 && member_order[kind][o];
				     o++)
					if (json_object_get(
						v, member_order[kind][o]))
						keys[i++] =
						    member_order[kind][o];
		}
		json_object_foreach((json_t *)v, key, m)
		{
			size_t j, seen = 0;
			(void)m;
			for (j = 0; j < i; j++)
				if (strcmp(keys[j], key) == 0)
					seen = 1;
			if (!seen)
				keys[i++] = key;
		}
		for (n = i, i = 0; i < n; i++) {
			if (!*path && in_list(envelope_members, keys[i]))
				continue;
			snprintf(sub, sizeof(sub), "%s%s%s", path,
				 *path ? "." : "", keys[i]);
			flatten(fr, json_object_get(v, keys[i]), sub);
		}
		px_free(keys);
		return;
	}
	if (json_is_array(v)) {
		int scalars = 1;
		for (i = 0; i < json_array_size(v); i++)
			if (json_is_object(json_array_get(v, i)) ||
			    json_is_array(json_array_get(v, i)))
				scalars = 0;
		if (scalars) {
			struct px_buf b;
			char one[LABEL_MAX * 6 + REC_ID_SIZE];

			px_buf_init(&b, sizeof(val));
			for (i = 0; i < json_array_size(v); i++) {
				scalar_text(fr, json_array_get(v, i), one,
					    sizeof(one));
				if (px_buf_addf(&b, "%s%s", i ? ", " : "", one))
					break;
			}
			add_row(fr, path, b.data ? (const char *)b.data : "");
			px_buf_release(&b);
			return;
		}
		for (i = 0; i < json_array_size(v); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			flatten(fr, json_array_get(v, i), sub);
		}
		return;
	}
	scalar_text(fr, v, val, sizeof(val));
	add_row(fr, path, val);
}

static void print_line(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void print_line(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("  %-12s", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void print_record(const json_t *r, struct labels *labels, int history)
{
	const json_t *rec = json_object_get(r, "record");
	const json_t *w = json_object_get(r, "withdrawal");
	const char *kind = cli_jstr(r, "kind"), *id = cli_jstr(r, "id");
	const char *comment = cli_jstr(rec, "comment");
	char who[LABEL_MAX * 6 + REC_ID_SIZE];
	struct field_rows fr;
	const char *head[2] = {"field", "value"};
	json_int_t index = json_integer_value(json_object_get(r, "index"));
	json_int_t created =
	    json_integer_value(json_object_get(r, "created_index"));

	printf("%s %s\n", kind ? kind : "record", id ? id : "");
	print_line(cli_jstr(rec, "title") ? "title" : "name", "%s",
		   record_label(rec));
	named(labels, cli_jstr(r, "owner"), who, sizeof(who));
	print_line("owner", "%s", who);
	if (cli_jstr(r, "acting_for")) {
		named(labels, cli_jstr(r, "filed_by"), who, sizeof(who));
		print_line("filed by", "%s, for the owner", who);
	}
	print_line("filed at", "%s", cli_jstr(r, "filed_at"));
	if (index != created)
		print_line("log index", "%lld (first filed at %lld)",
			   (long long)index, (long long)created);
	else
		print_line("log index", "%lld", (long long)index);
	print_line("revision", "%s", cli_jstr(r, "revision"));
	if (json_is_true(json_object_get(r, "withdrawn")))
		print_line(
		    "withdrawn", "yes, at log index %lld: %s",
		    (long long)json_integer_value(json_object_get(w, "index")),
		    cli_jstr(w, "reason") ? cli_jstr(w, "reason") : "");
	else
		print_line("withdrawn", "no");
	if (comment)
		print_line("comment", "%s", comment);

	memset(&fr, 0, sizeof(fr));
	cli_table_init(&fr.t, 2, head);
	fr.labels = labels;
	flatten(&fr, rec, "");
	putchar('\n');
	cli_table_print(&fr.t, stdout);
	cli_table_release(&fr.t);

	if (history) {
		const json_t *h = json_object_get(r, "history"), *e;
		size_t i;

		printf("\nhistory (%zu revision%s, oldest first)\n",
		       json_array_size(h), json_array_size(h) == 1 ? "" : "s");
		json_array_foreach(h, i, e)
		{
			const json_t *er = json_object_get(e, "record");
			const json_t *ew = json_object_get(er, "withdrawal");
			named(labels, cli_jstr(e, "filed_by"), who,
			      sizeof(who));
			printf("  %zu. log index %lld, %s, filed by %s\n"
			       "     %s\n",
			       i + 1,
			       (long long)json_integer_value(
				   json_object_get(e, "index")),
			       cli_jstr(e, "filed_at") ? cli_jstr(e, "filed_at")
						       : "",
			       who, cli_jstr(e, "revision"));
			if (ew)
				printf("     withdrawal: %s\n",
				       cli_jstr(ew, "reason"));
			if (cli_jstr(er, "comment"))
				printf("     comment: %s\n",
				       cli_jstr(er, "comment"));
		}
	}
}

static int get_record(struct store *st, const char *id, int history,
		      json_t **out, struct px_err *err)
{
	int rc;

	if (strlen(id) >= REC_ID_SIZE || !is_id(id, -1))
		return px_errorf(err, PX_ENOTFOUND,
				 "no record '%s' (a record id is "
				 "<kind>-<64 hex digits>)",
				 id);
	rc = store_get(st, id, history, out, err);
	if (rc == PX_ENOTFOUND)
		return px_errorf(err, rc, "no record '%s'", id);
	return rc;
}

static const char show_help[] =
    "usage: parallax show ID [--history] [--json] [--dir DIR]\n"
    "\n"
    "Show a record by its id (or by the id of any of its revisions): its\n"
    "kind, title or name, owner, log index, whether it was withdrawn, and\n"
    "then every field, one per line, named by its JSON path.  Ids that\n"
    "fields refer to are shown with the name or title of their record.\n"
    "\n"
    "options:\n"
    "  --history     also list every revision, oldest first\n"
    "  --json        print the record as the store gives it (see\n"
    "                parallax(1), JSON OUTPUT)\n"
    "  --dir DIR     the data directory (default: $PARALLAX_DIR, or\n"
    "                ./parallax-data)\n"
    "  -h, --help    show this help\n";

int cli_show(int argc, char **argv)
{
	const char *cmd = "show", *dir_opt = NULL, *pos[1];
	int json = 0, history = 0;
	const struct cli_opt opts[] = {{"--history", NULL, &history},
				       {"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	struct labels labels;
	struct px_err err;
	struct repo *r;
	json_t *j = NULL;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(show_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the record ID");
	px_err_clear(&err);
	if (open_repo(cli_data_dir(dir_opt), 1, &r, &err))
		return cli_fail(&err);
	rc = get_record(repo_store(r), pos[0], history, &j, &err);
	if (rc == 0) {
		if (json) {
			rc = cli_print_json(j);
		} else {
			labels_init(&labels, repo_store(r));
			print_record(j, &labels, history);
			labels_release(&labels);
			rc = fflush(stdout) == 0 ? 0 : 1;
		}
	} else {
		rc = cli_fail(&err);
	}
	json_decref(j);
	repo_close(r);
	return rc;
}

/* ---- add, revise, withdraw */

static const char add_help[] =
    "usage: parallax add KIND FILE.json [--as PARTY] [--json] [--dir DIR]\n"
    "\n"
    "File a new record of KIND (party, source, event, account, person,\n"
    "place, evidence, relation) from FILE.json, or from standard input\n"
    "when FILE is \"-\".  The record is validated against the store (every\n"
    "referenced record must exist), signed with the filing party's key\n"
    "(which the operator holds: see 'parallax party add'), appended to the\n"
    "log and projected into the store.  Prints the record id, the\n"
    "revision id and the log index.\n"
    "\n"
    "The file holds the record's members (docs/MODEL.md).  Its \"kind\"\n"
    "must be KIND, or absent (then KIND fills it in).  The envelope may be\n"
    "left out: \"v\" is 1, \"filed_by\" the party given by --as, and\n"
    "\"filed_at\" the current time.  'add party' registers a party, as\n"
    "'parallax party add' does.\n"
    "\n"
    "A record that does not validate is refused with the JSON path and\n"
    "the reason, for example\n"
    "  claims.casualties.civilians.low: must not exceed best (40 > 12)\n"
    "and nothing is written (exit status 1).\n"
    "\n"
    "options:\n"
    "  --as PARTY    the party that files (its id); default\n"
    "                $PARALLAX_PARTY, or the file's \"filed_by\"\n"
    "  --json        print {\"id\", \"revision\", \"kind\", \"index\"}\n"
    "  --dir DIR     the data directory (default: $PARALLAX_DIR, or\n"
    "                ./parallax-data)\n"
    "  -h, --help    show this help\n";

static int party_add_file(const char *dir, const char *file,
			  const char *keyfile, int json);

int cli_add(int argc, char **argv)
{
	const char *cmd = "add", *dir_opt = NULL, *as_opt = NULL, *as, *pos[2];
	int json = 0;
	const struct cli_opt opts[] = {{"--as", &as_opt, NULL},
				       {"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	struct repo_result res;
	struct px_buf text;
	struct px_err err;
	enum rec_kind kind;
	struct repo *r;
	int npos, rc, has_filer = 0;

	if (cli_wants_help(argc, argv)) {
		fputs(add_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 2, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the record KIND");
	if (rec_kind_parse(pos[0], strlen(pos[0]), &kind))
		return cli_usage_error(
		    cmd,
		    "KIND: '%s' is not a record kind (party, source, event, "
		    "account, person, place, evidence, relation)",
		    pos[0]);
	if (npos < 2)
		return cli_usage_error(cmd, "missing FILE.json (or \"-\")");
	if (kind == REC_PARTY) {
		if (as_opt)
			return cli_usage_error(cmd,
					       "--as: a party is registered "
					       "by the operator, not filed by "
					       "a party");
		return party_add_file(cli_data_dir(dir_opt), pos[1], NULL,
				      json);
	}
	rc = filing_party(cmd, as_opt, &as);
	if (rc)
		return rc;
	px_err_clear(&err);
	px_buf_init(&text, REC_CANON_TEXT_MAX);
	rc = load_record(pos[1], kind, &text, &has_filer, &err);
	if (rc) {
		px_buf_release(&text);
		return cli_fail(&err);
	}
	if (!as && !has_filer) {
		px_buf_release(&text);
		return cli_usage_error(cmd, "missing --as PARTY: which party "
					    "files the record (or set "
					    "PARALLAX_PARTY, or filed_by in "
					    "the file)");
	}
	if (open_repo(cli_data_dir(dir_opt), 0, &r, &err)) {
		px_buf_release(&text);
		return cli_fail(&err);
	}
	memset(&res, 0, sizeof(res));
	rc = repo_file(r, (const char *)text.data, text.len, as, &res, &err);
	rc = write_result(rc, &res, &err);
	repo_close(r);
	px_buf_release(&text);
	if (rc)
		return cli_fail(&err);
	return print_written("added", &res, json);
}

/*
 * The party a revision or withdrawal is filed as: --as / $PARALLAX_PARTY,
 * else the record's owner.  The record must exist ("no record ...").
 */
static int revising_party(struct store *st, const char *id, const char *as,
			  char out[REC_ID_SIZE], struct px_err *err)
{
	const char *owner;
	json_t *j = NULL;
	int rc;

	rc = get_record(st, id, 0, &j, err);
	if (rc)
		return rc;
	owner = as ? as : cli_jstr(j, "owner");
	snprintf(out, REC_ID_SIZE, "%s", owner ? owner : "");
	json_decref(j);
	return 0;
}

static const char revise_help[] =
    "usage: parallax revise ID FILE.json [--as PARTY] [--expect REVISION]\n"
    "                       [--json] [--dir DIR]\n"
    "\n"
    "File a new revision of record ID from FILE.json (or standard input\n"
    "when FILE is \"-\").  A revision is complete: it holds every required\n"
    "member again, not only the changed ones.  Its \"revises\" is set to\n"
    "the record's latest revision, or to REVISION with --expect, so that a\n"
    "revision based on an outdated copy is refused (a stale revision,\n"
    "exit status 1) instead of silently replacing someone else's.  Only\n"
    "the record's owner may revise it.\n"
    "\n"
    "options:\n"
    "  --as PARTY         the party that files (default $PARALLAX_PARTY,\n"
    "                     else the record's owner)\n"
    "  --expect REVISION  the revision id this one replaces; refused if\n"
    "                     it is no longer the latest\n"
    "  --json             print {\"id\", \"revision\", \"kind\", \"index\"}\n"
    "  --dir DIR          the data directory\n"
    "  -h, --help         show this help\n";

int cli_revise(int argc, char **argv)
{
	const char *cmd = "revise", *dir_opt = NULL, *as_opt = NULL, *as,
		   *expect = NULL, *pos[2];
	int json = 0;
	const struct cli_opt opts[] = {{"--as", &as_opt, NULL},
				       {"--expect", &expect, NULL},
				       {"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	char party[REC_ID_SIZE];
	struct repo_result res;
	struct px_buf text;
	struct px_err err;
	enum rec_kind kind;
	uint8_t hash[32];
	struct repo *r;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(revise_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 2, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the record ID");
	if (npos < 2)
		return cli_usage_error(cmd, "missing FILE.json (or \"-\")");
	if (expect && !is_id(expect, -1))
		return cli_usage_error(
		    cmd, "--expect: '%s' is not a revision id", expect);
	rc = filing_party(cmd, as_opt, &as);
	if (rc)
		return rc;
	px_err_clear(&err);
	if (rec_id_parse(pos[0], strlen(pos[0]), &kind, hash, NULL)) {
		px_errorf(&err, PX_ENOTFOUND,
			  "no record '%s' (a record id is <kind>-<64 hex "
			  "digits>)",
			  pos[0]);
		return cli_fail(&err);
	}
	px_buf_init(&text, REC_CANON_TEXT_MAX);
	rc = load_record(pos[1], kind, &text, NULL, &err);
	if (rc) {
		px_buf_release(&text);
		return cli_fail(&err);
	}
	if (open_repo(cli_data_dir(dir_opt), 0, &r, &err)) {
		px_buf_release(&text);
		return cli_fail(&err);
	}
	memset(&res, 0, sizeof(res));
	rc = revising_party(repo_store(r), pos[0], as, party, &err);
	if (rc == 0) {
		rc = repo_revise(r, pos[0], expect, (const char *)text.data,
				 text.len, party, &res, &err);
		rc = write_result(rc, &res, &err);
	}
	repo_close(r);
	px_buf_release(&text);
	if (rc)
		return cli_fail(&err);
	return print_written("revised", &res, json);
}

static const char withdraw_help[] =
    "usage: parallax withdraw ID --reason TEXT [--as PARTY] [--json]\n"
    "                         [--dir DIR]\n"
    "\n"
    "Withdraw record ID: file a withdrawal revision giving the reason.  The\n"
    "record stays in the log and in 'parallax show --history'; it is no\n"
    "longer current (searches and comparisons leave it out) and cannot be\n"
    "revised again.  Only the record's owner may withdraw it.\n"
    "\n"
    "options:\n"
    "  --reason TEXT  why the record is withdrawn (required; up to 2000\n"
    "                 characters)\n"
    "  --as PARTY     the party that files (default $PARALLAX_PARTY, else\n"
    "                 the record's owner)\n"
    "  --json         print {\"id\", \"revision\", \"kind\", \"index\"}\n"
    "  --dir DIR      the data directory\n"
    "  -h, --help     show this help\n";

int cli_withdraw(int argc, char **argv)
{
	const char *cmd = "withdraw", *dir_opt = NULL, *as_opt = NULL, *as,
		   *reason = NULL, *pos[1];
	int json = 0;
	const struct cli_opt opts[] = {{"--as", &as_opt, NULL},
				       {"--reason", &reason, NULL},
				       {"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	char party[REC_ID_SIZE];
	struct repo_result res;
	struct px_err err;
	struct repo *r;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(withdraw_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the record ID");
	if (!reason)
		return cli_usage_error(cmd, "missing --reason TEXT");
	if (!*reason)
		return cli_usage_error(cmd, "--reason: the text is empty");
	rc = filing_party(cmd, as_opt, &as);
	if (rc)
		return rc;
	px_err_clear(&err);
	if (open_repo(cli_data_dir(dir_opt), 0, &r, &err))
		return cli_fail(&err);
	memset(&res, 0, sizeof(res));
	rc = revising_party(repo_store(r), pos[0], as, party, &err);
	if (rc == 0) {
		rc = repo_withdraw(r, pos[0], reason, party, &res, &err);
		rc = write_result(rc, &res, &err);
	}
	repo_close(r);
	if (rc)
		return cli_fail(&err);
	return print_written("withdrew", &res, json);
}

/* ---- party add | list | show */

/*
 * The key in KEYFILE: a signer key (PRIVATE+KEY+...), whose text is left
 * in signer (the caller wipes it), or a verifier key, whose text is left
 * in verifier.
 */
static int read_party_key(const char *keyfile, struct px_buf *signer,
			  struct px_buf *verifier, struct px_err *err)
{
	struct note_verifier v;
	struct note_signer s;
	size_t len;
	int rc;

	rc = px_read_file(keyfile, signer, err);
	if (rc)
		return px_err_prefix(err, "--key");
	len = signer->len;
	while (len > 0 &&
	       (signer->data[len - 1] == '\n' ||
		signer->data[len - 1] == '\r' || signer->data[len - 1] == ' ' ||
		signer->data[len - 1] == '\t'))
		signer->data[--len] = '\0';
	signer->len = len;
	if (len > 12 && memcmp(signer->data, "PRIVATE+KEY+", 12) == 0) {
		rc =
		    note_signer_parse((const char *)signer->data, len, &s, err);
		note_signer_wipe(&s);
		if (rc)
			return px_err_prefix(err, "--key '%s'", keyfile);
		return 0;
	}
	rc = note_verifier_parse((const char *)signer->data, len, &v, err);
	sodium_memzero(signer->data, signer->cap);
	px_buf_reset(signer);
	if (rc)
		return px_err_prefix(err, "--key '%s'", keyfile);
	rc = note_verifier_format(&v, verifier);
	if (rc)
		return px_errorf(err, rc, "--key: %s", px_strerror(rc));
	return 0;
}

static int party_add_file(const char *dir, const char *file,
			  const char *keyfile, int json)
{
	struct repo_result res;
	struct px_buf text, key, signer;
	struct px_err err;
	struct repo *r = NULL;
	json_t *rec = NULL, *out;
	const char *vkey;
	int rc, custodial;

	px_err_clear(&err);
	px_buf_init(&text, REC_CANON_TEXT_MAX);
	px_buf_init(&key, KEY_FILE_MAX);
	px_buf_init(&signer, KEY_FILE_MAX);
	rc = load_record(file, REC_PARTY, &text, NULL, &err);
	if (rc == 0 && keyfile)
		rc = read_party_key(keyfile, &signer, &key, &err);
	if (rc == 0 && key.len) {
		/* A verifier key: put it into the record, which must not
		 * name another. */
		json_t *j = NULL;
		const char *given;

		rc = rec_canon_parse((const char *)text.data, text.len, &j,
				     &err);
		if (rc == 0) {
			given = cli_jstr(j, "key");
			if (given && strcmp(given, (const char *)key.data) != 0)
				rc = px_errorf(&err, PX_EINVAL,
					       "key: the file names key '%s', "
					       "but --key gives '%s'",
					       given, (const char *)key.data);
			else if (json_object_set_new(
				     j, "key",
				     json_string((const char *)key.data)))
				rc =
				    px_errorf(&err, PX_ENOMEM, "out of memory");
		}
		if (rc == 0) {
			px_buf_reset(&text);
			rc = rec_canon_write(j, &text, &err);
		}
		json_decref(j);
	}
	px_buf_release(&key);
	if (rc == 0 && open_repo(dir, 0, &r, &err))
		rc = err.code ? err.code : PX_EIO;
	if (rc) {
		if (signer.data)
			sodium_memzero(signer.data, signer.cap);
		px_buf_release(&signer);
		px_buf_release(&text);
		return cli_fail(&err);
	}
	memset(&res, 0, sizeof(res));
	if (signer.len)
		rc = repo_register_party_with_key(
		    r, (const char *)text.data, text.len,
		    (const char *)signer.data, &res, &err);
	else
		rc = repo_register_party(r, (const char *)text.data, text.len,
					 &res, &err);
	rc = write_result(rc, &res, &err);
	if (signer.data)
		sodium_memzero(signer.data, signer.cap);
	px_buf_release(&signer);
	px_buf_release(&text);
	if (rc == 0)
		rc = store_get(repo_store(r), res.id, 0, &rec, &err);
	if (rc) {
		repo_close(r);
		return cli_fail(&err);
	}
	custodial = repo_holds_key(r, res.id);
	repo_close(r);
	vkey = cli_jstr(json_object_get(rec, "record"), "key");
	if (json) {
		out = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "id", res.id,
				"revision", res.revision, "kind", "party",
				"index", (json_int_t)res.index, "key",
				vkey ? vkey : "", "custodial", custodial);
		rc = out ? cli_print_json(out) : 1;
		json_decref(out);
	} else {
		printf("registered party %s\nrevision %s\nlog index %llu\n"
		       "verifier key %s\nsigner key %s\n",
		       res.id, res.revision, (unsigned long long)res.index,
		       vkey ? vkey : "",
		       custodial ? "held by the operator (custodial)"
				 : "held by the party");
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	json_decref(rec);
	return rc;
}

static const char party_add_help[] =
    "usage: parallax party add FILE.json [--key KEY_FILE] [--json]\n"
    "                          [--dir DIR]\n"
    "\n"
    "Register a party from FILE.json (or standard input when FILE is \"-\"):\n"
    "its name, type, affiliation and so on (docs/MODEL.md, \"party\").  The\n"
    "registration is signed by the log operator's key.  Prints the party's\n"
    "id, its log index and its verifier key.\n"
    "\n"
    "With no \"key\" in the file and no --key, a new key pair is made and\n"
    "its signer key kept by the operator in DIR/keys/parties/ (custodial):\n"
    "'parallax add --as ID' then files for the party.  With --key and a\n"
    "signer key, that key is registered and kept by the operator in the\n"
    "same way.  With --key and a verifier key (or a \"key\" in the file),\n"
    "the party keeps its signer key and the operator cannot file for it.\n"
    "\n"
    "options:\n"
    "  --key KEY_FILE  a file holding the party's signed-note signer key\n"
    "                  (PRIVATE+KEY+..., kept by the operator) or its\n"
    "                  verifier key (NAME+KEYID+BASE64, the party keeps\n"
    "                  the signer key)\n"
    "  --json          print {\"id\", \"revision\", \"kind\", \"index\",\n"
    "                  \"key\", \"custodial\"}\n"
    "  --dir DIR       the data directory\n"
    "  -h, --help      show this help\n";

static int party_add_cmd(int argc, char **argv)
{
	const char *cmd = "party add", *dir_opt = NULL, *keyfile = NULL,
		   *pos[1];
	int json = 0;
	const struct cli_opt opts[] = {{"--key", &keyfile, NULL},
				       {"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(party_add_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing FILE.json (or \"-\")");
	return party_add_file(cli_data_dir(dir_opt), pos[0], keyfile, json);
}

/* ---- list */

/* Parse the filters shared by list and search into q. */
struct filter_args {
	const char *from, *to, *place, *party, *type, *event, *kind, *limit,
	    *cursor;
	int disputed, withdrawn;
};

static int check_date(const char *cmd, const char *opt, const char *s)
{
	int ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
	int i;

	for (i = 0; ok && i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			ok = 0;
	if (!ok)
		return cli_usage_error(cmd, "%s: '%s' is not a date YYYY-MM-DD",
				       opt, s);
	return 0;
}

static int make_query(const char *cmd, const struct filter_args *f,
		      struct store_query *q)
{
	enum rec_kind kind;
	uint64_t n;
	int rc;

	store_query_init(q);
	if (f->kind) {
		if (rec_kind_parse(f->kind, strlen(f->kind), &kind))
			return cli_usage_error(
			    cmd, "--kind: '%s' is not a record kind", f->kind);
		q->kind = (int)kind;
	}
	if (f->from && (rc = check_date(cmd, "--from", f->from)) != 0)
		return rc;
	if (f->to && (rc = check_date(cmd, "--to", f->to)) != 0)
		return rc;
	if (f->from && f->to && strcmp(f->from, f->to) > 0)
		return cli_usage_error(cmd, "--from %s is after --to %s",
				       f->from, f->to);
	if (f->place && !is_id(f->place, REC_PLACE))
		return cli_usage_error(cmd, "--place: '%s' is not a place id",
				       f->place);
	if (f->party && !is_id(f->party, REC_PARTY))
		return cli_usage_error(cmd, "--party: '%s' is not a party id",
				       f->party);
	if (f->event && !is_id(f->event, REC_EVENT))
		return cli_usage_error(cmd, "--event: '%s' is not an event id",
				       f->event);
	if (f->limit) {
		if (px_parse_u64(f->limit, strlen(f->limit), &n) || n < 1 ||
		    n > 1000)
			return cli_usage_error(cmd,
					       "--limit: '%s' is not a number "
					       "from 1 to 1000",
					       f->limit);
		q->limit = (unsigned)n;
	}
	q->from = f->from;
	q->to = f->to;
	q->place = f->place;
	q->party = f->party;
	q->type = f->type;
	q->event = f->event;
	q->cursor = f->cursor;
	q->disputed = f->disputed;
	q->withdrawn = f->withdrawn;
	return 0;
}

/* clang-format off */
#define FILTER_OPTS(f)                                                         \
	{"--from", &(f).from, NULL}, {"--to", &(f).to, NULL},                  \
	{"--place", &(f).place, NULL}, {"--party", &(f).party, NULL},          \
	{"--type", &(f).type, NULL}, {"--event", &(f).event, NULL},            \
	{"--limit", &(f).limit, NULL}, {"--cursor", &(f).cursor, NULL},        \
	{"--disputed", NULL, &(f).disputed},                                   \
	{"--withdrawn", NULL, &(f).withdrawn}
/* clang-format on */

#define FILTER_HELP                                                            \
	"  --from DATE      events whose time ends on or after DATE\n"         \
	"                   (YYYY-MM-DD)\n"                                    \
	"  --to DATE        events whose time starts on or before DATE\n"      \
	"  --place ID       at the place ID or any place within it\n"          \
	"  --party ID       records the party owns; for events, events it\n"   \
	"                   has filed an account of\n"                         \
	"  --type T         events of type T (battle, protest, ...)\n"         \
	"  --event ID       accounts and relations of event ID\n"              \
	"  --disputed       events with at least one disputed field\n"         \
	"  --withdrawn      include withdrawn records\n"                       \
	"  --limit N        at most N results (default 50, at most 1000)\n"    \
	"  --cursor C       continue after a previous page (its \"next\")\n"

static void print_next(const char *cmd, const json_t *res)
{
	const char *next = cli_jstr(res, "next");

	if (next)
		printf("\nmore: add --cursor %s to the same %s command\n", next,
		       cmd);
}

static const char list_help[] =
    "usage: parallax list KIND [filters] [--json] [--dir DIR]\n"
    "\n"
    "List the current records of KIND (party, source, event, account,\n"
    "person, place, evidence, relation) in a stable order: events by\n"
    "start date, others in the order they were filed.  A table of id,\n"
    "title or name, owner and log index; for events also the date and\n"
    "type.\n"
    "\n"
    "filters:\n" FILTER_HELP "\n"
    "options:\n"
    "  --json           print {\"items\": [record...], \"next\"}\n"
    "  --dir DIR        the data directory\n"
    "  -h, --help       show this help\n";

static void event_when(const json_t *rec, char *out, size_t cap)
{
	const json_t *t = json_object_get(rec, "time");
	const char *s = cli_jstr(t, "start"), *e = cli_jstr(t, "end");

	if (!s)
		out[0] = '\0';
	else if (!e || strcmp(s, e) == 0)
		snprintf(out, cap, "%s", s);
	else
		snprintf(out, cap, "%s..%s", s, e);
}

static int print_list(const json_t *res, struct labels *labels, int events,
		      int parties, struct repo *r)
{
	const char *head_ev[] = {"ID",	  "WHEN",  "TYPE",
				 "TITLE", "OWNER", "INDEX"};
	const char *head_pa[] = {"ID", "NAME", "TYPE", "SIGNER KEY", "INDEX"};
	const char *head[] = {"ID", "TITLE OR NAME", "OWNER", "INDEX"};
	const json_t *items = json_object_get(res, "items"), *it;
	struct cli_table t;
	size_t i;
	int rc = 0;

	if (events) {
		cli_table_init(&t, 6, head_ev);
		t.max[3] = 50;
		t.max[4] = 30;
	} else if (parties) {
		cli_table_init(&t, 5, head_pa);
		t.max[1] = 50;
	} else {
		cli_table_init(&t, 4, head);
		t.max[1] = 50;
		t.max[2] = 30;
	}
	json_array_foreach(items, i, it)
	{
		const json_t *rec = json_object_get(it, "record");
		const char *id = cli_jstr(it, "id");
		const char *owner = labels_get(labels, cli_jstr(it, "owner"));
		char idx[32], when[32], idcell[REC_ID_SIZE + 16];

		snprintf(idx, sizeof(idx), "%lld",
			 (long long)json_integer_value(
			     json_object_get(it, "index")));
		snprintf(idcell, sizeof(idcell), "%s%s", id ? id : "",
			 json_is_true(json_object_get(it, "withdrawn"))
			     ? " (withdrawn)"
			     : "");
		if (!owner)
			owner = cli_jstr(it, "owner");
		if (events) {
			const char *c[6];
			event_when(rec, when, sizeof(when));
			c[0] = idcell;
			c[1] = when;
			c[2] = cli_jstr(rec, "type");
			c[3] = record_label(rec);
			c[4] = owner;
			c[5] = idx;
			rc = cli_table_add(&t, c);
		} else if (parties) {
			const char *c[5];
			c[0] = idcell;
			c[1] = record_label(rec);
			c[2] = cli_jstr(rec, "type");
			c[3] = repo_holds_key(r, id) ? "operator" : "party";
			c[4] = idx;
			rc = cli_table_add(&t, c);
		} else {
			const char *c[4];
			c[0] = idcell;
			c[1] = record_label(rec);
			c[2] = owner;
			c[3] = idx;
			rc = cli_table_add(&t, c);
		}
		if (rc)
			break;
	}
	if (rc == 0) {
		if (t.nrows)
			cli_table_print(&t, stdout);
		else
			printf("no records\n");
	}
	cli_table_release(&t);
	return rc;
}

static int list_kind(const char *cmd, int kind, int argc, char **argv,
		     const char *help)
{
	const char *dir_opt = NULL, *pos[1];
	int json = 0;
	struct filter_args f;
	struct store_query q;
	struct labels labels;
	struct px_err err;
	struct repo *r;
	json_t *res = NULL;
	int npos, rc;

	memset(&f, 0, sizeof(f));
	{
		const struct cli_opt opts[] = {FILTER_OPTS(f),
					       {"--json", NULL, &json},
					       {"--dir", &dir_opt, NULL},
					       {NULL, NULL, NULL}};
		if (cli_wants_help(argc, argv)) {
			fputs(help, stdout);
			return 0;
		}
		rc = cli_parse_args(cmd, argc, argv, opts, pos,
				    kind < 0 ? 1 : 0, &npos);
		if (rc)
			return rc;
	}
	if (kind < 0) {
		enum rec_kind k;
		if (npos < 1)
			return cli_usage_error(cmd, "missing the record KIND");
		if (rec_kind_parse(pos[0], strlen(pos[0]), &k))
			return cli_usage_error(
			    cmd, "KIND: '%s' is not a record kind", pos[0]);
		kind = (int)k;
	}
	rc = make_query(cmd, &f, &q);
	if (rc)
		return rc;
	q.kind = kind;
	px_err_clear(&err);
	if (open_repo(cli_data_dir(dir_opt), 1, &r, &err))
		return cli_fail(&err);
	rc = store_list(repo_store(r), &q, &res, &err);
	if (rc) {
		repo_close(r);
		return cli_fail(&err);
	}
	if (json) {
		rc = cli_print_json(res);
	} else {
		labels_init(&labels, repo_store(r));
		rc = print_list(res, &labels, kind == REC_EVENT,
				kind == REC_PARTY, r);
		labels_release(&labels);
		print_next(cmd, res);
		if (rc == 0)
			rc = fflush(stdout) == 0 ? 0 : 1;
	}
	json_decref(res);
	repo_close(r);
	return rc;
}

int cli_list(int argc, char **argv)
{
	return list_kind("list", -1, argc, argv, list_help);
}

static const char party_list_help[] =
    "usage: parallax party list [--json] [--dir DIR]\n"
    "\n"
    "List the registered parties: id, name, type, who holds the signer\n"
    "key (\"operator\": custodial; \"party\": the party itself) and the log\n"
    "index of the current revision.  Takes the filters of 'parallax list'.\n"
    "\n"
    "options:\n"
    "  --json        print {\"items\": [record...], \"next\"}\n"
    "  --dir DIR     the data directory\n"
    "  -h, --help    show this help\n";

static int party_list_cmd(int argc, char **argv)
{
	return list_kind("party list", REC_PARTY, argc, argv, party_list_help);
}

static const char party_show_help[] =
    "usage: parallax party show ID [--history] [--json] [--dir DIR]\n"
    "\n"
    "Show a party: as 'parallax show ID', and who holds its signer key.\n"
    "\n"
    "options:\n"
    "  --history     also list every revision (key rotations included)\n"
    "  --json        print the record as the store gives it, with\n"
    "                \"custodial\": whether the operator holds its key\n"
    "  --dir DIR     the data directory\n"
    "  -h, --help    show this help\n";

static int party_show_cmd(int argc, char **argv)
{
	const char *cmd = "party show", *dir_opt = NULL, *pos[1];
	int json = 0, history = 0;
	const struct cli_opt opts[] = {{"--history", NULL, &history},
				       {"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	struct labels labels;
	struct px_err err;
	struct repo *r;
	json_t *j = NULL;
	int npos, rc, custodial;

	if (cli_wants_help(argc, argv)) {
		fputs(party_show_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the party ID");
	px_err_clear(&err);
	if (!is_id(pos[0], REC_PARTY)) {
		px_errorf(&err, PX_ENOTFOUND, "no party '%s'", pos[0]);
		return cli_fail(&err);
	}
	if (open_repo(cli_data_dir(dir_opt), 1, &r, &err))
		return cli_fail(&err);
	rc = get_record(repo_store(r), pos[0], history, &j, &err);
	if (rc) {
		repo_close(r);
		return cli_fail(&err);
	}
	custodial = repo_holds_key(r, cli_jstr(j, "id"));
	if (json) {
		json_object_set_new(j, "custodial", json_boolean(custodial));
		rc = cli_print_json(j);
	} else {
		labels_init(&labels, repo_store(r));
		print_record(j, &labels, history);
		labels_release(&labels);
		printf("\nsigner key %s\n",
		       custodial ? "held by the operator (custodial)"
				 : "held by the party");
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	json_decref(j);
	repo_close(r);
	return rc;
}

static const struct cli_command party_commands[] = {
    {"add", party_add_cmd, "register a party"},
    {"list", party_list_cmd, "list the registered parties"},
    {"show", party_show_cmd, "show a party and its key"},
};

int cli_party(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cli_usage_error("party", "missing the subcommand");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		printf("usage: parallax party <subcommand> [options]\n\n"
		       "Register parties and look at them.\n\nsubcommands:\n");
		for (i = 0; i < PX_ARRAY_LEN(party_commands); i++)
			printf("  %-6s %s\n", party_commands[i].name,
			       party_commands[i].summary);
		printf("\n'parallax party <subcommand> --help' describes "
		       "one.\n");
		return 0;
	}
	for (i = 0; i < PX_ARRAY_LEN(party_commands); i++)
		if (strcmp(argv[1], party_commands[i].name) == 0)
			return party_commands[i].run(argc - 1, argv + 1);
	return cli_usage_error("party", "'%s' is not a subcommand", argv[1]);
}

/* ---- search */

static const char search_help[] =
    "usage: parallax search QUERY [filters] [--kind K] [--json] [--dir DIR]\n"
    "\n"
    "Search every text and every name, in any script and without regard to\n"
    "diacritics: titles, narratives, translations, characterizations,\n"
    "source titles, and all the names of places and persons (with their\n"
    "transliterations, so \"Stepanakert\", \"Степанакерт\" and \"Xankəndi\"\n"
    "find the same place).  A query that matches a place also finds the\n"
    "events at that place or within it.  Each result shows the record and\n"
    "a snippet with the match in [brackets].\n"
    "\n"
    "filters:\n" FILTER_HELP "  --kind K         only records of kind K\n"
    "\n"
    "options:\n"
    "  --json           print {\"items\": [record + \"snippet\" + \"match\"],\n"
    "                   \"next\"}\n"
    "  --dir DIR        the data directory\n"
    "  -h, --help       show this help\n";

int cli_search(int argc, char **argv)
{
	const char *cmd = "search", *dir_opt = NULL, *pos[1];
	int json = 0;
	struct filter_args f;
	struct store_query q;
	struct labels labels;
	struct px_err err;
	struct repo *r;
	json_t *res = NULL, *it;
	size_t i;
	int npos, rc;

	memset(&f, 0, sizeof(f));
	{
		const struct cli_opt opts[] = {FILTER_OPTS(f),
					       {"--kind", &f.kind, NULL},
					       {"--json", NULL, &json},
					       {"--dir", &dir_opt, NULL},
					       {NULL, NULL, NULL}};
		if (cli_wants_help(argc, argv)) {
			fputs(search_help, stdout);
			return 0;
		}
		rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
		if (rc)
			return rc;
	}
	if (npos < 1)
		return cli_usage_error(cmd, "missing the QUERY");
	if (!*pos[0])
		return cli_usage_error(cmd, "QUERY: the query is empty");
	rc = make_query(cmd, &f, &q);
	if (rc)
		return rc;
	q.text = pos[0];
	px_err_clear(&err);
	if (open_repo(cli_data_dir(dir_opt), 1, &r, &err))
		return cli_fail(&err);
	rc = store_search(repo_store(r), &q, &res, &err);
	if (rc) {
		repo_close(r);
		return cli_fail(&err);
	}
	if (json) {
		rc = cli_print_json(res);
		goto out;
	}
	labels_init(&labels, repo_store(r));
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		const json_t *rec = json_object_get(it, "record");
		const char *kind = cli_jstr(it, "kind");
		const char *owner = cli_jstr(it, "owner");
		const char *oname = labels_get(&labels, owner);
		char when[32] = "";

		if (kind && strcmp(kind, "event") == 0)
			event_when(rec, when, sizeof(when));
		printf("%s%zu. %s  ", i ? "\n" : "", i + 1, kind ? kind : "");
		cli_put_cell(stdout, record_label(rec), 100, 0);
		if (*when)
			printf("  (%s)", when);
		if (json_is_true(json_object_get(it, "withdrawn")))
			printf("  [withdrawn]");
		printf("\n   id     %s\n", cli_jstr(it, "id"));
		if (owner)
			printf("   owner  %s\n", oname ? oname : owner);
		if (cli_jstr(it, "snippet")) {
			printf("   match  %s%s",
			       cli_jstr(it, "match") ? cli_jstr(it, "match")
						     : "",
			       cli_jstr(it, "match") ? ": " : "");
			cli_put_cell(stdout, cli_jstr(it, "snippet"), 200, 0);
			putchar('\n');
		}
	}
	labels_release(&labels);
	if (json_array_size(json_object_get(res, "items")) == 0)
		printf("no results for '%s'\n", pos[0]);
	print_next(cmd, res);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	json_decref(res);
	repo_close(r);
	return rc;
}

/* ---- compare */

/* Display rank of a comparison field. */
static int field_rank(const char *f)
{
	static const char *const order[] = {"time",
					    "place",
					    "type",
					    "initiators",
					    "targets",
					    "characterization",
					    "casualties.civilians",
					    "casualties.military",
					    "casualties.unknown",
					    "relations",
					    NULL};
	int i;

	for (i = 0; order[i]; i++)
		if (strncmp(f, order[i], strlen(order[i])) == 0)
			return i;
	return i;
}

static int field_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = field_rank(x), ry = field_rank(y);

	if (rx != ry)
		return rx - ry;
	return strcmp(x, y);
}

static void actors_text(const json_t *v, struct px_buf *b)
{
	const json_t *a, *actors = json_object_get(v, "actors");
	size_t i;

	json_array_foreach(actors, i, a)
	{
		px_buf_addf(b, "%s%s", i ? "; " : "",
			    cli_jstr(a, "name") ? cli_jstr(a, "name") : "?");
		if (cli_jstr(a, "inter"))
			px_buf_addf(b, " (%s)", cli_jstr(a, "inter"));
	}
}

/* One party's value of a comparison field, as text. */
static void value_text(const char *field, const json_t *val,
		       struct labels *labels, struct px_buf *b)
{
	const json_t *v = json_object_get(val, "value");
	const json_t *range = json_object_get(val, "range");

	if (json_is_array(range) && json_array_size(range) == 2) {
		const json_t *lo = json_array_get(range, 0);
		const json_t *hi = json_array_get(range, 1);
		const json_t *best = json_object_get(v, "best");
		if (json_is_null(hi))
			px_buf_addf(b, "%lld or more",
				    (long long)json_integer_value(lo));
		else if (json_integer_value(lo) == json_integer_value(hi))
			px_buf_addf(b, "%lld",
				    (long long)json_integer_value(lo));
		else
			px_buf_addf(b, "%lld to %lld",
				    (long long)json_integer_value(lo),
				    (long long)json_integer_value(hi));
		if (json_is_integer(best) &&
		    (json_integer_value(lo) != json_integer_value(best) ||
		     json_integer_value(hi) != json_integer_value(best)))
			px_buf_addf(b, " (best %lld)",
				    (long long)json_integer_value(best));
		return;
	}
	if (strcmp(field, "time") == 0 && cli_jstr(v, "start")) {
		const char *s = cli_jstr(v, "start"), *e = cli_jstr(v, "end");
		if (e && strcmp(s, e) != 0)
			px_buf_addf(b, "%s to %s", s, e);
		else
			px_buf_addf(b, "%s", s);
		if (cli_jstr(v, "precision"))
			px_buf_addf(b, " (%s)", cli_jstr(v, "precision"));
		return;
	}
	if (strcmp(field, "place") == 0 && cli_jstr(v, "place")) {
		const char *p = cli_jstr(v, "place");
		const char *l = labels_get(labels, p);
		px_buf_addf(b, "%s", l ? l : p);
		if (cli_jstr(v, "precision"))
			px_buf_addf(b, " (%s)", cli_jstr(v, "precision"));
		return;
	}
	if (strcmp(field, "type") == 0 && cli_jstr(v, "type")) {
		px_buf_addf(b, "%s", cli_jstr(v, "type"));
		if (cli_jstr(v, "subtype"))
			px_buf_addf(b, " / %s", cli_jstr(v, "subtype"));
		return;
	}
	if ((strcmp(field, "initiators") == 0 ||
	     strcmp(field, "targets") == 0) &&
	    json_object_get(v, "actors")) {
		actors_text(v, b);
		return;
	}
	if (strcmp(field, "characterization") == 0 && cli_jstr(v, "text")) {
		px_buf_addf(b, "\xe2\x80\x9c%s\xe2\x80\x9d",
			    cli_jstr(v, "text"));
		if (cli_jstr(v, "lang"))
			px_buf_addf(b, " [%s]", cli_jstr(v, "lang"));
		return;
	}
	if (strncmp(field, "relations", 9) == 0 && cli_jstr(v, "type")) {
		const char *e = cli_jstr(v, "event");
		const char *l = e ? labels_get(labels, e) : NULL;
		px_buf_addf(b, "%s %s", cli_jstr(v, "type"),
			    l ? l : (e ? e : ""));
		return;
	}
	if (json_is_string(v)) {
		px_buf_addf(b, "%s", json_string_value(v));
	} else if (v) {
		char *d = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		px_buf_addf(b, "%s", d ? d : "");
		free(d);
	}
}

static void print_compare(const json_t *res, struct labels *labels)
{
	const json_t *ev = json_object_get(res, "event");
	const json_t *evrec = json_object_get(ev, "record");
	const json_t *accounts = json_object_get(res, "accounts");
	const json_t *fields = json_object_get(res, "fields"), *a, *f;
	const char **names, *key;
	size_t i, n, nw = 0, ndisputed = 0, w;
	char when[32];
	struct px_buf b;

	event_when(evrec, when, sizeof(when));
	printf("%s\n  %s  %s", record_label(evrec), cli_jstr(ev, "id"), when);
	if (cli_jstr(evrec, "type"))
		printf("  %s", cli_jstr(evrec, "type"));
	putchar('\n');
	{
		const char *pl =
		    cli_jstr(json_object_get(evrec, "place"), "place");
		const char *l = pl ? labels_get(labels, pl) : NULL;
		if (l)
			printf("  at %s\n", l);
	}

	printf("\n%zu account%s\n", json_array_size(accounts),
	       json_array_size(accounts) == 1 ? "" : "s");
	json_array_foreach(accounts, i, a)
	{
		const char *o = cli_jstr(a, "owner");
		const char *l = labels_get(labels, o);
		w = cli_width(l ? l : (o ? o : ""));
		if (w > nw)
			nw = w;
	}
	if (nw > 40)
		nw = 40;
	json_array_foreach(accounts, i, a)
	{
		const char *o = cli_jstr(a, "owner");
		const char *l = labels_get(labels, o);
		printf("  ");
		cli_put_cell(stdout, l ? l : (o ? o : ""), 40, nw + 2);
		printf(
		    "%s  log index %lld\n", cli_jstr(a, "id"),
		    (long long)json_integer_value(json_object_get(a, "index")));
	}

	n = json_object_size(fields);
	names = px_calloc(n ? n : 1, sizeof(*names));
	if (!names)
		return;
	i = 0;
	json_object_foreach((json_t *)fields, key, f)
	{
		(void)f;
		names[i++] = key;
	}
	qsort(names, n, sizeof(*names), field_cmp);
	for (i = 0; i < n; i++) {
		const char *status =
		    cli_jstr(json_object_get(fields, names[i]), "status");
		if (status && strcmp(status, "disputed") == 0)
			ndisputed++;
	}
	if (!ndisputed)
		printf("\nno disputed fields\n");
	if (ndisputed) {
		printf("\nDISPUTED:");
		for (i = 0; i < n; i++) {
			const char *status = cli_jstr(
			    json_object_get(fields, names[i]), "status");
			if (status && strcmp(status, "disputed") == 0)
				printf(" %s", names[i]);
		}
		printf("\n");
	}
	px_buf_init(&b, 1 << 20);
	for (i = 0; i < n; i++) {
		const json_t *fo = json_object_get(fields, names[i]), *val;
		const char *status = cli_jstr(fo, "status");
		size_t k;
		int disputed = status && strcmp(status, "disputed") == 0;

		printf("\n%s%s  %s%s\n", disputed ? "!! " : "", names[i],
		       disputed ? "DISPUTED" : (status ? status : ""),
		       disputed ? " !!" : "");
		json_array_foreach(json_object_get(fo, "values"), k, val)
		{
			const char *o = cli_jstr(val, "owner");
			const char *l = labels_get(labels, o);
			px_buf_reset(&b);
			value_text(names[i], val, labels, &b);
			printf("  ");
			cli_put_cell(stdout, l ? l : (o ? o : ""), 40, nw + 2);
			printf("%s\n", b.data ? (const char *)b.data : "");
		}
	}
	px_buf_release(&b);
	px_free(names);
}

static const char compare_help[] =
    "usage: parallax compare EVENT [--json] [--dir DIR]\n"
    "\n"
    "Compare the current accounts of an event, claim field by claim field\n"
    "(docs/MODEL.md, \"Comparison\"): for each field, its status - agreed,\n"
    "DISPUTED, single-source, or side-by-side for characterizations, which\n"
    "are never compared - and each party's value, one line per party.\n"
    "Casualty figures are shown as ranges per party; disputed fields are\n"
    "named at the top and marked with !! where they are shown.\n"
    "\n"
    "options:\n"
    "  --json        print {\"event\", \"accounts\", \"fields\", "
    "\"disputed\"}\n"
    "  --dir DIR     the data directory\n"
    "  -h, --help    show this help\n";

int cli_compare(int argc, char **argv)
{
	const char *cmd = "compare", *dir_opt = NULL, *pos[1];
	int json = 0;
	const struct cli_opt opts[] = {{"--json", NULL, &json},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	struct labels labels;
	struct px_err err;
	struct repo *r;
	json_t *res = NULL;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(compare_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the EVENT id");
	px_err_clear(&err);
	if (!is_id(pos[0], REC_EVENT)) {
		px_errorf(&err, PX_ENOTFOUND,
			  "no event '%s' (an event id is event-<64 hex "
			  "digits>)",
			  pos[0]);
		return cli_fail(&err);
	}
	if (open_repo(cli_data_dir(dir_opt), 1, &r, &err))
		return cli_fail(&err);
	rc = store_compare(repo_store(r), pos[0], &res, &err);
	if (rc == PX_ENOTFOUND)
		px_errorf(&err, rc, "no event '%s'", pos[0]);
	if (rc) {
		repo_close(r);
		return cli_fail(&err);
	}
	if (json) {
		rc = cli_print_json(res);
	} else {
		labels_init(&labels, repo_store(r));
		print_compare(res, &labels);
		labels_release(&labels);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	json_decref(res);
	repo_close(r);
	return rc;
}

/* ---- reindex */

static const char reindex_help[] =
    "usage: parallax reindex [DIR] [--json] [--quiet]\n"
    "\n"
    "Rebuild the store DIR/store.db from the log alone: every entry is\n"
    "checked and applied again, in order, into a new database, which then\n"
    "replaces the old one atomically.  The rebuilt store answers every\n"
    "query as the old one did.  Nothing may have the data directory open\n"
    "meanwhile (a server, another command).  A progress bar is drawn on a\n"
    "terminal.\n"
    "\n"
    "options:\n"
    "  --dir DIR     the data directory, when DIR is not given (default:\n"
    "                $PARALLAX_DIR, or ./parallax-data)\n"
    "  --quiet       no progress bar\n"
    "  --json        print {\"seconds\", \"stats\": the store's counts}\n"
    "  -h, --help    show this help\n";

int cli_reindex(int argc, char **argv)
{
	const char *cmd = "reindex", *dir_opt = NULL, *pos[1], *dir;
	int json = 0, quiet = 0;
	const struct cli_opt opts[] = {{"--json", NULL, &json},
				       {"--quiet", NULL, &quiet},
				       {"--dir", &dir_opt, NULL},
				       {NULL, NULL, NULL}};
	struct px_err err;
	struct repo *r;
	json_t *stats = NULL;
	double t0, secs;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(reindex_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	dir = npos ? pos[0] : cli_data_dir(dir_opt);
	px_err_clear(&err);
	if (!px_file_exists(dir)) {
		px_errorf(&err, PX_ENOTFOUND, "no data directory '%s'", dir);
		return cli_fail(&err);
	}
	t0 = px_now();
	rc = repo_reindex(dir, !quiet && isatty(STDERR_FILENO), &err);
	secs = px_now() - t0;
	if (rc) {
		px_err_prefix(&err, "reindex '%s'", dir);
		return cli_fail(&err);
	}
	if (open_repo(dir, 1, &r, &err))
		return cli_fail(&err);
	rc = store_stats(repo_store(r), &stats, &err);
	repo_close(r);
	if (rc)
		return cli_fail(&err);
	if (json) {
		json_t *j =
		    json_pack("{s:f, s:O}", "seconds", secs, "stats", stats);
		rc = j ? cli_print_json(j) : 1;
		json_decref(j);
	} else {
		json_int_t applied =
		    json_integer_value(json_object_get(stats, "applied"));
		json_int_t refused =
		    json_integer_value(json_object_get(stats, "refused"));
		printf("reindexed %s: %lld entries applied (%lld of them "
		       "refused), in %.2f s (%.0f entries/s)\n",
		       dir, (long long)applied, (long long)refused, secs,
		       secs > 0 ? (double)applied / secs : 0.0);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	json_decref(stats);
	return rc;
}
