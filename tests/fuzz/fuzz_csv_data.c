/* Fuzz target: a CSV data set (label, then features; optional header) through data_load_csv.
   Input: the file. */
#include "data.h"
#include "fuzz.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part whole = { data, size };
    char path[4096], err[1024];
    fuzz_write("train.csv", &whole, path, sizeof path);
    data_set d;
    memset(&d, 0, sizeof d);
    data_load_csv(&d, path, err, sizeof err);
    data_free(&d);
    return 0;
}
