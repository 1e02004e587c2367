/* table: a whole CSV file read into memory through libcsv (see table.h). */
#include "table.h"
#include "csvfeed.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse state for the record callback. The file is fed to libcsv one physical line at a time (csvfeed) so
   that every record knows the line it starts on (a quoted field may span lines). */
typedef struct {
    table *t;
    char **cells;           /* (cells_cap) all data cells so far */
    size_t cells_n, cells_cap;
    int failed;             /* 1: err is set */
    char *err;
    size_t errlen;
} reader;

static int reader_fail_oom(reader *r) {
    snprintf(r->err, r->errlen, "%s: out of memory", r->t->path);
    r->failed = 1;
    return -1;
}

static int on_record(csvfeed *f, void *ctx) {
    reader *r = ctx;
    table *t = r->t;
    if (!t->cols) {             /* header: the fields move into t->cols */
        if (!(t->cols = malloc((size_t)f->n_fields * sizeof *t->cols))) return reader_fail_oom(r);
        memcpy(t->cols, f->fields, (size_t)f->n_fields * sizeof *f->fields);
        t->ncols = f->n_fields;
        f->n_fields = 0;
        return 0;
    }
    if (f->n_fields != t->ncols) {
        snprintf(r->err, r->errlen, "%s:%ld: row has %d fields, header has %d", t->path, f->rec_line,
                 f->n_fields, t->ncols);
        r->failed = 1;
        return -1;
    }
    if (r->cells_n + (size_t)t->ncols > r->cells_cap) {
        size_t cap = r->cells_cap ? 2 * r->cells_cap : (size_t)t->ncols * 64;
        while (cap < r->cells_n + (size_t)t->ncols) cap *= 2;
        char **p = realloc(r->cells, cap * sizeof *p);
        if (!p) return reader_fail_oom(r);
        r->cells = p;
        r->cells_cap = cap;
    }
    memcpy(r->cells + r->cells_n, f->fields, (size_t)t->ncols * sizeof *f->fields);
    r->cells_n += (size_t)t->ncols;
    f->n_fields = 0;            /* ownership moved to cells */
    t->nrows++;
    return 0;
}

/* Read the whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *p = realloc(buf, cap *= 2);
        if (!p) { free(buf); buf = NULL; }
        else buf = p;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) { snprintf(err, errlen, "%s: out of memory", path); return NULL; }
    if (bad) { snprintf(err, errlen, "%s: read error", path); free(buf); return NULL; }
    *len = n;
    return buf;
}

static int table_read_buf(table *t, const char *path, int skip_torn, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->path = strdup(path);
    if (!t->path) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    size_t len;
    char *buf = slurp(path, &len, err, errlen);
    if (!buf) { table_free(t); return -1; }
    if (skip_torn && len && buf[len - 1] != '\n') {   /* a writer killed mid-line: its last line is not a row yet */
        while (len && buf[len - 1] != '\n') len--;
    }

    reader r = {.t = t, .err = err, .errlen = errlen};
    csvfeed feed;
    if (csvfeed_init(&feed, CSV_STRICT | CSV_STRICT_FINI, 1, on_record, &r) != 0) {
        snprintf(err, errlen, "%s: csv_init failed", path);
        free(buf);
        table_free(t);
        return -1;
    }
    int rc = csvfeed_feed(&feed, buf, len);
    if (rc == CSVFEED_DONE) rc = csvfeed_finish(&feed);
    if (feed.oom) {             /* no record is delivered after it, so it is the first failure */
        reader_fail_oom(&r);
    } else if (rc == CSVFEED_BAD_CSV && !r.failed) {
        snprintf(err, errlen, "%s:%ld: %s", path, feed.bad_line, csv_strerror(csv_error(&feed.parser)));
        r.failed = 1;
    }
    csvfeed_free(&feed);
    free(buf);
    t->cells = r.cells;         /* handed over even on failure so table_free releases them */
    if (!r.failed && !t->cols) {
        snprintf(err, errlen, "%s:1: empty file, expected a header row", path);
        r.failed = 1;
    }
    if (r.failed) {
        for (size_t i = 0; i < r.cells_n; i++) free(r.cells[i]);
        free(r.cells);
        t->cells = NULL;
        t->nrows = 0;
        table_free(t);
        return -1;
    }
    return 0;
}

int table_read(table *t, const char *path, char *err, size_t errlen) {
    return table_read_buf(t, path, 0, err, errlen);
}

int table_read_results(table *t, const char *path, char *err, size_t errlen) {
    return table_read_buf(t, path, 1, err, errlen);
}

int table_col(const table *t, const char *name) {
    for (int j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j], name) == 0) return j;
    return -1;
}

const char *table_cell(const table *t, int row, int col) {
    if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols) return "";
    return t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

double table_num(const table *t, int row, int col) {
    const char *s = table_cell(t, row, col);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s) return NAN;
    while (*end == ' ' || *end == '\t') end++;
    return *end ? NAN : v;
}

void table_free(table *t) {
    if (t->cells)
        for (size_t i = 0; i < (size_t)t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    if (t->cols)
        for (int j = 0; j < t->ncols; j++) free(t->cols[j]);
    free(t->cells);
    free(t->cols);
    free(t->path);
    memset(t, 0, sizeof *t);
}

/* A field needs quotes if libcsv would otherwise split it, or trim its leading/trailing spaces. */
static int needs_quotes(const char *s) {
    size_t n = strlen(s);
    if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

char *table_format_row(const char *const *fields, int n) {
    size_t total = 1;           /* "\n" */
    for (int i = 0; i < n; i++) {
        size_t len = strlen(fields[i]);
        total += (i > 0) + csv_write(NULL, 0, fields[i], len);  /* quoted size bounds the unquoted one */
    }
    char *out = malloc(total + 1);
    if (!out) return NULL;
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0) out[pos++] = ',';
        size_t len = strlen(fields[i]);
        /* A lone empty field would make an empty line, which readers skip: quote it. */
        if (needs_quotes(fields[i]) || (n == 1 && len == 0)) {
            pos += csv_write(out + pos, total - pos, fields[i], len);
        } else {
            memcpy(out + pos, fields[i], len);
            pos += len;
        }
    }
    out[pos++] = '\n';
    out[pos] = '\0';
    return out;
}
