/* plan: see plan.h. */
#include "plan.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "results.h"
#include "table.h"

/* What the estimate adds to the runs' own allocations (measured with `sweep run` on this machine, README
   "Memory estimate"): the program with its libraries before any data, and per run in flight its thread's
   stack and OpenBLAS's packing buffers. */
#define PLAN_PROCESS_BYTES ((size_t)6 << 20)
#define PLAN_THREAD_BYTES ((size_t)4 << 20)

int plan_data_probe(plan_data *d, const experiment *e, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    d->of_run = calloc((size_t)e->n_runs + 1, sizeof *d->of_run);
    if (!d->of_run) return snprintf(err, errlen, "out of memory"), -1;
    for (int k = 0; k < e->n_runs; k++) {
        const char *path = e->runs[k].cfg.data;
        int i = 0;
        while (i < d->n && strcmp(d->paths[i], path)) i++;
        if (i == d->n) {
            if (d->n == PLAN_MAX_DATA)
                return snprintf(err, errlen, "%s: more than %d different data sources in one experiment", e->path,
                                PLAN_MAX_DATA), -1;
            snprintf(d->paths[i], sizeof d->paths[i], "%s", path);
            if (data_probe(&d->shapes[i], path, err, errlen)) return -1;
            d->n++;
        }
        d->of_run[k] = &d->shapes[i];
    }
    return 0;
}

void plan_data_free(plan_data *d) {
    free((void *)d->of_run);
    d->of_run = NULL;
}

int plan_check_shapes(const experiment *e, const data_shape *const *of_run, char *err, size_t errlen) {
    for (int k = 0; k < e->n_runs; k++) {
        const exp_run *r = &e->runs[k];
        const char *bad = NULL;
        char msg[512], where[700];
        if (!data_split_check(of_run[k]->train_n, r->cfg.train.train_size, r->cfg.train.val_size, &bad, msg,
                              sizeof msg))
            continue;
        experiment_origin(e, r, settings_find(bad), where, sizeof where);
        snprintf(err, errlen, "%s: %s in %s (variant %s)", where, msg, r->cfg.data, r->variant);
        return -1;
    }
    return 0;
}

int plan_read_done(idset *done, const char *dir, char *err, size_t errlen) {
    char *path = NULL;
    struct stat st;
    if (asprintf(&path, "%s/runs.csv", dir) < 0) return snprintf(err, errlen, "out of memory"), -1;
    int rc = 0;
    if (stat(path, &st) == 0) {
        table t;
        rc = table_read(&t, path, err, errlen);
        if (rc == 0) {
            int col = table_col(&t, "run_id");
            for (int row = 0; col >= 0 && row < t.nrows && rc == 0; row++)
                if (idset_add(done, table_cell(&t, row, col)) < 0) {
                    snprintf(err, errlen, "out of memory");
                    rc = -1;
                }
            table_free(&t);
        }
    }
    free(path);
    return rc;
}

/* One run in flight: its allocations in train_run, its curve and row buffers in sweep run, its thread. */
static size_t plan_run_bytes(const exp_run *r, const data_shape *s) {
    int ncurve;
    results_curves_header(&ncurve);
    size_t epochs = (size_t)r->cfg.train.epochs;
    size_t cells = (size_t)results_runs_ncols() + epochs * (size_t)ncurve;
    return train_memory_bytes(&r->cfg.train, s) + epochs * sizeof(train_epoch) + cells * (RESULTS_CELL + sizeof(char *)) +
           PLAN_THREAD_BYTES;
}

static int plan_size_cmp(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The runs' sizes, largest first (malloc'd, n entries), or NULL. */
static size_t *plan_sizes(const experiment *e, const plan_data *d, const int *idx, int n) {
    size_t *sizes = malloc(((size_t)n + 1) * sizeof *sizes);
    if (!sizes) return NULL;
    for (int i = 0; i < n; i++) sizes[i] = plan_run_bytes(&e->runs[idx[i]], d->of_run[idx[i]]);
    qsort(sizes, (size_t)n, sizeof *sizes, plan_size_cmp);
    return sizes;
}

static void plan_fill(plan_memory *m, const plan_data *d, const size_t *sizes, int n, int jobs) {
    memset(m, 0, sizeof *m);
    m->process = PLAN_PROCESS_BYTES;
    for (int i = 0; i < d->n; i++) m->data += d->shapes[i].bytes;
    m->jobs = jobs < n ? jobs : n;
    m->largest = n ? sizes[0] : 0;
    for (int i = 0; i < m->jobs; i++) m->runs += sizes[i];
    m->peak = m->process + m->data + m->runs;
}

void plan_memory_estimate(plan_memory *m, const experiment *e, const plan_data *d, const int *idx, int n, int jobs) {
    size_t *sizes = plan_sizes(e, d, idx, n);
    plan_fill(m, d, sizes, sizes ? n : 0, jobs);
    free(sizes);
}

int plan_jobs_that_fit(const experiment *e, const plan_data *d, const int *idx, int n, int jobs, size_t avail) {
    size_t *sizes = plan_sizes(e, d, idx, n);
    if (!sizes) return 0;
    plan_memory m;
    int j = jobs < n ? jobs : n;
    for (; j >= 1; j--) {
        plan_fill(&m, d, sizes, n, j);
        if (m.peak <= avail) break;
    }
    free(sizes);
    return j;
}

/* A size such as 3G, 512M, 1000000 (bytes); K, M, G, T are powers of 1024. */
static int plan_parse_size(const char *text, size_t *out) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !(v > 0)) return -1;
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (*end && (!u || (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB")))) return -1;
    for (int k = u ? (int)(u - units) + 1 : 0; k > 0; k--) v *= 1024;
    if (v > 9.2e18) return -1;
    *out = (size_t)v;
    return 0;
}

/* The first number in a file ("max" and absurd values mean no limit). 0 when none. */
static size_t plan_read_limit(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long v = 0;
    int ok = fscanf(f, "%llu", &v) == 1;
    fclose(f);
    return ok && v > 0 && v < (1ULL << 60) ? (size_t)v : 0;
}

/* The memory cgroup's limit of this process (v2, then v1), 0 when none. */
static size_t plan_cgroup_limit(void) {
    char line[1024], path[1200];
    size_t limit = 0;
    FILE *f = fopen("/proc/self/cgroup", "r");
    while (f && !limit && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *rel = strrchr(line, ':');
        if (!rel) continue;
        int k = -1;
        if (!strncmp(line, "0::", 3)) k = snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", rel + 1);
        else if (strstr(line, ":memory:")) k = snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes", rel + 1);
        if (k > 0 && (size_t)k < sizeof path) limit = plan_read_limit(path);
    }
    if (f) fclose(f);
    if (!limit) limit = plan_read_limit("/sys/fs/cgroup/memory.max");
    if (!limit) limit = plan_read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    return limit;
}

int plan_memory_available(size_t *bytes, char *source, size_t n, char *err, size_t errlen) {
    const char *env = getenv("SWEEP_MEMORY_LIMIT");
    if (env && *env) {
        if (plan_parse_size(env, bytes))
            return snprintf(err, errlen, "SWEEP_MEMORY_LIMIT: '%s' is not a size such as 3G, 512M or 1000000 (bytes)",
                            env), -1;
        snprintf(source, n, "SWEEP_MEMORY_LIMIT");
        return 0;
    }
    if ((*bytes = plan_cgroup_limit())) {
        snprintf(source, n, "cgroup memory limit");
        return 0;
    }
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
    if (f) fclose(f);
    if (!kb) return 1;
    *bytes = (size_t)kb * 1024;
    snprintf(source, n, "MemAvailable");
    return 0;
}

#define PLAN_MB(x) ((x) / (1024.0 * 1024.0))

int plan_sweep(const experiment *e, const char *dir, int *jobs, char *memline, size_t n) {
    char err[4096], source[64];
    plan_data d;
    idset done;
    int *idx = malloc(((size_t)e->n_runs + 1) * sizeof *idx), pending = 0, rc = 1;
    if (idset_init(&done, 16) || !idx) {
        fprintf(stderr, "sweep run: out of memory\n");
        free(idx);
        return 1;
    }
    if (plan_data_probe(&d, e, err, sizeof err)) {
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    /* An unreadable runs.csv (a torn last line, which opening the store repairs) leaves every run pending:
       the estimate is then an upper bound, and the store reports what it cannot repair. */
    if (plan_read_done(&done, dir, err, sizeof err)) {
        idset_free(&done);
        if (idset_init(&done, 16)) {
            fprintf(stderr, "sweep run: out of memory\n");
            goto done;
        }
    }
    rc = 2;
    if (plan_check_shapes(e, d.of_run, err, sizeof err)) {
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    for (int k = 0; k < e->n_runs; k++)
        if (!idset_has(&done, e->runs[k].run_id)) idx[pending++] = k;
    plan_memory m;
    plan_memory_estimate(&m, e, &d, idx, pending, *jobs);
    size_t avail = 0;
    int known = plan_memory_available(&avail, source, sizeof source, err, sizeof err);
    if (known < 0) {
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    int fit = known == 0 && m.peak > avail ? plan_jobs_that_fit(e, &d, idx, pending, *jobs, avail) : m.jobs;
    if (pending && fit == 0) {
        fprintf(stderr, "sweep run: memory: one run needs about %.0f MB (program %.0f MB + data %.0f MB + the largest run "
                "%.0f MB) but %.0f MB are available (%s); use smaller hidden layers or batch_size, or more memory\n",
                PLAN_MB(m.process + m.data + m.largest), PLAN_MB(m.process), PLAN_MB(m.data), PLAN_MB(m.largest),
                PLAN_MB(avail), source);
        goto done;
    }
    char avail_text[128] = "available: unknown";
    if (known == 0) snprintf(avail_text, sizeof avail_text, "available %.0f MB (%s)", PLAN_MB(avail), source);
    if (!pending) snprintf(memline, n, "memory: nothing to train");
    else
        snprintf(memline, n, "memory: estimated peak %.0f MB at -j %d (program %.0f MB, data %.0f MB, %d runs in flight "
                 "of up to %.0f MB each); %s", PLAN_MB(m.peak), m.jobs, PLAN_MB(m.process), PLAN_MB(m.data), m.jobs,
                 PLAN_MB(m.largest), avail_text);
    if (pending && fit < m.jobs) {
        plan_memory low;
        plan_memory_estimate(&low, e, &d, idx, pending, fit);
        fprintf(stderr, "sweep run: memory: about %.0f MB at -j %d but %.0f MB are available (%s); lowering -j from %d to "
                "%d (about %.0f MB)\n", PLAN_MB(m.peak), m.jobs, PLAN_MB(avail), source, *jobs, fit, PLAN_MB(low.peak));
        *jobs = fit;
    }
    rc = 0;
done:
    plan_data_free(&d);
    idset_free(&done);
    free(idx);
    return rc;
}
