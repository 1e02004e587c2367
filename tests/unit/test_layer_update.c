/* The optimizer applied layer by layer during backward (mlp_backward_each) must equal one step over the
   whole flat buffer, and the layer slices must cover every parameter exactly once. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "mlp.h"
#include "optim.h"

typedef struct {
    mlp *m;
    const optim_config *o;
    long t;
    unsigned char *seen;
} layer_ctx;

static void update_slice(void *user, size_t offset, size_t count) {
    layer_ctx *c = user;
    for (size_t i = offset; i < offset + count; i++) c->seen[i]++;
    optim_step(c->o, c->m->params + offset, c->m->grads + offset, c->m->m + offset, c->m->v + offset, count, c->t);
}

static void check_same_update(int batchnorm, optim_kind kind) {
    mlp_config cfg = {.n_in = 12, .n_out = 5, .n_hidden = 2, .hidden = {9, 7}, .activation = ACT_RELU,
                      .dropout = 0.25f, .batchnorm = batchnorm};
    optim_config o = {.kind = kind, .lr = 0.01f, .momentum = 0.9f, .l2 = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f};
    mlp a, b;
    char err[256];
    cr_assert_eq(mlp_create(&a, &cfg, 8, err, sizeof err), 0, "%s", err);
    cr_assert_eq(mlp_create(&b, &cfg, 8, err, sizeof err), 0, "%s", err);
    rng_state init, ra, rb;
    rng_seed(&init, 7, RNG_STREAM_INIT);
    mlp_init(&a, &init);
    rng_seed(&init, 7, RNG_STREAM_INIT);
    mlp_init(&b, &init);
    float x[8 * 12];
    int y[8];
    rng_state data;
    rng_seed(&data, 3, 9);
    for (int i = 0; i < 8 * 12; i++) x[i] = rng_uniform(&data);
    for (int i = 0; i < 8; i++) y[i] = (int)rng_below(&data, 5);
    rng_seed(&ra, 11, RNG_STREAM_DROPOUT);
    rng_seed(&rb, 11, RNG_STREAM_DROPOUT);
    unsigned char *seen = calloc(a.num_params, 1);
    for (long t = 1; t <= 3; t++) {
        mlp_forward(&a, x, 8, MLP_TRAIN, &ra);
        mlp_loss(&a, y, 8, NULL);
        mlp_backward(&a, y, 8);
        optim_step(&o, a.params, a.grads, a.m, a.v, a.num_params, t);
        mlp_forward(&b, x, 8, MLP_TRAIN, &rb);
        mlp_loss(&b, y, 8, NULL);
        layer_ctx ctx = {&b, &o, t, seen};
        memset(seen, 0, b.num_params);
        mlp_backward_each(&b, y, 8, update_slice, &ctx);
        for (size_t i = 0; i < b.num_params; i++) cr_assert_eq(seen[i], 1, "parameter %zu updated %d times", i, seen[i]);
        cr_assert_eq(memcmp(a.params, b.params, a.num_params * sizeof(float)), 0, "step %ld differs", t);
        cr_assert_eq(memcmp(a.m, b.m, a.num_params * sizeof(float)), 0);
    }
    free(seen);
    mlp_free(&a);
    mlp_free(&b);
}

Test(layer_update, adam_layer_by_layer_equals_whole_buffer) { check_same_update(0, OPTIM_ADAM); }
Test(layer_update, adamw_with_batchnorm) { check_same_update(1, OPTIM_ADAMW); }
Test(layer_update, sgd_momentum_with_batchnorm) { check_same_update(1, OPTIM_SGD); }
