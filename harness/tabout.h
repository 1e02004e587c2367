/* tabout: one table of strings printed for a person (aligned columns), or for scripts as CSV (libcsv's writer),
   Markdown (cells escaped) or JSON (numbers as numbers). Used by sweep ls and sweep compare. */
#ifndef SWEEP_TABOUT_H
#define SWEEP_TABOUT_H
#include <stdio.h>

typedef enum { TABOUT_TEXT, TABOUT_CSV, TABOUT_MD, TABOUT_JSON } tabout_format;

typedef struct {
    int ncols, nrows, cap;
    char **cols;        /* (ncols) */
    char **cells;       /* (nrows, ncols) */
    int *numeric;       /* (ncols) 1: the column's cells are numbers (or empty) in JSON */
} tabout;

/* A table with these column names (copied). Returns 0, or -1 out of memory. */
int tabout_init(tabout *t, const char *const *cols, int ncols);
/* Append a row of ncols cells (copied; NULL = ""). Returns 0, or -1 out of memory. */
int tabout_add(tabout *t, const char *const *cells);
/* "text", "csv", "md" or "json" into *f; -1 if name is none of them. */
int tabout_parse_format(const char *name, tabout_format *f);
/* Print t in format f. JSON: an array of objects, one per row. */
void tabout_print(const tabout *t, tabout_format f, FILE *out);
void tabout_free(tabout *t);

#endif
