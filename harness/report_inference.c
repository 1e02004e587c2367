/* report_inference: the statistics of a declared claim — each comparison (between configurations paired by
   seed, between two metrics of the same runs, or against a constant; as a difference or a ratio), its
   reading (as predicted, against the prediction, or neither) and the claim's verdict under the one rule of
   its kind. report_claims.c lays them out. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ratio of means a/b with a CI by the delta method (independent samples; Welch-Satterthwaite degrees of
   freedom on the relative variances) and the two-sided p-value of ratio = target. */
static void ratio_test(const stats_summary *a, const stats_summary *b, double target, rpt_cmp *c)
{
    c->t.diff = a->mean / b->mean;
    c->ok = 0;
    if (a->n < 2 || b->n < 2 || !(a->mean > 0) || !(b->mean > 0)) return;
    double va = a->sd * a->sd / (a->n * a->mean * a->mean), vb = b->sd * b->sd / (b->n * b->mean * b->mean);
    double se = c->t.diff * sqrt(va + vb);
    double df = va + vb > 0 ? (va + vb) * (va + vb) / (va * va / (a->n - 1) + vb * vb / (b->n - 1)) : a->n + b->n - 2;
    double tq = stats_t_quantile(0.5 + RPT_LEVEL / 2, df);
    c->t.ci_lo = c->t.diff - tq * se;
    c->t.ci_hi = c->t.diff + tq * se;
    c->t.df = df;
    c->t.t = se > 0 ? (c->t.diff - target) / se : NAN;
    c->t.p = se > 0 ? 2 * (1 - stats_t_cdf(fabs(c->t.t), df)) : NAN;
    c->ok = !isnan(c->t.p);
}

/* The p-value of a difference against a threshold other than zero, from its CI. */
static void retarget(rpt_cmp *c, double thr)
{
    if (!c->ok || thr == 0) return;
    double tq = stats_t_quantile(0.5 + RPT_LEVEL / 2, c->t.df), se = (c->t.ci_hi - c->t.diff) / tq;
    if (!(se > 0)) return;
    c->t.t = (c->t.diff - thr) / se;
    c->t.p = 2 * (1 - stats_t_cdf(fabs(c->t.t), c->t.df));
}

double rpt_claim_threshold(const decl_claim *cl)
{
    return cl->target + (cl->dir == DECL_GREATER ? cl->margin : cl->dir == DECL_LESS ? -cl->margin : 0);
}

void rpt_claim_measure(const rpt_exp *e, const decl_claim *cl, rpt_claim_cmp *k)
{
    int m = rpt_metric_find(cl->metric);
    double thr = rpt_claim_threshold(cl);
    memset(&k->c, 0, sizeof k->c);
    k->c.p_holm = NAN;
    if (cl->vs == DECL_VS_METRIC) {
        rpt_compare_within(e, k->g, (rpt_metric)m, (rpt_metric)rpt_metric_find(cl->vs_metric), &k->c);
    } else if (cl->vs == DECL_VS_VALUE) {
        double *x = malloc((size_t)(k->g->n + 1) * sizeof *x), *r = malloc((size_t)(k->g->n + 1) * sizeof *r);
        if (!x || !r) { perror("report"); abort(); }
        rpt_values(e, k->g, (rpt_metric)m, x);
        int n = 0;
        for (int i = 0; i < k->g->n; i++)
            if (!isnan(x[i])) { x[n] = x[i]; r[n++] = cl->vs_value; }
        k->c.ok = stats_paired(x, r, n, RPT_LEVEL, &k->c.t) == 0 && !isnan(k->c.t.p);
        free(x); free(r);
    } else if (cl->ratio) {
        stats_summary a, b;
        rpt_summary(e, k->g, (rpt_metric)m, &a);
        rpt_summary(e, k->ref, (rpt_metric)m, &b);
        ratio_test(&a, &b, thr, &k->c);
        return;
    } else {
        rpt_compare(e, k->g, k->ref, (rpt_metric)m, &k->c);
    }
    retarget(&k->c, thr);
}

void rpt_claim_read(const decl_claim *cl, rpt_claim_cmp *k, int n)
{
    rpt_cmp *c = malloc((size_t)(n + 1) * sizeof *c);
    if (!c) { perror("report"); abort(); }
    for (int i = 0; i < n; i++) c[i] = k[i].c;
    rpt_holm(c, n);   /* one family: the claim's comparisons, control ones included */
    double thr = rpt_claim_threshold(cl), lo = cl->target - cl->margin, hi = cl->target + cl->margin;
    int sign = cl->dir == DECL_LESS ? -1 : 1;
    for (int i = 0; i < n; i++) {
        const stats_test *t = &c[i].t;
        k[i].c.p_holm = c[i].p_holm;
        k[i].outcome = 0;
        if (!c[i].ok) { k[i].outcome = RPT_UNTESTED; continue; }
        if (cl->dir == DECL_EQUAL) {
            if (t->ci_lo >= lo && t->ci_hi <= hi) k[i].outcome = 1;
            else if (t->ci_lo > hi || t->ci_hi < lo) k[i].outcome = -1;
        } else if (!isnan(c[i].p_holm) && c[i].p_holm < RPT_ALPHA) {
            k[i].outcome = (t->diff - thr) * sign > 0 ? 1 : (t->diff - thr) * sign < 0 ? -1 : 0;
        }
    }
    free(c);
}

rpt_verdict rpt_claim_verdict(const decl_claim *cl, const rpt_claim_cmp *k, int n, rpt_claim_tally *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < n; i++) {
        if (k[i].control) {
            t->ncontrol++;
            t->control_free += k[i].outcome == 0 || k[i].outcome == -1;
            continue;
        }
        t->n++;
        t->tested += k[i].outcome != RPT_UNTESTED;
        t->with += k[i].outcome == 1;
        t->against += k[i].outcome == -1;
    }
    if (t->tested == 0) return V_INCONCLUSIVE;
    int contra = cl->quant == DECL_ALL ? t->against > 0 : cl->quant == DECL_MAJORITY ? 2 * t->against > t->n
                                                                                     : t->against == t->n;
    int supp = cl->quant == DECL_ALL ? t->with == t->n : cl->quant == DECL_MAJORITY ? 2 * t->with > t->n : t->with > 0;
    if (contra) return V_CONTRADICTED;
    if (supp && (!cl->has_control || t->control_free > 0)) return V_SUPPORTED;
    return V_INCONCLUSIVE;
}

const char *rpt_claim_unit(const decl_claim *cl)
{
    const char *u = rpt_metric_unit((rpt_metric)rpt_metric_find(cl->metric));
    return cl->ratio ? "" : !strcmp(u, "%") ? "pp" : u;   /* differences of percentages are points */
}

void rpt_claim_rule(const decl_claim *cl, char *buf, size_t len)
{
    const char *unit = rpt_claim_unit(cl);
    static const char *const every[] = { "every comparison", "more than half of the comparisons",
                                         "at least one comparison" },
                             *const any[] = { "any comparison", "more than half of the comparisons",
                                              "every comparison" };
    char what[256];
    const char *vs = cl->vs == DECL_VS_METRIC ? cl->vs_metric : cl->metric;
    if (cl->ratio)
        snprintf(what, sizeof what, "mean %s of each compared configuration over that of its against configuration "
                 "(delta-method 95%% CI)", cl->metric);
    else if (cl->vs == DECL_VS_METRIC)
        snprintf(what, sizeof what, "%s minus %s on the same runs (paired by run)", cl->metric, vs);
    else if (cl->vs == DECL_VS_VALUE)
        snprintf(what, sizeof what, "mean %s minus %g (one-sample t)", cl->metric, cl->vs_value);
    else
        snprintf(what, sizeof what, "mean %s of each compared configuration minus that of its against configuration "
                 "(paired by seed when the seeds match, else Welch)", cl->metric);
    size_t k;
    if (cl->dir == DECL_EQUAL) {
        k = (size_t)snprintf(buf, len, "%s; supported if its 95%% CI lies within %g ± %g%s%s for %s, "
                             "contradicted if it lies entirely outside for %s, else inconclusive.", what,
                             cl->target, cl->margin, *unit ? " " : "", unit, every[cl->quant], any[cl->quant]);
    } else {
        const char *side = cl->dir == DECL_GREATER ? "above" : "below", *other = cl->dir == DECL_GREATER ? "below" : "above";
        k = (size_t)snprintf(buf, len, "%s, Holm-corrected over the claim's comparisons; supported if it is "
                             "significantly %s %g%s%s (p < %g) for %s, contradicted if significantly %s for %s, else "
                             "inconclusive.", what, side, rpt_claim_threshold(cl), *unit ? " " : "", unit, RPT_ALPHA,
                             every[cl->quant], other, any[cl->quant]);
    }
    if (cl->has_control && k < len)
        snprintf(buf + k - 1, len - k + 1, "; support also needs at least one control comparison (%s) that is not "
                 "%s, so that the effect is specific to the compared configurations.", cl->control.text,
                 cl->dir == DECL_EQUAL ? "within the margin" : "significant in the predicted direction");
}
