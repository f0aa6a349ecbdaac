/*
 * tree.h - Merkle tree roots and proofs, exactly as RFC 9162 §2.1:
 * the Merkle Tree Hash (§2.1.1), inclusion proofs (§2.1.3) and consistency
 * proofs (§2.1.4), with their verification algorithms (§2.1.3.2, §2.1.4.2).
 *
 * The tree is read through a hash reader: a callback that returns the hash
 * of a complete subtree, MTH(D[index*2^level : (index+1)*2^level]).  The log
 * serves those from its tiles (tilehash.h); tests serve them from memory.
 * Proof generation and verification allocate nothing.  Proofs are at most
 * LOG_PROOF_MAX hashes (a tree of 2^63 leaves needs 63 for inclusion and
 * 2 * 63 for consistency at worst; we bound both by LOG_PROOF_MAX).
 */
#ifndef PX_LOG_TREE_H
#define PX_LOG_TREE_H

#include "log/hash.h"
#include "util/px.h"

#define LOG_PROOF_MAX 128

/*
 * Return in out[0..n) the hashes of the complete subtrees
 * (level, index[i]) for i < n.  Returns 0 or a negative code with err set.
 */
typedef int (*log_hash_read_cb)(void *ctx, int level, const uint64_t *index,
				size_t n, struct log_hash *out,
				struct px_err *err);

struct log_hash_reader {
	log_hash_read_cb read;
	void *ctx;
};

/* MTH(D[0:size]); size 0 gives SHA-256(""). */
int log_tree_root(const struct log_hash_reader *r, uint64_t size,
		  struct log_hash *root, struct px_err *err);

/*
 * The inclusion proof of leaf `index` in the tree of `size` leaves
 * (RFC 9162 §2.1.3.1).  Writes at most LOG_PROOF_MAX hashes to proof and
 * their count to *n.  PX_EINVAL if index >= size.
 */
int log_tree_prove_inclusion(const struct log_hash_reader *r, uint64_t index,
			     uint64_t size, struct log_hash *proof, size_t *n,
			     struct px_err *err);

/*
 * The consistency proof between the trees of sizes m <= size
 * (RFC 9162 §2.1.4.1).  m = 0 or m = size give an empty proof.
 */
int log_tree_prove_consistency(const struct log_hash_reader *r, uint64_t m,
			       uint64_t size, struct log_hash *proof,
			       size_t *n, struct px_err *err);

/*
 * RFC 9162 §2.1.3.2.  Returns 0 if `leaf` (a leaf hash) is at `index` in the
 * tree of `size` with `root`; PX_EVERIFY (with a message saying why: wrong
 * length, root mismatch with both hashes) otherwise.
 */
int log_tree_verify_inclusion(uint64_t index, uint64_t size,
			      const struct log_hash *leaf,
			      const struct log_hash *proof, size_t n,
			      const struct log_hash *root, struct px_err *err);

/*
 * RFC 9162 §2.1.4.2.  Returns 0 if the tree of size m with root1 is a prefix
 * of the tree of size `size` with root2.  m = 0 verifies with an empty proof
 * (every tree extends the empty one); m = size needs an empty proof and
 * equal roots.  PX_EVERIFY otherwise.
 */
int log_tree_verify_consistency(uint64_t m, uint64_t size,
				const struct log_hash *root1,
				const struct log_hash *root2,
				const struct log_hash *proof, size_t n,
				struct px_err *err);

/*
 * MTH of n hashes, n a power of two no larger than 256: a perfect subtree
 * hashed pairwise level by level (RFC 9162 §2.1.1).  Allocates nothing.
 */
void log_tree_perfect_root(const struct log_hash *in, unsigned n,
			   struct log_hash *out);

/*
 * An in-memory tree over a list of leaf hashes, for tests and small tools:
 * the reader computes every subtree from the leaves.
 */
struct log_mem_tree {
	struct log_hash *leaves;
	uint64_t n;
};

void log_mem_tree_reader(struct log_mem_tree *t, struct log_hash_reader *r);

#endif
