/* report_inference: the claims about inference with dropout — forgetting eval mode (one pass with dropout
   left on) and the ensemble view (weight scaling against the average of K dropout passes). Both compare
   metrics of the same runs, so the tests are paired by run. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXG 32
#define CHANCE 10.0            /* accuracy (%) of a random guess among Fashion-MNIST's 10 classes */
#define EQUIV_MARGIN 0.5       /* pp: "approximates" = weight scaling within this of the MC average */

static int mc_groups(rpt_exp *e, rpt_group **gs)
{
    int n = 0;
    for (int i = 0; i < e->ngroups && n < MAXG; i++)
        if (rpt_cfg_num(e, &e->groups[i], "mc_samples") > 0) gs[n++] = &e->groups[i];
    return n;
}

static void sum_cell(doc_rowbuf *r, const rpt_exp *e, const rpt_group *g, rpt_metric m)
{
    char b[96];
    stats_summary s;
    rpt_summary(e, g, m, &s);
    doc_rb_add(r, "%s", rpt_fmt_sum(b, sizeof b, &s, 2));
}

static void diff_cell(doc_rowbuf *r, const rpt_cmp *c)
{
    char b1[96], b2[96];
    if (!c->ok) doc_rb_add(r, "—");
    else doc_rb_add(r, "%s, p %s", rpt_fmt_diff(b1, sizeof b1, c, 2), rpt_fmt_p(b2, sizeof b2, c));
}

/* Bars per configuration of up to three accuracies of the same runs. */
static void inference_bars(rpt_ctx *x, const rpt_exp *e, rpt_group **gs, int n, const rpt_metric *m,
                           const char *const *names, int nm, const char *what, const char *caption)
{
    char lab[MAXG][48], base[256], title[256];
    const char *rows[MAXG];
    stats_summary v[3 * MAXG];
    for (int i = 0; i < n; i++) {
        snprintf(lab[i], sizeof lab[i], "p=%g", rpt_cfg_num(e, gs[i], "dropout"));
        rows[i] = lab[i];
        for (int k = 0; k < nm; k++) rpt_summary(e, gs[i], m[k], &v[k * n + i]);
    }
    snprintf(base, sizeof base, "%s_bars", e->name);
    snprintf(title, sizeof title, "%s: %s (mean, 95%% CI over seeds)", e->name, what);
    char ymin[32], ymax[32];
    rpt_zoom_range(v, nm * n, ymin, ymax, sizeof ymin);
    const char *kv[] = { "title", title, "xlabel", "dropout rate of the trained model", "ylabel", "test accuracy (%)",
                         "ymin", ymin, "ymax", ymax };
    if (rpt_plot_series(&x->plot, "bars_ci", base, "rate", rows, n, names, nm, v, 5, kv) == 0)
        doc_image(&x->d, base, caption);
}

int rpt_section_eval_mode(rpt_ctx *x, rpt_exp *e)
{
    doc *d = &x->d;
    doc_heading(d, 2, "Forgetting model.eval() (%s)", e->name);
    rpt_group *gs[MAXG];
    int n = mc_groups(e, gs);
    if (n == 0) { doc_text(d, "No run of %s has mc_samples > 0, so none measured dropout-on inference.", e->name); return -1; }
    rpt_cmp c[MAXG];
    int with_dropout[MAXG], nd = 0;
    for (int i = 0; i < n; i++) {
        rpt_compare_within(e, gs[i], M_ACC_DROPOUT_ON, M_TEST_ACC, &c[i]);
        if (rpt_cfg_num(e, gs[i], "dropout") > 0 || rpt_cfg_num(e, gs[i], "input_dropout") > 0) with_dropout[nd++] = i;
        else c[i].ok = 0;   /* no dropout: both passes are the same network */
    }
    rpt_holm(c, n);
    doc_text(d, "Each trained model is evaluated twice on the test set: in eval mode (dropout off, weight "
             "scaling) and with dropout left on (one pass, as after a forgotten model.eval()). Δ = dropout-on "
             "minus eval-mode accuracy, paired by run (95%% CI, pp; Holm over the rates). Prediction change = "
             "fraction of test inputs whose predicted class differs between two dropout-on passes.");
    doc_rowbuf row;
    doc_rb_clear(&row);
    const char *h[] = { "p", "n", "Eval mode (%)", "Dropout on (%)", "Δ (pp)", "Prediction change (%)" };
    for (int i = 0; i < 6; i++) doc_rb_add(&row, "%s", h[i]);
    doc_table(d, &row);
    for (int i = 0; i < n; i++) {
        doc_rb_clear(&row);
        doc_rb_add(&row, "%g", rpt_cfg_num(e, gs[i], "dropout"));
        doc_rb_add(&row, "%d", gs[i]->n);
        sum_cell(&row, e, gs[i], M_TEST_ACC);
        sum_cell(&row, e, gs[i], M_ACC_DROPOUT_ON);
        diff_cell(&row, &c[i]);
        sum_cell(&row, e, gs[i], M_PRED_CHANGE);
        doc_row(d, &row);
    }
    const rpt_metric m[] = { M_TEST_ACC, M_ACC_DROPOUT_ON };
    const char *names[] = { "eval mode (dropout off)", "train mode (dropout on, 1 pass)" };
    inference_bars(x, e, gs, n, m, names, 2, "test accuracy, eval mode vs dropout left on",
                   "Test accuracy in eval mode and with dropout left on, per trained dropout rate; 95% CIs; the y axis does not start at zero.");

    doc_heading(d, 3, "Claim: forgetting model.eval() gives random predictions");
    doc_quote(d, "Forgetting model.eval(): Dropout stays active during testing, giving random predictions. Always "
                 "call model.eval() before inference.");
    rpt_cmp cd[MAXG];
    char nums[1536] = "", nums2[1024] = "";
    int above_chance = 0, at_chance = 0;
    for (int k = 0; k < nd; k++) {
        int i = with_dropout[k];
        cd[k] = c[i];
        char b1[96], b2[96];
        stats_summary on, pc;
        rpt_summary(e, gs[i], M_ACC_DROPOUT_ON, &on);
        rpt_summary(e, gs[i], M_PRED_CHANGE, &pc);
        size_t len = strlen(nums);
        snprintf(nums + len, sizeof nums - len, "%sp=%g: Δ %s pp, p %s", len ? "; " : "", rpt_cfg_num(e, gs[i], "dropout"),
                 rpt_fmt_diff(b1, sizeof b1, &c[i], 2), rpt_fmt_p(b2, sizeof b2, &c[i]));
        len = strlen(nums2);
        snprintf(nums2 + len, sizeof nums2 - len, "%sp=%g: dropout-on accuracy %s%%, prediction change %s%%",
                 len ? "; " : "", rpt_cfg_num(e, gs[i], "dropout"), rpt_fmt_sum(b1, sizeof b1, &on, 2),
                 rpt_fmt_sum(b2, sizeof b2, &pc, 2));
        if (on.n >= 2 && on.ci_lo > CHANCE) above_chance++;
        if (on.n >= 2 && on.ci_lo <= CHANCE) at_chance++;
    }
    rpt_verdict_line(x, e, "forgetting eval mode lowers accuracy", nd ? rpt_rule_all(cd, nd, -1) : V_INCONCLUSIVE,
                     "dropout-on minus eval-mode accuracy per rate p > 0, paired by run (Holm); supported if every "
                     "difference is significantly negative, contradicted if any is significantly positive, else "
                     "inconclusive.", nd ? nums : "no run with dropout > 0.");
    rpt_verdict v = nd && at_chance == nd ? V_SUPPORTED : nd && above_chance == nd ? V_CONTRADICTED : V_INCONCLUSIVE;
    rpt_verdict_line(x, e, "forgetting eval mode gives random predictions", v,
                     "reading \"random\" as no better than chance (10 classes: 10%): supported if at every rate "
                     "p > 0 the 95% CI of the dropout-on accuracy reaches down to 10%, contradicted if at every "
                     "rate it lies entirely above 10%, else inconclusive.", nd ? nums2 : "no run with dropout > 0.");
    return 0;
}

int rpt_section_ensemble(rpt_ctx *x, rpt_exp *e)
{
    doc *d = &x->d;
    doc_heading(d, 2, "Weight scaling as an ensemble average (%s)", e->name);
    rpt_group *all[MAXG], *gs[MAXG];
    int na = mc_groups(e, all), n = 0;
    for (int i = 0; i < na; i++)
        if (rpt_cfg_num(e, all[i], "dropout") > 0) gs[n++] = all[i];
    if (n == 0) { doc_text(d, "No run of %s has dropout > 0 and mc_samples > 0.", e->name); return -1; }
    rpt_cmp ws_mc[MAXG], mc_one[MAXG];
    for (int i = 0; i < n; i++) {
        rpt_compare_within(e, gs[i], M_TEST_ACC, M_ACC_MC, &ws_mc[i]);
        rpt_compare_within(e, gs[i], M_ACC_MC, M_ACC_DROPOUT_ON, &mc_one[i]);
    }
    rpt_holm(ws_mc, n);
    rpt_holm(mc_one, n);
    doc_text(d, "Weight scaling = the usual eval-mode network (all units on; inverted dropout already scaled "
             "during training). MC average = mean of the softmax over K dropout-on passes. Single pass = one "
             "dropout-on pass. Differences paired by run (95%% CI, pp; Holm over the rates).");
    doc_rowbuf row;
    doc_rb_clear(&row);
    const char *h[] = { "p", "K", "n", "Weight scaling (%)", "MC average (%)", "Single pass (%)",
                        "Weight scaling − MC (pp)", "MC − single pass (pp)" };
    for (int i = 0; i < 8; i++) doc_rb_add(&row, "%s", h[i]);
    doc_table(d, &row);
    for (int i = 0; i < n; i++) {
        doc_rb_clear(&row);
        doc_rb_add(&row, "%g", rpt_cfg_num(e, gs[i], "dropout"));
        doc_rb_add(&row, "%s", rpt_cfg(e, gs[i], "mc_samples"));
        doc_rb_add(&row, "%d", gs[i]->n);
        sum_cell(&row, e, gs[i], M_TEST_ACC);
        sum_cell(&row, e, gs[i], M_ACC_MC);
        sum_cell(&row, e, gs[i], M_ACC_DROPOUT_ON);
        diff_cell(&row, &ws_mc[i]);
        diff_cell(&row, &mc_one[i]);
        doc_row(d, &row);
    }
    const rpt_metric m[] = { M_TEST_ACC, M_ACC_MC, M_ACC_DROPOUT_ON };
    const char *names[] = { "weight scaling", "MC average of K passes", "single dropout pass" };
    inference_bars(x, e, gs, n, m, names, 3, "weight scaling vs MC average vs one pass",
                   "Test accuracy by inference method per dropout rate; 95% CIs; the y axis does not start at zero.");

    doc_heading(d, 3, "Claim: test-time weight scaling approximates averaging the sub-networks");
    doc_quote(d, "During training, you're randomly sampling and training many of these sub-networks. At test "
                 "time (with all neurons active), you're effectively averaging the predictions of all these "
                 "sub-networks.");
    int inside = 0, outside = 0;
    char nums[1536] = "";
    for (int i = 0; i < n; i++) {
        char b[96];
        const rpt_cmp *c = &ws_mc[i];
        inside += c->ok && c->t.ci_lo >= -EQUIV_MARGIN && c->t.ci_hi <= EQUIV_MARGIN;
        outside += c->ok && (c->t.ci_lo > EQUIV_MARGIN || c->t.ci_hi < -EQUIV_MARGIN);
        size_t len = strlen(nums);
        snprintf(nums + len, sizeof nums - len, "%sp=%g, K=%s: weight scaling − MC %s pp", len ? "; " : "",
                 rpt_cfg_num(e, gs[i], "dropout"), rpt_cfg(e, gs[i], "mc_samples"), rpt_fmt_diff(b, sizeof b, c, 2));
    }
    rpt_verdict v = inside == n ? V_SUPPORTED : outside > 0 ? V_CONTRADICTED : V_INCONCLUSIVE;
    char rule[512];
    snprintf(rule, sizeof rule, "an equivalence test with margin ±%.1f pp: supported if at every rate the 95%% CI "
             "of weight-scaling minus MC-average accuracy lies inside ±%.1f pp, contradicted if at any rate it "
             "lies entirely outside, else inconclusive.", EQUIV_MARGIN, EQUIV_MARGIN);
    rpt_verdict_line(x, e, "weight scaling approximates the ensemble average", v, rule, nums);
    return 0;
}
