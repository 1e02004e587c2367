/* train_run on small synthetic data: determinism (also under OpenMP), config errors, divergence,
   early stopping restores the best weights; and one short real training on Fashion-MNIST. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rng.h"
#include "train.h"

#define MAX_EPOCHS 16

/* Three classes of 5x4 "images": each class brightens its own band of pixels, plus noise. */
static data_bundle synthetic(void) {
    data_bundle d;
    memset(&d, 0, sizeof d);
    rng_state r;
    rng_seed(&r, 42, 0);
    data_set *sets[2] = { &d.train, &d.test };
    int sizes[2] = { 600, 200 };
    for (int s = 0; s < 2; s++) {
        data_set *ds = sets[s];
        ds->n = sizes[s]; ds->dim = 20; ds->classes = 3; ds->width = 5; ds->height = 4;
        ds->pixels = malloc((size_t)ds->n * ds->dim);
        ds->labels = malloc((size_t)ds->n);
        for (int i = 0; i < ds->n; i++) {
            int y = (int)rng_below(&r, 3);
            ds->labels[i] = (uint8_t)y;
            for (int j = 0; j < ds->dim; j++) {
                int band = j * 3 / ds->dim;
                ds->pixels[i * ds->dim + j] = (uint8_t)(rng_below(&r, 140) + (band == y ? 100 : 0));
            }
        }
    }
    strcpy(d.source, "synthetic");
    return d;
}

static void free_synthetic(data_bundle *d) {
    free(d->train.pixels); free(d->train.labels);
    free(d->test.pixels); free(d->test.labels);
}

typedef struct { train_epoch e[MAX_EPOCHS]; int n, stop_after; } epoch_log;

static int record(const train_epoch *e, void *user) {
    epoch_log *log = user;
    if (log->n < MAX_EPOCHS) log->e[log->n++] = *e;
    return log->stop_after > 0 && log->n >= log->stop_after;
}

static train_config small_config(uint64_t seed) {
    train_config c;
    train_config_default(&c);
    c.hidden[0] = 16; c.hidden[1] = 12;
    c.input_dropout = 0.1f;
    c.batchnorm = 1;
    c.optim.lr = 1e-2f;
    c.batch_size = 32;          /* 500 training rows: the last batch has 20 */
    c.epochs = 3;
    c.val_size = 100;
    c.mc_samples = 3;
    c.augment.shift = 1;
    c.seed = seed;
    return c;
}

/* All metrics that must match bit for bit (seconds excluded: wall time). */
static int same_metrics(const epoch_log *a, const train_result *ra, const epoch_log *b, const train_result *rb) {
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++) {
        const train_epoch *x = &a->e[i], *y = &b->e[i];
        double vx[] = { x->train_loss, x->train_acc, x->val_loss, x->val_acc, x->test_loss, x->test_acc };
        double vy[] = { y->train_loss, y->train_acc, y->val_loss, y->val_acc, y->test_loss, y->test_acc };
        if (x->epoch != y->epoch || memcmp(vx, vy, sizeof vx)) return 0;
    }
    double fx[] = { ra->train_loss, ra->train_acc, ra->val_loss, ra->val_acc, ra->test_loss, ra->test_acc,
                    ra->test_acc_dropout_on, ra->pred_change, ra->test_acc_mc };
    double fy[] = { rb->train_loss, rb->train_acc, rb->val_loss, rb->val_acc, rb->test_loss, rb->test_acc,
                    rb->test_acc_dropout_on, rb->pred_change, rb->test_acc_mc };
    return ra->status == rb->status && ra->epochs_run == rb->epochs_run && ra->best_epoch == rb->best_epoch &&
           memcmp(fx, fy, sizeof fx) == 0;
}

static void run_ok(const train_config *c, const data_bundle *d, epoch_log *log, train_result *r) {
    char err[256] = "";
    memset(log, 0, sizeof *log);
    cr_assert(train_run(c, d, record, log, r, err, sizeof err) == 0, "train_run failed: %s", err);
}

Test(train, deterministic_and_seed_dependent) {
    data_bundle d = synthetic();
    train_config c = small_config(1);
    epoch_log a, b;
    train_result ra, rb;
    run_ok(&c, &d, &a, &ra);
    run_ok(&c, &d, &b, &rb);
    cr_assert(same_metrics(&a, &ra, &b, &rb), "two runs with the same seed differ");
    cr_assert_eq(ra.status, TRAIN_OK);
    cr_assert_eq(ra.epochs_run, 3);
    cr_assert_eq(a.n, 3);
    cr_assert(ra.test_acc > 0.6, "synthetic task not learned: %.3f", ra.test_acc);
    cr_assert(ra.test_acc_dropout_on >= 0 && ra.test_acc_dropout_on <= 1 && ra.pred_change >= 0 &&
              ra.pred_change <= 1 && ra.test_acc_mc >= 0 && ra.test_acc_mc <= 1);
    cr_assert(ra.pred_change > 0, "two dropout-on passes gave identical predictions");
    train_config c2 = small_config(2);
    run_ok(&c2, &d, &b, &rb);
    cr_assert(!same_metrics(&a, &ra, &b, &rb), "different seeds gave identical runs");
    free_synthetic(&d);
}

Test(train, reproducible_under_openmp) {
    data_bundle d = synthetic();
    epoch_log serial[4], parallel[4];
    train_result rs[4], rp[4];
    for (int i = 0; i < 4; i++) {
        train_config c = small_config((uint64_t)i + 10);
        run_ok(&c, &d, &serial[i], &rs[i]);
    }
    int failed = 0;
#pragma omp parallel for num_threads(4) reduction(+ : failed)
    for (int i = 0; i < 4; i++) {
        train_config c = small_config((uint64_t)i + 10);
        char err[256];
        memset(&parallel[i], 0, sizeof parallel[i]);
        failed += train_run(&c, &d, record, &parallel[i], &rp[i], err, sizeof err) != 0;
    }
    cr_assert_eq(failed, 0);
    for (int i = 0; i < 4; i++)
        cr_assert(same_metrics(&serial[i], &rs[i], &parallel[i], &rp[i]), "run %d differs when run in parallel", i);
    free_synthetic(&d);
}

Test(train, config_errors) {
    train_config c;
    char err[256];
    train_config_default(&c);
    cr_assert_eq(train_config_check(&c, err, sizeof err), 0);
    cr_assert(c.n_hidden == 2 && c.hidden[0] == 256 && c.hidden[1] == 256 && c.dropout == 0.3f &&
              c.optim.kind == OPTIM_ADAM && c.optim.lr == 1e-3f && c.batch_size == 64 && c.epochs == 20 &&
              c.val_size == 5000 && c.seed == 1 && c.optim.beta2 == 0.999f && c.mc_samples == 0);
    c.dropout = 1.0f;
    cr_assert_eq(train_config_check(&c, err, sizeof err), -1);
    cr_assert(strstr(err, "dropout") && strstr(err, "1"), "message: %s", err);
    c.dropout = -0.1f;
    cr_assert_eq(train_config_check(&c, err, sizeof err), -1);
    cr_assert(strstr(err, "-0.1"), "message: %s", err);
    train_config_default(&c);
    c.output_dropout = NAN;
    cr_assert_eq(train_config_check(&c, err, sizeof err), -1);
    train_config_default(&c);
    c.early_stopping = 3;
    c.val_size = 0;
    cr_assert_eq(train_config_check(&c, err, sizeof err), -1);
    cr_assert(strstr(err, "early_stopping"), "message: %s", err);
    train_config_default(&c);
    c.n_hidden = TRAIN_MAX_HIDDEN + 1;
    cr_assert_eq(train_config_check(&c, err, sizeof err), -1);
    /* train_run refuses too, without crashing. */
    data_bundle d = synthetic();
    train_result r;
    train_config_default(&c);
    c.input_dropout = 1.5f;
    cr_assert_eq(train_run(&c, &d, NULL, NULL, &r, err, sizeof err), -1);
    cr_assert(strstr(err, "input_dropout"), "message: %s", err);
    free_synthetic(&d);
}

Test(train, divergence_is_a_status) {
    data_bundle d = synthetic();
    train_config c = small_config(3);
    c.batchnorm = 0;
    c.optim.kind = OPTIM_SGD;
    c.optim.lr = 1e30f;
    c.epochs = 5;
    epoch_log log;
    train_result r;
    run_ok(&c, &d, &log, &r);
    cr_assert_eq(r.status, TRAIN_DIVERGED);
    cr_assert(r.epochs_run < 5);
    free_synthetic(&d);
}

Test(train, early_stopping_restores_best) {
    data_bundle d = synthetic();
    train_config c = small_config(4);
    c.optim.lr = 0.05f;   /* noisy, so validation loss goes up and down */
    c.epochs = MAX_EPOCHS;
    c.early_stopping = 2;
    c.mc_samples = 0;
    epoch_log log;
    train_result r;
    run_ok(&c, &d, &log, &r);
    cr_assert(r.best_epoch >= 1 && r.best_epoch <= r.epochs_run && r.epochs_run == log.n);
    for (int i = 0; i < log.n; i++) cr_assert(log.e[i].val_loss >= log.e[r.best_epoch - 1].val_loss);
    if (r.epochs_run < MAX_EPOCHS) cr_assert_eq(r.epochs_run, r.best_epoch + 2);
    /* The final evaluation uses the restored best weights and batchnorm statistics. */
    cr_assert(r.val_loss == log.e[r.best_epoch - 1].val_loss, "val_loss %.9g, best epoch had %.9g", r.val_loss,
              log.e[r.best_epoch - 1].val_loss);
    cr_assert(r.test_loss == log.e[r.best_epoch - 1].test_loss);
    cr_assert(isnan(r.test_acc_mc) && isnan(r.pred_change) && isnan(r.test_acc_dropout_on));
    free_synthetic(&d);
}

Test(train, callback_stops_run) {
    data_bundle d = synthetic();
    train_config c = small_config(5);
    c.val_size = 0;
    epoch_log log;
    memset(&log, 0, sizeof log);
    log.stop_after = 1;
    train_result r;
    char err[256];
    cr_assert_eq(train_run(&c, &d, record, &log, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r.status, TRAIN_STOPPED);
    cr_assert_eq(r.epochs_run, 1);
    cr_assert(isnan(log.e[0].val_loss) && isnan(r.val_loss));
    cr_assert(log.e[0].seconds >= 0 && r.seconds >= log.e[0].seconds);
    free_synthetic(&d);
}

Test(train, fashion_mnist_short, .timeout = 120) {
    data_bundle d;
    char err[512];
    cr_assert_eq(data_load(&d, DATA_DEFAULT_DIR, err, sizeof err), 0, "%s", err);
    train_config c;
    train_config_default(&c);
    c.train_size = 5000;
    c.val_size = 1000;
    c.epochs = 2;
    train_result r;
    cr_assert_eq(train_run(&c, &d, NULL, NULL, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r.status, TRAIN_OK);
    cr_assert(r.test_acc >= 0.70, "test accuracy %.4f", r.test_acc);
    cr_assert(r.val_acc >= 0.70, "validation accuracy %.4f", r.val_acc);
    data_bundle_free(&d);
}

/* The schedule is a function of the epoch: constant keeps lr; cosine starts at lr, halves it at the middle and
   falls every epoch without reaching 0. */
Test(train, lr_schedule_values) {
    train_config c;
    train_config_default(&c);
    c.epochs = 10;
    for (int e = 1; e <= 10; e++) cr_assert_eq(train_lr_at(&c, e), c.optim.lr);
    c.lr_schedule = LR_COSINE;
    cr_assert_eq(train_lr_at(&c, 1), c.optim.lr);
    cr_assert_float_eq(train_lr_at(&c, 6), c.optim.lr / 2, 1e-9);
    for (int e = 2; e <= 10; e++) cr_assert_lt(train_lr_at(&c, e), train_lr_at(&c, e - 1), "epoch %d", e);
    cr_assert_gt(train_lr_at(&c, 10), 0.0f);
    cr_assert_lt(train_lr_at(&c, 10), 0.03f * c.optim.lr);
}

/* A cosine run trains its first epoch exactly as a constant one (same lr), and differs from the second on. */
Test(train, cosine_schedule_is_applied) {
    data_bundle d = synthetic();
    train_config c = small_config(3);
    c.mc_samples = 0;
    epoch_log a, b;
    train_result ra, rb;
    run_ok(&c, &d, &a, &ra);
    c.lr_schedule = LR_COSINE;
    run_ok(&c, &d, &b, &rb);
    cr_assert_eq(a.n, 3);
    cr_assert_eq(b.n, 3);
    cr_assert(a.e[0].train_loss == b.e[0].train_loss && a.e[0].val_loss == b.e[0].val_loss, "epoch 1 differs");
    cr_assert(a.e[1].train_loss != b.e[1].train_loss, "epoch 2 trained at the same lr");
    c.lr_schedule = (train_lr_schedule)2;
    char err[256];
    cr_assert_neq(train_config_check(&c, err, sizeof err), 0);
    cr_assert(strstr(err, "lr_schedule"), "%s", err);
    free_synthetic(&d);
}
