/* Checkpoints at the models/ level: train N epochs straight, or k epochs, serialize, restore into a fresh
   session and continue: the curves and the final results are the same bits. Corrupt, truncated or foreign
   checkpoints are refused and leave the session as it was. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rng.h"
#include "train.h"

#define EPOCHS 6

/* Three classes of 5x4 "images", each brightening its own band of pixels, plus noise. */
static data_bundle synthetic(void) {
    data_bundle d;
    memset(&d, 0, sizeof d);
    rng_state r;
    rng_seed(&r, 7, 0);
    data_set *sets[2] = {&d.train, &d.test};
    int sizes[2] = {500, 150};
    for (int s = 0; s < 2; s++) {
        data_set *ds = sets[s];
        ds->n = sizes[s]; ds->dim = 20; ds->classes = 3; ds->width = 5; ds->height = 4;
        ds->pixels = malloc((size_t)ds->n * ds->dim);
        ds->labels = malloc((size_t)ds->n);
        for (int i = 0; i < ds->n; i++) {
            int y = (int)rng_below(&r, 3);
            ds->labels[i] = (uint8_t)y;
            for (int j = 0; j < ds->dim; j++)
                ds->pixels[i * ds->dim + j] = (uint8_t)(rng_below(&r, 140) + (j * 3 / ds->dim == y ? 100 : 0));
        }
    }
    strcpy(d.source, "synthetic");
    return d;
}

static void free_synthetic(data_bundle *d) {
    free(d->train.pixels); free(d->train.labels);
    free(d->test.pixels); free(d->test.labels);
}

/* Every stream in use: dropout (input and hidden), batchnorm, augmentation, MC evaluation, early stopping. */
static train_config config(void) {
    train_config c;
    train_config_default(&c);
    c.hidden[0] = 16; c.hidden[1] = 12;
    c.dropout = 0.3f; c.input_dropout = 0.1f;
    c.batchnorm = 1;
    c.optim.lr = 1e-2f;
    c.batch_size = 32;
    c.epochs = EPOCHS;
    c.early_stopping = EPOCHS; /* keeps best weights without stopping */
    c.val_size = 100;
    c.mc_samples = 3;
    c.augment.shift = 1; c.augment.flip = 1;
    c.seed = 11;
    return c;
}

typedef struct {
    train_epoch e[EPOCHS];
    int n;
    train_result res;
} outcome;

/* The metrics that must be the same bits (seconds are wall time). */
static void assert_same(const outcome *a, const outcome *b) {
    cr_assert_eq(a->n, b->n);
    for (int i = 0; i < a->n; i++) {
        const train_epoch *x = &a->e[i], *y = &b->e[i];
        double vx[] = {x->train_loss, x->train_acc, x->val_loss, x->val_acc, x->test_loss, x->test_acc};
        double vy[] = {y->train_loss, y->train_acc, y->val_loss, y->val_acc, y->test_loss, y->test_acc};
        cr_assert_eq(x->epoch, y->epoch);
        cr_assert(!memcmp(vx, vy, sizeof vx), "epoch %d differs", x->epoch);
    }
    const train_result *p = &a->res, *q = &b->res;
    double fx[] = {p->train_loss, p->train_acc, p->val_loss, p->val_acc, p->test_loss, p->test_acc,
                   p->test_acc_dropout_on, p->pred_change, p->test_acc_mc};
    double fy[] = {q->train_loss, q->train_acc, q->val_loss, q->val_acc, q->test_loss, q->test_acc,
                   q->test_acc_dropout_on, q->pred_change, q->test_acc_mc};
    cr_assert(!memcmp(fx, fy, sizeof fx), "final results differ");
    cr_assert_eq(p->status, q->status);
    cr_assert_eq(p->epochs_run, q->epochs_run);
    cr_assert_eq(p->best_epoch, q->best_epoch);
}

static void finish(train_session *s, outcome *o) {
    int n;
    const train_epoch *c = train_curve(s, &n);
    memcpy(o->e, c, sizeof(train_epoch) * (size_t)n);
    o->n = n;
    train_finish(s, &o->res);
}

static void straight(const train_config *c, const data_bundle *d, outcome *o) {
    train_session *s;
    char err[256];
    cr_assert_eq(train_begin(&s, c, d, err, sizeof err), 0, "%s", err);
    while (train_step(s, NULL)) {}
    finish(s, o);
}

/* Train k epochs, save, free; restore into a fresh session and continue. */
static void resumed(const train_config *c, const data_bundle *d, int k, outcome *o) {
    train_session *s;
    char err[256];
    cr_assert_eq(train_begin(&s, c, d, err, sizeof err), 0, "%s", err);
    for (int i = 0; i < k; i++) train_step(s, NULL);
    size_t n = train_state_size(s);
    void *buf = malloc(n);
    cr_assert_eq(train_state_save(s, buf, n), n);
    train_free(s);
    cr_assert_eq(train_begin(&s, c, d, err, sizeof err), 0, "%s", err);
    cr_assert_eq(train_state_load(s, buf, n, err, sizeof err), 0, "%s", err);
    cr_assert_eq(train_epochs_done(s), k);
    free(buf);
    while (train_step(s, NULL)) {}
    finish(s, o);
}

Test(train_state, resume_is_bit_identical) {
    data_bundle d = synthetic();
    train_config c = config();
    outcome a, b;
    straight(&c, &d, &a);
    cr_assert_eq(a.n, EPOCHS);
    for (int k = 0; k <= EPOCHS; k++) {
        memset(&b, 0, sizeof b);
        resumed(&c, &d, k, &b);
        assert_same(&a, &b);
    }
    /* the same through train_run, which uses the same session */
    train_result r;
    char err[256];
    cr_assert_eq(train_run(&c, &d, NULL, NULL, &r, err, sizeof err), 0);
    cr_assert(!memcmp(&r.test_acc_mc, &a.res.test_acc_mc, sizeof r.test_acc_mc));
    free_synthetic(&d);
}

/* A cosine schedule continues where it was: its lr is a function of the epoch, not state. */
Test(train_state, resume_with_cosine_schedule_is_bit_identical) {
    data_bundle d = synthetic();
    train_config c = config();
    c.lr_schedule = LR_COSINE;
    outcome a, b;
    straight(&c, &d, &a);
    for (int k = 1; k < EPOCHS; k++) {
        memset(&b, 0, sizeof b);
        resumed(&c, &d, k, &b);
        assert_same(&a, &b);
    }
    free_synthetic(&d);
}

Test(train_state, restored_state_matters) {
    /* guard against a test that cannot fail: without the restore, continuing gives other bits */
    data_bundle d = synthetic();
    train_config c = config();
    outcome a;
    straight(&c, &d, &a);
    train_session *s;
    char err[256];
    cr_assert_eq(train_begin(&s, &c, &d, err, sizeof err), 0);
    train_epoch e;
    train_step(s, &e);
    cr_assert_neq(memcmp(&e.val_loss, &a.e[1].val_loss, sizeof e.val_loss), 0);
    train_free(s);
    free_synthetic(&d);
}

Test(train_state, bad_checkpoints_are_refused) {
    data_bundle d = synthetic();
    train_config c = config();
    train_session *s, *fresh;
    char err[256];
    cr_assert_eq(train_begin(&s, &c, &d, err, sizeof err), 0);
    train_step(s, NULL);
    train_step(s, NULL);
    size_t n = train_state_size(s);
    unsigned char *buf = malloc(n), *bad = malloc(n);
    cr_assert_eq(train_state_save(s, buf, n), n);
    cr_assert_eq(train_state_save(s, buf, n - 1), 0, "a short buffer is not written past");
    train_free(s);
    cr_assert_eq(train_begin(&fresh, &c, &d, err, sizeof err), 0);

    memcpy(bad, buf, n);
    bad[n / 2] ^= 1;
    cr_assert_eq(train_state_load(fresh, bad, n, err, sizeof err), -1);
    cr_assert(strstr(err, "corrupt"), "%s", err);
    cr_assert_eq(train_state_load(fresh, buf, n - 1, err, sizeof err), -1);
    memcpy(bad, buf, n);
    bad[0] = 'X';
    cr_assert_eq(train_state_load(fresh, bad, n, err, sizeof err), -1);
    cr_assert(strstr(err, "not a sweep checkpoint"), "%s", err);
    memcpy(bad, buf, n);
    bad[8] = 99; /* version */
    cr_assert_eq(train_state_load(fresh, bad, n, err, sizeof err), -1);
    cr_assert(strstr(err, "version 99"), "%s", err);
    cr_assert_eq(train_epochs_done(fresh), 0, "a refused checkpoint leaves the session at epoch 0");

    train_config other = c;
    other.seed = 12;
    train_session *o;
    cr_assert_eq(train_begin(&o, &other, &d, err, sizeof err), 0);
    cr_assert_eq(train_state_load(o, buf, n, err, sizeof err), -1);
    cr_assert(strstr(err, "another configuration"), "%s", err);
    train_free(o);

    cr_assert_eq(train_state_load(fresh, buf, n, err, sizeof err), 0, "%s", err);
    cr_assert_eq(train_epochs_done(fresh), 2);
    train_free(fresh);
    free(buf);
    free(bad);
    free_synthetic(&d);
}

Test(train_state, prefix_of_a_longer_run) {
    /* stopping a run early (pruning) leaves exactly the first epochs of the full run */
    data_bundle d = synthetic();
    train_config c = config();
    outcome a;
    straight(&c, &d, &a);
    train_session *s;
    char err[256];
    cr_assert_eq(train_begin(&s, &c, &d, err, sizeof err), 0);
    for (int i = 0; i < 3; i++) train_step(s, NULL);
    train_stop_pruned(s);
    cr_assert_eq(train_step(s, NULL), 0);
    int n;
    const train_epoch *cv = train_curve(s, &n);
    cr_assert_eq(n, 3);
    for (int i = 0; i < n; i++) cr_assert(!memcmp(&cv[i].val_acc, &a.e[i].val_acc, sizeof(double)));
    train_result r;
    train_finish(s, &r);
    cr_assert_eq(r.status, TRAIN_PRUNED);
    cr_assert_eq(r.epochs_run, 3);
    free_synthetic(&d);
}
