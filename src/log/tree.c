/*
 * tree.c - the Merkle Tree Hash and the inclusion and consistency proofs of
 * RFC 9162 §2.1, over a hash reader (tree.h).
 *
 * Every proof element the RFC defines is MTH(D[a:b]) for a range [a, b)
 * that the recursion makes aligned: a is a multiple of the largest power of
 * two not above b - a.  Such a range is the concatenation of complete
 * subtrees of decreasing size (one per set bit of b - a), and its MTH is
 * their hashes folded from the right (the RFC's split at "the largest power
 * of two smaller than n" peels off the first of them each time).  So a
 * proof is computed in three steps, all on the stack:
 *   1. walk the RFC recursion iteratively and list the ranges it needs;
 *   2. split the ranges into complete subtrees (level, index) and ask the
 *      reader for them, one batch per level;
 *   3. fold each range's subtree hashes into its MTH.
 * Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, after
 * checking the proof has the length the generator would give it, so that a
 * wrong length is reported as such rather than as a root mismatch.
 */
#include "tree.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

/* Ranges in one proof: at most one per recursion step (the tree halves at
 * least every step), plus one. */
#define RANGES_MAX 66
/* Complete subtrees behind one proof: a range may split into up to 64
 * subtrees, but only one range per proof is not itself complete. */
#define SUBTREES_MAX (2 * LOG_PROOF_MAX)

struct range {
	uint64_t lo, hi; /* D[lo:hi] */
};

/* The largest power of two strictly smaller than n (n >= 2), RFC 9162
 * §2.1.1's k. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = (uint64_t)1 << (63 - __builtin_clzll(n - 1));
	return k;
}

/*
 * RFC 9162 §2.1.3.1 PATH(m, D[0:size]) as a list of ranges, in proof order
 * (the sibling of the leaf first).  The recursion is walked top down and the
 * ranges are written back to front.  index < size is the caller's job.
 */
static size_t inclusion_ranges(uint64_t index, uint64_t size, struct range *out)
{
	struct range top[RANGES_MAX];
	uint64_t lo = 0, hi = size;
	size_t n = 0, i;

	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);
		if (index - lo < k) {
			/* PATH(m, D[0:k]) : MTH(D[k:n]) */
			top[n].lo = lo + k;
			top[n].hi = hi;
			hi = lo + k;
		} else {
			/* PATH(m - k, D[k:n]) : MTH(D[0:k]) */
			top[n].lo = lo;
			top[n].hi = lo + k;
			lo += k;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		out[i] = top[n - 1 - i];
	return n;
}

/*
 * RFC 9162 §2.1.4.1 PROOF(m, D[0:size]) = SUBPROOF(m, D[0:size], true) as a
 * list of ranges in proof order, for 0 < m < size.
 */
static size_t consistency_ranges(uint64_t m, uint64_t size, struct range *out)
{
	struct range top[RANGES_MAX];
	uint64_t lo = 0, hi = size;
	size_t n = 0, i;
	int b = 1;

	for (;;) {
		uint64_t k;
		if (m == hi - lo) {
			/* SUBPROOF(m, D[m], true) = {};
			 * SUBPROOF(m, D[m], false) = {MTH(D[m])} */
			if (!b) {
				top[n].lo = lo;
				top[n].hi = hi;
				n++;
			}
			break;
		}
		k = split_point(hi - lo);
		if (m <= k) {
			/* SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) */
			top[n].lo = lo + k;
			top[n].hi = hi;
			hi = lo + k;
		} else {
			/* SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) */
			top[n].lo = lo;
			top[n].hi = lo + k;
			lo += k;
			m -= k;
			b = 0;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		out[i] = top[n - 1 - i];
	return n;
}

/* The subtrees to read for a list of ranges, and then their hashes. */
struct plan {
	size_t nsub;
	uint8_t level[SUBTREES_MAX];
	uint64_t index[SUBTREES_MAX];
	struct log_hash hash[SUBTREES_MAX];
	size_t nrange;
	size_t end[RANGES_MAX]; /* range i is subtrees [end[i-1], end[i]) */
};

static int plan_ranges(struct plan *p, const struct range *r, size_t n,
		       struct px_err *err)
{
	size_t i;

	p->nsub = 0;
	p->nrange = n;
	for (i = 0; i < n; i++) {
		uint64_t lo = r[i].lo, hi = r[i].hi;
		while (lo < hi) {
			int level = 63 - __builtin_clzll(hi - lo);
			/* The recursion only makes aligned ranges. */
			assert(lo % ((uint64_t)1 << level) == 0);
			if (p->nsub == SUBTREES_MAX)
				return px_errorf(err, PX_EINVAL,
						 "proof needs more than %d "
						 "subtree hashes",
						 SUBTREES_MAX);
			p->level[p->nsub] = (uint8_t)level;
			p->index[p->nsub] = lo >> level;
			p->nsub++;
			lo += (uint64_t)1 << level;
		}
		p->end[i] = p->nsub;
	}
	return 0;
}

/* Ask the reader for every subtree of the plan, one call per level. */
static int plan_read(const struct log_hash_reader *r, struct plan *p,
		     struct px_err *err)
{
	uint64_t levels = 0, idx[SUBTREES_MAX];
	struct log_hash got[SUBTREES_MAX];
	size_t i;

	for (i = 0; i < p->nsub; i++)
		levels |= (uint64_t)1 << p->level[i];
	while (levels) {
		int level = __builtin_ctzll(levels);
		size_t n = 0, j = 0;
		int rc;

		levels &= levels - 1;
		for (i = 0; i < p->nsub; i++)
			if (p->level[i] == level)
				idx[n++] = p->index[i];
		rc = r->read(r->ctx, level, idx, n, got, err);
		if (rc)
			return rc;
		for (i = 0; i < p->nsub; i++)
			if (p->level[i] == level)
				p->hash[i] = got[j++];
	}
	return 0;
}

/* MTH of range i: its subtrees folded from the right. */
static void plan_fold(const struct plan *p, size_t i, struct log_hash *out)
{
	size_t first = i ? p->end[i - 1] : 0, j = p->end[i] - 1;
	struct log_hash h = p->hash[j];

	while (j-- > first)
		log_hash_node(&h, &p->hash[j], &h);
	*out = h;
}

static int prove_ranges(const struct log_hash_reader *r,
			const struct range *ranges, size_t n,
			struct log_hash *proof, size_t *nproof,
			struct px_err *err)
{
	struct plan p;
	size_t i;
	int rc;

	if (n > LOG_PROOF_MAX)
		return px_errorf(err, PX_EINVAL,
				 "proof of %zu hashes is "
				 "longer than %d",
				 n, LOG_PROOF_MAX);
	rc = plan_ranges(&p, ranges, n, err);
	if (rc == 0)
		rc = plan_read(r, &p, err);
	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		plan_fold(&p, i, &proof[i]);
	*nproof = n;
	return 0;
}

int log_tree_root(const struct log_hash_reader *r, uint64_t size,
		  struct log_hash *root, struct px_err *err)
{
	struct range all = {0, size};
	size_t n;

	/* RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty
	 * string. */
	if (size == 0) {
		log_hash_empty(root);
		return 0;
	}
	return prove_ranges(r, &all, 1, root, &n, err);
}

int log_tree_prove_inclusion(const struct log_hash_reader *r, uint64_t index,
			     uint64_t size, struct log_hash *proof, size_t *n,
			     struct px_err *err)
{
	struct range ranges[RANGES_MAX];
	size_t nr;

	*n = 0;
	if (index >= size)
		return px_errorf(err, PX_EINVAL,
				 "no inclusion proof for index %" PRIu64
				 ": the tree of size %" PRIu64
				 " has no such leaf",
				 index, size);
	nr = inclusion_ranges(index, size, ranges);
	return prove_ranges(r, ranges, nr, proof, n, err);
}

int log_tree_prove_consistency(const struct log_hash_reader *r, uint64_t m,
			       uint64_t size, struct log_hash *proof, size_t *n,
			       struct px_err *err)
{
	struct range ranges[RANGES_MAX];
	size_t nr;

	*n = 0;
	if (m > size)
		return px_errorf(err, PX_EINVAL,
				 "no consistency proof from size %" PRIu64
				 " to the smaller size %" PRIu64,
				 m, size);
	/* RFC 9162 §2.1.4.1 defines proofs for 0 < m < n; the empty tree and
	 * the tree itself need none. */
	if (m == 0 || m == size)
		return 0;
	nr = consistency_ranges(m, size, ranges);
	return prove_ranges(r, ranges, nr, proof, n, err);
}

static int mismatch(struct px_err *err, const char *what,
		    const struct log_hash *got, const struct log_hash *want)
{
	char g[2 * LOG_HASH_SIZE + 1], w[2 * LOG_HASH_SIZE + 1];

	log_hash_hex(g, got);
	log_hash_hex(w, want);
	return px_errorf(err, PX_EVERIFY,
			 "%s: the proof gives root %s, "
			 "expected %s",
			 what, g, w);
}

int log_tree_verify_inclusion(uint64_t index, uint64_t size,
			      const struct log_hash *leaf,
			      const struct log_hash *proof, size_t n,
			      const struct log_hash *root, struct px_err *err)
{
	struct range ranges[RANGES_MAX];
	char what[128];
	uint64_t fn, sn;
	struct log_hash r;
	size_t i, want;

	/* §2.1.3.2 step 1. */
	if (index >= size)
		return px_errorf(err, PX_EVERIFY,
				 "inclusion proof for index %" PRIu64
				 " in a tree of size %" PRIu64
				 ": the index is not in the tree",
				 index, size);
	snprintf(what, sizeof(what),
		 "inclusion proof for index %" PRIu64 " in tree size %" PRIu64,
		 index, size);
	want = inclusion_ranges(index, size, ranges);
	if (n != want)
		return px_errorf(err, PX_EVERIFY,
				 "%s: the proof has %zu hashes, expected %zu",
				 what, n, want);
	/* Steps 2 and 3. */
	fn = index;
	sn = size - 1;
	r = *leaf;
	/* Step 4. */
	for (i = 0; i < n; i++) {
		/* 4a. */
		if (sn == 0)
			return px_errorf(err, PX_EVERIFY,
					 "%s: hash %zu is past the root", what,
					 i);
		if ((fn & 1) || fn == sn) {
			/* 4b i: r = HASH(0x01 || p || r) */
			log_hash_node(&r, &proof[i], &r);
			/* 4b ii */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			/* r = HASH(0x01 || r || p) */
			log_hash_node(&r, &r, &proof[i]);
		}
		/* 4c. */
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 5. */
	if (sn != 0)
		return px_errorf(err, PX_EVERIFY,
				 "%s: the proof ends below "
				 "the root",
				 what);
	if (!log_hash_equal(&r, root))
		return mismatch(err, what, &r, root);
	return 0;
}

int log_tree_verify_consistency(uint64_t m, uint64_t size,
				const struct log_hash *root1,
				const struct log_hash *root2,
				const struct log_hash *proof, size_t n,
				struct px_err *err)
{
	struct range ranges[RANGES_MAX];
	char what[128];
	uint64_t fn, sn;
	struct log_hash fr, sr;
	size_t i, want;
	int prepend;

	snprintf(what, sizeof(what),
		 "consistency proof from tree size %" PRIu64 " to %" PRIu64, m,
		 size);
	if (m > size)
		return px_errorf(err, PX_EVERIFY,
				 "%s: the old tree is larger than the new one",
				 what);
	want = (m == 0 || m == size) ? 0 : consistency_ranges(m, size, ranges);
	if (n != want)
		return px_errorf(err, PX_EVERIFY,
				 "%s: the proof has %zu hashes, expected %zu",
				 what, n, want);
	/* Every tree extends the empty one. */
	if (m == 0)
		return 0;
	if (m == size) {
		if (!log_hash_equal(root1, root2)) {
			char a[2 * LOG_HASH_SIZE + 1], b[2 * LOG_HASH_SIZE + 1];
			log_hash_hex(a, root1);
			log_hash_hex(b, root2);
			return px_errorf(err, PX_EVERIFY,
					 "%s: two trees of the same size have "
					 "different roots %s and %s",
					 what, a, b);
		}
		return 0;
	}
	/* RFC 9162 §2.1.4.2.  Step 1: the path is not empty (n == want > 0).
	 * Step 2: if first is an exact power of 2, the path starts with
	 * first_hash; we read it from root1 rather than copying. */
	prepend = (m & (m - 1)) == 0;
	/* Step 3. */
	fn = m - 1;
	sn = size - 1;
	/* Step 4. */
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 5. */
	fr = prepend ? *root1 : proof[0];
	sr = fr;
	/* Step 6: each subsequent value c. */
	for (i = prepend ? 0 : 1; i < n; i++) {
		const struct log_hash *c = &proof[i];
		/* 6a. */
		if (sn == 0)
			return px_errorf(err, PX_EVERIFY,
					 "%s: hash %zu is past the root", what,
					 i);
		if ((fn & 1) || fn == sn) {
			/* 6b i, ii */
			log_hash_node(&fr, c, &fr);
			log_hash_node(&sr, c, &sr);
			/* 6b iii */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			/* Otherwise: sr = HASH(0x01 || sr || c) */
			log_hash_node(&sr, &sr, c);
		}
		/* 6c. */
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 7. */
	if (sn != 0)
		return px_errorf(err, PX_EVERIFY,
				 "%s: the proof ends below "
				 "the root",
				 what);
	if (!log_hash_equal(&fr, root1)) {
		char w[160];
		snprintf(w, sizeof(w), "%s (old tree)", what);
		return mismatch(err, w, &fr, root1);
	}
	if (!log_hash_equal(&sr, root2)) {
		char w[160];
		snprintf(w, sizeof(w), "%s (new tree)", what);
		return mismatch(err, w, &sr, root2);
	}
	return 0;
}

/* ---- the in-memory reader. */

/* MTH of the 2^level leaves from `first`, with a stack of pending
 * subtrees (a binary counter), so nothing is allocated. */
static void mem_subtree(const struct log_hash *leaves, int level,
			struct log_hash *out)
{
	struct log_hash stack[64];
	int height[64];
	uint64_t count = (uint64_t)1 << level, i;
	int top = 0;

	for (i = 0; i < count; i++) {
		stack[top] = leaves[i];
		height[top] = 0;
		top++;
		while (top >= 2 && height[top - 1] == height[top - 2]) {
			log_hash_node(&stack[top - 2], &stack[top - 2],
				      &stack[top - 1]);
			height[top - 2]++;
			top--;
		}
	}
	*out = stack[0];
}

static int mem_read(void *ctx, int level, const uint64_t *index, size_t n,
		    struct log_hash *out, struct px_err *err)
{
	const struct log_mem_tree *t = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		if (level < 0 || level > 63 || index[i] >= (t->n >> level))
			return px_errorf(err, PX_EINVAL,
					 "subtree (level %d, index %" PRIu64
					 ") is not complete in a tree of "
					 "%" PRIu64 " leaves",
					 level, index[i], t->n);
		mem_subtree(t->leaves + (index[i] << level), level, &out[i]);
	}
	return 0;
}

void log_mem_tree_reader(struct log_mem_tree *t, struct log_hash_reader *r)
{
	r->read = mem_read;
	r->ctx = t;
}

void log_tree_perfect_root(const struct log_hash *in, unsigned n,
			   struct log_hash *out)
{
	struct log_hash tmp[128];
	unsigned i;

	if (n == 1) {
		*out = in[0];
		return;
	}
	/* RFC 9162 §2.1.1: a perfect subtree hashes pairwise level by level. */
	for (i = 0; i < n / 2; i++)
		log_hash_node(&tmp[i], &in[2 * i], &in[2 * i + 1]);
	for (n /= 2; n > 1; n /= 2)
		for (i = 0; i < n / 2; i++)
			log_hash_node(&tmp[i], &tmp[2 * i], &tmp[2 * i + 1]);
	*out = tmp[0];
}
