/* report_tables: the tutorial's two tables (dropout rates; regularization techniques) beside the measured
   numbers, and the generic table of any other experiment. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the rate table ---- */

/* The tutorial's rows, verbatim, and the measured rates each one aggregates (lo <= p <= hi). */
static const struct { const char *rate, *effect, *when; double lo, hi; } tutorial_rates[] = {
    { "0.0 (no dropout)", "No regularization", "Small datasets where overfitting isn't a problem", 0.0, 0.0 },
    { "0.2 (20%)", "Mild regularization", "When you have decent amount of data", 0.2, 0.2 },
    { "0.3-0.5 (30-50%)", "Strong regularization", "Standard choice for most problems", 0.3, 0.5 },
    { "0.5+ (50%+)", "Very strong regularization", "When overfitting is severe, but can hurt performance", 0.5, 1.0 },
};

static void add_sum(doc_rowbuf *r, const rpt_exp *e, const rpt_group *g, rpt_metric m, int decimals)
{
    char b[96];
    stats_summary s;
    rpt_summary(e, g, m, &s);
    doc_rb_add(r, "%s", rpt_fmt_sum(b, sizeof b, &s, decimals));
}

static void add_pooled(doc_rowbuf *r, const rpt_exp *e, rpt_group *const *gs, int ng, rpt_metric m, int dec)
{
    char b[96];
    stats_summary s;
    rpt_summary_pooled(e, gs, ng, m, &s);
    doc_rb_add(r, "%s", rpt_fmt_sum(b, sizeof b, &s, dec));
}

static void header(doc *d, const char *const *names, int n)
{
    doc_rowbuf r;
    doc_rb_clear(&r);
    for (int i = 0; i < n; i++) doc_rb_add(&r, "%s", names[i]);
    doc_table(d, &r);
}

/* Plots of accuracy and gap against the rate (x numeric). */
static void rate_plots(rpt_ctx *x, const rpt_exp *e, rpt_group *const *gs, int ng, const char *axis)
{
    char (*rows)[32] = calloc((size_t)ng, sizeof *rows);
    const char **rowp = calloc((size_t)ng, sizeof *rowp);
    stats_summary *v = calloc((size_t)ng * 2, sizeof *v);
    if (!rows || !rowp || !v) { perror("report"); abort(); }
    for (int i = 0; i < ng; i++) {
        snprintf(rows[i], sizeof rows[i], "%g", rpt_cfg_num(e, gs[i], axis));
        rowp[i] = rows[i];
        rpt_summary(e, gs[i], M_TEST_ACC, &v[i]);
        rpt_summary(e, gs[i], M_TRAIN_ACC, &v[ng + i]);
    }
    char base[256], title[256];
    snprintf(base, sizeof base, "%s_accuracy", e->name);
    snprintf(title, sizeof title, "%s: accuracy vs dropout rate (mean, 95%% CI over seeds)", e->name);
    const char *names[] = { "test accuracy", "train accuracy (eval mode)" };
    const char *kv[] = { "title", title, "xlabel", "dropout rate p", "ylabel", "accuracy (%)" };
    if (rpt_plot_series(&x->plot, "lines_ci", base, "p", rowp, ng, names, 2, v, 3, kv) == 0)
        doc_image(&x->d, base, "Test and train accuracy against the dropout rate; error bars are 95% CIs over seeds.");
    for (int i = 0; i < ng; i++) rpt_summary(e, gs[i], M_GAP, &v[i]);
    snprintf(base, sizeof base, "%s_gap", e->name);
    snprintf(title, sizeof title, "%s: generalization gap vs dropout rate (mean, 95%% CI)", e->name);
    const char *gname[] = { "train acc - test acc" };
    const char *kv2[] = { "title", title, "xlabel", "dropout rate p", "ylabel", "generalization gap (percentage points)" };
    if (rpt_plot_series(&x->plot, "lines_ci", base, "p", rowp, ng, gname, 1, v, 3, kv2) == 0)
        doc_image(&x->d, base, "Generalization gap (train − test accuracy) against the dropout rate; 95% CIs.");
    free(rows); free(rowp); free(v);
}

int rpt_section_rate_table(rpt_ctx *x, rpt_exp *e)
{
    doc *d = &x->d;
    doc_heading(d, 2, "The dropout-rate table (%s)", e->name);
    rpt_group *ref = rpt_find(e, "dropout", 0.0, NULL, 0);
    if (!ref || e->ngroups < 2) { doc_text(d, "No dropout = 0 reference among the runs of %s.", e->name); return -1; }
    int ng = e->ngroups, best = 0;
    rpt_group **gs = calloc((size_t)ng, sizeof *gs);
    rpt_cmp *cmp = calloc((size_t)ng, sizeof *cmp);
    if (!gs || !cmp) { perror("report"); abort(); }
    double best_mean = -INFINITY;
    for (int i = 0; i < ng; i++) {
        gs[i] = &e->groups[i];
        stats_summary s;
        rpt_summary(e, gs[i], M_TEST_ACC, &s);
        if (s.n && s.mean > best_mean) { best_mean = s.mean; best = i; }
        if (gs[i] != ref) rpt_compare(e, gs[i], ref, M_TEST_ACC, &cmp[i]);
    }
    rpt_holm(cmp, ng);
    double best_p = rpt_cfg_num(e, gs[best], "dropout");

    doc_text(d, "The tutorial's table, verbatim on the left; on the right the measured test accuracy, train "
             "accuracy (eval mode), generalization gap and epochs to the best validation loss, pooled over "
             "the runs of the rates each row covers (the tutorial's rows 0.3-0.5 and 0.5+ overlap at 0.5, "
             "so rate 0.5 counts in both). Best measured rate by mean test accuracy: **p = %g** "
             "(%.2f%%).", best_p, best_mean);
    const char *h1[] = { "Dropout Rate", "Effect", "When to Use", "Measured rates", "n", "Test acc (%)",
                         "Train acc (%)", "Gap (pp)", "Epochs to best" };
    header(d, h1, 9);
    for (size_t t = 0; t < sizeof tutorial_rates / sizeof tutorial_rates[0]; t++) {
        rpt_group *in[64];
        int k = 0, nruns = 0, has_best = 0;
        char rates[256] = "";
        for (int i = 0; i < ng && k < 64; i++) {
            double p = rpt_cfg_num(e, gs[i], "dropout");
            if (p < tutorial_rates[t].lo - 1e-9 || p > tutorial_rates[t].hi + 1e-9) continue;
            in[k++] = gs[i];
            nruns += gs[i]->n;
            has_best |= i == best;
            size_t len = strlen(rates);
            snprintf(rates + len, sizeof rates - len, "%s%g", len ? ", " : "", p);
        }
        doc_rowbuf r;
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", tutorial_rates[t].rate);
        doc_rb_add(&r, "%s", tutorial_rates[t].effect);
        doc_rb_add(&r, "%s", tutorial_rates[t].when);
        doc_rb_add(&r, "%s%s", k ? rates : "not run", has_best ? " (includes best)" : "");
        doc_rb_add(&r, "%d", nruns);
        add_pooled(&r, e, in, k, M_TEST_ACC, 2);
        add_pooled(&r, e, in, k, M_TRAIN_ACC, 2);
        add_pooled(&r, e, in, k, M_GAP, 2);
        add_pooled(&r, e, in, k, M_BEST_EPOCH, 1);
        doc_row(d, &r);
    }

    doc_heading(d, 3, "Every rate");
    doc_text(d, "One row per measured rate; Δ is the test-accuracy difference against p = 0 with its 95%% CI, "
             "p-values Holm-corrected over the %d comparisons of this table. ★ marks the best rate by mean.", ng - 1);
    const char *h2[] = { "p", "n", "Test acc (%)", "Train acc (%)", "Gap (pp)", "Epochs to best", "Sec/epoch",
                         "Δ test acc vs p=0 (pp)", "p-value" };
    header(d, h2, 9);
    for (int i = 0; i < ng; i++) {
        char b1[96], b2[96];
        doc_rowbuf r;
        doc_rb_clear(&r);
        doc_rb_add(&r, "%g%s", rpt_cfg_num(e, gs[i], "dropout"), i == best ? " ★ best" : "");
        if (gs[i]->ndiverged) doc_rb_add(&r, "%d (+%d diverged)", gs[i]->n, gs[i]->ndiverged);
        else doc_rb_add(&r, "%d", gs[i]->n);
        add_sum(&r, e, gs[i], M_TEST_ACC, 2);
        add_sum(&r, e, gs[i], M_TRAIN_ACC, 2);
        add_sum(&r, e, gs[i], M_GAP, 2);
        add_sum(&r, e, gs[i], M_BEST_EPOCH, 1);
        add_sum(&r, e, gs[i], M_SEC_EPOCH, 3);
        doc_rb_add(&r, "%s", gs[i] == ref ? "reference" : rpt_fmt_diff(b1, sizeof b1, &cmp[i], 2));
        doc_rb_add(&r, "%s", gs[i] == ref ? "" : rpt_fmt_p(b2, sizeof b2, &cmp[i]));
        doc_row(d, &r);
    }
    rate_plots(x, e, gs, ng, "dropout");
    const char *names[64];
    char labels[64][32];
    for (int i = 0; i < ng && i < 64; i++) {
        snprintf(labels[i], sizeof labels[i], "p=%g", rpt_cfg_num(e, gs[i], "dropout"));
        names[i] = labels[i];
    }
    rpt_curves(x, e, gs, names, ng < 64 ? ng : 64);

    /* The mistake "p > 0.5 often hurts more than helps": every rate above 0.5 against p = 0. */
    static const char quote[] = "Too high dropout rate: p > 0.5 often hurts more than helps. Start with 0.3.";
    doc_heading(d, 3, "Claim: too high a dropout rate");
    doc_quote(d, quote);
    rpt_cmp high[64];
    int nh = 0;
    char nums[1024] = "";
    for (int i = 0; i < ng && nh < 64; i++) {
        double p = rpt_cfg_num(e, gs[i], "dropout");
        if (p <= 0.5 + 1e-9) continue;
        rpt_compare(e, gs[i], ref, M_TEST_ACC, &high[nh++]);
    }
    rpt_holm(high, nh);
    for (int i = 0, j = 0; i < ng; i++) {
        if (rpt_cfg_num(e, gs[i], "dropout") <= 0.5 + 1e-9) continue;
        char b1[96], b2[96];
        size_t len = strlen(nums);
        snprintf(nums + len, sizeof nums - len, "%sp=%g: Δ %s pp, p %s", len ? "; " : "",
                 rpt_cfg_num(e, gs[i], "dropout"), rpt_fmt_diff(b1, sizeof b1, &high[j], 2),
                 rpt_fmt_p(b2, sizeof b2, &high[j]));
        j++;
    }
    rpt_verdict v = nh ? rpt_rule_majority(high, nh, -1) : V_INCONCLUSIVE;
    rpt_verdict_line(x, e, "p > 0.5 often hurts more than helps", v,
                     "for each rate p > 0.5, test accuracy minus that at p = 0 (Holm over those rates); "
                     "supported if more than half are significantly below p = 0, contradicted if more than "
                     "half are significantly above, else inconclusive.", nh ? nums : "no rate above 0.5 was run.");
    free(gs);
    free(cmp);
    return 0;
}

/* ---- the comparison table ---- */

static const struct { const char *variant, *technique, *how, *pros, *cons; } techniques[] = {
    { "none", "No regularization (reference)", "", "", "" },
    { "dropout", "Dropout", "Randomly zero neurons", "Simple, effective, works with any architecture",
      "Slows training (need more epochs)" },
    { "l2", "L2 Regularization", "Penalize large weights", "Always helps a bit, no train/test difference",
      "Weaker than dropout for deep networks" },
    { "early_stopping", "Early Stopping", "Stop when validation plateaus", "Free (no hyperparameters)",
      "Requires validation set" },
    { "augmentation", "Data Augmentation", "Create more training data", "Very effective, no downsides",
      "Only works for images/audio/text" },
    { "batchnorm", "Batch Normalization", "Normalize layer inputs", "Speeds training, mild regularization",
      "Complex train/test behavior" },
    { "dropout_l2_es", "Dropout + L2 + Early stopping", "A common combination (tutorial's best practice)",
      "They complement each other.", "" },
};
#define NTECH ((int)(sizeof techniques / sizeof techniques[0]))

/* Claims of the table's Pros/Cons that the runs measure: a minus b on metric m, expected sign. */
static const struct {
    const char *claim, *quote, *a, *b[3];
    int nb, sign;
    rpt_metric m;
    const char *what;
} tech_claims[] = {
    { "Dropout slows training (need more epochs)", "Slows training (need more epochs)", "dropout", { "none" },
      1, +1, M_BEST_EPOCH, "epochs to best validation loss, dropout minus none" },
    { "L2 always helps a bit", "Always helps a bit, no train/test difference", "l2", { "none" }, 1, +1,
      M_TEST_ACC, "test accuracy, l2 minus none" },
    { "L2 weaker than dropout", "Weaker than dropout for deep networks", "l2", { "dropout" }, 1, -1, M_TEST_ACC,
      "test accuracy, l2 minus dropout" },
    { "Augmentation very effective", "Very effective, no downsides", "augmentation", { "none" }, 1, +1,
      M_TEST_ACC, "test accuracy, augmentation minus none" },
    { "Batch normalization speeds training", "Speeds training, mild regularization", "batchnorm", { "none" }, 1,
      -1, M_BEST_EPOCH, "epochs to best validation loss, batchnorm minus none" },
    { "Dropout + L2 + early stopping complement each other",
      "Best practice: Use multiple techniques together. A common combination is: Dropout + L2 regularization + "
      "Early stopping. They complement each other.", "dropout_l2_es", { "dropout", "l2", "early_stopping" }, 3,
      +1, M_TEST_ACC, "test accuracy, the combination minus each technique alone" },
};

static rpt_group *find_variant(rpt_exp *e, const char *name)
{
    for (int i = 0; i < e->ngroups; i++)
        if (!strcmp(rpt_cfg(e, &e->groups[i], "variant"), name)) return &e->groups[i];
    return NULL;
}

static void combination_claims(rpt_ctx *x, rpt_exp *e)
{
    for (size_t k = 0; k < sizeof tech_claims / sizeof tech_claims[0]; k++) {
        doc_heading(&x->d, 3, "Claim: %s", tech_claims[k].claim);
        doc_quote(&x->d, tech_claims[k].quote);
        rpt_group *a = find_variant(e, tech_claims[k].a);
        rpt_cmp c[3];
        char nums[768] = "", rule[512];
        int n = 0;
        for (int j = 0; j < tech_claims[k].nb; j++) {
            rpt_group *b = find_variant(e, tech_claims[k].b[j]);
            if (!a || !b) continue;
            rpt_compare(e, a, b, tech_claims[k].m, &c[n++]);
        }
        rpt_holm(c, n);
        for (int j = 0; j < n; j++) {
            char b1[96], b2[96];
            size_t len = strlen(nums);
            snprintf(nums + len, sizeof nums - len, "%s%s − %s: %s, p %s", j ? "; " : "", tech_claims[k].a,
                     tech_claims[k].nb == n ? tech_claims[k].b[j] : "?", rpt_fmt_diff(b1, sizeof b1, &c[j], 2),
                     rpt_fmt_p(b2, sizeof b2, &c[j]));
        }
        snprintf(rule, sizeof rule, "%s%s; supported if %s significantly %s zero (Holm p < 0.05), "
                 "contradicted if %s significantly on the other side, else inconclusive.",
                 tech_claims[k].what, n > 1 ? " (Holm over the comparisons)" : "",
                 n > 1 ? "every difference is" : "the difference is", tech_claims[k].sign > 0 ? "above" : "below",
                 n > 1 ? "any is" : "it is");
        rpt_verdict v = n ? rpt_rule_all(c, n, tech_claims[k].sign) : V_INCONCLUSIVE;
        rpt_verdict_line(x, e, tech_claims[k].claim, v, rule, n ? nums : "the variants needed were not run.");
    }
}

int rpt_section_combinations(rpt_ctx *x, rpt_exp *e)
{
    doc *d = &x->d;
    doc_heading(d, 2, "Dropout against other regularization techniques (%s)", e->name);
    rpt_group *ref = find_variant(e, "none");
    if (!ref) { doc_text(d, "No variant `none` (the reference) among the runs of %s.", e->name); return -1; }
    rpt_group *gs[NTECH];
    rpt_cmp cmp[NTECH];
    memset(cmp, 0, sizeof cmp);
    for (int i = 0; i < NTECH; i++) {
        gs[i] = find_variant(e, techniques[i].variant);
        if (gs[i] && gs[i] != ref) rpt_compare(e, gs[i], ref, M_TEST_ACC, &cmp[i]);
    }
    rpt_holm(cmp, NTECH);
    doc_text(d, "The tutorial's comparison table (verbatim text) beside the measured numbers for each variant. "
             "Δ is the test-accuracy difference against `none` with its 95%% CI; p-values Holm-corrected over "
             "the comparisons of this table. Sec/epoch measures the training cost per epoch, epochs to best "
             "the convergence speed.");
    const char *h[] = { "Technique", "How It Works", "Pros", "Cons", "n", "Test acc (%)", "Δ vs none (pp)",
                        "p-value", "Gap (pp)", "Epochs to best", "Sec/epoch" };
    header(d, h, 11);
    for (int i = 0; i < NTECH; i++) {
        char b1[96], b2[96];
        doc_rowbuf r;
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", techniques[i].technique);
        doc_rb_add(&r, "%s", techniques[i].how);
        doc_rb_add(&r, "%s", techniques[i].pros);
        doc_rb_add(&r, "%s", techniques[i].cons);
        if (!gs[i]) {
            doc_rb_add(&r, "not run");
            doc_row(d, &r);
            continue;
        }
        doc_rb_add(&r, "%d", gs[i]->n);
        add_sum(&r, e, gs[i], M_TEST_ACC, 2);
        doc_rb_add(&r, "%s", gs[i] == ref ? "reference" : rpt_fmt_diff(b1, sizeof b1, &cmp[i], 2));
        doc_rb_add(&r, "%s", gs[i] == ref ? "" : rpt_fmt_p(b2, sizeof b2, &cmp[i]));
        add_sum(&r, e, gs[i], M_GAP, 2);
        add_sum(&r, e, gs[i], M_BEST_EPOCH, 1);
        add_sum(&r, e, gs[i], M_SEC_EPOCH, 3);
        doc_row(d, &r);
    }
    /* bar chart: test and train accuracy per variant */
    const char *rows[NTECH];
    stats_summary v[2 * NTECH];
    int nr = 0;
    for (int i = 0; i < NTECH; i++) {
        if (!gs[i]) continue;
        rows[nr] = techniques[i].variant;
        rpt_summary(e, gs[i], M_TEST_ACC, &v[nr]);
        rpt_summary(e, gs[i], M_TRAIN_ACC, &v[NTECH + nr]);
        nr++;
    }
    for (int i = 0; i < nr; i++) {   /* move the train series next to the test series: v is (2, nr) */
        v[nr + i] = v[NTECH + i];
    }
    char base[256], title[256], ymin[32], ymax[32];
    rpt_zoom_range(v, 2 * nr, ymin, ymax, sizeof ymin);
    snprintf(base, sizeof base, "%s_bars", e->name);
    snprintf(title, sizeof title, "%s: accuracy per technique (mean, 95%% CI over seeds)", e->name);
    const char *names[] = { "test accuracy", "train accuracy (eval mode)" };
    const char *kv[] = { "title", title, "xlabel", "variant", "ylabel", "accuracy (%)", "ymin", ymin, "ymax", ymax };
    if (rpt_plot_series(&x->plot, "bars_ci", base, "variant", rows, nr, names, 2, v, 5, kv) == 0)
        doc_image(d, base, "Test and train accuracy per technique, 95% CIs; the y axis does not start at zero.");
    combination_claims(x, e);
    return 0;
}

/* ---- any other experiment ---- */

void rpt_generic_table(rpt_ctx *x, const rpt_exp *e)
{
    doc_rowbuf r;
    doc_rb_clear(&r);
    for (int i = 0; i < e->nvary && i < RPT_MAXCOLS - 6; i++) doc_rb_add(&r, "%s", e->runs.cols[e->vary_cols[i]]);
    doc_rb_add(&r, "n");
    doc_rb_add(&r, "Test acc (%%)");
    doc_rb_add(&r, "Train acc (%%)");
    doc_rb_add(&r, "Gap (pp)");
    doc_rb_add(&r, "Epochs run");
    doc_table(&x->d, &r);
    for (int g = 0; g < e->ngroups; g++) {
        const rpt_group *gr = &e->groups[g];
        doc_rb_clear(&r);
        for (int i = 0; i < e->nvary && i < RPT_MAXCOLS - 6; i++)
            doc_rb_add(&r, "%s", table_cell(&e->runs, gr->first, e->vary_cols[i]));
        if (gr->ndiverged) doc_rb_add(&r, "%d (+%d diverged)", gr->n, gr->ndiverged);
        else doc_rb_add(&r, "%d", gr->n);
        add_sum(&r, e, gr, M_TEST_ACC, 2);
        add_sum(&r, e, gr, M_TRAIN_ACC, 2);
        add_sum(&r, e, gr, M_GAP, 2);
        add_sum(&r, e, gr, M_EPOCHS_RUN, 1);
        doc_row(&x->d, &r);
    }
}

int rpt_section_generic(rpt_ctx *x, rpt_exp *e)
{
    doc_heading(&x->d, 2, "Experiment %s", e->name);
    doc_text(&x->d, "%d configuration(s), %d run(s). Mean ± 95%% CI half-width over seeds.", e->ngroups,
             e->runs.nrows);
    rpt_generic_table(x, e);
    return 0;
}
