/* Optimizer steps against hand-computed PyTorch values. Each case updates 37 identical elements, so the
   vector kernels and the scalar tail are both exercised and must agree bit for bit. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "optim.h"

#define N 37

typedef struct { float p[N], g[N], m[N], v[N]; } optim_fixture;

static void fill(optim_fixture *f, float p, float g) {
    for (int i = 0; i < N; i++) { f->p[i] = p; f->g[i] = g; }
}

static void set_grad(optim_fixture *f, float g) { for (int i = 0; i < N; i++) f->g[i] = g; }

/* Every element equals expected to float precision, and all are bit-identical to element 0. */
static void expect_params(const optim_fixture *f, double expected) {
    for (int i = 0; i < N; i++) {
        cr_assert(fabs(f->p[i] - expected) <= 2e-7 * fabs(expected) + 1e-9, "p[%d] = %.9g, expected %.9g", i,
                  (double)f->p[i], expected);
        cr_assert(memcmp(&f->p[i], &f->p[0], sizeof(float)) == 0, "p[%d] differs from p[0] (vector vs scalar path)", i);
    }
}

static optim_config adam(optim_kind kind, float l2) {
    return (optim_config){ .kind = kind, .lr = 0.1f, .l2 = l2, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f };
}

Test(optim, adam_two_steps) {
    optim_fixture f = {0};
    optim_config c = adam(OPTIM_ADAM, 0.0f);
    /* Step 1, p = 1, g = 0.5: m = 0.1*0.5 = 0.05, v = 0.001*0.25 = 0.00025; step size = lr/(1-0.9) = 1;
       denom = sqrt(0.00025)/sqrt(1-0.999) + 1e-8 = 0.0158114/0.0316228 + 1e-8 = 0.50000001;
       p = 1 - 1 * 0.05/0.50000001 = 0.900000002. */
    fill(&f, 1.0f, 0.5f);
    optim_step(&c, f.p, f.g, f.m, f.v, N, 1);
    expect_params(&f, 0.900000002);
    /* 1 - 0.9f and 1 - 0.999f are not exact in float, hence the tolerances. */
    cr_assert(fabsf(f.m[0] - 0.05f) < 5e-8f && fabsf(f.v[0] - 0.00025f) < 1e-4f * 0.00025f, "m %.9g v %.9g", (double)f.m[0], (double)f.v[0]);
    cr_assert(f.g[0] == 0.5f, "grads must be left unchanged");
    /* Step 2, g = 0.25: m = 0.9*0.05 + 0.1*0.25 = 0.07; v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225;
       step size = 0.1/(1-0.81) = 0.5263158; denom = sqrt(0.00031225)/sqrt(1-0.998001) + 1e-8
       = 0.0176706/0.0447102 = 0.3952250; p = 0.900000002 - 0.5263158*0.07/0.3952250 = 0.8067820405. */
    set_grad(&f, 0.25f);
    optim_step(&c, f.p, f.g, f.m, f.v, N, 2);
    expect_params(&f, 0.8067820405);
}

Test(optim, adam_l2_is_added_to_gradient) {
    optim_fixture f = {0};
    optim_config c = adam(OPTIM_ADAM, 0.1f);
    /* g = 0.5 + 0.1*1 = 0.6: m = 0.06, v = 0.00036, denom = 0.018974/0.0316228 + 1e-8 = 0.60000001;
       p = 1 - 0.06/0.60000001 = 0.9000000017. */
    fill(&f, 1.0f, 0.5f);
    optim_step(&c, f.p, f.g, f.m, f.v, N, 1);
    expect_params(&f, 0.9000000017);
    /* A first step moves p by about lr whatever |g| is, so p alone barely tells L2 on from off (0.900000002
       without it): the moments must hold g + l2 * p = 0.6, not 0.5. */
    cr_assert(fabsf(f.m[0] - 0.06f) < 5e-8f && fabsf(f.v[0] - 0.00036f) < 1e-4f * 0.00036f, "m %.9g v %.9g",
              (double)f.m[0], (double)f.v[0]);
}

Test(optim, adam_l2_can_flip_the_step) {
    optim_fixture f = {0};
    optim_config c = adam(OPTIM_ADAM, 0.1f);
    /* g = -0.05 + 0.1*1 = +0.05, so p goes down although the loss gradient alone would raise it to 1.1:
       m = 0.005, v = 2.5e-6, denom = 0.0015811/0.0316228 + 1e-8 = 0.05000001; p = 1 - 0.005/0.05000001
       = 0.90000002. */
    fill(&f, 1.0f, -0.05f);
    optim_step(&c, f.p, f.g, f.m, f.v, N, 1);
    expect_params(&f, 0.90000002);
}

Test(optim, adamw_two_steps_decoupled) {
    optim_fixture f = {0};
    optim_config c = adam(OPTIM_ADAMW, 0.1f);
    /* Step 1: p = 1 * (1 - 0.1*0.1) = 0.99, then the plain Adam step from g = 0.5 (update 0.099999998):
       p = 0.99 - 0.099999998 = 0.890000002. */
    fill(&f, 1.0f, 0.5f);
    optim_step(&c, f.p, f.g, f.m, f.v, N, 1);
    expect_params(&f, 0.890000002);
    /* Step 2, g = 0.25: p = 0.890000002 * 0.99 = 0.881100002, minus the same Adam update as in
       adam_two_steps (0.0932179615): 0.7878820405. */
    set_grad(&f, 0.25f);
    optim_step(&c, f.p, f.g, f.m, f.v, N, 2);
    expect_params(&f, 0.7878820405);
}

Test(optim, sgd_momentum_two_steps) {
    optim_fixture f = {0};
    optim_config c = { .kind = OPTIM_SGD, .lr = 0.1f, .momentum = 0.9f };
    /* Step 1: buf = g = 0.5; p = 1 - 0.1*0.5 = 0.95. */
    fill(&f, 1.0f, 0.5f);
    optim_step(&c, f.p, f.g, f.m, NULL, N, 1);
    expect_params(&f, 0.95);
    cr_assert(f.m[0] == 0.5f);
    /* Step 2, g = 0.25: buf = 0.9*0.5 + 0.25 = 0.7; p = 0.95 - 0.07 = 0.88. */
    set_grad(&f, 0.25f);
    optim_step(&c, f.p, f.g, f.m, NULL, N, 2);
    expect_params(&f, 0.88);
}

Test(optim, sgd_nesterov_two_steps) {
    optim_fixture f = {0};
    optim_config c = { .kind = OPTIM_SGD, .lr = 0.1f, .momentum = 0.9f, .nesterov = 1 };
    /* Step 1: buf = 0.5; g = 0.5 + 0.9*0.5 = 0.95; p = 1 - 0.095 = 0.905. */
    fill(&f, 1.0f, 0.5f);
    optim_step(&c, f.p, f.g, f.m, NULL, N, 1);
    expect_params(&f, 0.905);
    /* Step 2, g = 0.25: buf = 0.45 + 0.25 = 0.7; g = 0.25 + 0.63 = 0.88; p = 0.905 - 0.088 = 0.817. */
    set_grad(&f, 0.25f);
    optim_step(&c, f.p, f.g, f.m, NULL, N, 2);
    expect_params(&f, 0.817);
}

Test(optim, sgd_l2_and_plain) {
    optim_fixture f = {0};
    optim_config c = { .kind = OPTIM_SGD, .lr = 0.1f, .momentum = 0.9f, .l2 = 0.1f };
    /* g = 0.5 + 0.1*2 = 0.7, buf = 0.7; p = 2 - 0.07 = 1.93. */
    fill(&f, 2.0f, 0.5f);
    optim_step(&c, f.p, f.g, f.m, NULL, N, 1);
    expect_params(&f, 1.93);
    /* momentum 0: p = 1.93 - 0.1*(0.5 + 0.1*1.93) = 1.93 - 0.0693 = 1.8607. */
    c.momentum = 0.0f;
    optim_step(&c, f.p, f.g, f.m, NULL, N, 2);
    expect_params(&f, 1.8607);
}
