/* train: one training run of an MLP on a data set, start to finish. Knows nothing of sweeps or files. */
#ifndef SWEEP_TRAIN_H
#define SWEEP_TRAIN_H
#include <stdint.h>
#include "data.h"
#include "optim.h"

#define TRAIN_MAX_HIDDEN 8

typedef enum { ACT_RELU = 0, ACT_TANH = 1 } train_activation;

/* The learning rate over the epochs: constant, or cosine from lr (epoch 1) down towards 0 (after the last epoch). */
typedef enum { LR_CONSTANT = 0, LR_COSINE = 1 } train_lr_schedule;

/* Everything that defines a run. Field names match the setting names of the harness. */
typedef struct {
    int hidden[TRAIN_MAX_HIDDEN]; /* widths of the hidden layers */
    int n_hidden;                 /* number of hidden layers (0 = softmax regression) */
    train_activation activation;
    float dropout;                /* after each hidden activation, in [0, 1) */
    float input_dropout;          /* on the input pixels, in [0, 1) */
    float output_dropout;         /* on the logits (the tutorial's "mistake"), in [0, 1) */
    int batchnorm;                /* Linear -> BatchNorm -> activation -> Dropout when 1 */
    optim_config optim;           /* optimizer, lr, momentum, nesterov, l2 */
    train_lr_schedule lr_schedule; /* how optim.lr changes from epoch to epoch */
    int batch_size, epochs;
    int early_stopping;           /* patience in epochs on validation loss; 0 = off */
    int train_size, val_size;     /* see data_split */
    data_augment augment;
    int mc_samples;               /* > 0: also evaluate with dropout on (1 pass, and K-pass average) */
    uint64_t seed;
} train_config;

/* Metrics of one epoch. train_* are running means over the epoch's batches (training mode);
   val_* are NaN when there is no validation set. */
typedef struct {
    int epoch;                    /* 1-based */
    double seconds;               /* wall time of this epoch's training steps */
    double train_loss, train_acc, val_loss, val_acc, test_loss, test_acc;
} train_epoch;

/* TRAIN_STOPPED: the caller stopped the run (e.g. Ctrl-C); TRAIN_PRUNED: the caller ended it early on purpose
   (successive halving), its results are those of the epochs trained. */
typedef enum { TRAIN_OK = 0, TRAIN_DIVERGED = 1, TRAIN_STOPPED = 2, TRAIN_PRUNED = 3 } train_status;

/* The outcome of a run, after best weights are restored (with early stopping) and evaluated. */
typedef struct {
    train_status status;
    int epochs_run, best_epoch;   /* best_epoch: lowest validation loss (last epoch without validation) */
    double train_loss, train_acc; /* eval mode on a fixed subset of up to 10,000 training rows */
    double val_loss, val_acc;     /* NaN without validation */
    double test_loss, test_acc;   /* eval mode (weight scaling), the standard inference */
    double test_acc_dropout_on;   /* one pass with dropout left active (the forgotten model.eval()); NaN if mc_samples = 0 */
    double pred_change;           /* fraction of test inputs whose predicted class differs between two such passes; NaN if off */
    double test_acc_mc;           /* mean of softmax over mc_samples dropout-active passes; NaN if off */
    double seconds;               /* total training time (all epochs, evaluation included) */
} train_result;

/* Called after each epoch; return non-zero to stop the run (status TRAIN_STOPPED). */
typedef int (*train_epoch_fn)(const train_epoch *e, void *user);

/* Fill cfg with the tutorial's defaults: 256,256, relu, dropout 0.3, Adam lr 1e-3, batch 64, 20 epochs,
   val_size 5000, seed 1. */
void train_config_default(train_config *cfg);
/* The learning rate of epoch (1-based) under cfg's schedule: cosine gives lr * (1 + cos(pi * (epoch - 1) / epochs)) / 2,
   a function of the epoch alone, so a checkpointed or promoted run continues on the same schedule. */
float train_lr_at(const train_config *cfg, int epoch);
/* Check cfg against the data shape: returns 0, or -1 with one line in err naming the bad value. */
int train_config_check(const train_config *cfg, char *err, size_t errlen);

/* The memory one run of cfg allocates on data of this shape (model, gradients, optimizer moments, activations
   for the largest batch, the run's buffers): what train_run adds to the shared data set. */
size_t train_memory_bytes(const train_config *cfg, const data_shape *shape);

/* Train one model on data (split per cfg), calling on_epoch after each epoch (may be NULL).
   Single-threaded apart from whatever threads OpenBLAS is allowed. Deterministic for a given
   cfg and data. A NaN/Inf loss ends the run with status TRAIN_DIVERGED (not an error).
   Returns 0, or -1 with err on invalid configuration or out of memory. */
int train_run(const train_config *cfg, const data_bundle *data, train_epoch_fn on_epoch, void *user,
              train_result *out, char *err, size_t errlen);

/* A run in progress, for callers that drive the epochs themselves (checkpoints, successive halving).
   train_run is train_begin, train_step until it returns 0, train_finish. */
typedef struct train_session train_session;

/* Check cfg and data, allocate, seed the five rng streams and initialise the model (epoch 0).
   Returns 0, or -1 with err (nothing allocated). */
int train_begin(train_session **s, const train_config *cfg, const data_bundle *data, char *err, size_t errlen);
/* Train the next epoch; *e (may be NULL) gets its metrics. Returns 1 if another epoch follows, 0 if the run
   has ended (last epoch, early stopping, divergence: *e is then unfinished when the divergence came
   mid-epoch, which train_epochs_done tells). Calling it on an ended run does nothing and returns 0. */
int train_step(train_session *s, train_epoch *e);
/* Epochs finished so far. */
int train_epochs_done(const train_session *s);
/* 1 once the run has ended (no epoch follows). */
int train_ended(const train_session *s);
/* The finished epochs' metrics (*n of them, the first epoch first); valid until the session is freed. */
const train_epoch *train_curve(const train_session *s, int *n);
/* End the run now with status TRAIN_STOPPED / TRAIN_PRUNED (unless it diverged). */
void train_stop(train_session *s);
void train_stop_pruned(train_session *s);
/* Restore the best weights (early stopping), evaluate into out, and free the session. */
void train_finish(train_session *s, train_result *out);
/* Free a session without evaluating; safe on NULL. */
void train_free(train_session *s);

/* Checkpoints: the whole state of a run in progress (parameters, optimizer moments and step count,
   batchnorm running statistics, the five rng streams, the shuffled row order, epoch, early-stopping state and
   best weights, the curve so far) as bytes: a header (magic "SWEEPCKP", format version, a fingerprint of the
   configuration and the sizes), the state, and a CRC-32 of it all. Restoring into a fresh session of the same
   cfg and data continues bit for bit as if never interrupted. Host byte order: a checkpoint is for the
   machine that wrote it. */
/* Bytes train_state_save writes for s. */
size_t train_state_size(const train_session *s);
/* Write the state into buf (n >= train_state_size). Returns the bytes written, or 0 if n is too small. */
size_t train_state_save(const train_session *s, void *buf, size_t n);
/* Restore s (fresh from train_begin with the same cfg and data) from buf. A wrong magic, version,
   configuration or size, or a checksum mismatch is refused: -1 with one line in err, s unchanged. */
int train_state_load(train_session *s, const void *buf, size_t n, char *err, size_t errlen);

#endif
