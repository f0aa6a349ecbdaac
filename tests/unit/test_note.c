/*
 * test_note.c - signed notes, keys, checkpoints and cosignatures
 * (src/log/note.c).  Uses the published vectors of Go's
 * golang.org/x/mod/sumdb/note (the "PeterNeumann" and "EnochRoot" keys and
 * signatures), the examples of c2sp.org/tlog-checkpoint and
 * tlog-cosignature, round trips with fresh keys, and one test per way a
 * note or checkpoint can be malformed or forged.
 */
#include "log/note.h"
#include "test.h"

#include <sodium.h>

/* Go x/mod sumdb/note note_test.go. */
static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char peter_skey[] = "PRIVATE+KEY+PeterNeumann+c74f20a3+"
				 "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char enoch_vkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char go_text[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char peter_sig[] =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfq"
    "dngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] =
    "\xe2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01o"
    "OTGwnWLox33WWd1RvMc+QQ=\n";

/* c2sp.org/tlog-checkpoint and tlog-cosignature examples. */
static const char spec_checkpoint[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

static struct note_verifier peter, enoch;
static struct note_signer peter_signer;

static void load_go_keys(void)
{
	struct px_err err;
	int rc;

	rc = note_verifier_parse(peter_vkey, strlen(peter_vkey), &peter, &err);
	CHECK_EQ_INT(rc, 0);
	rc = note_verifier_parse(enoch_vkey, strlen(enoch_vkey), &enoch, &err);
	CHECK_EQ_INT(rc, 0);
	rc = note_signer_parse(peter_skey, strlen(peter_skey), &peter_signer,
			       &err);
	CHECK_EQ_INT(rc, 0);
}

/* A new string a+b+c (px_free it). */
static char *cat3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *s = px_malloc(na + nb + nc + 1);

	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	memcpy(s + na + nb, c, nc + 1);
	return s;
}

static int open_str(const char *msg, const struct note_verifier *v, size_t nv,
		    struct note *n, struct px_err *err)
{
	return note_open((const uint8_t *)msg, strlen(msg), v, nv, n, err);
}

/* Open msg with the given verifiers and return the code (note released). */
static int open_rc(const char *msg, const struct note_verifier *v, size_t nv,
		   struct px_err *err)
{
	struct note n;
	int rc = open_str(msg, v, nv, &n, err);

	if (rc == 0)
		note_release(&n);
	return rc;
}

TEST(go_keys_parse)
{
	struct px_buf b;
	struct note_verifier from_signer;
	struct px_err err;

	load_go_keys();
	CHECK_EQ_STR(peter.name, "PeterNeumann");
	CHECK_EQ_INT(peter.id, 0xc74f20a3u);
	CHECK_EQ_INT(peter.alg, NOTE_ALG_ED25519);
	CHECK_EQ_INT(enoch.id, 0xaf0cfe78u);
	CHECK_EQ_STR(peter_signer.name, "PeterNeumann");
	CHECK_EQ_INT(peter_signer.id, 0xc74f20a3u);
	note_signer_verifier(&peter_signer, &from_signer);
	CHECK(memcmp(from_signer.pub, peter.pub, 32) == 0);
	CHECK_EQ_INT(from_signer.id, peter.id);

	px_buf_init(&b, 4096);
	CHECK_EQ_INT(note_verifier_format(&peter, &b), 0);
	CHECK_EQ_STR((char *)b.data, peter_vkey);
	px_buf_release(&b);

	/* Upper-case hex in the key ID is the same key. */
	CHECK_EQ_INT(note_verifier_parse("PeterNeumann+C74F20A3+ARpc2QcUPDhMQ"
					 "egwxbzhKqiBfsVkmqq/LDE4izWy10TW",
					 66, &from_signer, &err),
		     0);
	note_signer_wipe(&peter_signer);
}

TEST(go_sign_vector)
{
	struct px_buf b;
	struct px_err err;
	char *want = cat3(go_text, "\n", peter_sig);

	load_go_keys();
	px_buf_init(&b, NOTE_MAX_BYTES);
	CHECK_EQ_INT(
	    note_sign(go_text, strlen(go_text), &peter_signer, 1, &b, &err), 0);
	CHECK_EQ_STR((char *)b.data, want);
	px_buf_reset(&b);
	/* A text without its final newline is not a note text. */
	CHECK_EQ_INT(note_sign("abc", 3, &peter_signer, 1, &b, &err),
		     PX_EINVAL);
	CHECK_EQ_INT(b.len, 0);
	px_buf_release(&b);
	px_free(want);
	note_signer_wipe(&peter_signer);
}

TEST(go_open_vectors)
{
	struct note n;
	struct px_err err;
	struct note_verifier both[2];
	char *msg = cat3(go_text, "\n", peter_sig), *two;

	load_go_keys();
	two = px_malloc(strlen(msg) + strlen(enoch_sig) + 1);
	memcpy(two, msg, strlen(msg));
	memcpy(two + strlen(msg), enoch_sig, strlen(enoch_sig) + 1);

	/* One verified, one unknown kept unverified. */
	REQUIRE(open_str(two, &peter, 1, &n, &err) == 0);
	CHECK_EQ_INT(n.text_len, strlen(go_text));
	CHECK_EQ_STR(n.text, go_text);
	CHECK_EQ_INT(n.nsigs, 2);
	CHECK_EQ_STR(n.sigs[0].name, "PeterNeumann");
	CHECK_EQ_INT(n.sigs[0].id, 0xc74f20a3u);
	CHECK(n.sigs[0].verified);
	CHECK_EQ_INT(n.sigs[0].alg, NOTE_ALG_ED25519);
	CHECK_EQ_INT(n.sigs[0].blob_len, 64);
	CHECK_EQ_STR(n.sigs[1].name, "EnochRoot");
	CHECK(!n.sigs[1].verified);
	CHECK_EQ_INT(n.sigs[1].alg, 0);
	note_release(&n);

	/* Both verified. */
	both[0] = peter;
	both[1] = enoch;
	REQUIRE(open_str(two, both, 2, &n, &err) == 0);
	CHECK_EQ_INT(n.nsigs, 2);
	CHECK(n.sigs[0].verified && n.sigs[1].verified);
	note_release(&n);

	/* Neither key known. */
	CHECK_EQ_INT(open_rc(two, NULL, 0, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "no signature by a known key") != NULL);
	CHECK(strstr(err.msg, "'PeterNeumann+c74f20a3'") != NULL);
	CHECK(strstr(err.msg, "'EnochRoot+af0cfe78'") != NULL);

	/* The same key listed twice is ambiguous once it is used. */
	both[1] = peter;
	CHECK_EQ_INT(open_rc(msg, both, 2, &err), PX_EINVAL);
	CHECK(strstr(err.msg, "more than one verifier") != NULL);

	px_free(two);
	px_free(msg);
	note_signer_wipe(&peter_signer);
}

TEST(go_duplicated_signatures)
{
	/* Go's TestOpen: repeated lines are dropped; an unknown key's
	 * corrupted signature is kept unverified. */
	struct note n;
	struct px_err err;
	char bad_enoch[256], buf[2048];
	size_t k = strlen(enoch_sig);

	load_go_keys();
	memcpy(bad_enoch, enoch_sig, 60);
	memcpy(bad_enoch + 60, "ABCD", 4);
	memcpy(bad_enoch + 64, enoch_sig + 60, k - 60 + 1);
	snprintf(buf, sizeof(buf), "%s\n%s%s%s%s%s", go_text, peter_sig,
		 peter_sig, enoch_sig, enoch_sig, bad_enoch);
	REQUIRE(open_str(buf, &peter, 1, &n, &err) == 0);
	CHECK_EQ_INT(n.nsigs, 3);
	CHECK(n.sigs[0].verified);
	CHECK(!n.sigs[1].verified && !n.sigs[2].verified);
	CHECK_EQ_STR(n.sigs[2].name, "EnochRoot");
	note_release(&n);
}

TEST(bad_signature)
{
	struct px_err err;
	char sig[256], *msg;
	size_t k = strlen(peter_sig);

	load_go_keys();
	/* Go's "invalid signature": ABCD spliced into the base64. */
	memcpy(sig, peter_sig, 60);
	memcpy(sig + 60, "ABCD", 4);
	memcpy(sig + 64, peter_sig + 60, k - 60 + 1);
	msg = cat3(go_text, "\n", sig);
	CHECK_EQ_INT(open_rc(msg, &peter, 1, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "line 4") != NULL);
	CHECK(strstr(err.msg, "'PeterNeumann+c74f20a3'") != NULL);
	px_free(msg);

	/* A flipped character of the text. */
	msg = cat3(go_text, "\n", peter_sig);
	msg[3] ^= 1;
	CHECK_EQ_INT(open_rc(msg, &peter, 1, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "does not verify") != NULL);
	px_free(msg);

	/* A known key's bad signature fails the note even if another known
	 * key's signature verifies. */
	{
		struct note_verifier both[2] = {peter, enoch};
		char enoch_bad[256];
		k = strlen(enoch_sig);
		memcpy(enoch_bad, enoch_sig, k + 1);
		enoch_bad[20] = enoch_bad[20] == 'A' ? 'B' : 'A';
		msg = cat3(go_text, "\n", peter_sig);
		{
			char *m2 = cat3(msg, enoch_bad, "");
			CHECK_EQ_INT(open_rc(m2, both, 2, &err), PX_EVERIFY);
			CHECK(strstr(err.msg, "line 5") != NULL);
			CHECK(strstr(err.msg, "EnochRoot") != NULL);
			px_free(m2);
		}
		px_free(msg);
	}
}

TEST(unknown_key_only)
{
	struct px_err err;
	char *msg = cat3(go_text, "\n", enoch_sig);

	load_go_keys();
	CHECK_EQ_INT(open_rc(msg, &peter, 1, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "'EnochRoot+af0cfe78'") != NULL);
	px_free(msg);
}

TEST(key_id_matches_wrong_name)
{
	/* Same key ID, different name: an unknown key, ignored. */
	struct px_err err;
	const char *renamed = "\xe2\x80\x94 PeterNeumanm "
			      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNI"
			      "uGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
			      "\n";
	char *msg = cat3(go_text, "\n", renamed);
	struct note_verifier other_id;

	load_go_keys();
	CHECK_EQ_INT(open_rc(msg, &peter, 1, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "no signature by a known key") != NULL);
	px_free(msg);

	/* Same name, different key ID: also unknown. */
	other_id = peter;
	other_id.id ^= 1;
	msg = cat3(go_text, "\n", peter_sig);
	CHECK_EQ_INT(open_rc(msg, &other_id, 1, &err), PX_EVERIFY);
	px_free(msg);
}

TEST(truncated_notes)
{
	/* Every proper prefix of a signed note is rejected. */
	struct px_err err;
	char *msg = cat3(go_text, "\n", peter_sig);
	size_t n = strlen(msg), i;
	int accepted = 0;

	load_go_keys();
	for (i = 0; i < n; i++) {
		struct note out;
		if (note_open((const uint8_t *)msg, i, &peter, 1, &out, &err) ==
		    0) {
			accepted++;
			note_release(&out);
		}
	}
	CHECK_EQ_INT(accepted, 0);
	/* Missing final newline. */
	{
		struct note out;
		CHECK_EQ_INT(note_open((const uint8_t *)msg, n - 1, &peter, 1,
				       &out, &err),
			     PX_EINVAL);
	}
	CHECK(strstr(err.msg, "newline") != NULL);
	px_free(msg);
}

TEST(go_malformed_messages)
{
	struct px_err err;
	const char *sig_noline = "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/"
				 "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
				 "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";
	const char *bad_name = "\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/"
			       "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSN"
			       "XgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
	char *msgs[7];
	size_t i;

	load_go_keys();
	msgs[0] = cat3(go_text, "", "");
	msgs[1] = cat3(go_text, "\n", "");
	msgs[2] = cat3(go_text, "\n", sig_noline);
	msgs[3] = cat3("\x01", go_text, "");
	msgs[4] = cat3("\xff", go_text, "");
	msgs[5] = cat3(go_text, "\n", bad_name);
	msgs[6] = cat3(go_text, "\n", peter_sig);
	{
		char *t = cat3(msgs[3], "\n", peter_sig);
		px_free(msgs[3]);
		msgs[3] = t;
		t = cat3(msgs[4], "\n", peter_sig);
		px_free(msgs[4]);
		msgs[4] = t;
		t = cat3(msgs[6], "Unexpected line.\n", "");
		px_free(msgs[6]);
		msgs[6] = t;
	}
	for (i = 0; i < PX_ARRAY_LEN(msgs); i++) {
		int rc = open_rc(msgs[i], &peter, 1, &err);
		if (rc != PX_EINVAL)
			fprintf(stderr, "message %zu: rc %d\n", i, rc);
		CHECK_EQ_INT(rc, PX_EINVAL);
		px_free(msgs[i]);
	}
}

TEST(control_characters_and_utf8)
{
	struct px_err err;
	static const char *texts[] = {
	    "tab\there\n",	   "carriage\rreturn\n",
	    "nul-free \x1b esc\n", "bad \xff byte\n",
	    "overlong \xc0\xaf\n", "surrogate \xed\xa0\x80\n",
	    "cut \xe2\x80\n",	   "too big \xf4\x90\x80\x80\n",
	};
	struct px_buf b;
	size_t i;

	load_go_keys();
	px_buf_init(&b, NOTE_MAX_BYTES);
	for (i = 0; i < PX_ARRAY_LEN(texts); i++) {
		char *msg = cat3(texts[i], "\n", peter_sig);
		int rc = open_rc(msg, &peter, 1, &err);
		CHECK_EQ_INT(rc, PX_EINVAL);
		CHECK(strstr(err.msg, "line 1") != NULL);
		/* note_sign refuses the same texts. */
		CHECK_EQ_INT(note_sign(texts[i], strlen(texts[i]),
				       &peter_signer, 1, &b, &err),
			     PX_EINVAL);
		px_free(msg);
	}
	/* The error names the line and column. */
	{
		char *msg = cat3("ok\nalso ok\nbad\x02\n", "\n", peter_sig);
		CHECK_EQ_INT(open_rc(msg, &peter, 1, &err), PX_EINVAL);
		CHECK(strstr(err.msg, "line 3, column 4") != NULL);
		px_free(msg);
	}
	/* DEL (0x7f) and non-ASCII text are allowed; they round-trip. */
	{
		static const char t[] = "del \x7f ok, \xd5\x80\xd5\xa1\xd5\xb5 "
					"\xe2\x80\x94 \xf0\x9f\x93\x9c\n";
		struct note n;
		CHECK_EQ_INT(
		    note_sign(t, strlen(t), &peter_signer, 1, &b, &err), 0);
		CHECK_EQ_INT(note_open(b.data, b.len, &peter, 1, &n, &err), 0);
		CHECK_EQ_STR(n.text, t);
		note_release(&n);
	}
	px_buf_release(&b);
	note_signer_wipe(&peter_signer);
}

TEST(bad_base64)
{
	struct px_err err;
	static const char *sigs[] = {
	    /* '!' is not base64 */
	    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA"
	    "cElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA!=\n",
	    /* padding missing */
	    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA"
	    "cElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
	    /* non-zero bits after the data (not canonical) */
	    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA"
	    "cElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n",
	    /* empty signature */
	    "\xe2\x80\x94 PeterNeumann \n",
	    /* key ID only */
	    "\xe2\x80\x94 PeterNeumann x08gow==\n",
	    /* non-ASCII inside the base64 */
	    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA"
	    "cElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry\xce\x91"
	    "wJnAM=\n",
	    /* hyphen instead of em dash */
	    "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA"
	    "cElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	};
	size_t i;

	load_go_keys();
	for (i = 0; i < PX_ARRAY_LEN(sigs); i++) {
		char *msg = cat3(go_text, "\n", sigs[i]);
		int rc = open_rc(msg, &peter, 1, &err);
		if (rc != PX_EINVAL)
			fprintf(stderr, "signature %zu: rc %d\n", i, rc);
		CHECK_EQ_INT(rc, PX_EINVAL);
		CHECK(strstr(err.msg, "line 4") != NULL);
		px_free(msg);
	}
}

TEST(too_many_signatures)
{
	struct px_err err;
	struct px_buf b;
	struct note n;
	int i;

	load_go_keys();
	px_buf_init(&b, NOTE_MAX_BYTES);
	px_buf_addstr(&b, go_text);
	px_buf_addc(&b, '\n');
	for (i = 0; i < NOTE_MAX_SIGS; i++)
		px_buf_addstr(&b, peter_sig);
	/* 100 lines are accepted (repeats are dropped)... */
	CHECK_EQ_INT(note_open(b.data, b.len, &peter, 1, &n, &err), 0);
	if (n.text)
		CHECK_EQ_INT(n.nsigs, 1);
	note_release(&n);
	/* ...101 are not, known key or not (Go's limit too). */
	px_buf_addstr(&b, peter_sig);
	CHECK_EQ_INT(note_open(b.data, b.len, &peter, 1, &n, &err), PX_EINVAL);
	CHECK(strstr(err.msg, "line 104") != NULL);
	CHECK_EQ_INT(note_open(b.data, b.len, NULL, 0, &n, &err), PX_EINVAL);
	px_buf_release(&b);
}

TEST(note_too_large)
{
	struct px_err err;
	struct px_buf b;
	struct note n;
	size_t i;

	load_go_keys();
	px_buf_init(&b, 2 * NOTE_MAX_BYTES);
	for (i = 0; b.len < NOTE_MAX_BYTES; i++)
		px_buf_addstr(&b, "0123456789abcdef0123456789abcdef0123456789"
				  "abcdef0123456789abcde\n");
	/* Signing a text that is itself over the limit fails... */
	{
		struct px_buf out;
		px_buf_init(&out, 4 * NOTE_MAX_BYTES);
		CHECK_EQ_INT(note_sign((char *)b.data, b.len, &peter_signer, 1,
				       &out, &err),
			     PX_ETOOBIG);
		px_buf_release(&out);
	}
	px_buf_addc(&b, '\n');
	px_buf_addstr(&b, peter_sig);
	CHECK_EQ_INT(note_open(b.data, b.len, &peter, 1, &n, &err), PX_ETOOBIG);
	CHECK(strstr(err.msg, "limit") != NULL);
	px_buf_release(&b);
	note_signer_wipe(&peter_signer);
}

TEST(go_key_manglings)
{
	/* Go's TestNewVerifier / TestNewSigner: every proper substring and
	 * every single-byte change of a key is rejected. */
	struct note_verifier v;
	struct note_signer s;
	struct px_err err;
	char b[128];
	size_t n, i, j;
	int bad = 0;

	n = strlen(peter_vkey);
	memcpy(b, peter_vkey, n + 1);
	for (i = 0; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if ((i != 0 || j != n) &&
			    note_verifier_parse(b + i, j - i, &v, &err) == 0)
				bad++;
	for (i = 0; i < n; i++) {
		b[i]++;
		/* Upper- and lower-case hex digits are the same ID. */
		if (!(i >= 13 && i < 21 && b[i] >= 'A' && b[i] <= 'F') &&
		    note_verifier_parse(b, n, &v, &err) == 0)
			bad++;
		b[i]--;
	}
	CHECK_EQ_INT(bad, 0);
	/* Wrong key length and unknown type, each with a matching key ID. */
	CHECK_EQ_INT(
	    note_verifier_parse("PeterNeumann+cc469956+ARpc2QcUPDhMQ"
				"egwxbzhKqiBfsVkmqq/LDE4izWy10TWBADK"
				"EY==",
				strlen("PeterNeumann+cc469956+ARpc2QcUPD"
				       "hMQegwxbzhKqiBfsVkmqq/LDE4izWy"
				       "10TWBADKEY=="),
				&v, &err),
	    PX_EINVAL);
	CHECK(strstr(err.msg, "'PeterNeumann'") != NULL);
	CHECK_EQ_INT(note_verifier_parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQ"
					 "egwxbzhKqiBfsVkmqq/LDE4izWy10TW",
					 66, &v, &err),
		     PX_EINVAL);
	CHECK(strstr(err.msg, "type 0x65") != NULL);
	{
		/* Non-ASCII where two base64 digits were ("Kq"). */
		static const char k[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegw"
					"xbzh\xce\x91"
					"iBfsVkmqq/LDE4izWy10TW";
		CHECK_EQ_INT(note_verifier_parse(k, strlen(k), &v, &err),
			     PX_EINVAL);
		CHECK(strstr(err.msg, "base64") != NULL);
	}

	n = strlen(peter_skey);
	memcpy(b, peter_skey, n + 1);
	for (i = 0; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if ((i != 0 || j != n) &&
			    note_signer_parse(b + i, j - i, &s, &err) == 0)
				bad++;
	for (i = 0; i < n; i++) {
		b[i]++;
		if (!(i >= 25 && i < 33 && b[i] >= 'A' && b[i] <= 'F') &&
		    note_signer_parse(b, n, &s, &err) == 0)
			bad++;
		b[i]--;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(note_signer_parse(peter_skey, n, &s, &err), 0);
	note_signer_wipe(&s);
	{
		static const uint8_t zero[sizeof(s)];
		CHECK(memcmp(&s, zero, sizeof(s)) == 0);
	}
}

TEST(key_names)
{
	static const char *bad[] = {
	    "",
	    "a b",
	    "a+b",
	    "tab\tname",
	    "nbsp\xc2\xa0x",
	    "em\xe2\x80\x83space",
	    "ideo\xe3\x80\x80x",
	    "bad\xff",
	    "nl\nname",
	};
	char long_name[NOTE_NAME_MAX + 2];
	char *sk, *vk;
	struct px_err err;
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(bad); i++) {
		int rc =
		    note_key_generate(bad[i], NOTE_ALG_ED25519, &sk, &vk, &err);
		if (rc != PX_EINVAL)
			fprintf(stderr, "name %zu accepted\n", i);
		CHECK_EQ_INT(rc, PX_EINVAL);
		CHECK(sk == NULL && vk == NULL);
	}
	memset(long_name, 'x', NOTE_NAME_MAX);
	long_name[NOTE_NAME_MAX] = '\0';
	CHECK_EQ_INT(
	    note_key_generate(long_name, NOTE_ALG_ED25519, &sk, &vk, &err), 0);
	{
		struct note_verifier v;
		struct note_signer s;
		CHECK_EQ_INT(note_verifier_parse(vk, strlen(vk), &v, &err), 0);
		CHECK_EQ_INT(note_signer_parse(sk, strlen(sk), &s, &err), 0);
		CHECK_EQ_INT(strlen(v.name), NOTE_NAME_MAX);
		note_signer_wipe(&s);
	}
	sodium_memzero(sk, strlen(sk));
	px_free(sk);
	px_free(vk);
	long_name[NOTE_NAME_MAX] = 'x';
	long_name[NOTE_NAME_MAX + 1] = '\0';
	CHECK_EQ_INT(
	    note_key_generate(long_name, NOTE_ALG_ED25519, &sk, &vk, &err),
	    PX_EINVAL);
	CHECK_EQ_INT(note_key_generate("example.com/x", 0x02, &sk, &vk, &err),
		     PX_EINVAL);
	/* Non-ASCII names are fine. */
	CHECK_EQ_INT(note_key_generate("\xd5\xb0\xd5\xa1\xd5\xb5.example/log",
				       NOTE_ALG_ED25519, &sk, &vk, &err),
		     0);
	sodium_memzero(sk, strlen(sk));
	px_free(sk);
	px_free(vk);
}

/* Generate a key pair of the given type and parse both halves. */
static void make_key(const char *name, uint8_t alg, struct note_signer *s,
		     struct note_verifier *v)
{
	char *sk = NULL, *vk = NULL;
	struct px_err err;

	CHECK_EQ_INT(note_key_generate(name, alg, &sk, &vk, &err), 0);
	if (!sk)
		return;
	CHECK(strncmp(sk, "PRIVATE+KEY+", 12) == 0);
	CHECK_EQ_INT(note_signer_parse(sk, strlen(sk), s, &err), 0);
	CHECK_EQ_INT(note_verifier_parse(vk, strlen(vk), v, &err), 0);
	CHECK_EQ_INT(s->id, v->id);
	CHECK_EQ_INT(v->alg, alg);
	sodium_memzero(sk, strlen(sk));
	px_free(sk);
	px_free(vk);
}

TEST(round_trip)
{
	struct note_signer s[2];
	struct note_verifier v[2];
	struct px_buf b;
	struct px_err err;
	struct note n;
	static const char text[] = "one\n\ntwo, after an empty line\n\n";

	make_key("example.com/a", NOTE_ALG_ED25519, &s[0], &v[0]);
	make_key("example.com/b", NOTE_ALG_ED25519, &s[1], &v[1]);
	px_buf_init(&b, NOTE_MAX_BYTES);
	REQUIRE(note_sign(text, strlen(text), s, 2, &b, &err) == 0);
	REQUIRE(note_open(b.data, b.len, v, 2, &n, &err) == 0);
	CHECK_EQ_STR(n.text, text);
	CHECK_EQ_INT(n.nsigs, 2);
	CHECK(n.sigs[0].verified && n.sigs[1].verified);
	note_release(&n);
	/* Either key alone is enough. */
	CHECK_EQ_INT(note_open(b.data, b.len, &v[1], 1, &n, &err), 0);
	note_release(&n);
	/* A cosignature key cannot sign notes. */
	{
		struct note_signer w;
		struct note_verifier wv;
		make_key("witness.example/w", NOTE_ALG_COSIGNATURE_V1, &w, &wv);
		px_buf_reset(&b);
		CHECK_EQ_INT(note_sign(text, strlen(text), &w, 1, &b, &err),
			     PX_EINVAL);
		note_signer_wipe(&w);
	}
	px_buf_release(&b);
	note_signer_wipe(&s[0]);
	note_signer_wipe(&s[1]);
}

TEST(checkpoint_parse_spec_example)
{
	struct log_checkpoint c;
	struct px_err err;
	struct px_buf b;
	char hex[65];

	REQUIRE(log_checkpoint_parse(spec_checkpoint, strlen(spec_checkpoint),
				     &c, &err) == 0);
	CHECK_EQ_STR(c.origin, "example.com/behind-the-sofa");
	CHECK_EQ_INT(c.size, 20852163);
	log_hash_hex(hex, &c.root);
	CHECK_EQ_STR(hex, "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630"
			  "f0378f68f1ab62");
	CHECK(c.extensions == NULL);
	px_buf_init(&b, 4096);
	CHECK_EQ_INT(log_checkpoint_format(&c, &b), 0);
	CHECK_EQ_STR((char *)b.data, spec_checkpoint);
	log_checkpoint_release(&c);

	/* Extension lines are kept and formatted back. */
	{
		char *t = cat3(spec_checkpoint, "ext one\n", "ext two\n");
		REQUIRE(log_checkpoint_parse(t, strlen(t), &c, &err) == 0);
		CHECK_EQ_STR(c.extensions, "ext one\next two\n");
		px_buf_reset(&b);
		CHECK_EQ_INT(log_checkpoint_format(&c, &b), 0);
		CHECK_EQ_STR((char *)b.data, t);
		log_checkpoint_release(&c);
		px_free(t);
	}
	/* Size 0 is the empty tree. */
	{
		static const char t[] =
		    "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
		CHECK_EQ_INT(log_checkpoint_parse(t, strlen(t), &c, &err), 0);
		CHECK_EQ_INT(c.size, 0);
		log_checkpoint_release(&c);
	}
	px_buf_release(&b);
}

TEST(checkpoint_malformed)
{
	static const struct {
		const char *text;
		const char *where;
	} bad[] = {
	    {"o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2"},
	    {"o\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2"},
	    {"o\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2"},
	    {"o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2"},
	    {"o\n18446744073709551616\n"
	     "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	     "line 2"},
	    {"o\n\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2"},
	    /* a root of 31 bytes */
	    {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n",
	     "31 bytes"},
	    /* a root of 33 bytes */
	    {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n",
	     "33 bytes"},
	    {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "line 3"},
	    {"o\n1\nnot base64!\n", "line 3"},
	    /* non-ASCII in place of two base64 digits (found by fuzzing:
	     * libsodium's decoder alone takes it) */
	    {"o\n1\nCsUYaGPGpo4dkMgIAUqom/Xajj7h\xce\x91"
	     "B2MaiadEq2ZxI=\n",
	     "line 3"},
	    {"o\n1\n\n", "line 3"},
	    /* an empty extension line */
	    {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
	     "line 4"},
	    {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n\n",
	     "line 5"},
	    {"\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	     "origin is empty"},
	    {"o\n1\n", "line 3"},
	    {"o\n", "line 2"},
	    {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "newline"},
	    {"o\x01\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	     "control"},
	    {"", "empty"},
	};
	struct log_checkpoint c;
	struct px_err err;
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(bad); i++) {
		int rc = log_checkpoint_parse(bad[i].text, strlen(bad[i].text),
					      &c, &err);
		if (rc != PX_EINVAL || !strstr(err.msg, bad[i].where))
			fprintf(stderr, "case %zu: rc %d, '%s'\n", i, rc,
				rc ? err.msg : "");
		CHECK_EQ_INT(rc, PX_EINVAL);
		CHECK(rc == 0 || strstr(err.msg, bad[i].where) != NULL);
		if (rc == 0)
			log_checkpoint_release(&c);
	}
}

/* A log and three witnesses. */
struct fixture {
	struct note_signer log_s, w_s[3];
	struct note_verifier log_v, w_v[3];
};

static void fixture_init(struct fixture *f)
{
	make_key("example.com/log", NOTE_ALG_ED25519, &f->log_s, &f->log_v);
	make_key("witness.example/a", NOTE_ALG_COSIGNATURE_V1, &f->w_s[0],
		 &f->w_v[0]);
	make_key("witness.example/b", NOTE_ALG_COSIGNATURE_V1, &f->w_s[1],
		 &f->w_v[1]);
	make_key("witness.example/c", NOTE_ALG_COSIGNATURE_V1, &f->w_s[2],
		 &f->w_v[2]);
}

static void fixture_release(struct fixture *f)
{
	int i;

	note_signer_wipe(&f->log_s);
	for (i = 0; i < 3; i++)
		note_signer_wipe(&f->w_s[i]);
}

/* Sign a checkpoint of `size` by the log and append cosignatures by the
 * witnesses whose bit is set in `mask`. */
static void signed_checkpoint(struct fixture *f, const char *origin,
			      uint64_t size, unsigned mask, struct px_buf *out)
{
	struct log_checkpoint c;
	struct px_buf text;
	struct px_err err;
	int i;

	memset(&c, 0, sizeof(c));
	snprintf(c.origin, sizeof(c.origin), "%s", origin);
	c.size = size;
	log_sha256(c.root.b, &size, sizeof(size));
	px_buf_init(&text, 4096);
	CHECK_EQ_INT(log_checkpoint_format(&c, &text), 0);
	px_buf_reset(out);
	CHECK_EQ_INT(
	    note_sign((char *)text.data, text.len, &f->log_s, 1, out, &err), 0);
	for (i = 0; i < 3; i++)
		if (mask & (1u << i))
			CHECK_EQ_INT(note_cosign((char *)text.data, text.len,
						 &f->w_s[i], 1700000000u + i,
						 out, &err),
				     0);
	px_buf_release(&text);
}

TEST(checkpoint_open_quorum)
{
	struct fixture f;
	struct px_buf b;
	struct px_err err;
	struct log_checkpoint c;
	struct note n;

	fixture_init(&f);
	px_buf_init(&b, NOTE_MAX_BYTES);

	/* Two of three witnesses cosigned. */
	signed_checkpoint(&f, "example.com/log", 42, 5, &b);
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 2, &c, &err),
	    0);
	CHECK_EQ_INT(c.size, 42);
	CHECK_EQ_STR(c.origin, "example.com/log");
	log_checkpoint_release(&c);
	/* The cosignatures carry their timestamps. */
	REQUIRE(note_open(b.data, b.len, f.w_v, 3, &n, &err) == 0);
	CHECK_EQ_INT(n.nsigs, 3);
	CHECK(!n.sigs[0].verified);
	CHECK(n.sigs[1].verified && n.sigs[2].verified);
	CHECK_EQ_INT(n.sigs[1].alg, NOTE_ALG_COSIGNATURE_V1);
	CHECK_EQ_INT(n.sigs[1].timestamp, 1700000000u);
	CHECK_EQ_INT(n.sigs[2].timestamp, 1700000002u);
	CHECK_EQ_INT(n.sigs[1].blob_len, 72);
	note_release(&n);

	/* Quorum 3 is not met, and the message names the missing one. */
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 3, &c, &err),
	    PX_EVERIFY);
	CHECK(strstr(err.msg, "quorum is 3") != NULL);
	CHECK(strstr(err.msg, "witness.example/b") != NULL);
	/* A witness listed twice counts once. */
	{
		struct note_verifier twice[2] = {f.w_v[0], f.w_v[0]};
		CHECK_EQ_INT(log_checkpoint_open(b.data, b.len, &f.log_v, twice,
						 2, 2, &c, &err),
			     PX_EVERIFY);
	}
	/* Quorum 0: the log signature alone. */
	signed_checkpoint(&f, "example.com/log", 42, 0, &b);
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 0, &c, &err),
	    0);
	log_checkpoint_release(&c);
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 1, &c, &err),
	    PX_EVERIFY);
	px_buf_release(&b);
	fixture_release(&f);
}

TEST(checkpoint_open_failures)
{
	struct fixture f;
	struct px_buf b, other;
	struct px_err err;
	struct log_checkpoint c;

	fixture_init(&f);
	px_buf_init(&b, NOTE_MAX_BYTES);
	px_buf_init(&other, NOTE_MAX_BYTES);

	/* Wrong origin. */
	signed_checkpoint(&f, "example.com/other-log", 42, 7, &b);
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 1, &c, &err),
	    PX_EVERIFY);
	CHECK(strstr(err.msg, "origin") != NULL);

	/* Cosigned by witnesses, but no log signature. */
	{
		struct log_checkpoint cp;
		struct px_buf text;
		memset(&cp, 0, sizeof(cp));
		snprintf(cp.origin, sizeof(cp.origin), "example.com/log");
		cp.size = 3;
		px_buf_init(&text, 4096);
		log_checkpoint_format(&cp, &text);
		px_buf_reset(&b);
		px_buf_add(&b, text.data, text.len);
		px_buf_addc(&b, '\n');
		note_cosign((char *)text.data, text.len, &f.w_s[0], 1, &b,
			    &err);
		note_cosign((char *)text.data, text.len, &f.w_s[1], 1, &b,
			    &err);
		CHECK_EQ_INT(log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v,
						 3, 2, &c, &err),
			     PX_EVERIFY);
		CHECK(strstr(err.msg, "log key") != NULL);
		px_buf_release(&text);
	}

	/* A cosignature over a different checkpoint, moved onto this one. */
	signed_checkpoint(&f, "example.com/log", 42, 0, &b);
	signed_checkpoint(&f, "example.com/log", 43, 1, &other);
	{
		const char *line = strstr((char *)other.data,
					  "\xe2\x80\x94 witness.example/a ");
		REQUIRE(line != NULL);
		px_buf_addstr(&b, line);
	}
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 1, &c, &err),
	    PX_EVERIFY);
	CHECK(strstr(err.msg, "witness.example/a") != NULL);
	CHECK(strstr(err.msg, "line 6") != NULL);

	/* A changed timestamp breaks the cosignature. */
	signed_checkpoint(&f, "example.com/log", 42, 1, &b);
	{
		char *line =
		    strstr((char *)b.data, "\xe2\x80\x94 witness.example/a ");
		/* base64 chars 6..11 carry the timestamp's top bytes. */
		char *t = line + strlen("\xe2\x80\x94 witness.example/a ") + 7;
		*t = *t == 'B' ? 'C' : 'B';
	}
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 1, &c, &err),
	    PX_EVERIFY);

	/* A checkpoint body that is not a checkpoint. */
	{
		static const char t[] = "example.com/log\n01\nxx\n";
		px_buf_reset(&b);
		note_sign(t, strlen(t), &f.log_s, 1, &b, &err);
		CHECK_EQ_INT(log_checkpoint_open(b.data, b.len, &f.log_v, NULL,
						 0, 0, &c, &err),
			     PX_EINVAL);
		CHECK(strstr(err.msg, "line 2") != NULL);
	}
	px_buf_release(&b);
	px_buf_release(&other);
	fixture_release(&f);
}

TEST(cosignature_spec_message)
{
	/* tlog-cosignature: the witness line of the spec example carries
	 * key ID 8d66cf3f and time 1679315147, the time of its example
	 * signed message.  A verifier with that name and ID but another key
	 * must check it, and fail. */
	static const char msg[] =
	    "example.com/behind-the-sofa\n"
	    "20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	    "\n"
	    "\xe2\x80\x94 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1"
	    "Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTO"
	    "AYQ8=\n"
	    "\xe2\x80\x94 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiID"
	    "oe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUB"
	    "kBIfZ+qnA==\n";
	struct note_signer s;
	struct note_verifier v;
	struct px_err err;

	make_key("witness.example.com/w1", NOTE_ALG_COSIGNATURE_V1, &s, &v);
	v.id = 0x8d66cf3f;
	CHECK_EQ_INT(open_rc(msg, &v, 1, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "time 1679315147") != NULL);
	CHECK(strstr(err.msg, "line 6") != NULL);
	note_signer_wipe(&s);
}

TEST(spec_examples_parse)
{
	/* c2sp.org/signed-note's example (text with an empty line and
	 * non-ASCII) and tlog-cosignature's cosigned checkpoint parse; with
	 * none of their keys known, the error lists each signer's name and
	 * key ID as decoded from the signature. */
	static const char signed_note[] =
	    "Ognuno sta solo sul cuor della terra\n"
	    "trafitto da un raggio di sole:\n"
	    "\n"
	    "ed \xc3\xa8 subito sera.\n"
	    "\n"
	    "\xe2\x80\x94 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUP"
	    "eFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwN"
	    "tIc=\n";
	static const char cosigned[] =
	    "example.com/behind-the-sofa\n"
	    "20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	    "\n"
	    "\xe2\x80\x94 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1"
	    "Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTO"
	    "AYQ8=\n"
	    "\xe2\x80\x94 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiID"
	    "oe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUB"
	    "kBIfZ+qnA==\n";
	struct px_err err;
	struct note_verifier stranger;
	struct note_signer s;

	CHECK_EQ_INT(open_rc(signed_note, NULL, 0, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "'quasimodo.example/salvatore+367ba04b'") !=
	      NULL);
	CHECK_EQ_INT(open_rc(cosigned, NULL, 0, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "'example.com/behind-the-sofa+033de0ae'") !=
	      NULL);
	CHECK(strstr(err.msg, "'witness.example.com/w1+8d66cf3f'") != NULL);
	/* A key with the log's name but another ID is not the log's key. */
	make_key("example.com/behind-the-sofa", NOTE_ALG_ED25519, &s,
		 &stranger);
	CHECK_EQ_INT(open_rc(cosigned, &stranger, 1, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "no signature by a known key") != NULL);
	note_signer_wipe(&s);
}

TEST(long_signatures)
{
	/* An unknown key's signature longer than note_sig.blob (an ML-DSA-44
	 * cosignature is 8 + 2420 bytes) is kept, unchecked; a known key's
	 * over-long signature fails. */
	struct px_buf b;
	struct px_err err;
	struct note n;
	uint8_t raw[4 + 8 + 2420];
	char b64[4 * sizeof(raw) / 3 + 8];

	load_go_keys();
	memset(raw, 0x5a, sizeof(raw));
	raw[0] = 0x12, raw[1] = 0x34, raw[2] = 0x56, raw[3] = 0x78;
	px_b64_encode(b64, raw, sizeof(raw));
	px_buf_init(&b, NOTE_MAX_BYTES);
	px_buf_addstr(&b, go_text);
	px_buf_addc(&b, '\n');
	px_buf_addstr(&b, peter_sig);
	px_buf_addf(&b, "\xe2\x80\x94 pq.example/w %s\n", b64);
	REQUIRE(note_open(b.data, b.len, &peter, 1, &n, &err) == 0);
	CHECK_EQ_INT(n.nsigs, 2);
	CHECK_EQ_INT(n.sigs[1].id, 0x12345678u);
	CHECK_EQ_INT(n.sigs[1].blob_len, 0);
	CHECK(!n.sigs[1].verified);
	note_release(&n);

	px_buf_reset(&b);
	px_buf_addstr(&b, go_text);
	px_buf_addc(&b, '\n');
	raw[0] = 0xc7, raw[1] = 0x4f, raw[2] = 0x20, raw[3] = 0xa3;
	px_b64_encode(b64, raw, sizeof(raw));
	px_buf_addf(&b, "\xe2\x80\x94 PeterNeumann %s\n", b64);
	CHECK_EQ_INT(note_open(b.data, b.len, &peter, 1, &n, &err), PX_EVERIFY);
	CHECK(strstr(err.msg, "2428 bytes, want 64") != NULL);
	px_buf_release(&b);
}

TEST(cosignature_timestamp_limit)
{
	struct note_signer w;
	struct note_verifier wv;
	struct px_buf b;
	struct px_err err;

	make_key("witness.example/t", NOTE_ALG_COSIGNATURE_V1, &w, &wv);
	px_buf_init(&b, 4096);
	CHECK_EQ_INT(note_cosign(spec_checkpoint, strlen(spec_checkpoint), &w,
				 UINT64_C(1) << 63, &b, &err),
		     PX_EINVAL);
	CHECK_EQ_INT(note_cosign(spec_checkpoint, strlen(spec_checkpoint), &w,
				 (UINT64_C(1) << 63) - 1, &b, &err),
		     0);
	px_buf_release(&b);
	note_signer_wipe(&w);
}

TEST(errors_without_err)
{
	/* err may be NULL; failures must still return their code. */
	struct note_verifier v;
	struct note_signer sg;
	struct log_checkpoint c;
	struct note n;
	struct px_buf b;
	char *msg = cat3(go_text, "\n", "\xe2\x80\x94 Bad+Name AAAAAAAA\n");

	load_go_keys();
	CHECK_EQ_INT(note_verifier_parse("a b+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiB"
					 "fsVkmqq/LDE4izWy10TW",
					 57, &v, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(note_signer_parse("PRIVATE+KEY+a b+c74f20a3+AYEKFALVFGyNh"
				       "PJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
				       69, &sg, NULL),
		     PX_EINVAL);
	CHECK_EQ_INT(open_rc(msg, &peter, 1, NULL), PX_EINVAL);
	CHECK_EQ_INT(
	    note_open((const uint8_t *)msg, strlen(msg), &peter, 1, &n, NULL),
	    PX_EINVAL);
	CHECK_EQ_INT(log_checkpoint_open((const uint8_t *)msg, strlen(msg),
					 &peter, NULL, 0, 0, &c, NULL),
		     PX_EINVAL);
	px_free(msg);
	px_buf_init(&b, 4096);
	snprintf(peter_signer.name, sizeof(peter_signer.name), "bad name");
	CHECK_EQ_INT(
	    note_sign(go_text, strlen(go_text), &peter_signer, 1, &b, NULL),
	    PX_EINVAL);
	px_buf_release(&b);
	note_signer_wipe(&peter_signer);
}

TEST(allocation_failures)
{
	struct fixture f;
	struct px_buf b;
	struct px_err err;
	unsigned long nth;
	int ok = 0;

	fixture_init(&f);
	px_buf_init(&b, NOTE_MAX_BYTES);
	signed_checkpoint(&f, "example.com/log", 9, 7, &b);
	for (nth = 1; nth < 50 && !ok; nth++) {
		struct log_checkpoint c;
		int rc;
		px_alloc_fail_at(nth, 0);
		rc = log_checkpoint_open(b.data, b.len, &f.log_v, f.w_v, 3, 3,
					 &c, &err);
		px_alloc_fail_at(0, 0);
		CHECK(rc == 0 || rc == PX_ENOMEM);
		if (rc == 0) {
			log_checkpoint_release(&c);
			ok = 1;
		}
	}
	CHECK(ok);
	px_buf_release(&b);
	fixture_release(&f);
}

TEST_MAIN(TEST_ENTRY(go_keys_parse), TEST_ENTRY(go_sign_vector),
	  TEST_ENTRY(go_open_vectors), TEST_ENTRY(go_duplicated_signatures),
	  TEST_ENTRY(bad_signature), TEST_ENTRY(unknown_key_only),
	  TEST_ENTRY(key_id_matches_wrong_name), TEST_ENTRY(truncated_notes),
	  TEST_ENTRY(go_malformed_messages),
	  TEST_ENTRY(control_characters_and_utf8), TEST_ENTRY(bad_base64),
	  TEST_ENTRY(too_many_signatures), TEST_ENTRY(note_too_large),
	  TEST_ENTRY(go_key_manglings), TEST_ENTRY(key_names),
	  TEST_ENTRY(round_trip), TEST_ENTRY(checkpoint_parse_spec_example),
	  TEST_ENTRY(checkpoint_malformed), TEST_ENTRY(checkpoint_open_quorum),
	  TEST_ENTRY(checkpoint_open_failures),
	  TEST_ENTRY(cosignature_spec_message), TEST_ENTRY(spec_examples_parse),
	  TEST_ENTRY(long_signatures), TEST_ENTRY(cosignature_timestamp_limit),
	  TEST_ENTRY(errors_without_err), TEST_ENTRY(allocation_failures))
