/* shard: the partition of a sweep over N processes, and the view of every results file of a directory (see
   shard.h). */
#include "shard.h"
#include "results.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------- --shard ---------- */

/* A non-negative decimal integer up to max, or -1. */
static long shard_number(const char *s, long max) {
    if (!s || *s < '0' || *s > '9') return -1;              /* strtol would take spaces and signs */
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *end || errno || v > max ? -1 : v;
}

#define SHARD_MAX 1000000

static int shard_from_env(shard_spec *out, long fixed_n, char *(*env)(const char *), char *err, size_t errlen) {
    const char *id = env("SLURM_ARRAY_TASK_ID"), *count = env("SLURM_ARRAY_TASK_COUNT");
    const char *min = env("SLURM_ARRAY_TASK_MIN");
    const char *procid = env("SLURM_PROCID"), *ntasks = env("SLURM_NTASKS");
    long k, n;
    const char *source;
    if (id) {
        k = shard_number(id, SHARD_MAX);
        n = fixed_n ? fixed_n : shard_number(count, SHARD_MAX);
        long first = fixed_n || !min ? 0 : shard_number(min, SHARD_MAX);
        k = k < 0 || first < 0 ? -1 : k - first;
        source = fixed_n ? "SLURM_ARRAY_TASK_ID" : "SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT";
    } else if (procid) {
        k = shard_number(procid, SHARD_MAX);
        n = fixed_n ? fixed_n : shard_number(ntasks, SHARD_MAX);
        source = fixed_n ? "SLURM_PROCID" : "SLURM_PROCID of SLURM_NTASKS";
    } else {
        snprintf(err, errlen, "--shard auto: neither SLURM_ARRAY_TASK_ID nor SLURM_PROCID is set (not under "
                 "sbatch --array or srun); give --shard K/N");
        return -1;
    }
    if (k < 0 || n < 1 || k >= n) {
        snprintf(err, errlen, "--shard auto: %s gives shard %ld of %ld, not one of 0..N-1 (arrays must be "
                 "contiguous, e.g. --array=0-%ld)", source, k, n, n > 0 ? n - 1 : 0);
        return -1;
    }
    out->k = (int)k;
    out->n = (int)n;
    return 0;
}

int shard_parse(shard_spec *out, const char *text, char *(*env)(const char *), char *err, size_t errlen) {
    out->k = out->n = 0;
    if (!strcmp(text, "auto")) return shard_from_env(out, 0, env, err, errlen);
    const char *slash = strchr(text, '/');
    long n = slash ? shard_number(slash + 1, SHARD_MAX) : -1;
    if (slash && n >= 1 && !strncmp(text, "auto/", 5)) return shard_from_env(out, n, env, err, errlen);
    char k_text[32];
    long k = -1;
    if (slash && (size_t)(slash - text) < sizeof k_text) {
        memcpy(k_text, text, (size_t)(slash - text));
        k_text[slash - text] = '\0';
        k = shard_number(k_text, SHARD_MAX);
    }
    if (k < 0 || n < 1 || k >= n) {
        snprintf(err, errlen, "--shard: '%s' is not K/N with 0 <= K < N <= %d, auto or auto/N", text, SHARD_MAX);
        return -1;
    }
    out->k = (int)k;
    out->n = (int)n;
    return 0;
}

/* ---------- the partition ---------- */

typedef struct {
    double cost;
    const char *id;
    int index;
} shard_item;

static int shard_item_cmp(const void *a, const void *b) {
    const shard_item *x = a, *y = b;
    if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
    return strcmp(x->id, y->id);
}

int shard_partition(const double *cost, const char *const *run_ids, int n_runs, int n_shards, int *owner) {
    shard_item *items = malloc((size_t)(n_runs ? n_runs : 1) * sizeof *items);
    double *load = calloc((size_t)n_shards, sizeof *load);
    if (!items || !load) {
        free(items);
        free(load);
        return -1;
    }
    for (int i = 0; i < n_runs; i++) items[i] = (shard_item){cost[i], run_ids[i], i};
    qsort(items, (size_t)n_runs, sizeof *items, shard_item_cmp);
    for (int i = 0; i < n_runs; i++) {
        int best = 0;
        for (int s = 1; s < n_shards; s++)
            if (load[s] < load[best]) best = s;
        owner[items[i].index] = best;
        load[best] += items[i].cost;
    }
    free(items);
    free(load);
    return 0;
}

int shard_dir(char *buf, size_t n, const char *dir, shard_spec s) {
    int w = snprintf(buf, n, "%s/shards/%d-of-%d", dir, s.k, s.n);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* ---------- every results file of a directory ---------- */

static int shard_name_ok(const struct dirent *d) { return d->d_name[0] != '.'; }

int shard_each_dir(const char *dir, int (*fn)(const char *path, void *ctx), void *ctx, char *err, size_t errlen) {
    char *shards;
    if (asprintf(&shards, "%s/shards", dir) < 0) return snprintf(err, errlen, "out of memory"), -1;
    struct dirent **names;
    int n = scandir(shards, &names, shard_name_ok, alphasort);
    if (n < 0) {
        int missing = errno == ENOENT;
        if (!missing) snprintf(err, errlen, "%s: %s", shards, strerror(errno));
        free(shards);
        return missing ? 0 : -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char *path;
        struct stat st;
        if (rc == 0 && asprintf(&path, "%s/%s", shards, names[i]->d_name) >= 0) {
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) rc = fn(path, ctx);
            free(path);
        }
        free(names[i]);
    }
    free(names);
    free(shards);
    return rc;
}

typedef struct {
    shard_done *d;
    const char **header;
    int n_cols, id_col, rc;
    char *err;
    size_t errlen;
} done_ctx;

static int done_add(const char *const *fields, int n, long line, void *ctx) {
    (void)n;
    (void)line;
    done_ctx *c = ctx;
    shard_done *d = c->d;
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 256;
        char **p = realloc(d->ids, (size_t)cap * sizeof *p);
        if (!p) return snprintf(c->err, c->errlen, "out of memory"), -1;
        d->ids = p;
        d->cap = cap;
    }
    if (!(d->ids[d->n] = strdup(fields[c->id_col]))) return snprintf(c->err, c->errlen, "out of memory"), -1;
    d->n++;
    return 0;
}

static int done_read(const char *results_dir, void *ctx) {
    done_ctx *c = ctx;
    char *path;
    if (asprintf(&path, "%s/runs.csv", results_dir) < 0) return snprintf(c->err, c->errlen, "out of memory"), -1;
    c->rc = store_read_rows(path, c->header, c->n_cols, done_add, c, c->err, c->errlen);
    free(path);
    return c->rc;
}

static int shard_str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int shard_done_load(shard_done *d, const char *dir, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    int ncols = results_runs_ncols();
    const char **header = calloc((size_t)ncols, sizeof *header);
    if (!header) return snprintf(err, errlen, "out of memory"), -1;
    results_runs_header(header);
    done_ctx c = {d, header, ncols, 0, 0, err, errlen};
    int rc = done_read(dir, &c);
    if (rc == 0) rc = shard_each_dir(dir, done_read, &c, err, errlen);
    free(header);
    if (rc != 0) {
        shard_done_free(d);
        return rc == -2 ? -2 : -1;
    }
    if (d->n) qsort(d->ids, (size_t)d->n, sizeof *d->ids, shard_str_cmp);   /* ids is NULL when nothing is stored */
    return 0;
}

int shard_done_has(const shard_done *d, const char *id) {
    return d->n && bsearch(&id, d->ids, (size_t)d->n, sizeof *d->ids, shard_str_cmp) != NULL;
}

void shard_done_free(shard_done *d) {
    for (int i = 0; i < d->n; i++) free(d->ids[i]);
    free(d->ids);
    memset(d, 0, sizeof *d);
}
