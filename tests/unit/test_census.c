/* census (models/census.h): every zero of Linear -> ReLU -> dropout has a cause, eval-mode zeros are ReLU's,
   the mask drops p of the units, and the layer and inputs are the ones the config names. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "census.h"
#include "linear.h"
#include "rng.h"

static const census_config demo = { .inputs = 100, .units = 50, .p = 0.3f, .samples = 10000, .layers = 1, .seed = 1 };

/* Run cfg, keeping every input's counts (N, CENSUS_NCOUNTS) in *per (freed by the caller). */
static void run(const census_config *cfg, census_result *r, int **per)
{
    char err[256] = "";
    *per = malloc((size_t)cfg->samples * cfg->layers * CENSUS_NCOUNTS * sizeof **per);
    cr_assert_not_null(*per);
    cr_assert_eq(census_run(r, *per, cfg, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r->n, (long)cfg->samples * cfg->layers);
}

/* For every input: the zeros of the training output are exactly ReLU's, the mask's, or both; the mask's count
   is split between mask only and both; eval mode (same layer, same input) has exactly ReLU's zeros. */
static void check_causes(const census_config *cfg)
{
    census_result r;
    int *per;
    run(cfg, &r, &per);
    for (long i = 0; i < r.n; i++) {
        const int *k = per + i * CENSUS_NCOUNTS;
        cr_assert_eq(k[CENSUS_RELU_ONLY] + k[CENSUS_MASK_ONLY] + k[CENSUS_BOTH], k[CENSUS_TRAIN_ZEROS],
                     "input %ld: %d ReLU only + %d mask only + %d both != %d zeros in training mode", i,
                     k[CENSUS_RELU_ONLY], k[CENSUS_MASK_ONLY], k[CENSUS_BOTH], k[CENSUS_TRAIN_ZEROS]);
        cr_assert_eq(k[CENSUS_MASK_ONLY] + k[CENSUS_BOTH], k[CENSUS_MASKED], "input %ld", i);
        cr_assert_eq(k[CENSUS_EVAL_ZEROS], k[CENSUS_RELU_ONLY] + k[CENSUS_BOTH],
                     "input %ld: %d zeros in eval mode, %d ReLU zeros in training mode", i, k[CENSUS_EVAL_ZEROS],
                     k[CENSUS_RELU_ONLY] + k[CENSUS_BOTH]);
        for (int c = 0; c < CENSUS_NCOUNTS; c++) cr_assert(k[c] >= 0 && k[c] <= cfg->units);
    }
    census_free(&r);
    free(per);
}

Test(census, every_zero_is_relus_or_the_masks)
{
    check_causes(&demo);
    census_config c = demo;
    c.inputs = 7, c.units = 300, c.p = 0.5f, c.samples = 257, c.layers = 3, c.seed = 9;   /* chunks, layers */
    check_causes(&c);
}

/* At p = 0 nothing is masked: training and eval zeros are ReLU's alone, on every input. */
Test(census, no_mask_at_p_zero)
{
    census_config c = demo;
    c.p = 0.0f;
    c.samples = 1000;
    census_result r;
    int *per;
    run(&c, &r, &per);
    for (long i = 0; i < r.n; i++) {
        const int *k = per + i * CENSUS_NCOUNTS;
        cr_assert_eq(k[CENSUS_MASKED], 0);
        cr_assert_eq(k[CENSUS_TRAIN_ZEROS], k[CENSUS_EVAL_ZEROS]);
    }
    census_free(&r);
    free(per);
}

/* Mask counts are Binomial(OC, p) per input, independent over the N inputs: their mean over N inputs has
   standard deviation sqrt(OC p (1 - p) / N) (0.032 for the demo's 50 units, p = 0.3, 10,000 inputs), and the
   per-input variance OC p (1 - p) = 10.5 is estimated with a standard deviation of about
   OC p (1 - p) sqrt(2 / N) (0.15). Both must be within 5 standard deviations (a false alarm has probability
   below 1e-6 for a new seed; the seed is fixed). */
Test(census, mask_drops_p_of_the_units)
{
    float ps[] = { 0.3f, 0.1f, 0.7f };
    for (int t = 0; t < 3; t++) {
        census_config c = demo;
        c.p = ps[t];
        census_result r;
        int *per;
        run(&c, &r, &per);
        double mean = 0, var = 0, want = c.p * c.units, want_var = c.units * c.p * (1.0 - c.p);
        for (long i = 0; i < r.n; i++) mean += per[i * CENSUS_NCOUNTS + CENSUS_MASKED];
        mean /= r.n;
        for (long i = 0; i < r.n; i++) {
            double d = per[i * CENSUS_NCOUNTS + CENSUS_MASKED] - mean;
            var += d * d;
        }
        var /= r.n - 1;
        double sd_mean = sqrt(want_var / r.n), sd_var = want_var * sqrt(2.0 / r.n);
        cr_assert(fabs(mean - want) <= 5 * sd_mean, "p = %g: %.4f dropped per input, want %.4f ± %.4f", (double)c.p,
                  mean, want, 5 * sd_mean);
        cr_assert(fabs(var - want_var) <= 5 * sd_var, "p = %g: variance %.3f, want %.3f ± %.3f", (double)c.p, var,
                  want_var, 5 * sd_var);
        cr_assert(fabs(r.stat[CENSUS_MASKED].mean - mean) < 1e-9, "the summary's mean is the per-input mean");
        census_free(&r);
        free(per);
    }
}

/* The summary: min and max are the extremes of the per-input counts, and [lo, hi] leaves at most 2.5% of the
   inputs on either side while lo and hi themselves are inside by that rule (P(count <= lo) > 2.5%). */
Test(census, summary_matches_the_per_input_counts)
{
    census_result r;
    int *per;
    run(&demo, &r, &per);
    for (int c = 0; c < CENSUS_NCOUNTS; c++) {
        const census_stat *s = &r.stat[c];
        long below = 0, at_or_below = 0, above = 0, at_or_above = 0, total = 0;
        int mn = demo.units, mx = 0;
        for (long i = 0; i < r.n; i++) {
            int k = per[i * CENSUS_NCOUNTS + c];
            mn = k < mn ? k : mn;
            mx = k > mx ? k : mx;
            below += k < s->lo;
            at_or_below += k <= s->lo;
            above += k > s->hi;
            at_or_above += k >= s->hi;
        }
        for (int k = 0; k <= demo.units; k++) total += census_inputs_with(&r, (census_count)c, k);
        cr_assert_eq(total, r.n);
        cr_assert_eq(s->min, mn, "count %d", c);
        cr_assert_eq(s->max, mx, "count %d", c);
        cr_assert(40 * below <= r.n && 40 * at_or_below > r.n, "count %d: lo %d", c, s->lo);
        cr_assert(40 * above <= r.n && 40 * at_or_above > r.n, "count %d: hi %d", c, s->hi);
        cr_assert(s->min <= s->lo && s->lo <= s->hi && s->hi <= s->max);
    }
    cr_assert_eq(census_inputs_with(&r, CENSUS_EVAL_ZEROS, -1), 0);
    cr_assert_eq(census_inputs_with(&r, CENSUS_EVAL_ZEROS, demo.units + 1), 0);
    census_free(&r);
    free(per);
}

/* The first input's eval-mode zeros, recomputed by hand: the layer is linear_init's from (seed, init stream),
   the input is rng_normal's from (seed, input stream); a zero is a pre-activation <= 0. */
Test(census, layer_and_inputs_are_the_named_ones)
{
    census_config c = demo;
    c.samples = 1;
    census_result r;
    int *per;
    run(&c, &r, &per);
    float w[50 * 100], b[50], x[100];
    rng_state init, input;
    rng_seed(&init, c.seed, RNG_STREAM_INIT);
    rng_seed(&input, c.seed, RNG_STREAM_INPUT);
    linear_init(w, b, 100, 50, &init);
    for (int i = 0; i < 100; i++) x[i] = rng_normal(&input);
    int zeros = 0;
    for (int o = 0; o < 50; o++) {
        double z = b[o];
        for (int i = 0; i < 100; i++) z += (double)w[o * 100 + i] * x[i];
        cr_assert(fabs(z) > 1e-4, "unit %d: pre-activation %g too close to 0 to classify", o, z);
        zeros += z <= 0;
    }
    cr_assert_eq(per[CENSUS_EVAL_ZEROS], zeros);
    census_free(&r);
    free(per);
}

Test(census, same_seed_same_counts_other_seed_other_counts)
{
    census_config c = demo;
    c.samples = 500;
    census_result a, b;
    int *pa, *pb;
    run(&c, &a, &pa);
    run(&c, &b, &pb);
    cr_assert(memcmp(pa, pb, 500 * CENSUS_NCOUNTS * sizeof *pa) == 0);
    census_free(&b);
    free(pb);
    c.seed = 2;
    run(&c, &b, &pb);
    cr_assert(memcmp(pa, pb, 500 * CENSUS_NCOUNTS * sizeof *pa) != 0);
    census_free(&a);
    census_free(&b);
    free(pa);
    free(pb);
}

Test(census, bad_configs_are_refused)
{
    census_config bad[] = { demo, demo, demo, demo, demo };
    bad[0].units = 0;
    bad[1].inputs = CENSUS_MAX_WIDTH + 1;
    bad[2].p = 1.0f;
    bad[3].samples = 0;
    bad[4].samples = CENSUS_MAX_INPUTS, bad[4].layers = 2;
    for (int i = 0; i < 5; i++) {
        census_result r;
        char err[256] = "";
        cr_assert_eq(census_run(&r, NULL, &bad[i], err, sizeof err), -1, "config %d", i);
        cr_assert(!strncmp(err, "census: ", 8), "config %d: %s", i, err);
        cr_assert_null(r.hist);
    }
}

/* rng_normal: mean 0 and variance 1 within 5 standard deviations over 10^6 draws (sd of the mean 0.001, of
   the variance sqrt(2 / 10^6) = 0.0014), and symmetric tails: P(|x| > 1.96) = 5% within 5 sd (0.0011). */
Test(census, rng_normal_is_standard_normal)
{
    rng_state r;
    rng_seed(&r, 5, RNG_STREAM_INPUT);
    const int n = 1000000;
    double sum = 0, sq = 0;
    long tail = 0;
    for (int i = 0; i < n; i++) {
        double v = rng_normal(&r);
        cr_assert(isfinite(v));
        sum += v;
        sq += v * v;
        tail += fabs(v) > 1.959964;
    }
    double mean = sum / n, var = sq / n - mean * mean;
    cr_assert(fabs(mean) < 5e-3, "mean %g", mean);
    cr_assert(fabs(var - 1) < 5 * 0.0014, "variance %g", var);
    cr_assert(fabs((double)tail / n - 0.05) < 5 * sqrt(0.05 * 0.95 / n), "tails %g", (double)tail / n);
}
