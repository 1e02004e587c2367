/* progress: what a running sweep tells its user. On a terminal one live line (done/total, elapsed, ETA, best
   validation accuracy and its configuration); otherwise one line per finished run. Thread-safe. */
#ifndef SWEEP_PROGRESS_H
#define SWEEP_PROGRESS_H
#include <stdio.h>
#include <omp.h>

typedef struct {
    FILE *out;
    int quiet, live;
    int total, done, failed;
    long total_epochs, done_epochs; /* of the runs to train: the ETA counts epochs, not runs */
    double start, last_draw;
    double best_val;
    char best_desc[256];
    omp_lock_t lock;
} progress;

/* Start counting total runs of total_epochs epochs in all; live when out is a terminal. */
void progress_init(progress *p, FILE *out, int total, long total_epochs, int quiet);
/* One epoch of some run finished: the live line moves (at most a few times a second). */
void progress_epoch(progress *p);
/* One run finished after epochs_run of its epochs planned: desc names its configuration, val_acc may be NaN
   (no validation: test_acc is not used to pick the best). */
void progress_run_done(progress *p, const char *desc, const char *status, int epochs_run, int epochs_planned,
                       double val_acc, double test_acc, double seconds);
/* End the live line. */
void progress_finish(progress *p);

#endif
