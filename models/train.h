/* train: one training run of an MLP on a data set, start to finish. Knows nothing of sweeps or files. */
#ifndef SWEEP_TRAIN_H
#define SWEEP_TRAIN_H
#include <stdint.h>
#include "data.h"
#include "optim.h"

#define TRAIN_MAX_HIDDEN 8

typedef enum { ACT_RELU = 0, ACT_TANH = 1 } train_activation;

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

typedef enum { TRAIN_OK = 0, TRAIN_DIVERGED = 1, TRAIN_STOPPED = 2 } train_status;

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

#endif
