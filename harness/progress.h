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
    double start;
    double best_val;
    char best_desc[256];
    omp_lock_t lock;
} progress;

/* Start counting total runs; live when out is a terminal. */
void progress_init(progress *p, FILE *out, int total, int quiet);
/* One run finished: desc names its configuration, val_acc may be NaN (no validation: test_acc is not used). */
void progress_run_done(progress *p, const char *desc, const char *status, double val_acc, double test_acc, double seconds);
/* End the live line. */
void progress_finish(progress *p);

#endif
