/* search_plan: the ladders of a halving / Hyperband search (internal to search_*.c). */
#ifndef SWEEP_SEARCH_PLAN_H
#define SWEEP_SEARCH_PLAN_H
#include "experiment.h"

#define PLAN_MAX_RUNGS 32

typedef struct {
    exp_run run;       /* the run (for Hyperband a copy with the bracket in its variant) */
    int config;        /* index into plan.configs */
} plan_run;

typedef struct {
    char id[17];       /* run id of the configuration with seed 0: a hash of it, also the tie-breaker */
    char desc[256];    /* the settings that differ between configurations */
    int ladder;
    int first, n;      /* its runs: plan.runs[first .. first + n) */
} plan_config;

typedef struct {
    char name[16];     /* "halving" or "bracketS" */
    int n_rungs, epochs[PLAN_MAX_RUNGS];
    int n_configs, *configs; /* indices into plan.configs, in order */
} plan_ladder;

typedef struct {
    int n_runs, n_configs, n_ladders;
    plan_run *runs;
    plan_config *configs;
    plan_ladder ladders[PLAN_MAX_RUNGS];
    int *config_ids;   /* storage for the ladders' configs lists */
    long grid_epochs;  /* every configuration and seed trained to the maximum once */
} search_plan;

/* Build the plan of e (halving or hyperband). 0, or -1 with err. */
int plan_build(search_plan *p, const experiment *e, char *err, size_t errlen);
void plan_free(search_plan *p);
/* Rung epochs from min to max with factor eta, the last = max: floor(max / eta^(s - i)), i = 0..s. */
int plan_rungs(int min, int max, int eta, int *epochs);

#endif
