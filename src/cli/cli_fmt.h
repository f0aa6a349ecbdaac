/*
 * cli_fmt.h - what the record commands of the parallax command share:
 * argument parsing, choosing the data directory, reading a record file (or
 * standard input), printing JSON for scripts and aligned tables for people.
 * Widths are counted in characters (code points, combining marks taking
 * none), so that Armenian, Cyrillic and Latin names line up alike.
 */
#ifndef PX_CLI_FMT_H
#define PX_CLI_FMT_H

#include "util/px.h"

#include <jansson.h>
#include <stdio.h>

/* An option: "--name VALUE" (val set) or a flag (flag set to 1). */
struct cli_opt {
	const char *name;
	const char **val;
	int *flag;
};

/*
 * Parse argv[1..] against opts (ended by a {NULL} entry): options may come
 * anywhere, as "--x V" or "--x=V"; "--" ends them; "-" alone is positional.
 * At most maxpos positionals go to pos.  Returns 0 or the exit status of a
 * usage error (already printed).
 */
int cli_parse_args(const char *cmd, int argc, char **argv,
		   const struct cli_opt *opts, const char **pos, int maxpos,
		   int *npos);

/* The data directory: opt (from --dir) if given, else $PARALLAX_DIR, else
 * "./parallax-data". */
const char *cli_data_dir(const char *opt);

/*
 * Read a whole file, or standard input when path is "-", into b (whose max
 * bounds it: PX_ETOOBIG past it).  Errors name the file.
 */
int cli_read_input(const char *path, struct px_buf *b, struct px_err *err);

/* Print v as indented JSON with sorted keys and a final newline; returns
 * the exit status (1 if stdout could not be written). */
int cli_print_json(const json_t *v);

/* Display width of UTF-8 text: code points, combining marks excluded. */
size_t cli_width(const char *s);
/* Print s, cut to at most max columns (ending in "…" when cut; max 0 means
 * no limit), and pad with spaces to width columns. */
void cli_put_cell(FILE *f, const char *s, size_t max, size_t width);

/* A table of text cells, printed with aligned columns and a header row. */
#define CLI_TABLE_COLS 8

struct cli_table {
	size_t ncols;
	const char *head[CLI_TABLE_COLS];
	size_t max[CLI_TABLE_COLS]; /* cut cells to this width; 0: never */
	char **cells;		    /* nrows * ncols owned strings */
	size_t nrows, cap;
};

void cli_table_init(struct cli_table *t, size_t ncols, const char *const *head);
/* Add a row of ncols cells (copied; NULL is an empty cell). */
int cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(const struct cli_table *t, FILE *f);
void cli_table_release(struct cli_table *t);

/* A string member of a jansson object, or NULL. */
const char *cli_jstr(const json_t *obj, const char *key);

#endif
