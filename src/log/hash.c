/*
 * hash.c - SHA-256 through OpenSSL's low-level SHA256_* functions: they run
 * the CPU's SHA extensions and, unlike EVP, allocate nothing per call, which
 * matters when verifying millions of leaves.  They are marked deprecated in
 * OpenSSL 3.0 in favour of EVP; we ask for the 1.1.1 API on purpose.
 */
#define OPENSSL_API_COMPAT 0x10101000L
#include "hash.h"
#include "util/px.h"

#include <openssl/sha.h>
#include <sodium.h>
#include <string.h>

/* SHA256() is avoided: in OpenSSL 3 it goes through EVP_Q_digest, which
 * takes locks and allocates on every call. */
void log_sha256(uint8_t out[LOG_HASH_SIZE], const void *data, size_t len)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, data, len);
	SHA256_Final(out, &c);
}

void log_hash_leaf(struct log_hash *out, const void *entry, size_t len)
{
	static const uint8_t prefix = 0x00;
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, &prefix, 1);
	SHA256_Update(&c, entry, len);
	SHA256_Final(out->b, &c);
}

void log_hash_node(struct log_hash *out, const struct log_hash *left,
		   const struct log_hash *right)
{
	uint8_t buf[1 + 2 * LOG_HASH_SIZE];

	buf[0] = 0x01;
	memcpy(buf + 1, left->b, LOG_HASH_SIZE);
	memcpy(buf + 1 + LOG_HASH_SIZE, right->b, LOG_HASH_SIZE);
	log_sha256(out->b, buf, sizeof(buf));
}

void log_hash_empty(struct log_hash *out)
{
	log_sha256(out->b, "", 0);
}

int log_hash_equal(const struct log_hash *a, const struct log_hash *b)
{
	return sodium_memcmp(a->b, b->b, LOG_HASH_SIZE) == 0;
}

void log_hash_hex(char out[2 * LOG_HASH_SIZE + 1], const struct log_hash *h)
{
	px_hex_encode(out, h->b, LOG_HASH_SIZE);
}
