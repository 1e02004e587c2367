/* step_gflops: achieved GFLOP/s of sweep's training step against cblas_sgemm alone on the same shapes.
   The tutorial MLP (784-256-256-10, relu, dropout 0.3, Adam) at batch 64 on random inputs: a step is
   mlp_forward(MLP_TRAIN) + mlp_loss + mlp_backward + optim_step. Its FLOPs are those of its sgemm calls
   (forward 2*B*in*out per layer, dW 2*B*in*out per layer, dX 2*B*in*out for every layer but the first);
   the reference loop makes exactly those sgemm calls (shapes, transposes, beta) on buffers of its own.
   Steps and sgemm loops alternate, REPS times each, so load from other processes hits both alike; the
   medians are reported as `name=value` lines. One OpenBLAS thread.
   Usage: step_gflops [STEPS_PER_REP [REPS]] */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mlp.h"
#include "train.h"

#define B 64
#define MAX_REPS 99

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A 64-byte aligned buffer of n floats uniform in [-1, 1); exits on out of memory (bench tool). */
static float *random_floats(size_t n, rng_state *r) {
    float *p = aligned_alloc(64, ((n * sizeof(float)) + 63) & ~(size_t)63);
    if (!p) {
        fprintf(stderr, "step_gflops: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) p[i] = 2.0f * rng_uniform(r) - 1.0f;
    return p;
}

/* The operands of the reference sgemm calls of one layer: inp (B,C), weight (OC,C), out (B,OC),
   dout (B,OC), dweight (OC,C), dinp (B,C). */
typedef struct {
    int C, OC;
    float *inp, *weight, *out, *dout, *dweight, *dinp;
} gemm_layer;

/* Exactly the sgemm calls of one training step (linear_forward, linear_backward). */
static void gemm_step(const gemm_layer *g, int n_layers) {
    for (int l = 0; l < n_layers; l++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, g[l].OC, g[l].C, 1.0f, g[l].inp, g[l].C,
                    g[l].weight, g[l].C, 1.0f, g[l].out, g[l].OC);
    for (int l = n_layers - 1; l >= 0; l--) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g[l].OC, g[l].C, B, 1.0f, g[l].dout, g[l].OC,
                    g[l].inp, g[l].C, 0.0f, g[l].dweight, g[l].C);
        if (l > 0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, g[l].C, g[l].OC, 1.0f, g[l].dout, g[l].OC,
                        g[l].weight, g[l].C, 0.0f, g[l].dinp, g[l].C);
    }
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 200, reps = argc > 2 ? atoi(argv[2]) : 7;
    if (steps < 1 || reps < 1 || reps > MAX_REPS) {
        fprintf(stderr, "usage: step_gflops [STEPS_PER_REP >= 1 [REPS 1..%d]]\n", MAX_REPS);
        return 2;
    }
    openblas_set_num_threads(1);
    train_config cfg;
    train_config_default(&cfg);
    mlp_config mc = { .n_in = 784, .n_out = 10, .n_hidden = cfg.n_hidden, .activation = cfg.activation,
                      .dropout = cfg.dropout, .batchnorm = cfg.batchnorm };
    memcpy(mc.hidden, cfg.hidden, sizeof mc.hidden);
    mlp m;
    char err[512];
    if (mlp_create(&m, &mc, B, err, sizeof err)) {
        fprintf(stderr, "step_gflops: %s\n", err);
        return 1;
    }
    rng_state r, drop;
    rng_seed(&r, 1, RNG_STREAM_INIT);
    rng_seed(&drop, 1, RNG_STREAM_DROPOUT);
    mlp_init(&m, &r);
    float *x = random_floats((size_t)B * mc.n_in, &r);
    for (size_t i = 0; i < (size_t)B * mc.n_in; i++) x[i] = 0.5f * (x[i] + 1.0f); /* pixels in [0, 1) */
    int y[B];
    for (int i = 0; i < B; i++) y[i] = (int)rng_below(&r, (uint32_t)mc.n_out);

    double flops = 0;
    gemm_layer g[MLP_MAX_LAYERS];
    for (int l = 0; l < m.n_layers; l++) {
        size_t C = (size_t)m.in_dim[l], OC = (size_t)m.out_dim[l];
        flops += 2.0 * B * C * OC * (l > 0 ? 3 : 2);
        g[l] = (gemm_layer){ .C = (int)C, .OC = (int)OC, .inp = random_floats(B * C, &r),
                             .weight = random_floats(OC * C, &r), .out = random_floats(B * OC, &r),
                             .dout = random_floats(B * OC, &r), .dweight = random_floats(OC * C, &r),
                             .dinp = random_floats(B * C, &r) };
    }

    long t = 0;
    double step_s[MAX_REPS], gemm_s[MAX_REPS], sink = 0;
    for (int rep = -1; rep < reps; rep++) { /* rep -1 warms up both loops */
        double t0 = now_seconds();
        for (int s = 0; s < steps; s++) {
            mlp_forward(&m, x, B, MLP_TRAIN, &drop);
            sink += mlp_loss(&m, y, B, NULL);
            mlp_backward(&m, y, B);
            optim_step(&cfg.optim, m.params, m.grads, m.m, m.v, m.num_params, ++t);
        }
        double t1 = now_seconds();
        /* The beta = 1 outputs accumulate across calls; (REPS+1)*STEPS sums of products of values in [-1, 1)
           stay far from overflow, and nothing else is timed. */
        for (int s = 0; s < steps; s++) gemm_step(g, m.n_layers);
        double t2 = now_seconds();
        if (rep >= 0) {
            step_s[rep] = (t1 - t0) / steps;
            gemm_s[rep] = (t2 - t1) / steps;
        }
    }
    double step = median(step_s, reps), gemm = median(gemm_s, reps);
    printf("flops_per_step=%.0f\nstep_us=%.1f\nsgemm_us=%.1f\nstep_gflops=%.3f\nsgemm_gflops=%.3f\nratio=%.3f\n",
           flops, 1e6 * step, 1e6 * gemm, flops / step * 1e-9, flops / gemm * 1e-9, gemm / step);
    if (sink != sink) fprintf(stderr, "step_gflops: the loss went NaN\n");
    for (int l = 0; l < m.n_layers; l++) {
        free(g[l].inp); free(g[l].weight); free(g[l].out); free(g[l].dout); free(g[l].dweight); free(g[l].dinp);
    }
    free(x);
    mlp_free(&m);
    return 0;
}
