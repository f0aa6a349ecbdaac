/*
 * fuzz_note.c - libFuzzer target for the signed-note and checkpoint parsers
 * (src/log/note.c): note_open, log_checkpoint_parse, log_checkpoint_open,
 * note_verifier_parse and note_signer_parse on the same input.  Fixed
 * test keys (a log key, a witness cosignature key and Go's published
 * "PeterNeumann" key) are known, so that inputs carrying their valid
 * signatures reach the verification code; the kept corpus has such notes.
 * Besides "no crash, no leak", it checks properties callers rely on:
 *   - an opened note's text ends in a newline and one signature verified;
 *   - a parsed checkpoint formats back to exactly the text it came from;
 *   - an opened checkpoint's origin is the log key's name;
 *   - a parsed verifier key formats to a key that parses to the same key;
 *   - a parsed signer key signs a note its own verifier opens.
 */
#include "log/note.h"

#include <stdlib.h>
#include <string.h>

/* Test-only keys; their signers made the corpus (tests/interop/pxtool). */
static const char *const vkeys[] = {
    "example.com/fuzz-log+c7655c79+AX1j3Qd27KTXVQ8fYXp+rwGb0KoWRh3Mtgpz09bm"
    "lALQ",
    "witness.example/fuzz+8bcb148c+BLo+orS+0dV0B65dbxuf4q1exPKmcjpQ1LWg+UQQ"
    "QLSk",
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
};

static struct note_verifier known[3];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void init_keys(void)
{
	static int done;
	size_t i;

	if (done)
		return;
	for (i = 0; i < PX_ARRAY_LEN(vkeys); i++)
		if (note_verifier_parse(vkeys[i], strlen(vkeys[i]), &known[i],
					NULL) != 0)
			abort();
	done = 1;
}

static void check_checkpoint(const char *text, size_t len)
{
	struct log_checkpoint c;
	struct px_buf b;

	if (log_checkpoint_parse(text, len, &c, NULL) != 0)
		return;
	px_buf_init(&b, 2 * len + 256);
	if (log_checkpoint_format(&c, &b) != 0 || b.len != len ||
	    memcmp(b.data, text, len) != 0)
		abort();
	px_buf_release(&b);
	log_checkpoint_release(&c);
}

static void check_keys(const uint8_t *data, size_t size)
{
	struct note_verifier v, v2;
	struct note_signer s;
	struct px_buf b;

	if (note_verifier_parse((const char *)data, size, &v, NULL) == 0) {
		px_buf_init(&b, 4096);
		if (note_verifier_format(&v, &b) != 0 ||
		    note_verifier_parse((char *)b.data, b.len, &v2, NULL) !=
			0 ||
		    memcmp(&v, &v2, sizeof(v)) != 0)
			abort();
		px_buf_release(&b);
	}
	if (note_signer_parse((const char *)data, size, &s, NULL) == 0) {
		static const char text[] = "fuzz\n";
		struct note n;
		px_buf_init(&b, 4096);
		note_signer_verifier(&s, &v);
		if (s.alg == NOTE_ALG_ED25519) {
			if (note_sign(text, strlen(text), &s, 1, &b, NULL) != 0)
				abort();
		} else {
			if (px_buf_addstr(&b, "fuzz\n\n") != 0 ||
			    note_cosign(text, strlen(text), &s, 1, &b, NULL) !=
				0)
				abort();
		}
		if (note_open(b.data, b.len, &v, 1, &n, NULL) != 0)
			abort();
		note_release(&n);
		px_buf_release(&b);
		note_signer_wipe(&s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct note n;
	struct log_checkpoint c;
	struct px_err err;

	init_keys();
	if (note_open(data, size, known, PX_ARRAY_LEN(known), &n, &err) == 0) {
		size_t i, verified = 0;
		if (n.text_len == 0 || n.text[n.text_len - 1] != '\n' ||
		    n.text_len >= size || n.nsigs == 0)
			abort();
		for (i = 0; i < n.nsigs; i++)
			verified += n.sigs[i].verified != 0;
		if (verified == 0)
			abort();
		check_checkpoint(n.text, n.text_len);
		note_release(&n);
	}
	check_checkpoint((const char *)data, size);
	if (log_checkpoint_open(data, size, &known[0], &known[1], 1, 1, &c,
				&err) == 0) {
		if (strcmp(c.origin, known[0].name) != 0)
			abort();
		log_checkpoint_release(&c);
	}
	if (size <= 1024)
		check_keys(data, size);
	return 0;
}
