/* progress: what a running sweep tells its user. On a terminal one live line (done/total runs of the whole sweep,
   resumed runs included; elapsed; ETA; the best configuration by mean validation accuracy over its seeds so far);
   otherwise one line per finished run. Thread-safe. */
#ifndef SWEEP_PROGRESS_H
#define SWEEP_PROGRESS_H
#include <stdio.h>
#include <omp.h>

typedef struct {
    FILE *out;
    int quiet, live;
    int total, done, failed;        /* runs of the whole sweep; done counts those finished before a resume */
    int done_before;                /* finished before this process started */
    long total_epochs, done_epochs; /* of the runs to train: the ETA counts epochs, not runs */
    double start, last_draw;
    int n_groups;                   /* configurations (runs that differ only in seed) */
    const char *const *labels;      /* (n_groups) the caller's, for the best one's name */
    double *sum;                    /* (n_groups) sum of val_acc over the group's finished runs */
    int *count;                     /* (n_groups) how many */
    int best;                       /* group with the highest mean so far, -1 none */
    omp_lock_t lock;
} progress;

/* Start: total runs in the sweep, done_before of them finished already, total_epochs epochs left to train,
   n_groups configurations named by labels (kept, not copied). Returns 0, or -1 out of memory. */
int progress_init(progress *p, FILE *out, int total, int done_before, long total_epochs, int n_groups,
                  const char *const *labels, int quiet);
/* A finished run of configuration group (stored before, or just trained): its val_acc joins the group's mean
   (NaN is left out: no validation set). */
void progress_record(progress *p, int group, double val_acc);
/* One epoch of some run finished: the live line moves (at most a few times a second). */
void progress_epoch(progress *p);
/* One run finished after epochs_run of its epochs planned: desc names it. Call progress_record first. */
void progress_run_done(progress *p, const char *desc, const char *status, int epochs_run, int epochs_planned,
                       double val_acc, double test_acc, double seconds);
/* End the live line and free. */
void progress_finish(progress *p);

#endif
