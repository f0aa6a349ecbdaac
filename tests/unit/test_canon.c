/*
 * test_canon.c - strict JSON input and the RFC 8785 canonical form
 * (src/record/canon.c): the published JCS test vectors (cyberphone's
 * json-canonicalization testdata and the examples in RFC 8785 §3.2.2.2 and
 * §3.2.3), integer limits, every kind of malformed input with the path
 * named in the error, depth and size bounds, fixed points, and allocation
 * failure at every step.
 */
#include "record/canon.h"
#include "test.h"

#include <string.h>

/* Canonicalize text (length given or strlen) into a new string, or NULL. */
static char *canon_n(const char *text, size_t len, struct px_err *err)
{
	struct px_buf b;
	char *s;
	size_t n;

	px_buf_init(&b, REC_CANON_TEXT_MAX);
	px_err_clear(err);
	if (rec_canon_text(text, len, &b, err) < 0) {
		px_buf_release(&b);
		return NULL;
	}
	s = (char *)px_buf_detach(&b, &n);
	return s;
}

static char *canon(const char *text, struct px_err *err)
{
	return canon_n(text, strlen(text), err);
}

/* canonical(in) == want, and canonical(want) == want. */
static void check_canon(const char *in, const char *want)
{
	struct px_err err;
	char *got = canon(in, &err), *again;

	if (!got)
		fprintf(stderr, "error: %s\n", err.msg);
	CHECK_EQ_STR(got, want);
	again = got ? canon(got, &err) : NULL;
	CHECK_EQ_STR(again, want);
	px_free(got);
	px_free(again);
}

/* in is refused with code, and the message is exactly msg (or, if msg
 * ends in '*', starts with it). */
static void check_bad_n(const char *in, size_t len, int code, const char *msg)
{
	struct px_err err;
	char *got = canon_n(in, len, &err);
	size_t n = strlen(msg);

	CHECK(got == NULL);
	px_free(got);
	CHECK_EQ_INT(err.code, code);
	if (n && msg[n - 1] == '*') {
		if (strncmp(err.msg, msg, n - 1) != 0) {
			fprintf(stderr,
				"message \"%s\" does not start with "
				"\"%.*s\"\n",
				err.msg, (int)(n - 1), msg);
			test_failed_ = 1;
		}
	} else {
		CHECK_EQ_STR(err.msg, msg);
	}
}

static void check_bad(const char *in, int code, const char *msg)
{
	check_bad_n(in, strlen(in), code, msg);
}

/* cyberphone/json-canonicalization testdata/input/weird.json -> output:
 * sorting by UTF-16 code units puts U+1F602 (D83D DE02) before U+FB33. */
TEST(jcs_weird)
{
	check_canon("{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n"
		    "  \"\\u0080\": \"Control\\u007f\",\n"
		    "  \"\\ud83d\\ude02\": \"Smiley\",\n"
		    "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n"
		    "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
		    "  \"</script>\": \"Browser Challenge\"\n}\n",
		    "{\"1\":\"One\",\"</script>\":\"Browser Challenge\","
		    "\"\xc2\x80\":\"Control\x7f\","
		    "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		    "\"\xe2\x82\xac\":\"Euro Sign\","
		    "\"\xf0\x9f\x98\x82\":\"Smiley\","
		    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* testdata structures.json, with its one non-integer (56.0) as 56: records
 * carry integers only, and 56.0 itself is refused with its path. */
TEST(jcs_structures)
{
	check_canon(
	    "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56},"
	    "\n  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n"
	    "  \"111\": [ { } ],\n  \"A\": { }\n}",
	    "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":"
	    "\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}");
	check_bad(
	    "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0}}",
	    PX_EINVAL, "1[\"\\u000a\"]: numbers must be integers (56)");
}

TEST(jcs_arrays_french_unicode)
{
	/* testdata arrays.json */
	check_canon("[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n"
		    "    \"1\": [ ]\n  }\n]",
		    "[56,{\"1\":[],\"10\":null,\"d\":true}]");
	/* testdata french.json: no locale, code units only */
	check_canon("{\n  \"peach\": \"This sorting order\",\n"
		    "  \"p\xc3\xa9\x63h\xc3\xa9\": \"is wrong according to "
		    "French\",\n  \"p\xc3\xaa\x63he\": \"but canonicalization "
		    "MUST\",\n  \"sin\":   \"ingnore locale\"\n}\n",
		    "{\"peach\":\"This sorting order\",\"p\xc3\xa9\x63h\xc3\xa9"
		    "\":\"is wrong according to French\",\"p\xc3\xaa\x63he\":"
		    "\"but canonicalization MUST\",\"sin\":\"ingnore "
		    "locale\"}");
	/* testdata unicode.json: no normalization (RFC 8785 §3.1) */
	check_canon("{\n  \"Unnormalized Unicode\":\"\\u1e0d\\u0307\"\n}\n",
		    "{\"Unnormalized Unicode\":\"\xe1\xb8\x8d\xcc\x87\"}");
}

/* RFC 8785 §3.2.2.2 example string and §3.2.2.1 literals. */
TEST(rfc8785_strings_literals)
{
	check_canon("{\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022"
		    "\\u005c\\\\\\\"\\/\", \"literals\": [null, true, false]}",
		    "{\"literals\":[null,true,false],\"string\":\"\xe2\x82\xac"
		    "$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	/* every control character: five short escapes, the rest \u00hh */
	check_canon("[\"\\u0008\\u0009\\u000a\\u000c\\u000d\\u0001"
		    "\\u001F\"]",
		    "[\"\\b\\t\\n\\f\\r\\u0001\\u001f\"]");
	/* U+007F, U+2028 and non-ASCII are written as themselves */
	check_canon("\"\\u007f\\u2028\\u00e9\"",
		    "\"\x7f\xe2\x80\xa8\xc3\xa9\"");
	/* a bare scalar is a JSON text too */
	check_canon(" true ", "true");
}

TEST(integers)
{
	check_canon("[0, -0, 7, -7, 1000000, 9007199254740991, "
		    "-9007199254740991]",
		    "[0,0,7,-7,1000000,9007199254740991,-9007199254740991]");
	check_bad("[9007199254740992]", PX_EINVAL,
		  "[0]: integer 9007199254740992 is outside +-(2^53-1)");
	check_bad("{\"n\":-9007199254740992}", PX_EINVAL,
		  "n: integer -9007199254740992 is outside +-(2^53-1)");
	check_bad("{\"a\":{\"b\":[1,2.5]}}", PX_EINVAL,
		  "a.b[1]: numbers must be integers (2.5)");
	check_bad("[1.0]", PX_EINVAL, "[0]: numbers must be integers (1)");
	check_bad("[1e2]", PX_EINVAL, "[0]: numbers must be integers (100)");
	check_bad("[1E-2]", PX_EINVAL, "[0]: numbers must be integers (0.01)");
	check_bad("[123456789012345678901234567890]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 31: too big integer*");
	check_bad("[01]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 2: invalid token*");
	check_bad("[+1]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 2: invalid token*");
	check_bad("{\"n\":[NaN]}", PX_EINVAL,
		  "n[0]: invalid JSON at line 1, column 9: invalid token*");
	check_bad("[Infinity]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 9: invalid token*");
	check_bad("[-Infinity]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 2: invalid token*");
	check_bad("[1e400]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 6: real number "
		  "overflow*");
}

struct bad_case {
	const char *in;
	const char *msg; /* a prefix when it ends in '*' */
};

/* Invalid UTF-8 anywhere is refused, naming the member it is in. */
TEST(bad_utf8)
{
	static const struct bad_case bad[] = {
	    /* not UTF-8 at all */
	    {"[\"\xff\"]", "[0]: invalid JSON at line 1, column 2: unable "
			   "to decode byte 0xff*"},
	    /* overlong '/' */
	    {"[\"\xc0\xaf\"]", "[0]: invalid JSON at line 1, column 2: "
			       "unable to decode byte 0xc0*"},
	    /* overlong, 3 bytes */
	    {"[1,\"\xe0\x80\xaf\"]", "[1]: invalid JSON at line 1, "
				     "column 4: unable to decode byte 0xe0*"},
	    /* UTF-8 encoded surrogate D800 */
	    {"{\"title\":\"ab\xed\xa0\x80\"}",
	     "title: invalid JSON at line 1, column 12: unable to decode "
	     "byte 0xed*"},
	    /* above U+10FFFF */
	    {"{\"a\":{\"b\":[\"\xf4\x90\x80\x80\"]}}",
	     "a.b[0]: invalid JSON at line 1, column 12: unable to decode "
	     "byte 0xf4*"},
	    /* truncated */
	    {"[\"\xe2\x82\"]", "[0]: invalid JSON at line 1, column 2: "
			       "unable to decode byte 0xe2*"},
	    /* lone continuation byte */
	    {"[\"\x80\"]", "[0]: invalid JSON at line 1, column 2: unable "
			   "to decode byte 0x80*"},
	    /* in a member name: shown with '?' for what is not UTF-8 */
	    {"{\"x\xc3\":1}", "[\"x?\"]: invalid JSON at line 1, column 3: "
			      "unable to decode byte 0xc3*"},
	};
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(bad); i++)
		check_bad(bad[i].in, PX_EINVAL, bad[i].msg);
}

TEST(bad_escapes_and_syntax)
{
	static const struct bad_case bad[] = {
	    {"[\"\\ud800\"]", "[0]: invalid JSON at line 1, column 9: "
			      "invalid Unicode '\\uD800'*"},
	    {"[\"\\udc00\"]", "[0]: invalid JSON at line 1, column 9: "
			      "invalid Unicode '\\uDC00'*"},
	    /* high surrogate, then not a low one */
	    {"[\"\\ud800\\u0041\"]", "[0]: invalid JSON at line 1, column "
				     "15: invalid Unicode*"},
	    /* the pair the wrong way round */
	    {"[\"\\ude02\\ud83d\"]", "[0]: invalid JSON at line 1, column "
				     "15: invalid Unicode*"},
	    {"{\"k\":\"\\u0000\"}", "k: invalid JSON at line 1, column 13: "
				    "\\u0000 is not allowed*"},
	    {"[\"\\x41\"]", "[0]: invalid JSON at line 1, column 4: invalid "
			    "escape*"},
	    {"[\"\\u12\"]", "[0]: invalid JSON at line 1, column 7: invalid "
			    "escape*"},
	    {"[\"a\tb\"]", "[0]: invalid JSON at line 1, column 3: control "
			   "character 0x9*"},
	    {"{\"a\":1,\"a\":2}", "a: invalid JSON at line 1, column 10: "
				  "duplicate object key near '\"a\"'"},
	    /* duplicate once unescaped: the path shows the decoded name */
	    {"{\"a\":1,\"\\u0061\":2}", "a: invalid JSON at line 1, column "
					"15: duplicate object key*"},
	    {"{\"a\":{\"x\":1,\"x\":1}}", "a.x: invalid JSON at line 1, "
					  "column 15: duplicate object key*"},
	    {"[{\"a\":1},{\"b\":1,\"c d\":2,\"c d\":3}]",
	     "[1][\"c d\"]: invalid JSON at line 1, column 29: duplicate "
	     "object key*"},
	    {"", "$: invalid JSON at line 1, column 0: unexpected token*"},
	    {"   ", "$: invalid JSON at line 1, column 3: unexpected token*"},
	    {"[1,]", "$: invalid JSON at line 1, column 4: unexpected token*"},
	    {"{\"a\":1,}", "$: invalid JSON at line 1, column 8: string or "
			   "'}' expected*"},
	    {"[1] x", "$: invalid JSON at line 1, column 5: end of file "
		      "expected*"},
	    {"\xef\xbb\xbf[1]", "$: invalid JSON at line 1*"}, /* BOM */
	    {"['a']", "[0]: invalid JSON at line 1, column 2: invalid "
		      "token*"},
	    {"[1 /* c */]", "[0]: invalid JSON at line 1, column 4: ']' "
			    "expected*"},
	    {"{a:1}", "$: invalid JSON at line 1, column 2: string or '}' "
		      "expected*"},
	    {"[tru]", "[0]: invalid JSON at line 1, column 4: invalid "
		      "token*"},
	    {"[\"abc]", "[0]: invalid JSON at line 1, column 6: premature "
			"end of input*"},
	    {"{\"a\" 1}", "a: invalid JSON at line 1, column 6: ':' "
			  "expected*"},
	    {"{\"a\":\n [1,\n  2,\n  x]}", "a[2]: invalid JSON at line 4, "
					   "column 3: invalid token*"},
	};
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(bad); i++) {
		int before = test_failed_;
		check_bad(bad[i].in, PX_EINVAL, bad[i].msg);
		if (test_failed_ && !before)
			fprintf(stderr, "  case %zu: %s\n", i, bad[i].in);
	}
	/* the parser's quote of the input is cleaned of what is not
	 * printable UTF-8 */
	check_bad("[1]\x01", PX_EINVAL,
		  "$: invalid JSON at line 1, column 4: end of file expected "
		  "near '?'");
	check_bad("[\x7f]", PX_EINVAL,
		  "[0]: invalid JSON at line 1, column 2: invalid token near "
		  "'?'");
	/* a NUL byte in the text (outside any string) */
	check_bad_n("[1]\0", 4, PX_EINVAL, "$: invalid JSON*");
}

TEST(depth_bound)
{
	char buf[200];
	size_t i, n = 0;
	char want[200];

	/* 32 levels are fine */
	for (i = 0; i < 32; i++)
		buf[n++] = '[';
	for (i = 0; i < 32; i++)
		buf[n++] = ']';
	buf[n] = '\0';
	check_canon(buf, buf);
	/* 33 are not, and the path says where */
	n = 0;
	for (i = 0; i < 33; i++)
		buf[n++] = '[';
	for (i = 0; i < 33; i++)
		buf[n++] = ']';
	buf[n] = '\0';
	n = 0;
	for (i = 0; i < 32; i++) {
		memcpy(want + n, "[0]", 3);
		n += 3;
	}
	snprintf(want + n, sizeof(want) - n, ": nested deeper than 32 levels");
	check_bad(buf, PX_EINVAL, want);
	check_bad("{\"a\":[{\"b\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]"
		  "]]]]]]]]]]]]]]]]]]]]]}]}",
		  PX_EINVAL,
		  "a[0].b[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
		  "[0][0][0][0][0][0][0][0][0][0][0][0]: nested deeper than "
		  "32 levels");
	/* far deeper than jansson's own limit: still a clean error */
	{
		static char deep[5001];
		memset(deep, '[', 5000);
		check_bad(deep, PX_EINVAL,
			  "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
			  "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
			  "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
			  "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
			  "...: invalid JSON at line 1, column 2049: maximum "
			  "parsing depth reached*");
	}
}

TEST(size_bound)
{
	static char big[REC_CANON_TEXT_MAX + 2];
	struct px_err err;
	char *got;

	/* exactly 65,535 bytes: a string of 65,533 'a' in quotes */
	big[0] = '"';
	memset(big + 1, 'a', REC_CANON_TEXT_MAX - 2);
	big[REC_CANON_TEXT_MAX - 1] = '"';
	got = canon_n(big, REC_CANON_TEXT_MAX, &err);
	CHECK(got != NULL);
	CHECK(got && strlen(got) == REC_CANON_TEXT_MAX);
	px_free(got);
	/* one byte more is refused before parsing */
	big[REC_CANON_TEXT_MAX - 1] = 'a';
	big[REC_CANON_TEXT_MAX] = '"';
	check_bad_n(big, REC_CANON_TEXT_MAX + 1, PX_ETOOBIG,
		    "$: JSON text is 65536 bytes, more than 65535");
}

TEST(paths_name_odd_members)
{
	check_bad("{\"a b\":[1.5]}", PX_EINVAL,
		  "[\"a b\"][0]: numbers must be integers (1.5)");
	check_bad("{\"x\":{\"\":0.5}}", PX_EINVAL,
		  "x[\"\"]: numbers must be integers (0.5)");
	/* long names are cut between characters: 30 two-byte letters */
	check_bad("{\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
		  "\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
		  "\xa9\xc3\xa9\xc3\xa9\":1.5}",
		  PX_EINVAL,
		  "[\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
		  "\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "...\"]: numbers must be integers (1.5)");
	check_bad("{\"a\\u0001\":0.5}", PX_EINVAL,
		  "[\"a\\u0001\"]: numbers must be integers (0.5)");
	check_bad("{\"q\\\"\":{\"k_1-2\":0.5}}", PX_EINVAL,
		  "[\"q\\\"\"].k_1-2: numbers must be integers (0.5)");
}

/* Paths longer than REC_PATH_MAX are cut and end in "...". */
TEST(long_paths)
{
	struct rec_path p;
	char key[300];
	size_t old, i;

	memset(key, 'k', sizeof(key));
	rec_path_init(&p);
	CHECK_EQ_STR(rec_path_str(&p), "$");
	rec_path_push_key(&p, "a", 1);
	old = rec_path_push_key(&p, key, sizeof(key));
	CHECK_EQ_INT(strlen(rec_path_str(&p)), REC_PATH_MAX - 1);
	CHECK(strncmp(rec_path_str(&p), "a.kkk", 5) == 0);
	CHECK(strcmp(rec_path_str(&p) + REC_PATH_MAX - 4, "...") == 0);
	rec_path_push_index(&p, 7); /* ignored once full */
	CHECK_EQ_INT(strlen(rec_path_str(&p)), REC_PATH_MAX - 1);
	rec_path_pop(&p, old);
	CHECK_EQ_STR(rec_path_str(&p), "a");
	for (i = 0; i < 100; i++)
		rec_path_push_index(&p, i);
	CHECK_EQ_INT(strlen(rec_path_str(&p)), REC_PATH_MAX - 1);
	CHECK(strncmp(rec_path_str(&p), "a[0][1][2]", 10) == 0);
}

TEST(utf16_order)
{
	/* ASCII and BMP: code point order */
	CHECK(rec_utf16_cmp("a", 1, "b", 1) < 0);
	CHECK(rec_utf16_cmp("ab", 2, "a", 1) > 0);
	CHECK(rec_utf16_cmp("", 0, "a", 1) < 0);
	CHECK(rec_utf16_cmp("\xc3\xb6", 2, "\xc3\xb6", 2) == 0);
	/* U+1F602 (D83D..) sorts before U+FB33 and U+E000, though its UTF-8
	 * bytes sort after theirs */
	CHECK(rec_utf16_cmp("\xf0\x9f\x98\x82", 4, "\xef\xac\xb3", 3) < 0);
	CHECK(rec_utf16_cmp("\xee\x80\x80", 3, "\xf0\x90\x80\x80", 4) > 0);
	CHECK(memcmp("\xee\x80\x80", "\xf0\x90\x80\x80", 1) < 0);
	/* but after U+D7FF */
	CHECK(rec_utf16_cmp("\xed\x9f\xbf", 3, "\xf0\x90\x80\x80", 4) < 0);
}

TEST(utf8_count)
{
	CHECK_EQ_INT(rec_utf8_count("", 0), 0);
	CHECK_EQ_INT(rec_utf8_count("abc", 3), 3);
	CHECK_EQ_INT(rec_utf8_count("\xd5\x8d\xd5\xbf", 4), 2); /* Armenian */
	CHECK_EQ_INT(rec_utf8_count("\xf0\x9f\x98\x82", 4), 1);
	CHECK_EQ_INT(rec_utf8_count("\xed\xa0\x80", 3), -1);
	CHECK_EQ_INT(rec_utf8_count("\xc1\xbf", 2), -1);
	CHECK_EQ_INT(rec_utf8_count("\xf0\x9f\x98", 3), -1);
}

/* Values built in memory go through the same checks when written. */
TEST(write_checks_built_values)
{
	struct px_buf b;
	struct px_err err;
	json_t *v = json_object();

	px_buf_init(&b, 1000);
	json_object_set_new(v, "r", json_real(0.5));
	CHECK_EQ_INT(rec_canon_write(v, &b, &err), PX_EINVAL);
	CHECK_EQ_STR(err.msg, "r: numbers must be integers (0.5)");
	CHECK_EQ_INT(b.len, 0);
	json_object_set_new(v, "r", json_stringn_nocheck("\xff", 1));
	CHECK_EQ_INT(rec_canon_write(v, &b, &err), PX_EINVAL);
	CHECK_EQ_STR(err.msg, "r: string is not valid UTF-8");
	json_object_set_new(v, "r", json_stringn_nocheck("a\0b", 3));
	CHECK_EQ_INT(rec_canon_write(v, &b, &err), PX_EINVAL);
	CHECK_EQ_STR(err.msg, "r: string contains U+0000");
	json_object_set_new(v, "r", json_integer(1LL << 53));
	CHECK_EQ_INT(rec_canon_write(v, &b, &err), PX_EINVAL);
	json_object_set_new(v, "r", json_string("xxxxxxxxxxxxxxxxxxxxxxxx"));
	px_buf_release(&b);
	px_buf_init(&b, 10);
	CHECK_EQ_INT(rec_canon_write(v, &b, &err), PX_ETOOBIG);
	CHECK_EQ_STR(err.msg, "$: canonical JSON is longer than 10 bytes");
	CHECK_EQ_INT(b.len, 0);
	px_buf_release(&b);
	json_decref(v);
}

/* Canonicalizing is a fixed point and order-independent: the same members
 * in any order give the same bytes. */
TEST(fixed_point)
{
	static const char *const same[] = {
	    "{\"b\":[1,{\"y\":2,\"x\":1}],\"a\":\"\\u00e9\",\"c\":null}",
	    "{\"c\":null,\"a\":\"\xc3\xa9\",\"b\":[1,{\"x\":1,\"y\":2}]}",
	    " { \"a\" : \"\\u00E9\" , \"c\" : null , \"b\" : [ 1 , { \"y\" "
	    ": 2 , \"x\" : 1 } ] } ",
	};
	const char *want =
	    "{\"a\":\"\xc3\xa9\",\"b\":[1,{\"x\":1,\"y\":2}],\"c\":null}";
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(same); i++)
		check_canon(same[i], want);
}

/* Every allocation failure is reported as ENOMEM and leaks nothing. */
TEST(alloc_failures)
{
	const char *in = "{\"z\":[1,2,{\"k\":\"v\",\"a\":[true,null]}],"
			 "\"\xc3\xa9\":\"x\",\"a\":-3}";
	unsigned long nth;
	int ok = 0;

	for (nth = 1; nth < 500 && !ok; nth++) {
		struct px_err err;
		char *got;
		px_alloc_fail_at(nth, 0);
		got = canon(in, &err);
		px_alloc_fail_at(0, 0);
		if (got) {
			ok = 1;
			CHECK_EQ_STR(got, "{\"a\":-3,\"z\":[1,2,{\"a\":[true,"
					  "null],\"k\":\"v\"}],\"\xc3\xa9\":"
					  "\"x\"}");
		} else {
			CHECK_EQ_INT(err.code, PX_ENOMEM);
		}
		px_free(got);
	}
	CHECK(ok);
}

TEST_MAIN(TEST_ENTRY(jcs_weird), TEST_ENTRY(jcs_structures),
	  TEST_ENTRY(jcs_arrays_french_unicode),
	  TEST_ENTRY(rfc8785_strings_literals), TEST_ENTRY(integers),
	  TEST_ENTRY(bad_utf8), TEST_ENTRY(bad_escapes_and_syntax),
	  TEST_ENTRY(depth_bound), TEST_ENTRY(size_bound),
	  TEST_ENTRY(paths_name_odd_members), TEST_ENTRY(long_paths),
	  TEST_ENTRY(utf16_order), TEST_ENTRY(utf8_count),
	  TEST_ENTRY(write_checks_built_values), TEST_ENTRY(fixed_point),
	  TEST_ENTRY(alloc_failures))
