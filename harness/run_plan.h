/* run_plan: what `sweep run` knows before it trains: the configurations (runs that differ only in seed), the
   cost model and its calibration against stored runs, and which stored rows belong to the experiment. */
#ifndef SWEEP_RUN_PLAN_H
#define SWEEP_RUN_PLAN_H
#include "data.h"
#include "experiment.h"
#include "table.h"

/* Seconds per unit of run_plan_cost on one core when no stored run calibrates it: `sweep train --epochs 1
   --val-size 0` of the tutorial model (60,000 rows, cost 1.62e10 per epoch) took 2.4-2.9 s of CPU on an AMD
   EPYC (Zen, AVX2) core, data loading included. */
#define RUN_PLAN_DEFAULT_RATE 1.5e-10

/* Relative cost of a run on data of train_rows training rows (before the split), dim features and classes
   classes: multiply-adds per epoch times epochs, plus a per-step overhead. */
double run_plan_cost(const train_config *t, int train_rows, int dim, int classes);
/* Group the runs of e into configurations: group_of[k] for run k; labels[g] names group g by its variant and the
   settings that vary (varies[i]), seed left out. Returns the number of groups, or -1 out of memory. */
int run_plan_groups(const experiment *e, const int *varies, int *group_of, char ***labels);
void run_plan_free_labels(char **labels, int n);
/* Index in e of the run with this run_id, or -1. sorted: from run_plan_index (n_runs entries). */
int *run_plan_index(const experiment *e);
int run_plan_find(const experiment *e, const int *sorted, const char *run_id);
/* Seconds per unit of cost, calibrated from the stored rows (seconds, epochs_run) of runs in e: their median, or
   RUN_PLAN_DEFAULT_RATE without any. cost[k] is run k's run_plan_cost. *samples gets how many rows calibrated. */
double run_plan_rate(const experiment *e, const int *sorted, const table *stored, const double *cost, int *samples);

#endif
