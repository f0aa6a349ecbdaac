/*
 * verify.h - the full audit behind `parallax verify`: trust nothing the
 * source (a directory or a URL, source.h) says except what the log's key
 * and the witnesses' keys sign.
 *
 *   1. the checkpoint's signature by the log key, and a quorum of witness
 *      cosignatures when witnesses are given;
 *   2. every entry bundle against its level-0 tile (entry i hashes to hash i);
 *   3. every tile against the tiles below it (hash i of a level-L tile is
 *      the root of the full tile i at level L-1);
 *   4. the root computed from the tiles against the checkpoint's root;
 *   5. optionally, that an older checkpoint seen before (`since`) is
 *      consistent with this one (same root at its size).
 *
 * The first inconsistency is reported precisely (which tile, which index,
 * the expected and the found hash) and the audit stops there.
 */
#ifndef PX_LOG_VERIFY_H
#define PX_LOG_VERIFY_H

#include "log/note.h"
#include "log/source.h"

struct log_verify_opts {
	const struct note_verifier *log_key;
	const struct note_verifier *witnesses;
	size_t nwitnesses;
	size_t quorum;          /* cosignatures required (0: none) */
	const uint8_t *since;   /* an older signed checkpoint, or NULL */
	size_t since_len;
	int progress;           /* draw a progress bar on a terminal */
};

struct log_verify_result {
	struct log_checkpoint checkpoint; /* the verified checkpoint */
	uint64_t entries;                 /* entries checked */
	uint64_t tiles;                   /* hash tiles checked */
	uint64_t bytes;                   /* entry bytes hashed */
};

/* 0 if the log verifies; otherwise a negative code and err says where.
 * Release res with log_verify_result_release either way. */
int log_verify(struct log_source *src, const struct log_verify_opts *opts,
	       struct log_verify_result *res, struct px_err *err);
void log_verify_result_release(struct log_verify_result *res);

#endif
