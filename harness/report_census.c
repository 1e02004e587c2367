/* report_census: the censuses an experiment declares ([census NAME] in its experiment.ini): the zeros of a
   Linear -> ReLU -> dropout layer counted by cause over random inputs (models/census.h), set beside the counts
   the declared text claims, with a verdict on each claimed count under one stated rule. */
#include "report.h"
#include "census.h"
#include <stdio.h>
#include <string.h>

static const char *const mode_word[DECL_NMODES] = { "training", "eval" };
/* The count of output == 0 in each mode: what a claimed count is read against. */
static const census_count mode_zeros[DECL_NMODES] = { CENSUS_TRAIN_ZEROS, CENSUS_EVAL_ZEROS };

static int consistent(const census_stat *s, int claimed) { return claimed >= s->lo && claimed <= s->hi; }

static void claimed_list(const decl_census *c, int m, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < c->nclaimed[m] && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? ", " : "", c->claimed[m][i]);
}

static void setup_text(rpt_ctx *x, const decl_census *c, const census_result *r)
{
    doc_text(&x->d, "Measured: a Linear(%d, %d) layer initialised as every layer of this project is (PyTorch's "
             "default: weight and bias uniform in ±1/√%d), then ReLU, then inverted dropout p = %g; %d standard-"
             "normal inputs (as torch.randn draws them) on each of %d layer(s) drawn from seed %llu, %ld inputs in "
             "all. Each input passes once in training mode (a fresh mask, the kernel training runs use) and once in "
             "eval mode (no mask), and every zero of the output is put down to its cause. Per input: the mean "
             "count, its range, and its central 95%% (at most 2.5%% of the inputs below it, at most 2.5%% above).",
             c->inputs, c->units, c->inputs, c->dropout, c->samples, c->layers, c->seed, r->n);
}

static void count_table(rpt_ctx *x, const decl_census *c, const census_result *r)
{
    static const struct { census_count k; int mode; const char *what; } rows[] = {
        { CENSUS_RELU_ONLY, DECL_MODE_TRAIN, "ReLU only (pre-activation ≤ 0, kept by the mask)" },
        { CENSUS_MASK_ONLY, DECL_MODE_TRAIN, "mask only (a positive activation dropped)" },
        { CENSUS_BOTH, DECL_MODE_TRAIN, "both (pre-activation ≤ 0, and dropped)" },
        { CENSUS_TRAIN_ZEROS, DECL_MODE_TRAIN, "**all: output == 0**" },
        { CENSUS_MASKED, DECL_MODE_TRAIN, "dropped by the mask, whatever ReLU did (mask only + both)" },
        { CENSUS_EVAL_ZEROS, DECL_MODE_EVAL, "**all: output == 0** (no mask: all ReLU's)" },
    };
    doc_rowbuf rb;
    doc_rb_clear(&rb);
    doc_rb_add(&rb, "Mode");
    doc_rb_add(&rb, "Zeros per input (of %d units)", c->units);
    doc_rb_cells(&rb, (const char *const[]){ "Mean", "Range", "Central 95%", "Claimed", NULL });
    doc_table(&x->d, &rb);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const census_stat *s = &r->stat[rows[i].k];
        char claimed[160] = "";
        if (rows[i].k == mode_zeros[rows[i].mode]) claimed_list(c, rows[i].mode, claimed, sizeof claimed);
        doc_rb_clear(&rb);
        doc_rb_add(&rb, "%s", mode_word[rows[i].mode]);
        doc_rb_add(&rb, "%s", rows[i].what);
        doc_rb_add(&rb, "%.2f", s->mean);
        doc_rb_add(&rb, "%d–%d", s->min, s->max);
        doc_rb_add(&rb, "[%d, %d]", s->lo, s->hi);
        doc_rb_add(&rb, "%s", claimed);
        doc_row(&x->d, &rb);
    }
}

/* One row per claimed count: its reading as output == 0, and as a count of the mask's zeros only. Returns how
   many are consistent; *n gets how many were claimed. */
static int verdict_table(rpt_ctx *x, const decl_census *c, const census_result *r, int *n)
{
    const census_stat *mask = &r->stat[CENSUS_MASKED];
    doc_rowbuf rb;
    doc_table_head(&x->d, (const char *const[]){ "Mode", "Claimed zeros", "Measured output == 0: central 95%",
                                                 "Inputs with exactly this count", "Verdict",
                                                 "Had only the mask's zeros been counted", NULL });
    int ok = 0;
    *n = 0;
    for (int m = 0; m < DECL_NMODES; m++)
        for (int i = 0; i < c->nclaimed[m]; i++) {
            int k = c->claimed[m][i], fits = consistent(&r->stat[mode_zeros[m]], k);
            const census_stat *s = &r->stat[mode_zeros[m]];
            ok += fits;
            ++*n;
            doc_rb_clear(&rb);
            doc_rb_add(&rb, "%s", mode_word[m]);
            doc_rb_add(&rb, "%d", k);
            doc_rb_add(&rb, "[%d, %d] (mean %.2f)", s->lo, s->hi, s->mean);
            doc_rb_add(&rb, "%ld of %ld", census_inputs_with(r, mode_zeros[m], k), r->n);
            doc_rb_add(&rb, "**%s**", fits ? "consistent" : "refuted");
            if (m == DECL_MODE_TRAIN)
                doc_rb_add(&rb, "%s: [%d, %d] (mean %.2f)", consistent(mask, k) ? "consistent" : "refuted", mask->lo,
                           mask->hi, mask->mean);
            else doc_rb_add(&rb, "%s: the mask is off in eval mode (0)", k == 0 ? "consistent" : "refuted");
            doc_row(&x->d, &rb);
        }
    return ok;
}

static void census_section(rpt_ctx *x, rpt_exp *e, const decl_census *c)
{
    doc_heading(&x->d, 3, "Census: %s", c->name);
    doc_quote(&x->d, c->quote);
    census_config cfg = { c->inputs, c->units, (float)c->dropout, c->samples, c->layers, c->seed };
    census_result r;
    char err[256];
    if (census_run(&r, NULL, &cfg, err, sizeof err)) {   /* the declaration was checked: only memory fails */
        doc_text(&x->d, "**The census could not be taken**: %s.", err);
        return;
    }
    setup_text(x, c, &r);
    count_table(x, c, &r);
    int n, ok = verdict_table(x, c, &r, &n);
    const census_stat *mask = &r.stat[CENSUS_MASKED], *relu = &r.stat[CENSUS_EVAL_ZEROS];
    doc_text(&x->d, "Counting only the mask's zeros would give about p × units = %.1f per training-mode pass "
             "(measured: mean %.2f, central 95%% [%d, %d]) and exactly 0 in eval mode. output == 0 also counts "
             "ReLU's zeros: %.2f per input on average, at least %d of the %d units for every one of the %ld inputs "
             "(eval mode, where they are the only zeros).", c->dropout * c->units, mask->mean, mask->lo, mask->hi,
             relu->mean, relu->min, c->units, r.n);
    char nums[512];
    const census_stat *t = &r.stat[CENSUS_TRAIN_ZEROS];
    snprintf(nums, sizeof nums, "%d of %d claimed count(s) consistent (output == 0 per input, training mode: mean "
             "%.2f, central 95%% [%d, %d]; eval mode: mean %.2f, [%d, %d]; table above).", ok, n, t->mean, t->lo,
             t->hi, relu->mean, relu->lo, relu->hi);
    rpt_verdict_line(x, e, c->name, ok == n ? V_SUPPORTED : V_CONTRADICTED,
                     "a claimed count is consistent when it lies in the central 95% of the measured per-input "
                     "counts of output == 0 in its mode, else refuted; supported when every claimed count is "
                     "consistent, contradicted when any is refuted.", nums);
    census_free(&r);
}

int rpt_section_census(rpt_ctx *x, rpt_exp *e)
{
    if (!e->spec) return 0;
    for (int i = 0; i < e->spec->decl->ncensuses; i++) census_section(x, e, &e->spec->decl->censuses[i]);
    return 0;
}
