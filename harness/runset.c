/* runset: a results directory read once (runset_load.c), runs grouped into configurations by a hashed
   canonical key under one equality rule (see runset.h). */
#include "runset_internal.h"
#include "results.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the runset ---- */
struct runset {
    table runs, curves;
    int ncols, *cols, *varies;      /* configuration columns (runs-table indices) */
    int nconf, *config_of;          /* (runs.nrows) */
    int *conf_start, *conf_rows;    /* rows of config c: conf_rows[conf_start[c] .. conf_start[c+1]) */
    char **keys;                    /* (nconf) canonical keys */
    strmap by_key;
    int *curve_start, *curve_rows;  /* curve rows of run r: curve_rows[curve_start[r] .. curve_start[r+1]) */
};

/* ---- the equality rule ---- */

/* Canonical text of one number or one element of a width list: \1 and the double's 16 hex digits (-0 as 0),
   written without printf (this runs for every cell of every run). 0 if not a number. */
static int canon_num(const char *s, size_t len, char *out, size_t n)
{
    char buf[64], *end;
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (!len || len >= sizeof buf || n < 18) return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end) return 0;
    if (v == 0) v = 0;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    out[0] = '\1';
    for (int i = 0; i < 16; i++) out[1 + i] = "0123456789abcdef"[(bits >> (60 - 4 * i)) & 15];
    out[17] = 0;
    return 1;
}

/* Canonical text of a configuration cell: a number or a list of numbers in canonical form, else the
   text as it is. Appends to out (cap n), returns the length written or -1 when it does not fit. */
static int canon_cell(const char *s, char *out, size_t n)
{
    size_t len = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t el = comma ? (size_t)(comma - p) : strlen(p);
        if (len + 19 > n || !canon_num(p, el, out + len, n - len)) break;
        len += 17;
        if (!comma) return (int)len;
        out[len++] = ',';
        p = comma + 1;
    }
    size_t k = strlen(s);                           /* not all numbers: text equality */
    if (k >= n) return -1;
    memcpy(out, s, k + 1);
    return (int)k;
}

int runset_same_value(const char *a, const char *b)
{
    if (!strcmp(a, b)) return 1;
    char ca[1024], cb[1024];
    int la = canon_cell(a, ca, sizeof ca), lb = canon_cell(b, cb, sizeof cb);
    return la >= 0 && lb >= 0 && !strcmp(ca, cb);
}

int runset_cell_cmp(const char *a, const char *b)
{
    char *ea, *eb;
    while (*a || *b) {
        double x = strtod(a, &ea), y = strtod(b, &eb);
        if (ea == a || eb == b) return strcmp(a, b);
        if (x != y) return x < y ? -1 : 1;
        if ((*ea && *ea != ',') || (*eb && *eb != ',')) return strcmp(ea, eb);
        a = *ea == ',' ? ea + 1 : ea;
        b = *eb == ',' ? eb + 1 : eb;
    }
    return 0;
}

typedef struct { double seed; int idx; } seed_ix;

static int seed_ix_cmp(const void *pa, const void *pb)
{
    const seed_ix *a = pa, *b = pb;
    return a->seed < b->seed ? -1 : a->seed > b->seed ? 1 : a->idx - b->idx;
}

int runset_pair_seeds(const double *x, int nx, const double *ref, int nref, int *match)
{
    if (nx != nref || nx <= 0) return 0;
    seed_ix *a = malloc((size_t)nx * sizeof *a), *b = malloc((size_t)nx * sizeof *b);
    int ok = a && b;
    for (int i = 0; ok && i < nx; i++) {
        if (isnan(x[i]) || isnan(ref[i])) ok = 0;
        a[i] = (seed_ix){x[i], i};
        b[i] = (seed_ix){ref[i], i};
    }
    if (ok) {
        qsort(a, (size_t)nx, sizeof *a, seed_ix_cmp);
        qsort(b, (size_t)nx, sizeof *b, seed_ix_cmp);
        for (int i = 0; ok && i < nx; i++) {
            if (a[i].seed != b[i].seed || (i && a[i].seed == a[i - 1].seed)) ok = 0;
            else match[a[i].idx] = b[i].idx;
        }
    }
    free(a);
    free(b);
    return ok;
}

/* ---- configuration columns and grouping ---- */

/* variant, hidden..data (either order), and every column results.c does not write. */
static int find_cols(runset *rs, char *err, size_t errlen)
{
    const table *t = &rs->runs;
    int n = results_runs_ncols();
    const char **known = malloc((size_t)n * sizeof *known);
    rs->cols = malloc((size_t)(t->ncols + 1) * sizeof *rs->cols);
    rs->varies = calloc((size_t)t->ncols + 1, sizeof *rs->varies);
    if (!known || !rs->cols || !rs->varies) {
        free(known);
        snprintf(err, errlen, "%s: out of memory", t->path);
        return -1;
    }
    results_runs_header(known);
    int h = table_col(t, "hidden"), d = table_col(t, "data");
    int lo = h < d ? h : d, hi = h < d ? d : h;
    for (int j = 0; j < t->ncols; j++) {
        int cfg = !strcmp(t->cols[j], "variant") || (lo >= 0 && j >= lo && j <= hi);
        int k = 0;
        while (k < n && strcmp(known[k], t->cols[j])) k++;
        if (k == n && strcmp(t->cols[j], "run_id") && strcmp(t->cols[j], "seed") && strcmp(t->cols[j], "status"))
            cfg = 1;
        if (cfg) rs->cols[rs->ncols++] = j;
    }
    free(known);
    return 0;
}

typedef struct { const char *name; int col; } named_col;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named_col *)a)->name, ((const named_col *)b)->name);
}

typedef struct { char *buf; size_t len, cap; } strbuf;

static int sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 24 > b->cap) {
        size_t cap = 2 * (b->len + n + 24);
        char *p = realloc(b->buf, cap);
        if (!p) return -1;
        b->buf = p;
        b->cap = cap;
    }
    char digits[24];
    int nd = 0;
    size_t v = n;
    do { digits[nd++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (nd) b->buf[b->len++] = digits[--nd];
    b->buf[b->len++] = ':';
    memcpy(b->buf + b->len, s, n);
    b->buf[b->len += n] = 0;
    return 0;
}

/* Canonical key of row r: "len:name" "len:value" for each configuration column, sorted by name. Returns a
   malloc'd string, NULL when out of memory. */
static char *row_key(const runset *rs, const named_col *order, int r)
{
    strbuf b = {0};
    for (int k = 0; k < rs->ncols; k++) {
        const char *cell = table_cell(&rs->runs, r, order[k].col);
        char canon[1024];
        int len = canon_cell(cell, canon, sizeof canon);
        if (sb_add(&b, order[k].name, strlen(order[k].name)) ||
            (len >= 0 ? sb_add(&b, canon, (size_t)len) : sb_add(&b, cell, strlen(cell)))) {
            free(b.buf);
            return NULL;
        }
    }
    return b.buf ? b.buf : strdup("");
}

static int group(runset *rs, char *err, size_t errlen)
{
    int n = rs->runs.nrows;
    named_col *order = malloc((size_t)(rs->ncols + 1) * sizeof *order);
    char **rowkey = calloc((size_t)n + 1, sizeof *rowkey);
    int *count = NULL;
    rs->config_of = malloc((size_t)(n + 1) * sizeof *rs->config_of);
    rs->keys = malloc((size_t)(n + 1) * sizeof *rs->keys);
    int rc = !order || !rowkey || !rs->config_of || !rs->keys || runset_map_init(&rs->by_key, (size_t)n) ? -1 : 0;
    for (int k = 0; !rc && k < rs->ncols; k++) order[k] = (named_col){rs->runs.cols[rs->cols[k]], rs->cols[k]};
    if (!rc) qsort(order, (size_t)rs->ncols, sizeof *order, named_cmp);
    for (int r = 0; !rc && r < n; r++) {
        if (!(rowkey[r] = row_key(rs, order, r))) { rc = -1; break; }
        int c = runset_map_put(&rs->by_key, rowkey[r], rs->nconf);
        if (c == rs->nconf) { rs->keys[rs->nconf++] = rowkey[r]; rowkey[r] = NULL; }
        rs->config_of[r] = c;
    }
    rs->conf_start = calloc((size_t)rs->nconf + 2, sizeof *rs->conf_start);
    rs->conf_rows = malloc((size_t)(n + 1) * sizeof *rs->conf_rows);
    count = calloc((size_t)rs->nconf + 1, sizeof *count);
    if (!rc && (!rs->conf_start || !rs->conf_rows || !count)) rc = -1;
    if (!rc) {                       /* counting sort of the rows by configuration, file order kept */
        for (int r = 0; r < n; r++) rs->conf_start[rs->config_of[r] + 1]++;
        for (int c = 0; c < rs->nconf; c++) rs->conf_start[c + 1] += rs->conf_start[c];
        for (int r = 0; r < n; r++) {
            int c = rs->config_of[r];
            rs->conf_rows[rs->conf_start[c] + count[c]++] = r;
        }
        for (int k = 0; k < rs->ncols && rs->nconf > 1; k++) {
            int c0 = rs->conf_rows[0];
            for (int c = 1; c < rs->nconf && !rs->varies[k]; c++)
                rs->varies[k] = !runset_same_value(table_cell(&rs->runs, c0, rs->cols[k]),
                                                   table_cell(&rs->runs, rs->conf_rows[rs->conf_start[c]], rs->cols[k]));
        }
    }
    for (int r = 0; r < n; r++) free(rowkey[r]);
    free(rowkey);
    free(order);
    free(count);
    if (rc) snprintf(err, errlen, "%s: out of memory", rs->runs.path);
    return rc;
}

/* curve rows indexed by run row, through run_id. */
static int index_curves(runset *rs, char *err, size_t errlen)
{
    const table *r = &rs->runs, *c = &rs->curves;
    int rid = table_col(r, "run_id"), cid = table_col(c, "run_id");
    rs->curve_start = calloc((size_t)r->nrows + 2, sizeof *rs->curve_start);
    rs->curve_rows = malloc(((size_t)c->nrows + 1) * sizeof *rs->curve_rows);
    int *run_of = malloc(((size_t)c->nrows + 1) * sizeof *run_of), *fill = calloc((size_t)r->nrows + 1, sizeof *fill);
    strmap ids = {0};
    int rc = !rs->curve_start || !rs->curve_rows || !run_of || !fill || runset_map_init(&ids, (size_t)r->nrows) ? -1 : 0;
    if (!rc && rid >= 0 && cid >= 0) {
        for (int i = 0; i < r->nrows; i++) runset_map_put(&ids, table_cell(r, i, rid), i);
        for (int i = 0; i < c->nrows; i++) {
            run_of[i] = runset_map_get(&ids, table_cell(c, i, cid));
            if (run_of[i] >= 0) rs->curve_start[run_of[i] + 1]++;
        }
        for (int i = 0; i < r->nrows; i++) rs->curve_start[i + 1] += rs->curve_start[i];
        for (int i = 0; i < c->nrows; i++)
            if (run_of[i] >= 0) rs->curve_rows[rs->curve_start[run_of[i]] + fill[run_of[i]]++] = i;
    }
    runset_map_free(&ids);
    free(run_of);
    free(fill);
    if (rc) snprintf(err, errlen, "%s: out of memory", c->path ? c->path : r->path);
    return rc;
}

static int open_set(runset **out, const char *path, int with_curves, char *err, size_t errlen)
{
    *out = NULL;
    runset *rs = calloc(1, sizeof *rs);
    if (!rs) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    int rc = runset_load(path, with_curves, &rs->runs, &rs->curves, err, errlen);
    if (!rc) rc = find_cols(rs, err, errlen);
    if (!rc) rc = group(rs, err, errlen);
    if (!rc) rc = index_curves(rs, err, errlen);
    if (rc) { runset_close(rs); return -1; }
    *out = rs;
    return 0;
}

int runset_open(runset **out, const char *path, char *err, size_t errlen)
{
    return open_set(out, path, 1, err, errlen);
}

int runset_open_runs(runset **out, const char *path, char *err, size_t errlen)
{
    return open_set(out, path, 0, err, errlen);
}

void runset_close(runset *rs)
{
    if (!rs) return;
    table_free(&rs->runs);
    table_free(&rs->curves);
    for (int c = 0; c < rs->nconf; c++) free(rs->keys[c]);
    free(rs->keys);
    runset_map_free(&rs->by_key);
    free(rs->cols);
    free(rs->varies);
    free(rs->config_of);
    free(rs->conf_start);
    free(rs->conf_rows);
    free(rs->curve_start);
    free(rs->curve_rows);
    free(rs);
}

const table *runset_runs(const runset *rs) { return &rs->runs; }
const table *runset_curves(const runset *rs) { return &rs->curves; }
int runset_ncols(const runset *rs) { return rs->ncols; }
int runset_col(const runset *rs, int k) { return k >= 0 && k < rs->ncols ? rs->cols[k] : -1; }
int runset_col_varies(const runset *rs, int k) { return k >= 0 && k < rs->ncols && rs->varies[k]; }
int runset_nconfigs(const runset *rs) { return rs->nconf; }
int runset_config_of(const runset *rs, int row) { return row >= 0 && row < rs->runs.nrows ? rs->config_of[row] : -1; }
const char *runset_config_key(const runset *rs, int c) { return c >= 0 && c < rs->nconf ? rs->keys[c] : ""; }
int runset_find_config(const runset *rs, const char *key) { return runset_map_get(&rs->by_key, key); }

int runset_config_rows(const runset *rs, int c, const int **rows)
{
    if (c < 0 || c >= rs->nconf) { *rows = NULL; return 0; }
    *rows = rs->conf_rows + rs->conf_start[c];
    return rs->conf_start[c + 1] - rs->conf_start[c];
}

int runset_curve_rows(const runset *rs, int row, const int **rows)
{
    if (row < 0 || row >= rs->runs.nrows || !rs->curve_start) { *rows = NULL; return 0; }
    *rows = rs->curve_rows + rs->curve_start[row];
    return rs->curve_start[row + 1] - rs->curve_start[row];
}
