/*
 * fuzz_import.h - the body the importer fuzz targets share: the input is
 * read in one format by io_import with no data directory (conversion and
 * validation only).  For any input: nothing crashes or leaks, the reader
 * ends, every row is counted as good or bad, and the messages printed about
 * bad rows are clean UTF-8 without control characters.
 */
#ifndef PX_FUZZ_IMPORT_H
#define PX_FUZZ_IMPORT_H

#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fuzz_import(const uint8_t *data, size_t size, enum io_format format)
{
	struct io_import_options o;
	struct io_import_stats st;
	struct px_err err = {0};
	char *report = NULL;
	size_t report_len = 0;
	FILE *in, *rep;

	if (size == 0)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	rep = open_memstream(&report, &report_len);
	if (!in || !rep)
		abort();
	memset(&o, 0, sizeof(o));
	o.format = format;
	o.path = "fuzz";
	o.input = in;
	o.as_party = "party-"
		     "0a0a9aace07de18d44fa351ef81bb26ae9c0c6776826e8d9b170b1f2b"
		     "d50af2e";
	o.report = rep;
	o.max_reported = 1000;
	if (io_import(NULL, &o, &st, &err) == 0 &&
	    st.imported + st.bad + st.skipped_existing + st.skipped_unchanged >
		st.rows)
		abort();
	fclose(in);
	fclose(rep);
	for (size_t i = 0; i < report_len; i++)
		if ((unsigned char)report[i] < 0x20 && report[i] != '\n')
			abort();
	free(report); /* open_memstream's buffer */
	return 0;
}

#endif
