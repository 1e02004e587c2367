/* search_run: successive halving and Hyperband over an experiment's configurations (search.h), with synchronous
   rungs: a rung is decided once all its runs are in, from stored state only (checkpoints, runs.csv, curves.csv),
   so the decisions are the same under any -j and after kill -9 + resume. Decisions go to DIR/rungs.csv
   (rewritten atomically); runs stopped at a rung are stored with status `pruned`. */
#ifndef SWEEP_SEARCH_RUN_H
#define SWEEP_SEARCH_RUN_H
#include <signal.h>
#include <stdio.h>
#include "experiment.h"
#include "store.h"

typedef struct {
    const char *dir;
    int jobs, quiet;
    double ckpt_every;
    volatile sig_atomic_t *stop;          /* set by a signal: save and return */
    const data_bundle *(*data_for)(void *ctx, const char *path);
    void *data_ctx;
} search_opts;

/* Train e by halving or Hyperband into st. 0 done, 1 interrupted (state saved), -1 with err. */
int search_run(const experiment *e, store *st, const search_opts *o, char *err, size_t errlen);
/* --fresh: move DIR/rungs.csv to a .bak-DATE backup and delete the checkpoints. 0, or -1 with err. */
int search_fresh(const char *dir, char *err, size_t errlen);
/* The rung plan (ladders, rungs, configurations, epochs against the full grid) for --dry-run. */
void search_dry(const experiment *e, FILE *f);

#endif
