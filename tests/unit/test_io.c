/*
 * test_io.c - the pieces of src/io/ that need no data directory: the CSV
 * reader over libcsv (BOM, CRLF, quoted line breaks, ragged rows, broken
 * quoting, line numbers, TSV), RFC 4180 quoting on output, exact decimal
 * degrees, dates as datasets write them, counts, script detection, and the
 * converters run in check-only mode (io_import with no repo) over small
 * ACLED, UCDP and GeoNames inputs.
 */
#include "io/io.h"
#include "io/ioint.h"
#include "test.h"

#include <string.h>

/* Read all rows of text; fields joined with '|', rows with '\n' (each row
 * prefixed with its line number and ':' and, if broken, '!'). */
static void read_all(const char *text, size_t len, int tsv, char *out,
		     size_t cap)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	struct io_csv *c = NULL;
	const struct io_csv_row *row;
	size_t n = 0;

	out[0] = 0;
	if (!f || io_csv_open(f, tsv, &c, NULL) != 0) {
		if (f)
			fclose(f);
		return;
	}
	while (io_csv_next(c, &row, NULL) == 1) {
		n += (size_t)snprintf(out + n, cap - n, "%llu:%s",
				      (unsigned long long)row->line,
				      row->problem ? "!" : "");
		for (size_t i = 0; i < row->n && n < cap; i++)
			n += (size_t)snprintf(out + n, cap - n, "%s%.*s",
					      i ? "|" : "", (int)row->len[i],
					      row->field[i]);
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n, "\n");
	}
	io_csv_free(c);
	fclose(f);
}

TEST(csv_rfc4180_and_real_habits)
{
	char out[1024];
	const char in[] = "\xEF\xBB\xBF"
			  "a,b,c\r\n"
			  "1,\"two, quoted\",3\r\n"
			  "\"multi\nline\",\"say \"\"hi\"\"\",x\r\n"
			  "ragged,row\n"
			  "\n"
			  "last,no,newline";

	read_all(in, sizeof(in) - 1, 0, out, sizeof(out));
	CHECK_EQ_STR(out, "1:a|b|c\n"
			  "2:1|two, quoted|3\n"
			  "3:multi\nline|say \"hi\"|x\n"
			  "5:ragged|row\n"
			  "7:last|no|newline\n");
}

TEST(csv_broken_quoting_is_one_bad_row)
{
	char out[1024];
	const char in[] = "h1,h2\n"
			  "ok,1\n"
			  "bad \"quote\" here,2\n"
			  "\"closed\"junk,3\n"
			  "fine,4\n";

	read_all(in, sizeof(in) - 1, 0, out, sizeof(out));
	/* the rows after a broken one are read normally */
	CHECK(strstr(out, "2:ok|1\n") != NULL);
	CHECK(strstr(out, "3:!") != NULL);
	CHECK(strstr(out, "4:!") != NULL);
	CHECK(strstr(out, "5:fine|4\n") != NULL);
}

TEST(csv_unclosed_quote_at_end)
{
	char out[1024];
	const char in[] = "h\n\"never closed\n";

	read_all(in, sizeof(in) - 1, 0, out, sizeof(out));
	CHECK(strstr(out, "2:!") != NULL);
}

TEST(csv_long_field_makes_its_row_bad)
{
	size_t big = (size_t)IO_FIELD_MAX + 10;
	char *in = px_malloc(big + 64);
	char out[256];

	REQUIRE(in != NULL);
	memcpy(in, "h\n", 2);
	memset(in + 2, 'x', big);
	memcpy(in + 2 + big, "\nnext\n", 6);
	read_all(in, big + 8, 0, out, sizeof(out));
	CHECK_EQ_STR(out, "1:h\n2:!\n3:next\n");
	px_free(in);
}

TEST(tsv_has_no_quoting)
{
	char out[256];
	const char in[] = "1\t\"Quoted\" name\t a \n2\tb\tc";

	read_all(in, sizeof(in) - 1, 1, out, sizeof(out));
	CHECK_EQ_STR(out, "1:1|\"Quoted\" name| a \n2:2|b|c\n");
}

TEST(csv_field_quoting)
{
	struct px_buf b;

	px_buf_init(&b, 1024);
	io_csv_field(&b, "plain", 5);
	px_buf_addc(&b, ',');
	io_csv_field(&b, "a,b", 3);
	px_buf_addc(&b, ',');
	io_csv_field(&b, "say \"hi\"", 8);
	px_buf_addc(&b, ',');
	io_csv_field(&b, "two\nlines", 9);
	px_buf_addc(&b, ',');
	io_csv_field(&b, "", 0);
	CHECK_EQ_STR((const char *)b.data,
		     "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",");
	px_buf_release(&b);
}

TEST(microdegrees_are_exact)
{
	int64_t v = 0;
	char s[16];

	CHECK_EQ_INT(io_parse_microdeg("39.815", 6, REC_LAT_MAX, &v, NULL), 0);
	CHECK_EQ_INT(v, 39815000);
	CHECK_EQ_INT(io_parse_microdeg("-0.000001", 9, REC_LAT_MAX, &v, NULL),
		     0);
	CHECK_EQ_INT(v, -1);
	/* the seventh decimal rounds half away from zero */
	CHECK_EQ_INT(io_parse_microdeg("46.7519995", 10, REC_LON_MAX, &v, NULL),
		     0);
	CHECK_EQ_INT(v, 46752000);
	CHECK_EQ_INT(
	    io_parse_microdeg("-46.7519995", 11, REC_LON_MAX, &v, NULL), 0);
	CHECK_EQ_INT(v, -46752000);
	CHECK_EQ_INT(io_parse_microdeg("90", 2, REC_LAT_MAX, &v, NULL), 0);
	CHECK_EQ_INT(v, 90000000);
	CHECK_EQ_INT(io_parse_microdeg("200", 3, REC_LAT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_microdeg("90.0000001", 10, REC_LAT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_microdeg("1e5", 3, REC_LAT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_microdeg("", 0, REC_LAT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_microdeg("-", 1, REC_LAT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_microdeg("99999999999999999999", 20, REC_LAT_MAX,
				       &v, NULL),
		     PX_EINVAL);
	io_format_microdeg(39815000, s);
	CHECK_EQ_STR(s, "39.815");
	io_format_microdeg(-1, s);
	CHECK_EQ_STR(s, "-0.000001");
	io_format_microdeg(-180000000, s);
	CHECK_EQ_STR(s, "-180");
	io_format_microdeg(0, s);
	CHECK_EQ_STR(s, "0");
}

TEST(dates_as_datasets_write_them)
{
	char d[11];

	CHECK_EQ_INT(io_parse_date("2023-09-19", 10, d, NULL), 0);
	CHECK_EQ_STR(d, "2023-09-19");
	CHECK_EQ_INT(io_parse_date("2020-09-27 00:00:00.000", 23, d, NULL), 0);
	CHECK_EQ_STR(d, "2020-09-27");
	CHECK_EQ_INT(io_parse_date("19 September 2023", 17, d, NULL), 0);
	CHECK_EQ_STR(d, "2023-09-19");
	CHECK_EQ_INT(io_parse_date("20-Sep-23", 9, d, NULL), 0);
	CHECK_EQ_STR(d, "2023-09-20");
	CHECK_EQ_INT(io_parse_date("2024-02-29", 10, d, NULL), 0);
	CHECK_EQ_INT(io_parse_date("2023-02-29", 10, d, NULL), PX_EINVAL);
	CHECK_EQ_INT(io_parse_date("2023-13-01", 10, d, NULL), PX_EINVAL);
	CHECK_EQ_INT(io_parse_date("1900-02-29", 10, d, NULL), PX_EINVAL);
	CHECK_EQ_INT(io_parse_date("yesterday", 9, d, NULL), PX_EINVAL);
	CHECK_EQ_INT(io_parse_date("", 0, d, NULL), PX_EINVAL);
	CHECK_EQ_INT(io_date_days("1970-01-01"), 0);
	CHECK_EQ_INT(io_date_days("2000-03-01"), 11017);
	io_days_date(io_date_days("2024-02-28") + 1, d);
	CHECK_EQ_STR(d, "2024-02-29");
}

TEST(counts)
{
	int64_t v;

	CHECK_EQ_INT(io_parse_count("12", 2, REC_COUNT_MAX, &v, NULL), 0);
	CHECK_EQ_INT(v, 12);
	CHECK_EQ_INT(io_parse_count("12.0", 4, REC_COUNT_MAX, &v, NULL), 0);
	CHECK_EQ_INT(v, 12);
	CHECK_EQ_INT(io_parse_count("12.5", 4, REC_COUNT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_count("-3", 2, REC_COUNT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_count("many", 4, REC_COUNT_MAX, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(io_parse_count("10000001", 8, REC_COUNT_MAX, &v, NULL),
		     PX_EINVAL);
}

TEST(scripts_from_letters)
{
	CHECK_EQ_STR(io_script_of("Xankəndi", strlen("Xankəndi")), "Latn");
	CHECK_EQ_STR(io_script_of("Степанакерт", strlen("Степанакерт")),
		     "Cyrl");
	CHECK_EQ_STR(io_script_of("Ստեփանակերտ", strlen("Ստեփանակերտ")),
		     "Armn");
	CHECK_EQ_STR(io_script_of("ხანქენდი", strlen("ხანქენდი")), "Geor");
	CHECK_EQ_STR(io_script_of("خانكندي", strlen("خانكندي")), "Arab");
	CHECK_EQ_STR(io_script_of("אזרית", strlen("אזרית")), "Hebr");
	CHECK_EQ_STR(io_script_of("ステパナケルト", strlen("ステパナケルト")),
		     "Jpan");
	CHECK_EQ_STR(io_script_of("汉肯迪", strlen("汉肯迪")), "Hani");
	CHECK_EQ_STR(io_script_of("스테파나케르트", strlen("스테파나케르트")),
		     "Hang");
	CHECK_EQ_STR(io_script_of("Laçın", strlen("Laçın")), "Latn");
	CHECK_EQ_STR(io_script_of("123", 3), "Zyyy");
}

/* Check-only import (no repo) of an in-memory file. */
static int check_only(enum io_format fmt, const char *text,
		      struct io_import_stats *st)
{
	char path[] = "/tmp/test_io_XXXXXX";
	int fd = mkstemp(path);
	struct io_import_options o;
	struct px_err err = {0};
	FILE *f;
	int rc;

	if (fd < 0)
		return -100;
	f = fdopen(fd, "wb");
	if (!f)
		return -101;
	fputs(text, f);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.path = path;
	o.as_party = "party-"
		     "0a0a9aace07de18d44fa351ef81bb26ae9c0c6776826e8d9b170b1f2b"
		     "d50af2e";
	rc = io_import(NULL, &o, st, &err);
	remove(path);
	return rc;
}

TEST(acled_rows_convert_and_bad_rows_count)
{
	struct io_import_stats st;
	const char *in =
	    "event_id_cnty,event_date,time_precision,event_type,"
	    "sub_event_type,actor1,inter1,actor2,inter2,location,latitude,"
	    "longitude,geo_precision,source,notes,fatalities,timestamp\n"
	    "A1,2020-10-04,1,Battles,Armed clash,Army A,1,Army B,1,Tartar,"
	    "40.34,46.93,1,Azertag; Trend,Clash.,3,1603670400\n"
	    "A2,2020-10-04,2,Riots,Mob violence,Rioters,5,,0,Barda,"
	    "40.37,47.12,2,,,0,1603670400\n"
	    "A3,2020-10-04,3,Protests,Peaceful protest,Protesters,6,,,Ganja,"
	    "40.68,46.36,3,Local paper,Protest.,,1603670400\n"
	    "B1,2020-10-04,1,Battles,Armed clash,Army,1,,,Tartar,95,46,1,"
	    "x,y,0,1603670400\n"
	    "B2,2020-10-04,1,Battles,Armed clash,Army,11,,,Tartar,40,46,1,"
	    "x,y,0,1603670400\n";

	CHECK_EQ_INT(check_only(IO_ACLED, in, &st), 0);
	CHECK_EQ_INT(st.rows, 5);
	CHECK_EQ_INT(st.bad, 2);
	CHECK(strstr(st.mapped, "fatalities -> casualties") != NULL);
	CHECK(strstr(st.kept, "event_id_cnty") != NULL);
}

TEST(acled_not_acled_is_refused)
{
	struct io_import_stats st;

	CHECK_EQ_INT(check_only(IO_ACLED, "a,b,c\n1,2,3\n", &st), PX_EINVAL);
}

TEST(geonames_rows)
{
	struct io_import_stats st;
	const char *in =
	    "174979\tXankandi\tXankandi\tStepanakert,Степанакерт,Ханкенди\t"
	    "39.8153\t46.7519\tP\tPPLA\tAZ\t\t12\t\t\t\t55200\t\t813\t"
	    "Asia/Baku\t2023-10-01\n"
	    "1\tShort\tShort\t\t200\t46\tP\tPPL\tAZ\t\t\t\t\t\t0\t\t0\t"
	    "Asia/Baku\t2023-10-01\n"
	    "2\ttoo\tfew\tcolumns\n";

	CHECK_EQ_INT(check_only(IO_GEONAMES, in, &st), 0);
	CHECK_EQ_INT(st.rows, 3);
	CHECK_EQ_INT(st.bad, 2);
}

TEST(ucdp_na_and_packed_sources)
{
	struct io_import_stats st;
	const char *in =
	    "id,type_of_violence,side_a,side_b,source_article,source_office,"
	    "source_date,source_headline,where_prec,where_coordinates,adm_1,"
	    "latitude,longitude,date_prec,date_start,date_end,deaths_a,"
	    "deaths_b,deaths_civilians,deaths_unknown,best,high,low\n"
	    "1,1,Government of A,Rebels,\"x;y\",AFP;BBC,2020-01-01;NA,"
	    "\"Head one;Head\ntwo\",1,Town,NA,40,46,1,2020-01-01,2020-01-01,"
	    "1,2,NA,0,3,5,3\n"
	    "2,3,Government of A,Civilians,NA,NA,NA,NA,4,NA,Region,40,46,4,"
	    "2020-01-01,2020-01-31,NA,NA,7,NA,7,7,7\n"
	    "3,1,A,B,,,,,1,Town,,40,46,1,2020-01-02,2020-01-01,0,0,0,0,0,0,0\n";

	CHECK_EQ_INT(check_only(IO_UCDP, in, &st), 0);
	CHECK_EQ_INT(st.rows, 3);
	CHECK_EQ_INT(st.bad, 1); /* date_end before date_start */
}

TEST(io_map_holds_many)
{
	struct io_map m;
	char k[32];
	int ok = 1;

	io_map_init(&m);
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "key-%d", i);
		if (io_map_put(&m, k, (size_t)i) != 0)
			ok = 0;
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "key-%d", i);
		if (io_map_get(&m, k) != (size_t)i)
			ok = 0;
	}
	CHECK(ok);
	CHECK(io_map_get(&m, "absent") == (size_t)-1);
	io_map_release(&m);
}

TEST_MAIN(TEST_ENTRY(csv_rfc4180_and_real_habits),
	  TEST_ENTRY(csv_broken_quoting_is_one_bad_row),
	  TEST_ENTRY(csv_unclosed_quote_at_end),
	  TEST_ENTRY(csv_long_field_makes_its_row_bad),
	  TEST_ENTRY(tsv_has_no_quoting), TEST_ENTRY(csv_field_quoting),
	  TEST_ENTRY(microdegrees_are_exact),
	  TEST_ENTRY(dates_as_datasets_write_them), TEST_ENTRY(counts),
	  TEST_ENTRY(scripts_from_letters),
	  TEST_ENTRY(acled_rows_convert_and_bad_rows_count),
	  TEST_ENTRY(acled_not_acled_is_refused), TEST_ENTRY(geonames_rows),
	  TEST_ENTRY(ucdp_na_and_packed_sources), TEST_ENTRY(io_map_holds_many))
