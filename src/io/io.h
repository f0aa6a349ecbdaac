/*
 * io.h - the formats parallax users already hold, in and out: ACLED CSV,
 * UCDP GED CSV, the GeoNames 19-column TSV, and parallax's own JSONL; out
 * also GeoJSON.  The CLI's `import` and `export` commands are thin wrappers
 * over io_import and io_export.
 *
 * Importing.  Each input row becomes a small set of records (an ACLED row:
 * its sources, perhaps a new place, an event and the dataset's account of
 * it).  Every record's JSON is made deterministic from the row alone, with
 * filed_at taken from the row (ACLED `timestamp`; else the row's first date
 * at 00:00:00Z; GeoNames: the modification date), so that its id, the
 * SHA-256 of its canonical JSON, is the same on every import of the same
 * row.  A second import therefore offers records the store already holds
 * and the store refuses them as duplicates (PX_EEXIST): they count as
 * "skipped: already imported", which also makes an interrupted import
 * resumable.  Sources named by many rows (ACLED `source`, UCDP
 * `source_office`) are filed with the fixed filed_at IO_SHARED_FILED_AT so
 * that one outlet is one record whichever row names it first.
 *
 * A row is converted and validated as a whole (rec_parse) before anything
 * of it is submitted: a bad row is reported with its line number, column
 * and reason and nothing of it is written; with strict, the whole file is
 * checked first and any bad row stops the import with nothing written.
 * Rows that pass are filed in group commits (repo_file_batch).  Columns a
 * format has but the record model has no member for are kept in the
 * account's (or place's) `comment` as "name=value" lines, and listed in
 * the summary as "kept in comment", never dropped silently.
 *
 * Exporting.  io_export writes the records a store_query selects.  JSONL
 * is lossless: each line carries one log entry (the signed note), so that
 * importing it re-submits the very entries and the records keep their ids
 * and signatures.  ACLED and UCDP CSV have one row per account (each
 * party's figures stay its own) or, with consensus, one row per event.
 * GeoJSON has a Feature per event and per place.  CSV is written with
 * RFC 4180 quoting.
 */
#ifndef PX_IO_IO_H
#define PX_IO_IO_H

#include "log/note.h"
#include "util/px.h"

#include <stdint.h>
#include <stdio.h>

struct repo;

enum io_format {
	IO_ACLED,
	IO_UCDP,
	IO_GEONAMES,
	IO_JSONL,
	IO_GEOJSON /* export only */
};

/* "acled", "ucdp", "geonames", "jsonl", "geojson" -> *out; PX_EINVAL. */
int io_format_parse(const char *s, enum io_format *out);
const char *io_format_name(enum io_format f);

#define IO_SHARED_FILED_AT "1970-01-01T00:00:00Z"
#define IO_FIELD_MAX (1024 * 1024) /* longest CSV field accepted */
#define IO_COLUMNS_MAX 512	   /* most columns in a row */

/* ---- CSV reading (csvread.c): a pull reader over libcsv. */

struct io_csv;

struct io_csv_row {
	size_t n;	    /* number of fields */
	const char **field; /* each NUL-terminated (a field may hold NUL:
			       use len) */
	const size_t *len;
	uint64_t line;	     /* physical line the row starts on (1-based) */
	const char *problem; /* NULL, or why this row cannot be read
				(field too long, broken quoting ...) */
};

/*
 * Read CSV (RFC 4180, delimiter ',') or, with tsv set, tab-separated values
 * without quoting (GeoNames).  A UTF-8 BOM is skipped; CRLF, LF and quoted
 * line breaks are accepted; rows may be ragged.  The stream is not closed.
 */
int io_csv_open(FILE *f, int tsv, struct io_csv **out, struct px_err *err);
/* Next row: 1 and *row set (valid until the next call), 0 at the end, or a
 * negative code (read error, out of memory). */
int io_csv_next(struct io_csv *c, const struct io_csv_row **row,
		struct px_err *err);
uint64_t io_csv_offset(const struct io_csv *c); /* bytes read so far */
void io_csv_free(struct io_csv *c);

/* ---- CSV writing (export.c): RFC 4180 §2 quoting. */

/* Append one field, quoted when it holds '"', ',', CR or LF (or begins or
 * ends with a space), with '"' doubled. */
int io_csv_field(struct px_buf *b, const char *s, size_t len);

/* ---- value parsing shared by the importers (import.c). */

/*
 * A decimal degree string ("40.1234", "-0.5", "46") to micro-degrees,
 * exactly (no floating point): digits past the sixth decimal are rounded
 * half away from zero.  |value| must not exceed max (micro-degrees).
 */
int io_parse_microdeg(const char *s, size_t len, int64_t max, int64_t *out,
		      struct px_err *err);
/* Micro-degrees to a decimal string "40.123400" -> trailing zeros cut:
 * "40.1234"; exact.  out needs 16 bytes. */
void io_format_microdeg(int64_t v, char out[16]);
/*
 * A date as datasets write it: "2023-09-19" (also with a time after it),
 * "19 September 2023", "19-September-2023", "19-Sep-23" (years 00-69 are
 * 20xx), "2023/09/19".  out receives "YYYY-MM-DD"; impossible dates
 * (2023-02-30) are refused.
 */
int io_parse_date(const char *s, size_t len, char out[11], struct px_err *err);
/* Days since 1970-01-01 of a valid "YYYY-MM-DD", and back. */
int64_t io_date_days(const char *ymd);
void io_days_date(int64_t days, char out[11]);
/* A non-negative integer count, at most max ("12", also "12.0"). */
int io_parse_count(const char *s, size_t len, int64_t max, int64_t *out,
		   struct px_err *err);
/* The ISO 15924 script of a name, from its letters: "Latn", "Cyrl",
 * "Armn", ... "Zyyy" when it has no letters, "Zzzz" when unknown. */
const char *io_script_of(const char *s, size_t len);

/* ---- import (import.c). */

struct io_import_options {
	enum io_format format;
	const char *path;     /* "-": standard input */
	FILE *input;	      /* when set, read this stream (path names it) */
	const char *as_party; /* party id filing the records */
	int strict;	      /* any bad row: stop, nothing written */
	int dry_run;	      /* check and count, write nothing */
	int progress;	      /* progress bar on a terminal */
	/* When set, entries are signed here with this key (the party's, which
	 * the operator does not hold) and submitted as signed entries. */
	const struct note_signer *signer;
	FILE *report;	       /* bad rows and notes are written here */
	unsigned max_reported; /* most bad rows reported one by one (0: 50) */
};

struct io_import_stats {
	uint64_t rows;		    /* rows read (not counting headers) */
	uint64_t imported;	    /* rows that added records */
	uint64_t updated;	    /* rows that revised a record (GeoNames) */
	uint64_t skipped_existing;  /* rows already imported */
	uint64_t skipped_unchanged; /* GeoNames rows whose place is current */
	uint64_t bad;		    /* rows refused */
	uint64_t records;	    /* records written (or that would be) */
	uint64_t places_new;	    /* places created for unmatched locations */
	uint64_t places_matched;    /* event rows matched to a known place */
	uint64_t notes; /* values shortened or left out (reported) */
	double seconds;
	char mapped[1024];  /* "event_date->time, ..." (header summary) */
	char kept[1024];    /* columns kept in comments */
	char ignored[1024]; /* columns not recognised at all */
};

/* r may be NULL: the input is then only read, converted and validated,
 * and nothing is written (tests and fuzzing use this). */
int io_import(struct repo *r, const struct io_import_options *opt,
	      struct io_import_stats *stats, struct px_err *err);
/* Make a message safe to print: invalid UTF-8 bytes become '?', control
 * characters spaces (messages quote input). */
void io_clean_msg(char *msg);
/* The summary, as the CLI prints it. */
void io_import_summary(const struct io_import_options *opt,
		       const struct io_import_stats *stats, FILE *f);

/* ---- export (export.c). */

struct io_export_options {
	enum io_format format;
	const char *from, *to; /* YYYY-MM-DD */
	const char *place;     /* place id */
	const char *party;     /* party id */
	const char *type;      /* event type code */
	int consensus;	       /* acled/ucdp: one row per event */
	int progress;
};

struct io_export_stats {
	uint64_t rows;
	double seconds;
};

int io_export(struct repo *r, const struct io_export_options *opt, FILE *out,
	      struct io_export_stats *stats, struct px_err *err);

#endif
