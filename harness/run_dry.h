/* run_dry: what `sweep run` knows before training (see cmd_run.c): the plan of the sweep (configuration groups,
   costs), the shards' partition, the description of a run, and the --dry-run listing. */
#ifndef SWEEP_RUN_DRY_H
#define SWEEP_RUN_DRY_H
#include <stddef.h>
#include "experiment.h"
#include "run_data.h"
#include "shard.h"

/* What the sweep's runs share before training: configuration groups, costs, an index by run_id. */
typedef struct {
    int *group_of, n_groups, *sorted;
    char **labels;
    double *cost;
} run_plan;
/* Release what run_plan_make allocated; safe on a zeroed plan. */
void run_plan_release(run_plan *p);
/* Groups, costs (on the loaded data) and the run_id index of e's runs. 0, or -1 out of memory. */
int run_plan_make(run_plan *p, const experiment *e, const int *varies, const run_data *data);
/* Names and values of the settings that differ between runs (variant included), for progress and --dry-run. */
void run_describe(const experiment *e, const exp_run *r, const int *varies, char *buf, size_t n);
/* Shard owner of every run of e (shard.c's partition over the cost model), malloc'd; NULL out of memory. */
int *run_partition(const experiment *e, const run_plan *plan, int n_shards);
/* What --dry-run prints: the runs (of shard sh only, when owner is given) and whether each is done in any
   results file, the counts, the time estimate from the cost model and the memory estimate. */
typedef struct {
    const int *owner;
    shard_spec sh;
    const char *memline;
} run_dry_scope;
void run_dry(const experiment *e, const int *varies, const char *dir, const run_plan *plan, int jobs,
             const run_dry_scope *sc);

#endif
