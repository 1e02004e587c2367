/* results: the rows of runs.csv and curves.csv (see SCHEMA.md), as arrays of strings for the store. */
#ifndef SWEEP_RESULTS_H
#define SWEEP_RESULTS_H
#include "settings.h"

#define RESULTS_CELL 600

/* Number of columns of runs.csv. */
int results_runs_ncols(void);
/* Fill cols (results_runs_ncols() entries) with the column names of runs.csv. */
void results_runs_header(const char **cols);
/* Column names of curves.csv (a constant table); count in *n. */
const char *const *results_curves_header(int *n);

/* One runs.csv row (train_seconds: the sum of the epochs' training times) as strings of RESULTS_CELL bytes each in cells (cells has room for the header's count). */
void results_run_row(char (*cells)[RESULTS_CELL], const char *run_id, const char *variant, const run_config *c,
                     const train_result *r, double train_seconds);
/* One curves.csv row. */
void results_curve_row(char (*cells)[RESULTS_CELL], const char *run_id, const train_epoch *e);
/* A number for a CSV cell: "" when NaN or infinite, else %.*g with prec significant digits. */
void results_num(char *buf, size_t n, double v, int prec);

#endif
