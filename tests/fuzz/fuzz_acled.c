/*
 * fuzz_acled.c - libFuzzer target for the acled importer (src/io/): the
 * input is read as ACLED CSV (any layout: columns by name, an HXL row, ragged rows); see fuzz_import.h for what must hold.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, IO_ACLED);
}
