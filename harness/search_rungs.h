/* search_rungs: DIR/rungs.csv, the decisions of a halving / Hyperband search, one row per configuration and
   rung; written through libcsv by atomic rewrite (temporary file, fsync, rename), so a crash leaves the old or
   the new file, never a torn one. Internal to search_*.c. */
#ifndef SWEEP_SEARCH_RUNGS_H
#define SWEEP_SEARCH_RUNGS_H
#include <stddef.h>

#define RUNGS_NCOLS 9

typedef struct {
    char ladder[16], config[17];
    int rung, epochs, rank, promoted; /* promoted: 1, 0, or -1 at a ladder's last rung (nothing to promote to) */
    char metric[32];
    double value;
    char desc[256];
} rungs_row;

typedef struct {
    int n, cap;
    rungs_row *rows;
} rungs_file;

/* Read dir/rungs.csv (absent: empty). 0, or -1 with err (a malformed file names file:line). */
int rungs_read(rungs_file *f, const char *dir, char *err, size_t errlen);
/* The rows of (ladder, rung), *n of them, or NULL when that rung is not decided. */
const rungs_row *rungs_find(const rungs_file *f, const char *ladder, int rung, int *n);
/* Add rows (one rung's decision) and rewrite dir/rungs.csv atomically. 0, or -1 with err. */
int rungs_append(rungs_file *f, const char *dir, const rungs_row *rows, int n, char *err, size_t errlen);
void rungs_free(rungs_file *f);

#endif
