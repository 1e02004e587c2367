/* run_plan: configuration groups, the cost model and its calibration (see run_plan.h). */
#include "run_plan.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double run_plan_cost(const train_config *t, int train_rows, int dim, int classes) {
    double n = t->train_size ? t->train_size : train_rows - t->val_size, flops = 0;
    int in = dim;
    for (int k = 0; k < t->n_hidden; k++) flops += (double)in * t->hidden[k], in = t->hidden[k];
    flops += (double)in * classes;
    return (double)t->epochs * n * (flops + 2000.0 * 64 / t->batch_size);
}

typedef struct {
    char id[17];
    int k;
} plan_key;

static int key_cmp(const void *a, const void *b) {
    const plan_key *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : x->k - y->k;
}

int run_plan_groups(const experiment *e, const int *varies, int *group_of, char ***labels) {
    plan_key *keys = malloc((size_t)e->n_runs * sizeof *keys);
    char **names = calloc((size_t)e->n_runs + 1, sizeof *names);
    if (!keys || !names) {
        free(keys);
        free(names);
        return -1;
    }
    for (int k = 0; k < e->n_runs; k++) {           /* a configuration's id: the run_id with the seed zeroed */
        memcpy(keys[k].id, e->runs[k].config_id, sizeof e->runs[k].config_id);
        keys[k].k = k;
    }
    qsort(keys, (size_t)e->n_runs, sizeof *keys, key_cmp);
    int n = 0;
    for (int i = 0; i < e->n_runs; i++) {
        if (i == 0 || strcmp(keys[i].id, keys[i - 1].id)) {
            const exp_run *r = &e->runs[keys[i].k];
            char buf[1024];
            size_t used = 0;
            buf[0] = 0;
            if (e->n_variants) used += (size_t)snprintf(buf, sizeof buf, "%s", r->variant);
            for (int s = 0; s < settings_count && used < sizeof buf; s++) {
                if (!varies[s] || s == settings_seed_index()) continue;
                char v[512];
                settings_format(s, &r->cfg, v, sizeof v);
                used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s=%s", used ? " " : "",
                                         settings_table[s].name, v);
            }
            if (!(names[n++] = strdup(buf[0] ? buf : "base"))) {
                run_plan_free_labels(names, n);
                free(keys);
                return -1;
            }
        }
        group_of[keys[i].k] = n - 1;
    }
    free(keys);
    *labels = names;
    return n;
}

void run_plan_free_labels(char **labels, int n) {
    for (int i = 0; labels && i < n; i++) free(labels[i]);
    free(labels);
}


static int index_cmp(const void *a, const void *b, void *ctx) {
    const experiment *e = ctx;
    return strcmp(e->runs[*(const int *)a].run_id, e->runs[*(const int *)b].run_id);
}

int *run_plan_index(const experiment *e) {
    int *idx = malloc(((size_t)e->n_runs + 1) * sizeof *idx);
    if (!idx) return NULL;
    for (int k = 0; k < e->n_runs; k++) idx[k] = k;
    qsort_r(idx, (size_t)e->n_runs, sizeof *idx, index_cmp, (void *)e);
    return idx;
}

int run_plan_find(const experiment *e, const int *sorted, const char *run_id) {
    int lo = 0, hi = e->n_runs - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(e->runs[sorted[mid]].run_id, run_id);
        if (!c) return sorted[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

static int dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double run_plan_rate(const experiment *e, const int *sorted, const table *stored, const double *cost, int *samples) {
    *samples = 0;
    int id = table_col(stored, "run_id"), sec = table_col(stored, "seconds"), ep = table_col(stored, "epochs_run");
    double *v = id >= 0 && sec >= 0 && ep >= 0 ? malloc(((size_t)stored->nrows + 1) * sizeof *v) : NULL;
    if (!v) return RUN_PLAN_DEFAULT_RATE;
    int n = 0;
    for (int r = 0; r < stored->nrows; r++) {
        int k = run_plan_find(e, sorted, table_cell(stored, r, id));
        double s = table_num(stored, r, sec), epochs = table_num(stored, r, ep);
        if (k < 0 || !(s > 0) || !(epochs > 0) || !(cost[k] > 0)) continue;
        v[n++] = s / (cost[k] * epochs / e->runs[k].cfg.train.epochs);
    }
    double rate = RUN_PLAN_DEFAULT_RATE;
    if (n) {
        qsort(v, (size_t)n, sizeof *v, dbl_cmp);
        rate = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    *samples = n;
    free(v);
    return rate;
}
