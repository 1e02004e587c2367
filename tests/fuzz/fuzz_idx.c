/* Fuzz target: an IDX image file and its label file (plain or gzip) through data_load_idx.
   Input: the image file, a FUZZ_SEP line, the label file. */
#include "data.h"
#include "fuzz.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[2];
    int n = fuzz_split(data, size, parts, 2);
    if (n < 2) parts[1] = (fuzz_part){ data, 0 };
    char images[4096], labels[4096], err[1024];
    fuzz_write("images-idx3-ubyte", &parts[0], images, sizeof images);
    fuzz_write("labels-idx1-ubyte", &parts[1], labels, sizeof labels);
    data_set d;
    memset(&d, 0, sizeof d);
    data_load_idx(&d, images, labels, err, sizeof err);
    data_free(&d);
    return 0;
}
