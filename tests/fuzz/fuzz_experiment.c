/* Fuzz target: an experiment file through inih and the expansion (experiment_load), with --set overrides.
   Input: the INI text, then up to 8 overrides ("key=value"), each after a FUZZ_SEP line. */
#include "experiment.h"
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#define MAX_OVERRIDES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[MAX_OVERRIDES + 1];
    int n = fuzz_split(data, size, parts, MAX_OVERRIDES + 1);
    char path[4096], err[1024];
    fuzz_write("fuzz.ini", &parts[0], path, sizeof path);
    char *overrides[MAX_OVERRIDES];
    for (int i = 1; i < n; i++) overrides[i - 1] = strndup((const char *)parts[i].data, parts[i].size);
    experiment e;
    memset(&e, 0, sizeof e);
    if (experiment_load(&e, path, overrides, n - 1, err, sizeof err) == 0) experiment_free(&e);
    for (int i = 1; i < n; i++) free(overrides[i - 1]);
    return 0;
}
