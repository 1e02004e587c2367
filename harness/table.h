/* table: a whole CSV file read into memory through libcsv, cells as strings, columns by name. */
#ifndef SWEEP_TABLE_H
#define SWEEP_TABLE_H
#include <stddef.h>

typedef struct {
    int ncols, nrows;
    char **cols;        /* (ncols) header names */
    char **cells;       /* (nrows, ncols) row-major; a missing cell is "" */
    char *path;         /* the file read, for messages */
} table;

/* Read path (header row first). Rows shorter or longer than the header are an error naming file:line.
   Returns 0, or -1 with one line in err. */
int table_read(table *t, const char *path, char *err, size_t errlen);
/* As table_read, for a results file that a writer may be appending to or was killed writing: a last line
   without its newline (torn) is left out, as the store repairs it, instead of being an error. */
int table_read_results(table *t, const char *path, char *err, size_t errlen);
/* Index of column name, or -1. */
int table_col(const table *t, const char *name);
/* Cell (row, col); never NULL. */
const char *table_cell(const table *t, int row, int col);
/* Cell parsed as a number; NaN when empty or unparsable. */
double table_num(const table *t, int row, int col);
/* Release memory; safe on a zeroed table. */
void table_free(table *t);

/* Format one CSV record (fields quoted where needed, "\n" terminated) into a malloc'd string via libcsv's
   csv_write. Returns NULL on out of memory. */
char *table_format_row(const char *const *fields, int n);

#endif
