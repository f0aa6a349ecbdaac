/*
 * hash.h - SHA-256 and the RFC 9162 §2.1 Merkle tree hashes.
 *
 * SHA-256 is OpenSSL's libcrypto, which uses the CPU's SHA extensions where
 * present (about 4x a portable implementation).  Nothing here allocates.
 */
#ifndef PX_LOG_HASH_H
#define PX_LOG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define LOG_HASH_SIZE 32

struct log_hash {
	uint8_t b[LOG_HASH_SIZE];
};

/* SHA-256(data). */
void log_sha256(uint8_t out[LOG_HASH_SIZE], const void *data, size_t len);

/* RFC 9162 §2.1.1: the leaf hash SHA-256(0x00 || entry). */
void log_hash_leaf(struct log_hash *out, const void *entry, size_t len);

/* RFC 9162 §2.1.1: the interior hash SHA-256(0x01 || left || right). */
void log_hash_node(struct log_hash *out, const struct log_hash *left,
		   const struct log_hash *right);

/* RFC 9162 §2.1.1: the hash of the empty tree, SHA-256(""). */
void log_hash_empty(struct log_hash *out);

/* Constant-time equality (libsodium's sodium_memcmp). */
int log_hash_equal(const struct log_hash *a, const struct log_hash *b);

/* Lower-case hex of a hash: out must hold 65 bytes. */
void log_hash_hex(char out[2 * LOG_HASH_SIZE + 1], const struct log_hash *h);

#endif
