/* runset: one reading of a results directory for every consumer (report, check, ls, compare).

   A results directory holds DIR/runs.csv and DIR/curves.csv, plus one pair per shard in
   DIR/shards/K-of-N/ with the same headers. The runset is their union: the same run_id in several files
   is one run (the rows must agree on every column except the timing columns `seconds` and
   `sec_per_epoch`; a conflicting duplicate is an error naming both files).

   Runs are grouped into configurations. Configuration columns are `variant`, every column from `hidden`
   to `data` (SCHEMA.md), and every column the schema does not know (a user's own column is a setting,
   never dropped). Two runs are of one configuration when every configuration column holds the same
   value under ONE rule, runset_same_value: equal as text, or equal as numbers ("0.10" = "0.1"), width
   lists element by element ("16,16" = "16.0,16"). Grouping hashes a canonical key, so it is O(n).

   Usage: runset_open, then the accessors, then runset_close. The runset owns its tables. */
#ifndef SWEEP_RUNSET_H
#define SWEEP_RUNSET_H
#include <stddef.h>
#include "table.h"

typedef struct runset runset;

/* Load path: a results directory (as above), or one runs.csv file (no curves). Returns 0, or -1 with one
   line in err (file:line where the problem has one). */
int runset_open(runset **out, const char *path, char *err, size_t errlen);
/* As runset_open, without reading curves (runset_curves is then empty): for consumers of runs.csv only. */
int runset_open_runs(runset **out, const char *path, char *err, size_t errlen);
/* Release everything; safe on NULL. */
void runset_close(runset *rs);

/* The runs, one row per distinct run_id, in file order (DIR/runs.csv first, then shards by name). Its
   path is the directory's runs.csv (or the file given). */
const table *runset_runs(const runset *rs);
/* The curve rows of those runs (nrows 0 when no curves.csv exists). */
const table *runset_curves(const runset *rs);
/* Rows of runset_curves for run row `row`, in file order, in *rows; returns their count. */
int runset_curve_rows(const runset *rs, int row, const int **rows);

/* Number of configuration columns, and the runs-table column index of the k-th (header order). */
int runset_ncols(const runset *rs);
int runset_col(const runset *rs, int k);
/* 1 when configuration column k takes more than one value (under runset_same_value). */
int runset_col_varies(const runset *rs, int k);

/* Number of configurations (order: first appearance in the files). */
int runset_nconfigs(const runset *rs);
/* Configuration of run row `row`. */
int runset_config_of(const runset *rs, int row);
/* Every run row of configuration c (any status), in file order, in *rows; returns their count. */
int runset_config_rows(const runset *rs, int c, const int **rows);
/* Canonical key of configuration c: equal keys exactly when same configuration, across runsets too
   (columns are keyed by name, so their order in the header does not matter). */
const char *runset_config_key(const runset *rs, int c);
/* Configuration of rs whose key is key, or -1. O(1). */
int runset_find_config(const runset *rs, const char *key);

/* The one equality rule for configuration cells (see above). */
int runset_same_value(const char *a, const char *b);
/* Order of two cells: numbers numerically, width lists element by element, else as text. */
int runset_cell_cmp(const char *a, const char *b);
/* Pair seeds: when x and ref hold the same seeds, each once, set match[i] to the index in ref of x's
   seed i and return 1; else return 0. O(n log n). */
int runset_pair_seeds(const double *x, int nx, const double *ref, int nref, int *match);

#endif
