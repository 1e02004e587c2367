/* runset_load: the files of a results directory (runs.csv, curves.csv, shards/K-of-N/ copies of both) read and
   merged into one runs table and one curves table (see runset.h for the rules), and the hash map runset uses. */
#include "runset_internal.h"
#include "results.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the hash map ---- */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int runset_map_init(strmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n + 16) m->cap *= 2;
    m->n = 0;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = malloc(m->cap * sizeof *m->vals);
    return m->keys && m->vals ? 0 : -1;
}

void runset_map_free(strmap *m) { free(m->keys); free(m->vals); memset(m, 0, sizeof *m); }

/* Slot of key: where it is, or the empty slot where it goes. The map is sized for all keys up front. */
static size_t map_slot(const strmap *m, const char *key)
{
    size_t i = (size_t)fnv1a(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key)) i = (i + 1) & (m->cap - 1);
    return i;
}

int runset_map_get(const strmap *m, const char *key)
{
    if (!m->cap) return -1;
    size_t i = map_slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

/* Insert key -> val unless present; returns the value stored for key. */
int runset_map_put(strmap *m, const char *key, int val)
{
    size_t i = map_slot(m, key);
    if (!m->keys[i]) { m->keys[i] = key; m->vals[i] = val; m->n++; }
    return m->vals[i];
}

/* ---- loading ---- */

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The shard subdirectories of dir holding `file`, sorted, as malloc'd paths dir/shards/S/file. */
static int shard_files(const char *dir, const char *file, char ***out, int *n)
{
    char sdir[4352];
    *out = NULL;
    *n = 0;
    if (snprintf(sdir, sizeof sdir, "%s/shards", dir) >= (int)sizeof sdir) return 0;
    DIR *d = opendir(sdir);
    if (!d) return 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) && !rc) {
        if (de->d_name[0] == '.') continue;
        char *p;
        if (asprintf(&p, "%s/%s/%s", sdir, de->d_name, file) < 0) { rc = -1; break; }
        if (!is_file(p)) { free(p); continue; }
        char **q = realloc(*out, (size_t)(*n + 1) * sizeof *q);
        if (!q) { free(p); rc = -1; break; }
        *out = q;
        (*out)[(*n)++] = p;
    }
    closedir(d);
    if (*n > 1) qsort(*out, (size_t)*n, sizeof **out, name_cmp);
    return rc;
}

static int same_header(const table *a, const table *b)
{
    if (a->ncols != b->ncols) return 0;
    for (int j = 0; j < a->ncols; j++)
        if (strcmp(a->cols[j], b->cols[j])) return 0;
    return 1;
}

static int is_timing(const char *col) { return !strcmp(col, "seconds") || !strcmp(col, "sec_per_epoch"); }

/* Concatenate the tables t[0..n) (same header) into *out, keeping the first row of each run_id (key
   column `idcol`, -1: every row kept). For runs (curves == 0) a later row of a known run_id must agree
   with the first except in timing columns; for curves, a run_id's rows all come from the first file that
   has any. Cells move into *out; the tables are emptied. */
static int merge(table *t, int n, int curves, table *out, char *err, size_t errlen)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += (size_t)t[i].nrows;
    int nc = t[0].ncols, idcol = table_col(&t[0], "run_id");
    *out = t[0];
    out->cells = malloc((total + 1) * (size_t)nc * sizeof *out->cells);
    out->nrows = 0;
    strmap ids = {0};
    int *owner = malloc((total + 1) * sizeof *owner);
    if (!out->cells || !owner || runset_map_init(&ids, total) != 0) {
        snprintf(err, errlen, "%s: out of memory", t[0].path);
        free(owner); runset_map_free(&ids);
        free(out->cells); out->cells = NULL;
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        for (int r = 0; r < t[i].nrows && !rc; r++) {
            char **row = t[i].cells + (size_t)r * nc;
            int keep = 1;
            if (idcol >= 0) {
                int prev = runset_map_put(&ids, row[idcol], out->nrows);
                if (curves) keep = prev == out->nrows || owner[prev] == i;
                else if (prev != out->nrows) {
                    keep = 0;
                    char **first = out->cells + (size_t)prev * nc;
                    for (int j = 0; j < nc && !rc; j++)
                        if (!is_timing(t[0].cols[j]) && strcmp(first[j], row[j])) {
                            snprintf(err, errlen, "%s: run %s conflicts with its row in %s (column %s: '%s' vs "
                                     "'%s')", t[i].path, row[idcol], t[owner[prev]].path, t[0].cols[j], row[j],
                                     first[j]);
                            rc = -1;
                        }
                }
            }
            if (keep) {
                owner[out->nrows] = i;
                memcpy(out->cells + (size_t)out->nrows++ * nc, row, (size_t)nc * sizeof *row);
                memset(row, 0, (size_t)nc * sizeof *row);
            }
        }
    }
    /* Map keys point into the kept cells, so the map goes before the dropped cells are freed. */
    runset_map_free(&ids);
    free(owner);
    for (int i = 0; i < n; i++) {
        if (i == 0) { t[0].cols = NULL; t[0].path = NULL; }     /* now owned by out */
        table_free(&t[i]);
    }
    return rc;
}

/* Read files[0..n) as tables with one header, merged into *out. */
static int read_merged(char **files, int n, int curves, table *out, char *err, size_t errlen)
{
    table *t = calloc((size_t)n, sizeof *t);
    if (!t) { snprintf(err, errlen, "%s: out of memory", files[0]); return -1; }
    int rc = 0, i;
    for (i = 0; i < n && !rc; i++) {
        rc = table_read_results(&t[i], files[i], err, errlen);   /* a shard may be mid-write */
        if (!rc && !curves) rc = results_upgrade_table(&t[i], NULL, err, errlen);   /* an older sweep's file */
        if (!rc && i > 0 && !same_header(&t[0], &t[i])) {
            snprintf(err, errlen, "%s: header differs from %s's", files[i], files[0]);
            rc = -1;
        }
    }
    if (!rc) rc = merge(t, n, curves, out, err, errlen);
    else
        for (int k = 0; k < n; k++) table_free(&t[k]);
    free(t);
    return rc;
}

/* Files DIR/name then DIR/shards/ * /name. */
static int collect(const char *dir, const char *name, char ***files, int *n)
{
    char **shards;
    int ns;
    if (shard_files(dir, name, &shards, &ns) != 0) return -1;
    char *top;
    if (asprintf(&top, "%s/%s", dir, name) < 0) top = NULL;
    int has_top = top && is_file(top);
    *files = malloc((size_t)(ns + 1) * sizeof **files);
    if (!top || !*files) { free(top); for (int i = 0; i < ns; i++) free(shards[i]); free(shards); return -1; }
    *n = 0;
    if (has_top) (*files)[(*n)++] = top;
    else free(top);
    for (int i = 0; i < ns; i++) (*files)[(*n)++] = shards[i];
    free(shards);
    return 0;
}

static void free_list(char **f, int n) { for (int i = 0; i < n; i++) free(f[i]); free(f); }

int runset_load(const char *path, int with_curves, table *runs, table *curves, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
    if (!S_ISDIR(st.st_mode))
        return table_read(runs, path, err, errlen) || results_upgrade_table(runs, NULL, err, errlen) ? -1 : 0;
    char **files = NULL;
    int n = 0, rc = 0;
    if (collect(path, "runs.csv", &files, &n) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    } else if (n == 0) {
        snprintf(err, errlen, "%s: no runs.csv (nor shards/*/runs.csv) there", path);
        rc = -1;
    } else {
        rc = read_merged(files, n, 0, runs, err, errlen);
    }
    free_list(files, n);
    files = NULL;
    n = 0;
    if (!rc && with_curves && collect(path, "curves.csv", &files, &n) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    if (!rc && n > 0) rc = read_merged(files, n, 1, curves, err, errlen);
    free_list(files, n);
    return rc;
}
