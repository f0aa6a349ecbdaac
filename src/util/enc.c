/*
 * enc.c - hex, base64 and decimal parsing.  Base64 is libsodium's; decoding
 * is strict: the input must be exactly the canonical padded encoding of its
 * bytes (checked by re-encoding), so one value has one spelling.
 */
#include "px.h"

#include <sodium.h>
#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

void px_hex_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int px_hex_decode(uint8_t *out, size_t n, const char *in, size_t inlen)
{
	size_t i;

	if (inlen != 2 * n)
		return PX_EINVAL;
	for (i = 0; i < n; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return PX_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

size_t px_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void px_b64_encode(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2base64(out, px_b64_len(n) + 1, in, n,
			  sodium_base64_VARIANT_ORIGINAL);
}

int px_b64_decode(uint8_t *out, size_t outcap, size_t *outlen, const char *in,
		  size_t inlen)
{
	const char *end = NULL;
	size_t n = 0;
	char check[4];
	uint8_t tail[3];

	*outlen = 0;
	if (inlen == 0 || inlen % 4 != 0)
		return PX_EINVAL;
	/* libsodium's decoder takes any byte above 0x7f for a digit: check the
	 * RFC 4648 §4 alphabet first ('=' only as the last one or two). */
	for (size_t i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];
		int digit = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '+' || c == '/';
		if (!digit && !(c == '=' && i >= inlen - 2))
			return PX_EINVAL;
	}
	if (sodium_base642bin(out, outcap, in, inlen, NULL, &n, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != in + inlen)
		return PX_EINVAL;
	/* Canonical: the last quantum must re-encode to the same characters
	 * (rejects non-zero bits after the data). */
	if (n % 3 != 0 || n == 0) {
		size_t q = n - n % 3, r = n - q;
		if (r == 0)
			q -= 3, r = 3;
		memcpy(tail, out + q, r);
		char enc[5];
		sodium_bin2base64(enc, sizeof(enc), tail, r,
				  sodium_base64_VARIANT_ORIGINAL);
		memcpy(check, enc, 4);
		if (memcmp(check, in + inlen - 4, 4) != 0)
			return PX_EINVAL;
	}
	*outlen = n;
	return 0;
}

int px_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return PX_EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return PX_EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return PX_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}
