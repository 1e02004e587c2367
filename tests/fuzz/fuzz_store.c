/* Fuzz target: runs.csv and curves.csv through the store's open and repair (torn last lines, orphan curve rows)
   and its re-read on claim. Input: runs.csv, then (after a FUZZ_SEP line) curves.csv; without one, curves.csv
   is absent. Oracle beyond the sanitizers: what one open accepted (and repaired) opens again, unchanged. */
#include "fuzz.h"
#include "results.h"
#include "store.h"
#include <stdio.h>
#include <stdlib.h>

static int open_store(store **st, const char *dir, char *err, size_t errlen)
{
    int nruns = results_runs_ncols(), ncurves;
    const char **runs_header = calloc((size_t)nruns, sizeof *runs_header);
    if (!runs_header) abort();
    results_runs_header(runs_header);
    const char *const *curves_header = results_curves_header(&ncurves);
    int rc = store_open(st, dir, runs_header, nruns, curves_header, ncurves, 0, err, errlen);
    free(runs_header);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[2];
    int n = fuzz_split(data, size, parts, 2);
    char path[4096], err[1024];
    fuzz_remove("results");
    fuzz_write("results/exp/runs.csv", &parts[0], path, sizeof path);
    if (n == 2) fuzz_write("results/exp/curves.csv", &parts[1], path, sizeof path);
    snprintf(path, sizeof path, "%s/results/exp", fuzz_dir());

    store *st = NULL;
    if (open_store(&st, path, err, sizeof err) != 0) return 0;
    int count = store_count(st);
    if (store_claim(st, "0123456789abcdef", err, sizeof err) == 1) store_release(st, "0123456789abcdef");
    store_close(st);
    if (open_store(&st, path, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_store: the store opened once, then refused: %s\n", err);
        abort();
    }
    if (store_count(st) != count) {
        fprintf(stderr, "fuzz_store: %d rows at the first open, %d at the second\n", count, store_count(st));
        abort();
    }
    store_close(st);
    return 0;
}
