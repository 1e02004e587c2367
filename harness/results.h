/* results: the rows of runs.csv and curves.csv (see SCHEMA.md), as arrays of strings for the store.
   Every result column is a row of one table (results_columns, results_curve_columns): its name, where its value
   lives, how it prints, which direction is better. Writers (results.c), sweep train and the readers (check, ls,
   compare, report) take names, formats and directions from these tables. */
#ifndef SWEEP_RESULTS_H
#define SWEEP_RESULTS_H
#include <stddef.h>
#include "provenance.h"
#include "settings.h"
#include "table.h"

#define RESULTS_CELL 600

typedef enum { RCOL_INT, RCOL_NUM, RCOL_TEXT } results_format;

/* One result column. */
typedef struct {
    const char *name;
    size_t offset;          /* of the value in a results_record (runs.csv) or a train_epoch (curves.csv) */
    results_format format;  /* RCOL_INT: int; RCOL_NUM: double ("" when NaN/Inf); RCOL_TEXT: char array */
    int prec;               /* significant digits of RCOL_NUM */
    int direction;          /* +1 higher is better, -1 lower is better, 0 not a quality (check asks for a direction) */
    int since;              /* schema version that added it (see SETTINGS_SCHEMA); older files lack it: "" */
} results_column;

/* What one runs.csv row reports besides the run's settings. */
typedef struct {
    train_result r;
    double sec_per_epoch;   /* training seconds (sum of the epochs') / epochs_run */
    provenance prov;
} results_record;

/* runs.csv: run_id, status, variant, seed, the settings (table order, seed excepted), then these. */
extern const results_column results_columns[];
extern const int results_columns_count;
/* curves.csv: run_id, then these (offsets in train_epoch). */
extern const results_column results_curve_columns[];
extern const int results_curve_columns_count;

/* Number of columns of runs.csv. */
int results_runs_ncols(void);
/* Fill cols (results_runs_ncols() entries) with the column names of runs.csv. */
void results_runs_header(const char **cols);
/* Column names of curves.csv (a constant table); count in *n. */
const char *const *results_curves_header(int *n);
/* The result column called name (runs.csv), or NULL. */
const results_column *results_find(const char *name);

/* One runs.csv row (train_seconds: the sum of the epochs' training times) as strings of RESULTS_CELL bytes each
   in cells (cells has room for the header's count). Provenance is this process's. */
void results_run_row(char (*cells)[RESULTS_CELL], const char *run_id, const char *variant, const run_config *c,
                     const train_result *r, double train_seconds);
/* One curves.csv row. */
void results_curve_row(char (*cells)[RESULTS_CELL], const char *run_id, const train_epoch *e);
/* A number for a CSV cell: "" when NaN or infinite, else %.*g with prec significant digits. */
void results_num(char *buf, size_t n, double v, int prec);

/* The value a runs.csv column takes in a file written before the column existed: a later setting's default
   (which reproduces the old behaviour), "" for a later result column; NULL when the column is not optional. */
const char *results_fill_value(const char *name, char *buf, size_t n);
/* Bring a runs table read from a file of an older schema to today's columns, in today's order: columns added
   since are filled (results_fill_value: a file without a later setting ran it at its default), columns unknown to
   this build are kept after today's, and a required column the file lacks stays missing (its reader says so). *added (may be NULL): how many were filled.
   Returns 0, or -1 out of memory. */
int results_upgrade_table(table *t, int *added, char *err, size_t errlen);

#endif
