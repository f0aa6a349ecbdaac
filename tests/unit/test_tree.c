/* Unit tests for src/log/tree.c: the RFC 9162 §2.1 Merkle Tree Hash and its
 * inclusion and consistency proofs, checked against the published RFC 6962
 * test vectors, against a naive transcription of the RFC's recursive
 * definitions, and against tampering of every kind. */
#include "log/tree.h"
#include "test.h"

#define MAXN 134 /* every tree size 0..MAXN is checked exhaustively */
/* Sizes up to this get every bit of every proof hash flipped; larger
 * ones get three bits per hash, chosen to cover every bit position. */
#define ALLBITS_MAXN 16

static struct log_hash leaves[2 * MAXN + 2];
static struct log_hash roots[2 * MAXN + 2]; /* naive MTH(D[0:n]) */

/* ---- RFC 9162 §2.1.1-2.1.4.1 transcribed as written, recursively. */

static uint64_t naive_k(uint64_t n)
{
	uint64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

/* Memo of naive_mth over ranges of `leaves`, to keep the test fast. */
#define MEMO_N (2 * MAXN + 2)
static struct log_hash memo[MEMO_N][MEMO_N + 1];
static uint8_t memo_have[MEMO_N][MEMO_N + 1];

static void naive_mth(const struct log_hash *d, uint64_t n,
		      struct log_hash *out)
{
	struct log_hash l, r;
	size_t off = (size_t)(d - leaves);
	uint64_t k;

	if (off < MEMO_N && n <= MEMO_N && memo_have[off][n]) {
		*out = memo[off][n];
		return;
	}
	if (n == 0) {
		log_hash_empty(out);
		return;
	}
	if (n == 1) {
		*out = d[0];
		return;
	}
	k = naive_k(n);
	naive_mth(d, k, &l);
	naive_mth(d + k, n - k, &r);
	log_hash_node(out, &l, &r);
	if (off < MEMO_N && n <= MEMO_N) {
		memo[off][n] = *out;
		memo_have[off][n] = 1;
	}
}

static void naive_path(uint64_t m, const struct log_hash *d, uint64_t n,
		       struct log_hash *out, size_t *len)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = naive_k(n);
	if (m < k) {
		naive_path(m, d, k, out, len);
		naive_mth(d + k, n - k, &out[(*len)++]);
	} else {
		naive_path(m - k, d + k, n - k, out, len);
		naive_mth(d, k, &out[(*len)++]);
	}
}

static void naive_subproof(uint64_t m, const struct log_hash *d, uint64_t n,
			   int b, struct log_hash *out, size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			naive_mth(d, n, &out[(*len)++]);
		return;
	}
	k = naive_k(n);
	if (m <= k) {
		naive_subproof(m, d, k, b, out, len);
		naive_mth(d + k, n - k, &out[(*len)++]);
	} else {
		naive_subproof(m - k, d + k, n - k, 0, out, len);
		naive_mth(d, k, &out[(*len)++]);
	}
}

static void setup(void)
{
	static int done;
	size_t i;

	if (done)
		return;
	done = 1;
	for (i = 0; i < PX_ARRAY_LEN(leaves); i++) {
		uint8_t e[4] = {(uint8_t)i, (uint8_t)(i >> 8), 0x5a, 0xa5};
		log_hash_leaf(&leaves[i], e, sizeof(e));
	}
	for (i = 0; i < PX_ARRAY_LEN(roots); i++)
		naive_mth(leaves, i, &roots[i]);
}

static int same_proof(const struct log_hash *a, size_t na,
		      const struct log_hash *b, size_t nb)
{
	return na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
}

static void hex_to_hash(struct log_hash *h, const char *hex)
{
	if (px_hex_decode(h->b, LOG_HASH_SIZE, hex, strlen(hex)) != 0) {
		fprintf(stderr, "bad hex in test: %s\n", hex);
		exit(2);
	}
}

/* Bits to flip in hash j of a proof for (a, b) of tree size n. */
static size_t flip_bits(uint64_t n, uint64_t a, size_t j, unsigned *bits)
{
	size_t i;

	if (n <= ALLBITS_MAXN) {
		for (i = 0; i < 256; i++)
			bits[i] = (unsigned)i;
		return 256;
	}
	for (i = 0; i < 3; i++)
		bits[i] =
		    (unsigned)((a * 37 + n * 11 + j * 101 + i * 85) % 256);
	return 3;
}

TEST(roots_equal_naive_mth_for_every_size)
{
	struct log_mem_tree t = {leaves, MAXN};
	struct log_hash_reader r;
	struct log_hash root;
	uint64_t n;

	setup();
	log_mem_tree_reader(&t, &r);
	for (n = 0; n <= MAXN; n++) {
		CHECK_EQ_INT(log_tree_root(&r, n, &root, NULL), 0);
		CHECK(memcmp(&root, &roots[n], sizeof(root)) == 0);
	}
	/* Size 0 is SHA-256 of the empty string (RFC 9162 §2.1.1). */
	hex_to_hash(&root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
			   "a495991b7852b855");
	CHECK(memcmp(&root, &roots[0], sizeof(root)) == 0);
}

static void tamper_inclusion(uint64_t index, uint64_t n,
			     const struct log_hash *proof, size_t len)
{
	struct log_hash p[LOG_PROOF_MAX + 2], real[LOG_PROOF_MAX], bad;
	struct px_err err;
	unsigned bits[256];
	uint64_t alt[4];
	size_t i, j, nb, nreal;

	/* Any single flipped bit of any proof hash. */
	for (j = 0; j < len; j++) {
		nb = flip_bits(n, index, j, bits);
		for (i = 0; i < nb; i++) {
			memcpy(p, proof, len * sizeof(*p));
			p[j].b[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
			CHECK_EQ_INT(
			    log_tree_verify_inclusion(index, n, &leaves[index],
						      p, len, &roots[n], NULL),
			    PX_EVERIFY);
		}
	}
	/* One hash too few, one too many (at either end). */
	if (len > 0) {
		CHECK_EQ_INT(log_tree_verify_inclusion(index, n, &leaves[index],
						       proof, len - 1,
						       &roots[n], &err),
			     PX_EVERIFY);
		CHECK(strstr(err.msg, "expected") != NULL);
	}
	memcpy(p, proof, len * sizeof(*p));
	p[len] = roots[n];
	CHECK_EQ_INT(log_tree_verify_inclusion(index, n, &leaves[index], p,
					       len + 1, &roots[n], NULL),
		     PX_EVERIFY);
	p[0] = roots[n];
	memcpy(p + 1, proof, len * sizeof(*p));
	CHECK_EQ_INT(log_tree_verify_inclusion(index, n, &leaves[index], p,
					       len + 1, &roots[n], NULL),
		     PX_EVERIFY);
	/* Another leaf at this index, or this leaf at another index. */
	bad = leaves[index];
	bad.b[31] ^= 1;
	CHECK_EQ_INT(log_tree_verify_inclusion(index, n, &bad, proof, len,
					       &roots[n], NULL),
		     PX_EVERIFY);
	alt[0] = index - 1;
	alt[1] = index + 1;
	alt[2] = index ^ 2;
	alt[3] = index ^ 1;
	for (i = 0; i < 4; i++) {
		if (alt[i] == index)
			continue;
		CHECK_EQ_INT(log_tree_verify_inclusion(alt[i], n,
						       &leaves[index], proof,
						       len, &roots[n], NULL),
			     PX_EVERIFY);
	}
	/* Another size, with that size's true root: it must fail unless the
	 * proof happens to be that size's true proof too. */
	alt[0] = n - 1;
	alt[1] = n + 1;
	alt[2] = n * 2;
	alt[3] = n / 2;
	for (i = 0; i < 4; i++) {
		int rc;
		if (alt[i] == n || alt[i] <= index)
			continue;
		rc =
		    log_tree_verify_inclusion(index, alt[i], &leaves[index],
					      proof, len, &roots[alt[i]], NULL);
		nreal = 0;
		naive_path(index, leaves, alt[i], real, &nreal);
		if (same_proof(real, nreal, proof, len))
			CHECK_EQ_INT(rc, 0);
		else
			CHECK_EQ_INT(rc, PX_EVERIFY);
	}
	/* Another root. */
	bad = roots[n];
	bad.b[0] ^= 0x80;
	CHECK_EQ_INT(log_tree_verify_inclusion(index, n, &leaves[index], proof,
					       len, &bad, NULL),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_tree_verify_inclusion(index, n, &leaves[index], proof,
					       len, &roots[n - 1], NULL),
		     PX_EVERIFY);
}

TEST(every_inclusion_proof_verifies_and_no_tampered_one_does)
{
	struct log_mem_tree t = {leaves, MAXN};
	struct log_hash_reader r;
	struct log_hash proof[LOG_PROOF_MAX], naive[LOG_PROOF_MAX];
	struct px_err err;
	uint64_t n, i;
	size_t len, nlen;

	setup();
	log_mem_tree_reader(&t, &r);
	for (n = 1; n <= MAXN; n++) {
		for (i = 0; i < n; i++) {
			int rc = log_tree_prove_inclusion(&r, i, n, proof, &len,
							  &err);
			REQUIRE(rc == 0);
			nlen = 0;
			naive_path(i, leaves, n, naive, &nlen);
			CHECK(same_proof(proof, len, naive, nlen));
			rc = log_tree_verify_inclusion(i, n, &leaves[i], proof,
						       len, &roots[n], &err);
			if (rc)
				fprintf(stderr, "%s\n", err.msg);
			CHECK_EQ_INT(rc, 0);
			tamper_inclusion(i, n, proof, len);
		}
	}
}

static void tamper_consistency(uint64_t m, uint64_t n,
			       const struct log_hash *proof, size_t len)
{
	struct log_hash p[LOG_PROOF_MAX + 2], real[LOG_PROOF_MAX], bad;
	struct px_err err;
	unsigned bits[256];
	uint64_t alt[4];
	size_t i, j, nb, nreal;

	for (j = 0; j < len; j++) {
		nb = flip_bits(n, m, j, bits);
		for (i = 0; i < nb; i++) {
			memcpy(p, proof, len * sizeof(*p));
			p[j].b[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
			CHECK_EQ_INT(
			    log_tree_verify_consistency(
				m, n, &roots[m], &roots[n], p, len, NULL),
			    PX_EVERIFY);
		}
	}
	if (len > 0) {
		CHECK_EQ_INT(log_tree_verify_consistency(m, n, &roots[m],
							 &roots[n], proof,
							 len - 1, &err),
			     PX_EVERIFY);
		CHECK(strstr(err.msg, "expected") != NULL);
	}
	memcpy(p, proof, len * sizeof(*p));
	p[len] = roots[n];
	CHECK_EQ_INT(log_tree_verify_consistency(m, n, &roots[m], &roots[n], p,
						 len + 1, NULL),
		     PX_EVERIFY);
	p[0] = roots[m];
	memcpy(p + 1, proof, len * sizeof(*p));
	CHECK_EQ_INT(log_tree_verify_consistency(m, n, &roots[m], &roots[n], p,
						 len + 1, NULL),
		     PX_EVERIFY);
	if (m == 0)
		return; /* every root extends the empty tree */
	/* Wrong roots. */
	bad = roots[m];
	bad.b[7] ^= 4;
	CHECK_EQ_INT(log_tree_verify_consistency(m, n, &bad, &roots[n], proof,
						 len, NULL),
		     PX_EVERIFY);
	bad = roots[n];
	bad.b[19] ^= 0x10;
	CHECK_EQ_INT(log_tree_verify_consistency(m, n, &roots[m], &bad, proof,
						 len, NULL),
		     PX_EVERIFY);
	if (m != n)
		CHECK_EQ_INT(log_tree_verify_consistency(
				 m, n, &roots[n], &roots[m], proof, len, NULL),
			     PX_EVERIFY);
	/* Other sizes, with their true roots: fail unless the proof is also
	 * their true proof. */
	alt[0] = m - 1;
	alt[1] = m + 1;
	alt[2] = m ^ 2;
	alt[3] = n + 1;
	for (i = 0; i < 4; i++) {
		uint64_t m2 = i < 3 ? alt[i] : m, n2 = i < 3 ? n : alt[i];
		int rc;
		if ((m2 == m && n2 == n) || m2 > n2)
			continue;
		rc = log_tree_verify_consistency(m2, n2, &roots[m2], &roots[n2],
						 proof, len, NULL);
		nreal = 0;
		if (m2 > 0 && m2 < n2)
			naive_subproof(m2, leaves, n2, 1, real, &nreal);
		if (same_proof(real, nreal, proof, len))
			CHECK_EQ_INT(rc, 0);
		else
			CHECK_EQ_INT(rc, PX_EVERIFY);
	}
}

TEST(every_consistency_proof_verifies_and_no_tampered_one_does)
{
	struct log_mem_tree t = {leaves, MAXN};
	struct log_hash_reader r;
	struct log_hash proof[LOG_PROOF_MAX], naive[LOG_PROOF_MAX];
	struct px_err err;
	uint64_t n, m;
	size_t len, nlen;

	setup();
	log_mem_tree_reader(&t, &r);
	for (n = 0; n <= MAXN; n++) {
		for (m = 0; m <= n; m++) {
			int rc = log_tree_prove_consistency(&r, m, n, proof,
							    &len, &err);
			REQUIRE(rc == 0);
			nlen = 0;
			if (m > 0 && m < n)
				naive_subproof(m, leaves, n, 1, naive, &nlen);
			CHECK(same_proof(proof, len, naive, nlen));
			rc = log_tree_verify_consistency(
			    m, n, &roots[m], &roots[n], proof, len, &err);
			if (rc)
				fprintf(stderr, "%s\n", err.msg);
			CHECK_EQ_INT(rc, 0);
			tamper_consistency(m, n, proof, len);
		}
	}
}

TEST(edge_cases_are_rejected_with_clear_messages)
{
	struct log_mem_tree t = {leaves, 8};
	struct log_hash_reader r;
	struct log_hash proof[LOG_PROOF_MAX], big[64];
	char hex1[65], hex2[65];
	struct px_err err;
	size_t len = 99;

	setup();
	log_mem_tree_reader(&t, &r);
	/* Generation: index >= size, m > size, subtrees past the leaves. */
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 8, 8, proof, &len, &err),
		     PX_EINVAL);
	CHECK_EQ_INT(len, 0);
	CHECK(strstr(err.msg, "size 8") != NULL);
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 0, 0, proof, &len, &err),
		     PX_EINVAL);
	CHECK_EQ_INT(log_tree_prove_consistency(&r, 9, 8, proof, &len, &err),
		     PX_EINVAL);
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 3, 9, proof, &len, &err),
		     PX_EINVAL);
	CHECK(strstr(err.msg, "not complete") != NULL);
	/* Consistency with m = 0 and m = size needs no proof. */
	CHECK_EQ_INT(log_tree_prove_consistency(&r, 0, 8, proof, &len, &err),
		     0);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(log_tree_prove_consistency(&r, 8, 8, proof, &len, &err),
		     0);
	CHECK_EQ_INT(len, 0);

	/* Verification: index >= size, and sizes out of order. */
	CHECK_EQ_INT(log_tree_verify_inclusion(0, 0, &leaves[0], proof, 0,
					       &roots[0], &err),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_tree_verify_inclusion(5, 5, &leaves[5], proof, 0,
					       &roots[5], &err),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_tree_verify_consistency(6, 5, &roots[6], &roots[5],
						 proof, 0, &err),
		     PX_EVERIFY);
	/* The length message gives both lengths. */
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 5, 8, proof, &len, &err), 0);
	CHECK_EQ_INT(log_tree_verify_inclusion(5, 8, &leaves[5], proof, 2,
					       &roots[8], &err),
		     PX_EVERIFY);
	CHECK(strstr(err.msg, "has 2 hashes, expected 3") != NULL);
	/* The root message gives both roots in hex. */
	CHECK_EQ_INT(log_tree_verify_inclusion(5, 8, &leaves[5], proof, 3,
					       &roots[7], &err),
		     PX_EVERIFY);
	log_hash_hex(hex1, &roots[8]);
	log_hash_hex(hex2, &roots[7]);
	CHECK(strstr(err.msg, hex1) != NULL);
	CHECK(strstr(err.msg, hex2) != NULL);
	/* m = size: equal roots only; m = 0: anything extends the empty
	 * tree, with an empty proof. */
	CHECK_EQ_INT(log_tree_verify_consistency(8, 8, &roots[8], &roots[8],
						 proof, 0, &err),
		     0);
	CHECK_EQ_INT(log_tree_verify_consistency(8, 8, &roots[8], &roots[7],
						 proof, 0, &err),
		     PX_EVERIFY);
	CHECK(strstr(err.msg, hex1) != NULL && strstr(err.msg, hex2) != NULL);
	CHECK_EQ_INT(log_tree_verify_consistency(8, 8, &roots[8], &roots[8],
						 proof, 1, &err),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_tree_verify_consistency(0, 8, &roots[0], &roots[8],
						 proof, 0, &err),
		     0);
	CHECK_EQ_INT(log_tree_verify_consistency(0, 0, &roots[0], &roots[0],
						 proof, 0, &err),
		     0);
	CHECK_EQ_INT(log_tree_verify_consistency(0, 8, &roots[0], &roots[8],
						 proof, 1, &err),
		     PX_EVERIFY);
	/* A consistency proof with no hashes where one is needed. */
	CHECK_EQ_INT(log_tree_verify_consistency(3, 8, &roots[3], &roots[8],
						 proof, 0, &err),
		     PX_EVERIFY);
	CHECK(strstr(err.msg, "has 0 hashes, expected") != NULL);

	/* Huge trees: the verifiers neither crash nor accept garbage. */
	memset(big, 0x11, sizeof(big));
	CHECK_EQ_INT(log_tree_verify_inclusion(UINT64_MAX - 1, UINT64_MAX,
					       &leaves[0], big, 64, &roots[1],
					       &err),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_tree_verify_inclusion(0, (uint64_t)1 << 63, &leaves[0],
					       big, 63, &roots[1], &err),
		     PX_EVERIFY);
	CHECK(strstr(err.msg, "gives root") != NULL);
	CHECK_EQ_INT(log_tree_verify_consistency(((uint64_t)1 << 62) + 3,
						 UINT64_MAX, &roots[1],
						 &roots[2], big, 64, &err),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_tree_verify_consistency((uint64_t)1 << 62, UINT64_MAX,
						 &roots[1], &roots[2], big,
						 1000, &err),
		     PX_EVERIFY);
}

/* The published RFC 6962 test tree (transparency-dev/merkle
 * testonly/constants.go and proof/verify_test.go; the same values as
 * certificate-transparency-go's merkle tests). */
static const char *const rfc_leaves[8] = {"",
					  "00",
					  "10",
					  "2021",
					  "3031",
					  "40414243",
					  "5051525354555657",
					  "606162636465666768696a6b6c6d6e6f"};

static const char *const rfc_roots[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

struct rfc_proof {
	uint64_t a, size; /* leaf index, or old size */
	size_t n;
	const char *h[3];
};

static const struct rfc_proof rfc_inclusion[] = {
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     3,
     1,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct rfc_proof rfc_consistency[] = {
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

TEST(published_rfc6962_vectors)
{
	struct log_hash lv[8], root, want, proof[LOG_PROOF_MAX],
	    pub[LOG_PROOF_MAX], r1, r2;
	struct log_mem_tree t = {lv, 8};
	struct log_hash_reader r;
	struct px_err err;
	size_t i, j, len;

	for (i = 0; i < 8; i++) {
		uint8_t data[16];
		size_t n = strlen(rfc_leaves[i]) / 2;
		REQUIRE(px_hex_decode(data, n, rfc_leaves[i],
				      strlen(rfc_leaves[i])) == 0);
		log_hash_leaf(&lv[i], data, n);
	}
	log_mem_tree_reader(&t, &r);
	for (i = 0; i <= 8; i++) {
		CHECK_EQ_INT(log_tree_root(&r, i, &root, &err), 0);
		hex_to_hash(&want, rfc_roots[i]);
		CHECK(memcmp(&root, &want, sizeof(root)) == 0);
	}
	for (i = 0; i < PX_ARRAY_LEN(rfc_inclusion); i++) {
		const struct rfc_proof *v = &rfc_inclusion[i];
		for (j = 0; j < v->n; j++)
			hex_to_hash(&pub[j], v->h[j]);
		CHECK_EQ_INT(log_tree_prove_inclusion(&r, v->a, v->size, proof,
						      &len, &err),
			     0);
		CHECK(same_proof(proof, len, pub, v->n));
		hex_to_hash(&root, rfc_roots[v->size]);
		CHECK_EQ_INT(log_tree_verify_inclusion(v->a, v->size, &lv[v->a],
						       pub, v->n, &root, &err),
			     0);
	}
	for (i = 0; i < PX_ARRAY_LEN(rfc_consistency); i++) {
		const struct rfc_proof *v = &rfc_consistency[i];
		for (j = 0; j < v->n; j++)
			hex_to_hash(&pub[j], v->h[j]);
		CHECK_EQ_INT(log_tree_prove_consistency(&r, v->a, v->size,
							proof, &len, &err),
			     0);
		CHECK(same_proof(proof, len, pub, v->n));
		hex_to_hash(&r1, rfc_roots[v->a]);
		hex_to_hash(&r2, rfc_roots[v->size]);
		CHECK_EQ_INT(log_tree_verify_consistency(v->a, v->size, &r1,
							 &r2, pub, v->n, &err),
			     0);
	}
}

/* A reader that fails: its error reaches the caller unchanged. */
static int failing_read(void *ctx, int level, const uint64_t *index, size_t n,
			struct log_hash *out, struct px_err *err)
{
	(void)ctx;
	(void)out;
	(void)n;
	return px_errorf(err, PX_EIO, "cannot read level %d index %" PRIu64,
			 level, index[0]);
}

TEST(reader_errors_are_passed_on)
{
	struct log_hash_reader r = {failing_read, NULL};
	struct log_hash proof[LOG_PROOF_MAX], root;
	struct px_err err;
	size_t len;

	CHECK_EQ_INT(log_tree_root(&r, 5, &root, &err), PX_EIO);
	CHECK(strstr(err.msg, "cannot read") != NULL);
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 1, 5, proof, &len, &err),
		     PX_EIO);
	CHECK_EQ_INT(log_tree_prove_consistency(&r, 3, 5, proof, &len, &err),
		     PX_EIO);
	/* Size 0 reads nothing. */
	CHECK_EQ_INT(log_tree_root(&r, 0, &root, &err), 0);
}

TEST_MAIN(TEST_ENTRY(roots_equal_naive_mth_for_every_size),
	  TEST_ENTRY(every_inclusion_proof_verifies_and_no_tampered_one_does),
	  TEST_ENTRY(every_consistency_proof_verifies_and_no_tampered_one_does),
	  TEST_ENTRY(edge_cases_are_rejected_with_clear_messages),
	  TEST_ENTRY(published_rfc6962_vectors),
	  TEST_ENTRY(reader_errors_are_passed_on))
