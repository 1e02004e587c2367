/* table: a whole CSV file read into memory through libcsv (see table.h). */
#include "table.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse state shared with the libcsv callbacks. The file is fed to libcsv one physical line at a time so
   that every record knows the line it starts on (a quoted field may span lines). */
typedef struct {
    table *t;
    char **row;             /* (row_cap) fields of the record being parsed */
    int row_n, row_cap;
    char **cells;           /* (cells_cap) all data cells so far */
    size_t cells_n, cells_cap;
    long line;              /* physical line being fed */
    long rec_line;          /* line the current record starts on */
    int in_record;
    int failed;             /* 1: err is set, ignore further callbacks */
    char *err;
    size_t errlen;
} reader;

static void reader_fail_oom(reader *r) {
    if (!r->failed) snprintf(r->err, r->errlen, "%s: out of memory", r->t->path);
    r->failed = 1;
}

static void on_field(void *s, size_t len, void *data) {
    reader *r = data;
    if (r->failed) return;
    if (r->row_n == r->row_cap) {
        int cap = r->row_cap ? 2 * r->row_cap : 16;
        char **p = realloc(r->row, (size_t)cap * sizeof *p);
        if (!p) { reader_fail_oom(r); return; }
        r->row = p;
        r->row_cap = cap;
    }
    char *f = malloc(len + 1);
    if (!f) { reader_fail_oom(r); return; }
    if (len) memcpy(f, s, len);
    f[len] = '\0';
    r->row[r->row_n++] = f;
}

static void row_clear(reader *r) {
    for (int i = 0; i < r->row_n; i++) free(r->row[i]);
    r->row_n = 0;
}

static void on_record(int c, void *data) {
    (void)c;
    reader *r = data;
    r->in_record = 0;
    if (r->failed) { row_clear(r); return; }
    table *t = r->t;
    if (!t->cols) {             /* header: the fields move into t->cols */
        t->cols = r->row;
        t->ncols = r->row_n;
        r->row = NULL;
        r->row_n = r->row_cap = 0;
        return;
    }
    if (r->row_n != t->ncols) {
        snprintf(r->err, r->errlen, "%s:%ld: row has %d fields, header has %d", t->path, r->rec_line,
                 r->row_n, t->ncols);
        r->failed = 1;
        row_clear(r);
        return;
    }
    if (r->cells_n + (size_t)t->ncols > r->cells_cap) {
        size_t cap = r->cells_cap ? 2 * r->cells_cap : (size_t)t->ncols * 64;
        while (cap < r->cells_n + (size_t)t->ncols) cap *= 2;
        char **p = realloc(r->cells, cap * sizeof *p);
        if (!p) { reader_fail_oom(r); row_clear(r); return; }
        r->cells = p;
        r->cells_cap = cap;
    }
    memcpy(r->cells + r->cells_n, r->row, (size_t)t->ncols * sizeof *r->row);
    r->cells_n += (size_t)t->ncols;
    r->row_n = 0;               /* ownership moved to cells */
    t->nrows++;
}

static int is_blank_line(const char *s, size_t n) {
    return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
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

int table_read(table *t, const char *path, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->path = strdup(path);
    if (!t->path) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    size_t len;
    char *buf = slurp(path, &len, err, errlen);
    if (!buf) { table_free(t); return -1; }

    reader r = {.t = t, .line = 1, .err = err, .errlen = errlen};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(err, errlen, "%s: csv_init failed", path);
        free(buf);
        table_free(t);
        return -1;
    }
    for (size_t pos = 0; pos < len && !r.failed;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        if (!r.in_record && !is_blank_line(buf + pos, n)) { r.in_record = 1; r.rec_line = r.line; }
        if (csv_parse(&p, buf + pos, n, on_field, on_record, &r) != n && !r.failed) {
            snprintf(err, errlen, "%s:%ld: %s", path, r.line, csv_strerror(csv_error(&p)));
            r.failed = 1;
        }
        pos += n;
        if (nl) r.line++;
    }
    if (!r.failed && csv_fini(&p, on_field, on_record, &r) != 0 && !r.failed) {
        snprintf(err, errlen, "%s:%ld: %s", path, r.rec_line, csv_strerror(csv_error(&p)));
        r.failed = 1;
    }
    csv_free(&p);
    free(buf);
    row_clear(&r);
    free(r.row);
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
