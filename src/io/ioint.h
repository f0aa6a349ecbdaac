/*
 * ioint.h - what the importers of src/io/ share: the import context (the
 * repo, the gazetteer of known places, the ids offered so far), the unit of
 * records made from one row, and the helpers that build record JSON.  Each
 * format (acled.c, ucdp.c, geonames.c, jsonl.c) provides a header function
 * (learn the columns) and a row function (make a unit); import.c runs them.
 */
#ifndef PX_IO_IOINT_H
#define PX_IO_IOINT_H

#include "io/io.h"
#include "record/record.h"

#include <jansson.h>

struct store;

/* ---- a string -> value hash map (open addressing, FNV-1a). */
struct io_map {
	char **key;
	size_t *val;
	size_t cap, n;
};
void io_map_init(struct io_map *m);
void io_map_release(struct io_map *m);
/* The value of key, or (size_t)-1. */
size_t io_map_get(const struct io_map *m, const char *key);
/* Set key to val (key copied); 0 or PX_ENOMEM. */
int io_map_put(struct io_map *m, const char *key, size_t val);

/* ---- the gazetteer: places the store knows, by name key and geonameid. */
struct io_place {
	char id[REC_ID_SIZE];
	int has_coords;
	int64_t lat, lon;
	int64_t geonameid;
	int level; /* 0 settlement/other, 1 district, 2 region, 3 country */
};

struct io_gaz {
	struct io_place *p;
	size_t n, cap;
	struct io_map bykey; /* names_key -> first link index */
	size_t *link_place;  /* link -> place index */
	size_t *link_next;   /* link -> next link with the same key */
	size_t nlinks, linkcap;
	struct io_map bygeo; /* geonameid (decimal) -> place index */
};

/* ---- one row's records. */
#define IO_UNIT_MAX 64

struct io_unit {
	json_t *rec[IO_UNIT_MAX]; /* in the order they must be filed */
	size_t n;
	int update;    /* the unit revises an existing record */
	int unchanged; /* nothing to do: the record is current */
	int new_place; /* a place was created for it */
	int matched;   /* its place was found in the gazetteer */
};

struct io_ctx {
	struct repo *repo;
	struct store *st;
	const struct io_import_options *opt;
	struct io_import_stats *stats;
	const char *party;
	struct io_gaz gaz;
	struct io_map seen; /* record ids offered in this run */
	int col[64];	    /* format's column indexes (-1: absent) */
	int hxl_pending;    /* ACLED: a second header row may follow */
	int ncols;
	int header_done;
	unsigned reported;
};

/* Report a note (a value shortened, a column kept in a comment). */
void io_note(struct io_ctx *c, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The field of column index col of row, trimmed of spaces; "" when absent
 * or "NA" / "NULL" with na set.  *len receives its length. */
const char *io_col(const struct io_csv_row *row, int col, int na, size_t *len);

/* A field must be valid UTF-8 without NUL; else PX_EINVAL naming it. */
int io_check_text(const char *s, size_t len, const char *column,
		  struct px_err *err);

/* JSON helpers: set a string member (copying len bytes). */
int io_set_str(json_t *o, const char *key, const char *s, size_t len);
/* A new envelope {"v":1,"kind":..,"filed_by":..,"filed_at":..}. */
json_t *io_envelope(struct io_ctx *c, const char *kind, const char *filed_at);
/* Canonical text and id of a record built in memory (no validation). */
int io_record_id(const json_t *rec, char id[REC_ID_SIZE], struct px_err *err);

/* Find or create the place of an event row.  level as io_place.level;
 * lat/lon valid when has_coords.  The place id is written to id; a new
 * place record is appended to u. */
int io_place_for(struct io_ctx *c, const char *name, size_t len, int level,
		 int has_coords, int64_t lat, int64_t lon, const char *filed_at,
		 const char *comment, struct io_unit *u, char id[REC_ID_SIZE],
		 struct px_err *err);
/* Add a shared source (an outlet, a document) and write its id. */
int io_source_for(struct io_ctx *c, json_t *source, struct io_unit *u,
		  char id[REC_ID_SIZE], struct px_err *err);
/* Add a place to the gazetteer (after it was created or listed). */
int io_gaz_add(struct io_gaz *g, const char *id, const json_t *place);

/* Append a "name=value" line to a comment buffer (values shortened to
 * keep the comment within REC_NOTE_MAX characters). */
void io_comment_add(struct px_buf *b, const char *name, const char *v,
		    size_t len);

/* ---- the formats. */
int io_acled_header(struct io_ctx *c, const struct io_csv_row *row,
		    struct px_err *err);
int io_acled_row(struct io_ctx *c, const struct io_csv_row *row,
		 struct io_unit *u, struct px_err *err);
/* UCDP GED's 49 column names, in the codebook's order (ucdp.c). */
#define IO_UCDP_COLUMNS 49
extern const char *const io_ucdp_columns[IO_UCDP_COLUMNS];

int io_ucdp_header(struct io_ctx *c, const struct io_csv_row *row,
		   struct px_err *err);
int io_ucdp_row(struct io_ctx *c, const struct io_csv_row *row,
		struct io_unit *u, struct px_err *err);
int io_geonames_row(struct io_ctx *c, const struct io_csv_row *row,
		    struct io_unit *u, struct px_err *err);

/* Returned by a row function for a row that is not data (a second header
 * row of HXL hashtags). */
#define IO_ROW_SKIP 1

#endif
