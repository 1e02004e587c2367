/* train_internal: the state of one run in progress, shared by train.c (the loop) and train_state.c
   (its serialization). Not part of the models/ API: callers use the opaque train_session. */
#ifndef SWEEP_TRAIN_INTERNAL_H
#define SWEEP_TRAIN_INTERNAL_H
#include "mlp.h"
#include "train.h"

/* The five random streams of a run, in the order they are serialized. */
enum { TRAIN_RNG_INIT, TRAIN_RNG_SHUFFLE, TRAIN_RNG_DROPOUT, TRAIN_RNG_AUGMENT, TRAIN_RNG_EVAL, TRAIN_N_RNG };

struct train_session {
    train_config cfg;
    const data_bundle *data;
    data_view train_view, val_view, test_view;
    int n;             /* training rows */
    mlp model;
    int *order;        /* (n) shuffled training rows: the shuffle permutes it in place, so it is state */
    int *rows;         /* (max_batch) row indices for a gather */
    int *y;            /* (max_batch) labels */
    float *x;          /* (max_batch, D) gathered inputs */
    int *pred;         /* (TRAIN_EVAL_BATCH) first dropout-on prediction per row */
    float *prob_sum;   /* (TRAIN_EVAL_BATCH, V) MC-dropout sum of softmax */
    float *best;       /* (num_params + num_stats) best snapshot (early stopping), or NULL */
    train_epoch *curve; /* (cfg.epochs) the epochs trained so far */
    void *memory;
    rng_state rng[TRAIN_N_RNG];
    /* progress: everything below is saved in a checkpoint */
    long step;         /* optimizer steps taken */
    int epoch;         /* epochs finished */
    int ended;         /* 1 once no further epoch will run */
    int snap_taken;
    double best_val;   /* lowest validation loss so far (early stopping) */
    double first_loss; /* loss of the first training batch (NaN before it), for a divergence rule relative to it */
    train_result res;  /* status, epochs_run, best_epoch so far */
    double start;      /* wall clock of train_begin (not saved) */
};

#endif
