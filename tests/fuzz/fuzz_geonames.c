/*
 * fuzz_geonames.c - libFuzzer target for the geonames importer (src/io/): the
 * input is read as the GeoNames 19-column TSV; see fuzz_import.h for what must hold.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, IO_GEONAMES);
}
