/* data_csv: tabular data sets from CSV files, parsed with libcsv.

   Expected shape of a CSV data file:
     - one example per row: the first column is the class label, an integer in 0..255;
       every other column is a numeric feature (anything strtof parses in full, and finite);
     - every row has the same number of columns, at least two (a label and one feature);
     - an optional header row: if any cell of the first row is not a number, that row is a header
       and is skipped;
     - comma separated; fields may be quoted; blank lines are ignored; the file may be gzipped.
   Features are kept as given (not scaled). The set's classes is the largest label + 1.
   Example:
     label,sepal_length,sepal_width
     0,5.1,3.5
     2,6.3,3.3
   Errors name the file, line and column: "data: f.csv:17: column 3: cannot parse 'abc' as a number". */
#include "data.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CSV_READ_CHUNK (1 << 16)
#define CSV_MAX_LABEL 255          /* labels are stored as bytes */

/* Parsing state shared with libcsv's callbacks. */
typedef struct {
    const char *path;
    char *err;
    size_t errlen;
    int failed;
    long line;                     /* physical line being fed to the parser (1-based) */
    long row_line;                 /* line where the current row started */
    int col;                       /* cells seen in the current row */
    int ncols;                     /* columns per row; 0 until the first row is complete */
    int first_row;                 /* the first row is still being read (it may be a header) */
    int first_numeric;             /* every cell of the first row so far parses as a number */
    char **first_cells;            /* copies of the first row's cells, parsed once the row is complete */
    int first_count, first_cap;
    float *row;                    /* (ncols - 1) features of the current row */
    int label;
    data_set *out;
    size_t cap;                    /* rows allocated in out */
} csv_state;

static void csv_failf(csv_state *s, long line, int col, const char *fmt, ...) {
    if (s->failed) return;
    s->failed = 1;
    if (!s->err || s->errlen == 0) return;
    int k = col > 0 ? snprintf(s->err, s->errlen, "data: %s:%ld: column %d: ", s->path, line, col)
                    : snprintf(s->err, s->errlen, "data: %s:%ld: ", s->path, line);
    if (k < 0 || (size_t)k >= s->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err + k, s->errlen - (size_t)k, fmt, ap);
    va_end(ap);
}

static int csv_fail_file(char *err, size_t errlen, const char *path, const char *what, const char *detail) {
    if (err && errlen > 0) snprintf(err, errlen, "data: %s: %s%s", path, what, detail);
    return -1;
}

typedef enum { CSV_NUMBER, CSV_NOT_NUMBER, CSV_NOT_FINITE } csv_number;

/* The whole cell must parse; inf, nan and overflow are rejected. */
static csv_number csv_parse_float(const char *cell, float *v) {
    char *end;
    *v = strtof(cell, &end);
    if (end == cell || *end != '\0') return CSV_NOT_NUMBER;
    return isfinite(*v) ? CSV_NUMBER : CSV_NOT_FINITE;
}

static int csv_is_number(const char *cell) {
    float v;
    return csv_parse_float(cell, &v) == CSV_NUMBER;
}

/* Parse cell number col (1-based) of a data row into the label or the row's feature buffer. */
static void csv_data_cell(csv_state *s, const char *cell, int col) {
    if (col > s->ncols) return; /* a ragged row, reported when the row ends */
    if (col == 1) {
        char *end;
        errno = 0;
        long v = strtol(cell, &end, 10);
        if (end == cell || *end != '\0' || errno)
            csv_failf(s, s->row_line, col, "label '%s' is not an integer", cell);
        else if (v < 0 || v > CSV_MAX_LABEL)
            csv_failf(s, s->row_line, col, "label %ld out of range 0..%d", v, CSV_MAX_LABEL);
        else
            s->label = (int)v;
        return;
    }
    float v;
    csv_number kind = csv_parse_float(cell, &v);
    if (kind == CSV_NOT_NUMBER)
        csv_failf(s, s->row_line, col, "cannot parse '%s' as a number", cell);
    else if (kind == CSV_NOT_FINITE)
        csv_failf(s, s->row_line, col, "'%s' is not a finite number", cell);
    else
        s->row[col - 2] = v;
}

static void csv_on_cell(void *field, size_t len, void *data) {
    csv_state *s = data;
    (void)len;
    if (s->failed) return;
    const char *cell = field ? field : "";
    if (s->col == 0) s->row_line = s->line;
    s->col++;
    if (!s->first_row) {
        csv_data_cell(s, cell, s->col);
        return;
    }
    if (s->col > s->first_cap) {
        int cap = s->first_cap ? 2 * s->first_cap : 64;
        char **p = realloc(s->first_cells, (size_t)cap * sizeof *p);
        if (!p) { csv_failf(s, s->line, 0, "out of memory"); return; }
        s->first_cells = p;
        s->first_cap = cap;
    }
    s->first_cells[s->col - 1] = strdup(cell);
    if (!s->first_cells[s->col - 1]) { csv_failf(s, s->line, 0, "out of memory"); return; }
    s->first_count = s->col;
    if (!csv_is_number(cell)) s->first_numeric = 0;
}

static int csv_grow(csv_state *s) {
    data_set *d = s->out;
    if ((size_t)d->n < s->cap) return 0;
    if (d->n == INT_MAX) return -1;
    size_t cap = s->cap ? 2 * s->cap : 1024;
    if (cap > INT_MAX) cap = INT_MAX;
    float *f = realloc(d->features, cap * (size_t)d->dim * sizeof *f);
    if (!f) return -1;
    d->features = f;
    uint8_t *l = realloc(d->labels, cap);
    if (!l) return -1;
    d->labels = l;
    s->cap = cap;
    return 0;
}

/* The first row is complete: fix the column count, and keep it as data unless it is a header. */
static void csv_end_first_row(csv_state *s) {
    int ncols = s->col;
    s->first_row = 0;
    if (ncols < 2) { csv_failf(s, s->row_line, 0, "need at least 2 columns (label, features), got %d", ncols); return; }
    s->ncols = ncols;
    s->out->dim = ncols - 1;
    s->row = malloc((size_t)s->out->dim * sizeof *s->row);
    if (!s->row) { csv_failf(s, s->row_line, 0, "out of memory"); return; }
    if (!s->first_numeric) return; /* a header */
    for (int c = 0; c < ncols && !s->failed; c++) csv_data_cell(s, s->first_cells[c], c + 1);
}

static void csv_on_row(int term, void *data) {
    csv_state *s = data;
    (void)term;
    if (s->failed || s->col == 0) return;
    if (s->first_row) {
        csv_end_first_row(s);
        if (!s->first_numeric) { s->col = 0; return; } /* the header */
    } else if (s->col != s->ncols) {
        csv_failf(s, s->row_line, 0, "expected %d columns, got %d", s->ncols, s->col);
    }
    s->col = 0;
    if (s->failed) return;
    if (csv_grow(s) != 0) { csv_failf(s, s->row_line, 0, "out of memory or too many rows"); return; }
    data_set *d = s->out;
    memcpy(d->features + (size_t)d->n * d->dim, s->row, (size_t)d->dim * sizeof *s->row);
    d->labels[d->n] = (uint8_t)s->label;
    if (s->label + 1 > d->classes) d->classes = s->label + 1;
    d->n++;
}

/* Feed the parser one physical line at a time, so the callbacks know the line number. */
static void csv_feed(struct csv_parser *p, csv_state *s, const char *buf, size_t len) {
    while (len > 0 && !s->failed) {
        const char *nl = memchr(buf, '\n', len);
        size_t part = nl ? (size_t)(nl - buf) + 1 : len;
        if (csv_parse(p, buf, part, csv_on_cell, csv_on_row, s) != part)
            csv_failf(s, s->line, 0, "%s", csv_strerror(csv_error(p)));
        if (nl) s->line++;
        buf += part;
        len -= part;
    }
}

int data_load_csv(data_set *out, const char *path, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) return csv_fail_file(err, errlen, path, "cannot open: ", errno ? strerror(errno) : "out of memory");
    struct csv_parser p;
    csv_state s = { .path = path, .err = err, .errlen = errlen, .line = 1, .first_row = 1, .first_numeric = 1,
                    .out = out };
    char *buf = malloc(CSV_READ_CHUNK);
    if (csv_init(&p, CSV_APPEND_NULL) != 0 || !buf) {
        free(buf);
        gzclose(f);
        return csv_fail_file(err, errlen, path, "out of memory", "");
    }
    int r;
    while (!s.failed && (r = gzread(f, buf, CSV_READ_CHUNK)) > 0) csv_feed(&p, &s, buf, (size_t)r);
    if (!s.failed) {
        int e;
        const char *msg = gzerror(f, &e);
        if (e != Z_OK) csv_failf(&s, s.line, 0, "read error: %s", msg);
    }
    if (!s.failed) csv_fini(&p, csv_on_cell, csv_on_row, &s);
    csv_free(&p);
    gzclose(f);
    free(buf);
    for (int c = 0; c < s.first_count; c++) free(s.first_cells[c]);
    free(s.first_cells);
    free(s.row);
    if (!s.failed && out->n == 0) {
        csv_fail_file(err, errlen, path, "empty: no data rows", "");
        s.failed = 1;
    }
    if (s.failed) {
        data_free(out);
        return -1;
    }
    return 0;
}
