/* Dropout against nn.Dropout semantics: rate, scaling, fresh masks, identity in eval and at p = 0. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dropout.h"
#include "mlp.h"
#include "rng.h"

#define BIG 1000000

static float *random_nonzero(size_t n, uint64_t seed) {
    float *x = malloc(n * sizeof(float));
    rng_state r;
    rng_seed(&r, seed, 99);
    for (size_t i = 0; i < n; i++) x[i] = 0.5f + rng_uniform(&r); /* positive: relu keeps all */
    return x;
}

/* The dropped fraction is within 5 binomial standard deviations of p, survivors are x/(1-p). */
static void check_rate_and_scale(const float *x, const float *out, size_t n, float p) {
    size_t zeros = 0;
    float expect_scale = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++) {
        if (out[i] == 0.0f) { zeros++; continue; }
        float want = x[i] / (1.0f - p);
        cr_assert(fabsf(out[i] - want) <= 2.5e-7f * want, "survivor %zu = %.9g, want x/(1-p) = %.9g", i,
                  (double)out[i], (double)want);
        cr_assert(fabsf(out[i] - x[i] * expect_scale) <= 2.5e-7f * want);
    }
    double frac = (double)zeros / n, sd = sqrt(p * (1.0 - p) / n);
    cr_assert(fabs(frac - p) <= 5 * sd, "dropped fraction %.6f for p = %g (sd %.6f)", frac, (double)p, sd);
}

Test(dropout, rate_and_scale_1e6) {
    float *x = random_nonzero(BIG, 1), *out = malloc(BIG * sizeof(float));
    uint8_t *mask = malloc(BIG);
    rng_state r;
    rng_seed(&r, 7, RNG_STREAM_DROPOUT);
    float ps[] = { 0.3f, 0.5f, 0.9f };
    for (int k = 0; k < 3; k++) {
        dropout_forward(out, mask, x, BIG, ps[k], &r);
        check_rate_and_scale(x, out, BIG, ps[k]);
        for (size_t i = 0; i < BIG; i++) cr_assert_eq(mask[i] != 0, out[i] != 0.0f);
        relu_dropout_forward(out, x, BIG, ps[k], &r);
        check_rate_and_scale(x, out, BIG, ps[k]);
    }
    free(x); free(out); free(mask);
}

Test(dropout, fresh_mask_each_pass) {
    size_t n = 1001; /* odd: the last uniform of a draw is unused */
    float *x = random_nonzero(n, 2), a[1001], b[1001];
    rng_state r;
    rng_seed(&r, 3, RNG_STREAM_DROPOUT);
    dropout_forward(a, NULL, x, n, 0.3f, &r);
    dropout_forward(b, NULL, x, n, 0.3f, &r);
    cr_assert(memcmp(a, b, sizeof a) != 0, "two passes drew the same mask");
    relu_dropout_forward(a, x, n, 0.3f, &r);
    relu_dropout_forward(b, x, n, 0.3f, &r);
    cr_assert(memcmp(a, b, sizeof a) != 0, "two fused passes drew the same mask");
    /* The same rng state gives the same mask in both kernels (the fused one matches the plain one). */
    rng_state r1 = r, r2 = r;
    dropout_forward(a, NULL, x, n, 0.3f, &r1);
    relu_dropout_forward(b, x, n, 0.3f, &r2);
    cr_assert(memcmp(a, b, sizeof a) == 0);
    free(x);
}

Test(dropout, p_zero_is_identity) {
    float x[7] = { 1, -2, 3, -4, 5, -6, 7 }, out[7];
    rng_state r, before;
    rng_seed(&r, 1, RNG_STREAM_DROPOUT);
    before = r;
    dropout_forward(out, NULL, x, 7, 0.0f, &r);
    cr_assert(memcmp(out, x, sizeof x) == 0);
    cr_assert(memcmp(&r, &before, sizeof r) == 0, "p = 0 must not draw");
}

/* The tutorial: torch.ones(1, 10) through nn.Dropout(0.3) in training gives only 0 and 1.4286. */
Test(dropout, tutorial_ones_example) {
    float x[10], out[10];
    for (int i = 0; i < 10; i++) x[i] = 1.0f;
    rng_state r;
    rng_seed(&r, 1, RNG_STREAM_DROPOUT);
    int seen_zero = 0, seen_kept = 0;
    for (int pass = 0; pass < 20; pass++) {
        dropout_forward(out, NULL, x, 10, 0.3f, &r);
        for (int i = 0; i < 10; i++) {
            cr_assert(out[i] == 0.0f || out[i] == 1.0f / 0.7f, "value %.7g is neither 0 nor 1/0.7", (double)out[i]);
            seen_zero |= out[i] == 0.0f;
            seen_kept |= out[i] != 0.0f;
        }
    }
    cr_assert(seen_zero && seen_kept);
    cr_assert(fabsf(1.0f / 0.7f - 1.4286f) < 1e-4f);
}

/* In eval mode a model with dropout everywhere gives exactly the logits of the same model without it,
   and two eval passes agree; in training mode they differ. */
Test(dropout, eval_mode_is_identity) {
    mlp_config with = { .n_in = 12, .n_out = 4, .n_hidden = 2, .hidden = { 9, 7 }, .activation = ACT_RELU,
                        .dropout = 0.5f, .input_dropout = 0.2f, .output_dropout = 0.3f };
    mlp_config without = with;
    without.dropout = without.input_dropout = without.output_dropout = 0.0f;
    mlp a, b;
    char err[200];
    cr_assert(mlp_create(&a, &with, 5, err, sizeof err) == 0, "%s", err);
    cr_assert(mlp_create(&b, &without, 5, err, sizeof err) == 0, "%s", err);
    rng_state ia, ib, dr;
    rng_seed(&ia, 4, RNG_STREAM_INIT);
    rng_seed(&ib, 4, RNG_STREAM_INIT);
    rng_seed(&dr, 4, RNG_STREAM_DROPOUT);
    mlp_init(&a, &ia);
    mlp_init(&b, &ib);
    float x[5 * 12], la[5 * 4], lb[5 * 4], lt[5 * 4];
    for (int i = 0; i < 60; i++) x[i] = (float)((i * 37) % 11) / 10.0f;
    memcpy(la, mlp_forward(&a, x, 5, MLP_EVAL, &dr), sizeof la);
    memcpy(lb, mlp_forward(&b, x, 5, MLP_EVAL, NULL), sizeof lb);
    cr_assert(memcmp(la, lb, sizeof la) == 0, "eval mode is not the identity");
    memcpy(lb, mlp_forward(&a, x, 5, MLP_EVAL, &dr), sizeof lb);
    cr_assert(memcmp(la, lb, sizeof la) == 0, "eval mode is not deterministic");
    memcpy(lt, mlp_forward(&a, x, 5, MLP_TRAIN, &dr), sizeof lt);
    cr_assert(memcmp(la, lt, sizeof la) != 0, "training mode did not drop");
    memcpy(lt, mlp_forward(&b, x, 5, MLP_TRAIN, &dr), sizeof lt);
    cr_assert(memcmp(la, lt, sizeof la) == 0, "p = 0 in training mode is not the identity");
    mlp_free(&a);
    mlp_free(&b);
}
