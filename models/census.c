/* census: see census.h. Inputs go through the layer a chunk at a time (one sgemm), then every output unit of
   every input is classified. The training-mode output comes from relu_dropout_forward, the fused kernel that
   training runs use, which keeps no mask; dropout_forward applied to the ReLU output, from a copy of the same
   random state, draws the same words in the same order and records the mask, so each zero of the training
   output can be put down to its cause. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "activation.h"
#include "census.h"
#include "dropout.h"
#include "linear.h"
#include "rng.h"

enum { CENSUS_CHUNK = 256 };   /* inputs per sgemm */

/* Everything one census needs, in one allocation (block). */
typedef struct {
    float *weight, *bias;                   /* (OC,C), (OC) */
    float *x;                               /* (B,C) inputs of a chunk */
    float *z, *train, *eval, *masked;       /* (B,OC) pre-activations and the outputs of each mode */
    uint8_t *mask;                          /* (B,OC) 1 kept, 0 dropped */
    void *block;
} census_buffers;

static int census_check(const census_config *c, char *err, size_t errlen)
{
    if (c->inputs < 1 || c->inputs > CENSUS_MAX_WIDTH || c->units < 1 || c->units > CENSUS_MAX_WIDTH) {
        snprintf(err, errlen, "census: a Linear(%d, %d) layer; inputs and units must be in [1, %d]", c->inputs,
                 c->units, CENSUS_MAX_WIDTH);
        return -1;
    }
    if (!(c->p >= 0.0f && c->p < 1.0f)) {
        snprintf(err, errlen, "census: dropout %g is out of range: allowed [0, 1)", (double)c->p);
        return -1;
    }
    if (c->samples < 1 || c->layers < 1 || (long long)c->samples * c->layers > CENSUS_MAX_INPUTS) {
        snprintf(err, errlen, "census: %d samples x %d layers; each must be >= 1 and their product at most %d",
                 c->samples, c->layers, CENSUS_MAX_INPUTS);
        return -1;
    }
    return 0;
}

static int census_alloc(census_buffers *b, int C, int OC)
{
    size_t w = (size_t)OC * C, x = (size_t)CENSUS_CHUNK * C, o = (size_t)CENSUS_CHUNK * OC;
    float *f = malloc((w + OC + x + 4 * o) * sizeof(float) + o);
    if (!f) return -1;
    b->block = f;
    b->weight = f;
    b->bias = b->weight + w;
    b->x = b->bias + OC;
    b->z = b->x + x;
    b->train = b->z + o;
    b->eval = b->train + o;
    b->masked = b->eval + o;
    b->mask = (uint8_t *)(b->masked + o);
    return 0;
}

/* B fresh inputs through the layer, in both modes. */
static void census_chunk(census_buffers *b, const census_config *c, int B, rng_state *input, rng_state *drop)
{
    size_t N = (size_t)B * c->units;
    for (size_t i = 0; i < (size_t)B * c->inputs; i++) b->x[i] = rng_normal(input);
    linear_forward(b->z, b->x, b->weight, b->bias, B, c->inputs, c->units);
    relu_forward(b->eval, b->z, N);                                 /* eval mode: no mask */
    rng_state same = *drop;
    relu_dropout_forward(b->train, b->z, N, c->p, drop);            /* training mode, as training runs it */
    dropout_forward(b->masked, b->mask, b->eval, N, c->p, &same);   /* the same draws, the mask kept */
    assert(c->p == 0.0f || !memcmp(&same, drop, sizeof same));     /* (at p = 0 dropout_forward draws nothing) */
}

/* The counts k (CENSUS_NCOUNTS) of one input: its pre-activations z, mask and outputs, OC of each. */
static void census_classify(int *k, const float *z, const uint8_t *mask, const float *train, const float *eval,
                            int OC)
{
    memset(k, 0, CENSUS_NCOUNTS * sizeof *k);
    for (int j = 0; j < OC; j++) {
        int relu_zero = !(z[j] > 0.0f), dropped = !mask[j];
        k[CENSUS_RELU_ONLY] += relu_zero && !dropped;
        k[CENSUS_MASK_ONLY] += !relu_zero && dropped;
        k[CENSUS_BOTH] += relu_zero && dropped;
        k[CENSUS_MASKED] += dropped;
        k[CENSUS_TRAIN_ZEROS] += train[j] == 0.0f;
        k[CENSUS_EVAL_ZEROS] += eval[j] == 0.0f;
    }
}

/* Means, extremes and central 95% from the histograms (sums: the total of each count). */
static void census_summarize(census_result *res, const double *sums)
{
    int W = res->cfg.units + 1;
    for (int c = 0; c < CENSUS_NCOUNTS; c++) {
        const long *h = res->hist + (size_t)c * W;
        census_stat *s = &res->stat[c];
        s->mean = sums[c] / (double)res->n;
        s->min = s->lo = -1;
        long below = 0;   /* inputs with a count <= k: P > 2.5% is 40 * below > n */
        for (int k = 0; k < W; k++) {
            below += h[k];
            if (h[k] && s->min < 0) s->min = k;
            if (s->lo < 0 && 40 * below > res->n) s->lo = k;
        }
        long above = 0;
        s->max = s->hi = -1;
        for (int k = W - 1; k >= 0; k--) {
            above += h[k];
            if (h[k] && s->max < 0) s->max = k;
            if (s->hi < 0 && 40 * above > res->n) s->hi = k;
        }
    }
}

int census_run(census_result *res, int *per_input, const census_config *cfg, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (census_check(cfg, err, errlen)) return -1;
    res->cfg = *cfg;
    int C = cfg->inputs, OC = cfg->units, W = OC + 1;
    census_buffers b;
    res->hist = calloc((size_t)CENSUS_NCOUNTS * W, sizeof *res->hist);
    if (!res->hist || census_alloc(&b, C, OC)) {
        census_free(res);
        snprintf(err, errlen, "census: out of memory");
        return -1;
    }
    rng_state init, input, drop;
    rng_seed(&init, cfg->seed, RNG_STREAM_INIT);
    rng_seed(&input, cfg->seed, RNG_STREAM_INPUT);
    rng_seed(&drop, cfg->seed, RNG_STREAM_DROPOUT);
    double sums[CENSUS_NCOUNTS] = { 0 };
    for (int l = 0; l < cfg->layers; l++) {
        linear_init(b.weight, b.bias, C, OC, &init);
        for (int s0 = 0; s0 < cfg->samples; s0 += CENSUS_CHUNK) {
            int B = cfg->samples - s0 < CENSUS_CHUNK ? cfg->samples - s0 : CENSUS_CHUNK;
            census_chunk(&b, cfg, B, &input, &drop);
            for (int i = 0; i < B; i++, res->n++) {
                size_t at = (size_t)i * OC;
                int k[CENSUS_NCOUNTS];
                census_classify(k, b.z + at, b.mask + at, b.train + at, b.eval + at, OC);
                for (int c = 0; c < CENSUS_NCOUNTS; c++) {
                    res->hist[(size_t)c * W + k[c]]++;
                    sums[c] += k[c];
                }
                if (per_input) memcpy(per_input + (size_t)res->n * CENSUS_NCOUNTS, k, sizeof k);
            }
        }
    }
    free(b.block);
    census_summarize(res, sums);
    return 0;
}

long census_inputs_with(const census_result *res, census_count c, int count)
{
    if (count < 0 || count > res->cfg.units || c < 0 || c >= CENSUS_NCOUNTS) return 0;
    return res->hist[(size_t)c * (res->cfg.units + 1) + count];
}

void census_free(census_result *res)
{
    free(res->hist);
    res->hist = NULL;
}
