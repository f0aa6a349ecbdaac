/*
 * cli_io.c - `parallax import` and `parallax export`: the formats users
 * already hold (ACLED, UCDP GED, GeoNames, parallax JSONL) in, and JSONL,
 * ACLED, UCDP GED and GeoJSON out.  The work is done by src/io/ (io.h);
 * this file parses options, opens the data directory, and prints the
 * summary.  Progress bars are drawn only on a terminal.
 */
#include "cli_io.h"
#include "cli.h"
#include "cli_fmt.h"
#include "io/io.h"
#include "log/note.h"
#include "record/record.h"
#include "repo/repo.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char import_help[] =
    "usage: parallax import FORMAT FILE --as PARTY [--strict] [--dry-run]\n"
    "                       [--key KEYFILE] [--dir DIR]\n"
    "\n"
    "Import FILE ('-' for standard input) into the data directory.\n"
    "FORMAT is one of:\n"
    "  acled     ACLED CSV (the 31-column layout and older ones, with or\n"
    "            without a row of HXL hashtags): each row becomes an event\n"
    "            and the dataset's account of it, its sources and its place\n"
    "  ucdp      UCDP GED CSV (49 columns), the same way\n"
    "  geonames  GeoNames 19-column TSV: places with every name; a place\n"
    "            imported before is revised when its row changed\n"
    "  jsonl     parallax records or an export of `parallax export jsonl`\n"
    "\n"
    "Importing the same file again adds nothing (each row's records get the\n"
    "same ids), so an interrupted import can simply be run again.  A bad row\n"
    "is reported with its line, column and reason, and nothing of it is\n"
    "written; the other rows go on.\n"
    "\n"
    "options:\n"
    "  --as PARTY      the party filing the records (a party id; default\n"
    "                  $PARALLAX_PARTY); the operator must hold its key,\n"
    "                  unless --key is given\n"
    "  --key KEYFILE   sign the records with this signed-note private key\n"
    "                  (the party's own) instead of a key the operator holds\n"
    "  --strict        check the whole file first; any bad row stops the\n"
    "                  import with nothing written\n"
    "  --dry-run       check and count, write nothing\n"
    "  --quiet         no summary\n"
    "  --dir DIR       the data directory (default $PARALLAX_DIR or\n"
    "                  ./parallax-data)\n";

static const char export_help[] =
    "usage: parallax export FORMAT [--from DATE] [--to DATE] [--place ID]\n"
    "                       [--party ID] [--type TYPE] [--consensus]\n"
    "                       [--output FILE] [--dir DIR]\n"
    "\n"
    "Write records to standard output (or FILE).  FORMAT is one of:\n"
    "  jsonl     every log entry (signed) in log order: lossless; `parallax\n"
    "            import jsonl` gives the same records with the same ids\n"
    "  acled     ACLED CSV, one row per account (each party's figures stay\n"
    "            its own), plus px_event, px_account, px_party columns\n"
    "  ucdp      UCDP GED CSV (49 columns), one row per account\n"
    "  geojson   a FeatureCollection of events (at their place) and places\n"
    "\n"
    "options:\n"
    "  --from DATE, --to DATE  events whose time overlaps the dates\n"
    "  --place ID      events at this place or within it\n"
    "  --party ID      events this party has an account of\n"
    "  --type TYPE     events of this type (e.g. battle)\n"
    "  --consensus     acled/ucdp: one row per event with what the accounts\n"
    "                  agree on; px_disputed names the disputed fields\n"
    "  --output FILE   write to FILE instead of standard output\n"
    "  --dir DIR       the data directory\n";

static int open_repo(const char *dir, struct repo **r, struct px_err *err)
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
	o.progress = 1;
	rc = repo_open(dir, &o, r, err);
	if (rc)
		px_err_prefix(err, "open '%s'", dir);
	return rc;
}

static int is_party_id(const char *s)
{
	enum rec_kind kind;
	uint8_t hash[32];

	return rec_id_parse(s, strlen(s), &kind, hash, NULL) == 0 &&
	       kind == REC_PARTY;
}

/* Read a signed-note private key file ("PRIVATE+KEY+..."), first line. */
static int read_signer(const char *path, struct note_signer *s,
		       struct px_err *err)
{
	struct px_buf b;
	size_t n;
	int rc;

	px_buf_init(&b, 4096);
	rc = px_read_file(path, &b, err);
	if (rc == 0) {
		const char *t = (const char *)b.data;

		for (n = 0; n < b.len && t[n] != '\n' && t[n] != '\r'; n++)
			;
		rc = note_signer_parse(t, n, s, err);
		if (rc)
			px_err_prefix(err, "--key '%s'", path);
	}
	if (b.data)
		sodium_memzero(b.data, b.len);
	px_buf_release(&b);
	return rc;
}

int cli_import(int argc, char **argv)
{
	const char *cmd = "import";
	const char *as = NULL, *dir_opt = NULL, *key = NULL;
	const char *pos[2];
	int strict = 0, dry = 0, quiet = 0, npos = 0, rc;
	const struct cli_opt opts[] = {
	    {"--as", &as, NULL},       {"--dir", &dir_opt, NULL},
	    {"--key", &key, NULL},     {"--strict", NULL, &strict},
	    {"--dry-run", NULL, &dry}, {"--quiet", NULL, &quiet},
	    {NULL, NULL, NULL}};
	struct io_import_options o;
	struct io_import_stats st;
	struct note_signer signer;
	struct repo *r = NULL;
	struct px_err err = {0};

	if (cli_wants_help(argc, argv)) {
		fputs(import_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 2, &npos);
	if (rc)
		return rc;
	if (npos != 2)
		return cli_usage_error(cmd, "needs FORMAT and FILE");
	memset(&o, 0, sizeof(o));
	if (io_format_parse(pos[0], &o.format) != 0 || o.format == IO_GEOJSON)
		return cli_usage_error(cmd,
				       "'%s' is not a format to import "
				       "(acled, ucdp, geonames, jsonl)",
				       pos[0]);
	if (!as) {
		const char *env = getenv("PARALLAX_PARTY");

		if (env && *env)
			as = env;
	}
	if (as && !is_party_id(as))
		return cli_usage_error(cmd,
				       "--as: '%s' is not a party id "
				       "(party-<64 hex digits>)",
				       as);
	if (!as && o.format != IO_JSONL)
		return cli_usage_error(cmd, "--as PARTY is needed: the party "
					    "whose dataset this is");
	memset(&signer, 0, sizeof(signer));
	if (key) {
		rc = read_signer(key, &signer, &err);
		if (rc)
			return cli_fail(&err);
		if (!as && o.format == IO_JSONL) {
			/* jsonl records name their filer themselves */
		}
		o.signer = &signer;
	}
	o.path = pos[1];
	o.as_party = as;
	o.strict = strict;
	o.dry_run = dry;
	o.progress = isatty(STDERR_FILENO);
	o.report = stderr;
	rc = open_repo(cli_data_dir(dir_opt), &r, &err);
	if (rc) {
		note_signer_wipe(&signer);
		return cli_fail(&err);
	}
	if (as && !key && !repo_holds_key(r, as) && o.format != IO_JSONL)
		rc = px_errorf(&err, PX_EUSAGE,
			       "the operator does not hold the key of party "
			       "'%s': give its key with --key",
			       as);
	if (rc == 0)
		rc = io_import(r, &o, &st, &err);
	repo_close(r);
	note_signer_wipe(&signer);
	if (!quiet && (rc == 0 || st.rows))
		io_import_summary(&o, &st, stderr);
	if (rc)
		return cli_fail(&err);
	return st.bad ? 1 : 0;
}

int cli_export(int argc, char **argv)
{
	const char *cmd = "export";
	const char *dir_opt = NULL, *output = NULL;
	const char *pos[1];
	int consensus = 0, npos = 0, rc;
	struct io_export_options o;
	const struct cli_opt opts[] = {
	    {"--from", &o.from, NULL},	 {"--to", &o.to, NULL},
	    {"--place", &o.place, NULL}, {"--party", &o.party, NULL},
	    {"--type", &o.type, NULL},	 {"--consensus", NULL, &consensus},
	    {"--output", &output, NULL}, {"--dir", &dir_opt, NULL},
	    {NULL, NULL, NULL}};
	struct io_export_stats st;
	struct repo *r = NULL;
	struct px_err err = {0};
	FILE *out = stdout;

	memset(&o, 0, sizeof(o));
	if (cli_wants_help(argc, argv)) {
		fputs(export_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos != 1)
		return cli_usage_error(cmd, "needs FORMAT");
	if (io_format_parse(pos[0], &o.format) != 0 || o.format == IO_GEONAMES)
		return cli_usage_error(cmd,
				       "'%s' is not a format to export "
				       "(jsonl, acled, ucdp, geojson)",
				       pos[0]);
	if (consensus && o.format != IO_ACLED && o.format != IO_UCDP)
		return cli_usage_error(cmd,
				       "--consensus is for acled and ucdp");
	o.consensus = consensus;
	o.progress =
	    isatty(STDERR_FILENO) && (output || !isatty(STDOUT_FILENO));
	rc = open_repo(cli_data_dir(dir_opt), &r, &err);
	if (rc)
		return cli_fail(&err);
	if (output) {
		out = fopen(output, "wb");
		if (!out) {
			repo_close(r);
			px_errorf(&err, PX_EIO, "open '%s' for writing",
				  output);
			return cli_fail(&err);
		}
	}
	rc = io_export(r, &o, out, &st, &err);
	repo_close(r);
	if (output && fclose(out) != 0 && rc == 0)
		rc = px_errorf(&err, PX_EIO, "write '%s'", output);
	if (rc)
		return cli_fail(&err);
	if (o.progress)
		fprintf(stderr, "exported %llu %s in %.1f s\n",
			(unsigned long long)st.rows,
			o.format == IO_GEOJSON ? "features" : "rows",
			st.seconds);
	return 0;
}
