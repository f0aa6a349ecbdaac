/*
 * fuzz_ucdp.c - libFuzzer target for the ucdp importer (src/io/): the
 * input is read as UCDP GED CSV (NA, packed sources, quoted line breaks); see fuzz_import.h for what must hold.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, IO_UCDP);
}
