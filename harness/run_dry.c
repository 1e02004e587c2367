/* run_dry: the sweep's plan, the shards' partition and the --dry-run listing (see run_dry.h). */
#include "run_dry.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run_plan.h"
#include "run_resume.h"
#include "runset.h"
#include "settings.h"
#include "table.h"

/* Names and values of the settings that differ between runs (variant included), for progress and --dry-run. */
void run_describe(const experiment *e, const exp_run *r, const int *varies, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = 0;
    if (e->n_variants) used += (size_t)snprintf(buf, n, "%s ", r->variant);
    used += (size_t)snprintf(buf + used, n - used, "seed=%llu", (unsigned long long)r->cfg.train.seed);
    for (int i = 0; i < settings_count && used < n; i++) {
        if (!varies[i]) continue;
        char v[512];
        settings_format(i, &r->cfg, v, sizeof v);
        used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", used ? " " : "", settings_table[i].name, v);
    }
}


void run_plan_release(run_plan *p) {
    free(p->group_of);
    free(p->sorted);
    free(p->cost);
    run_plan_free_labels(p->labels, p->n_groups);
}

int run_plan_make(run_plan *p, const experiment *e, const int *varies, const run_data *data) {
    memset(p, 0, sizeof *p);
    p->group_of = calloc((size_t)e->n_runs + 1, sizeof *p->group_of);
    p->cost = calloc((size_t)e->n_runs + 1, sizeof *p->cost);
    p->sorted = run_plan_index(e);
    if (!p->group_of || !p->cost || !p->sorted) return -1;
    for (int k = 0; k < e->n_runs; k++) {
        const data_bundle *d = run_data_for(data, e->runs[k].cfg.data);
        p->cost[k] = run_plan_cost(&e->runs[k].cfg.train, d->train.n, d->train.dim, d->train.classes);
    }
    return (p->n_groups = run_plan_groups(e, varies, p->group_of, &p->labels)) < 0 ? -1 : 0;
}

/* Shard owner of every run of e (shard.c's partition over the cost model), malloc'd; NULL out of memory. */
int *run_partition(const experiment *e, const run_plan *plan, int n_shards) {
    const char **ids = malloc((size_t)e->n_runs * sizeof *ids);
    int *owner = malloc((size_t)e->n_runs * sizeof *owner);
    for (int k = 0; ids && k < e->n_runs; k++) ids[k] = e->runs[k].run_id;
    if (!ids || !owner || shard_partition(plan->cost, ids, e->n_runs, n_shards, owner) != 0) {
        free(owner);
        owner = NULL;
    }
    free(ids);
    return owner;
}


void run_dry(const experiment *e, const int *varies, const char *dir, const run_plan *plan, int jobs,
                    const run_dry_scope *sc) {
    char desc[1024];
    runset *stored = run_resume_read(dir);
    table none = {0};
    const table *stored_runs = stored ? runset_runs(stored) : &none;
    char *is_done = calloc((size_t)e->n_runs + 1, 1);
    int col = table_col(stored_runs, "run_id"), n_done = 0, n_mine = 0, samples;
    for (int row = 0; is_done && col >= 0 && row < stored_runs->nrows; row++) {   /* runs.csv and shards */
        int k = run_plan_find(e, plan->sorted, table_cell(stored_runs, row, col));
        if (k >= 0) is_done[k] = 1;
    }
    double rate = run_plan_rate(e, plan->sorted, stored_runs, plan->cost, &samples), work = 0, longest = 0;
    for (int k = 0; k < e->n_runs; k++) {
        if (sc->owner && sc->owner[k] != sc->sh.k) continue;
        int d = is_done && is_done[k];
        n_done += d;
        n_mine++;
        if (!d) work += plan->cost[k] * rate, longest = fmax(longest, plan->cost[k] * rate);
        run_describe(e, &e->runs[k], varies, desc, sizeof desc);
        printf("%s  %-7s %s\n", e->runs[k].run_id, d ? "done" : "pending", desc);
    }
    int pending = n_mine - n_done, par = jobs < pending ? jobs : pending;
    if (sc->owner)
        printf("%s: shard %d of %d: %d of the %d runs, %d done, %d to train; results in %s/shards/%d-of-%d\n",
               e->name, sc->sh.k, sc->sh.n, n_mine, e->n_runs, n_done, pending, dir, sc->sh.k, sc->sh.n);
    else printf("%s: %d runs, %d done, %d to train; results in %s\n", e->name, e->n_runs, n_done, pending, dir);
    if (pending)   /* runs start longest first: the sweep takes the larger of the even share and the longest run */
        printf("estimated time: %.*f s on %d threads (%.0f core-seconds; cost model calibrated on %s)\n",
               fmax(work / par, longest) < 10 ? 1 : 0, fmax(work / par, longest), par, work,
               samples ? "the stored runs" : "a default rate: no stored runs of this experiment yet");
    printf("%s\n", sc->memline);
    free(is_done);
    runset_close(stored);
}

