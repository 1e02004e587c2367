/* ckpt: checkpoint files of runs in progress, DIR/.checkpoints/<run_id>, each written atomically (temporary
   file, fsync, rename, fsync of the directory). The bytes are models/'s train_state (magic, version,
   configuration fingerprint, CRC-32): a checkpoint that does not match is refused and the run restarts. */
#ifndef SWEEP_CKPT_H
#define SWEEP_CKPT_H
#include <stdio.h>
#include "train.h"

/* Seconds of training between two checkpoints of a run unless told otherwise (--checkpoint-every). */
#define CKPT_DEFAULT_EVERY 300.0

/* Write s's state to dir/.checkpoints/<run_id> (atomically). Returns 0, or -1 with err. */
int ckpt_save(const char *dir, const char *run_id, const train_session *s, char *err, size_t errlen);
/* Restore s (fresh from train_begin) from the run's checkpoint: 1 restored, 0 none, -1 refused or unreadable
   (err says why; s is unchanged, so the caller trains from scratch). */
int ckpt_load(const char *dir, const char *run_id, train_session *s, char *err, size_t errlen);
/* Remove the run's checkpoint, if any (once its row is stored). */
void ckpt_remove(const char *dir, const char *run_id);
/* 1 if the run has a checkpoint file. */
int ckpt_exists(const char *dir, const char *run_id);

/* How ckpt_train trains one run. */
typedef struct {
    const char *dir, *run_id;
    double every;            /* seconds of training between checkpoints; 0: after every epoch; < 0: never */
    int stop_at;             /* > 0: pause after this epoch, with a checkpoint (successive halving); 0: to the end */
    train_epoch_fn on_epoch; /* after each epoch trained here (not those restored); non-zero stops the run */
    void *user;
    FILE *warn;              /* where a refused checkpoint is reported (may be NULL) */
} ckpt_plan;

typedef enum { CKPT_DONE = 0, CKPT_PAUSED = 1, CKPT_STOPPED = 2 } ckpt_outcome;

/* Train cfg on data, from the run's checkpoint if there is a valid one, saving checkpoints as planned.
   curve (room for cfg->epochs) gets every finished epoch, *ncurve of them. CKPT_DONE: the run ended, res
   filled (the checkpoint is left for the caller to remove once the row is stored); CKPT_PAUSED: stop_at reached
   and saved; CKPT_STOPPED: on_epoch asked to stop, state saved. -1 with err on a configuration or I/O error. */
int ckpt_train(const ckpt_plan *p, const train_config *cfg, const data_bundle *data, train_result *res,
               train_epoch *curve, int *ncurve, char *err, size_t errlen);

#endif
