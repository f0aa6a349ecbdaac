/*
 * fuzz_proof.c - libFuzzer target for the RFC 9162 proof verifiers
 * (src/log/tree.c).  The input names a proof against a known 11-leaf tree
 * (or any tree, with wide sizes); both verifiers must never crash, and
 * whenever one accepts a proof that ends at the known tree's true root, the
 * proof must be exactly the one the generator gives, for the true leaf or
 * the true old root.  Accepting anything else would be a forgery.
 *
 * Input layout:
 *   byte 0   flags: 1 consistency (else inclusion); 2 wide sizes;
 *            4 use the known tree's true roots; 8 use the true leaf;
 *            16 start from the generated proof and XOR the hashes into it
 *   a, size  one byte each, or 8 bytes big-endian each with flag 2
 *            (a is the leaf index, or the old size m)
 *   count    one byte: number of proof hashes
 *   hashes   count * 32 bytes (missing bytes read as zero)
 *   leaf or old root, then root: 32 bytes each unless flags 8 / 4
 */
#include "log/tree.h"

#include <stdlib.h>
#include <string.h>

#define KNOWN 11

static struct log_hash leaves[KNOWN];
static struct log_hash roots[KNOWN + 1];
static struct log_mem_tree mem = {leaves, KNOWN};
static struct log_hash_reader reader;

static void setup(void)
{
	static int done;
	uint64_t i;

	if (done)
		return;
	done = 1;
	for (i = 0; i < KNOWN; i++) {
		uint8_t e = (uint8_t)i;
		log_hash_leaf(&leaves[i], &e, 1);
	}
	log_mem_tree_reader(&mem, &reader);
	for (i = 0; i <= KNOWN; i++)
		if (log_tree_root(&reader, i, &roots[i], NULL) != 0)
			abort();
}

struct input {
	const uint8_t *p;
	size_t n;
};

static void take(struct input *in, void *out, size_t len)
{
	size_t k = in->n < len ? in->n : len;

	memcpy(out, in->p, k);
	memset((uint8_t *)out + k, 0, len - k);
	in->p += k;
	in->n -= k;
}

static uint64_t take_num(struct input *in, int wide)
{
	uint8_t b[8];
	uint64_t v = 0;
	int i;

	if (!wide) {
		take(in, b, 1);
		return b[0];
	}
	take(in, b, 8);
	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static int same(const struct log_hash *a, const struct log_hash *b, size_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct log_hash proof[LOG_PROOF_MAX + 8], real[LOG_PROOF_MAX];
	struct log_hash first, root;
	struct px_err err;
	uint8_t flags, count;
	uint64_t a, n;
	size_t np, nreal = 0, i;
	int consistency, known, have_real = 0, rc;

	setup();
	take(&in, &flags, 1);
	consistency = flags & 1;
	a = take_num(&in, flags & 2);
	n = take_num(&in, flags & 2);
	take(&in, &count, 1);
	np = count < PX_ARRAY_LEN(proof) ? count : PX_ARRAY_LEN(proof);
	known = n <= KNOWN && a <= n && (consistency || a < n);

	/* The generator's proof, which must always verify. */
	if (known) {
		if (consistency)
			rc = log_tree_prove_consistency(&reader, a, n, real,
							&nreal, &err);
		else
			rc = log_tree_prove_inclusion(&reader, a, n, real,
						      &nreal, &err);
		if (rc != 0)
			abort();
		have_real = 1;
	}
	memset(proof, 0, sizeof(proof));
	if ((flags & 16) && have_real)
		memcpy(proof, real, nreal * sizeof(*real));
	for (i = 0; i < np; i++) {
		struct log_hash x;
		size_t j;
		take(&in, &x, sizeof(x));
		for (j = 0; j < LOG_HASH_SIZE; j++)
			proof[i].b[j] ^= x.b[j];
	}
	if ((flags & 8) && known && !consistency)
		first = leaves[a];
	else if ((flags & 8) && known)
		first = roots[a];
	else
		take(&in, &first, sizeof(first));
	if ((flags & 4) && known)
		root = roots[n];
	else
		take(&in, &root, sizeof(root));

	if (have_real) {
		if (consistency)
			rc = log_tree_verify_consistency(
			    a, n, &roots[a], &roots[n], real, nreal, &err);
		else
			rc = log_tree_verify_inclusion(a, n, &leaves[a], real,
						       nreal, &roots[n], &err);
		if (rc != 0)
			abort();
	}

	if (consistency)
		rc = log_tree_verify_consistency(a, n, &first, &root, proof, np,
						 &err);
	else
		rc = log_tree_verify_inclusion(a, n, &first, proof, np, &root,
					       &err);
	if (rc != 0) {
		if (rc != PX_EVERIFY)
			abort();
		return 0;
	}
	/* Accepted.  Against the known tree's true root, it must be the
	 * true proof of the true leaf (or true old root). */
	if (n <= KNOWN && log_hash_equal(&root, &roots[n])) {
		if (!have_real || np != nreal || !same(proof, real, np))
			abort();
		if (!consistency && !log_hash_equal(&first, &leaves[a]))
			abort();
		if (consistency && a > 0 && !log_hash_equal(&first, &roots[a]))
			abort();
	}
	return 0;
}
