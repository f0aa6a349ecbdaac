/*
 * fuzz_store.c - libFuzzer target for the store (src/store/): applying
 * entries and answering queries about whatever they built.
 *
 * The input is a list of lines.  A line starting with '?' is search text
 * (store_search, in every kind and for events only); one starting with '!'
 * is applied as a raw entry (a signed note, or not); any other line is a
 * record's JSON, canonicalized when it parses (else used as is), signed by
 * the fuzz party's key and applied.  Before the input, the operator
 * registers that party: party-7031397887b95c06c2c25244f2eb070f641123ce8ee9
 * d15bf4c56cf1954f3bbf, so seeds can file records by it.  After it, every
 * kind is listed, statistics are read and every event compared.  Nothing
 * may crash, leak or trip a sanitizer; refusals are fine.
 *
 * The keys below exist only for this harness.
 */
#include "log/note.h"
#include "record/record.h"
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OP_SKEY                                                                \
	"PRIVATE+KEY+fuzz-operator.example+c75136f5+"                          \
	"AVUN+cx+WczeDzR4AS9drcxLmhHDT0zqxjRD2sX8E0Zd"
#define PARTY_SKEY                                                             \
	"PRIVATE+KEY+fuzz-party.example+de38be92+"                             \
	"AcLEhVEGpu6g7Kh5p7KfSx6TTe/SPzFLe8GBLFtjYVx5"
#define PARTY_VKEY                                                             \
	"fuzz-party.example+de38be92+"                                         \
	"Ac/43oXV7c9qv2Z3Ho0T6WqVxlEZwAp9GHArEAsMa5ZW"
#define PARTY_JSON                                                             \
	"{\"filed_at\":\"2026-01-01T00:00:00Z\",\"key\":\"" PARTY_VKEY        \
	"\",\"kind\":\"party\",\"name\":\"Fuzz party\",\"type\":\"ngo\","     \
	"\"v\":1}"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void apply_signed(struct store *st, const struct note_signer *s,
			 const struct note_verifier *op, const char *text,
			 size_t len)
{
	struct px_buf t, e;
	struct px_err err;
	struct rec r;

	px_buf_init(&t, 1 << 17);
	px_buf_init(&e, 1 << 18);
	if (rec_parse(text, len, NULL, &r, NULL) == 0) {
		px_buf_add(&t, r.canon.data, r.canon.len);
		rec_release(&r);
	} else {
		px_buf_add(&t, text, len);
	}
	px_buf_addc(&t, '\n');
	if (note_sign((const char *)t.data, t.len, s, 1, &e, &err) == 0)
		store_apply(st, store_applied(st), e.data, e.len, op, 0, NULL,
			    &err);
	px_buf_release(&t);
	px_buf_release(&e);
}

static void search(struct store *st, const char *text, int kind)
{
	struct store_query q;
	struct px_err err;
	json_t *o = NULL;

	store_query_init(&q);
	q.text = text;
	q.kind = kind;
	if (store_search(st, &q, &o, &err) == 0)
		json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct note_signer op_s, party_s;
	static struct note_verifier op_v;
	static int ready;
	struct store *st = NULL;
	struct store_query q;
	struct px_err err;
	json_t *o, *items;
	size_t i = 0, k;

	if (!ready) {
		note_signer_parse(OP_SKEY, strlen(OP_SKEY), &op_s, &err);
		note_signer_parse(PARTY_SKEY, strlen(PARTY_SKEY), &party_s,
				  &err);
		note_signer_verifier(&op_s, &op_v);
		ready = 1;
	}
	if (size > 65536 || store_open(":memory:", 0, &st, &err) != 0)
		return 0;
	apply_signed(st, &op_s, &op_v, PARTY_JSON, strlen(PARTY_JSON));
	store_begin(st, &err);
	while (i < size) {
		const char *line = (const char *)data + i;
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
		char *z;

		i += len + 1;
		if (len == 0)
			continue;
		if (line[0] == '?') {
			z = px_strndup(line + 1, len - 1);
			if (z) {
				search(st, z, -1);
				search(st, z, REC_EVENT);
			}
			px_free(z);
		} else if (line[0] == '!') {
			/* a raw entry: "\\n" in the line stands for a newline */
			struct px_buf e;
			px_buf_init(&e, 1 << 17);
			for (k = 1; k < len; k++) {
				if (line[k] == '\\' && k + 1 < len &&
				    line[k + 1] == 'n') {
					px_buf_addc(&e, '\n');
					k++;
				} else {
					px_buf_addc(&e, (uint8_t)line[k]);
				}
			}
			store_apply(st, store_applied(st), e.data, e.len,
				    &op_v, 0, NULL, &err);
			px_buf_release(&e);
		} else {
			apply_signed(st, &party_s, &op_v, line, len);
		}
	}
	store_commit(st, &err);
	for (k = 0; k < REC_KIND_COUNT; k++) {
		store_query_init(&q);
		q.kind = (int)k;
		q.withdrawn = 1;
		if (store_list(st, &q, &o, &err) != 0)
			continue;
		items = json_object_get(o, "items");
		for (i = 0; k == REC_EVENT && i < json_array_size(items); i++) {
			json_t *c = NULL;
			const char *id = json_string_value(
			    json_object_get(json_array_get(items, i), "id"));
			if (id && store_compare(st, id, &c, &err) == 0)
				json_decref(c);
		}
		json_decref(o);
	}
	if (store_stats(st, &o, &err) == 0)
		json_decref(o);
	store_close(st);
	return 0;
}
