/* report_stats: metric values per configuration, comparisons between configurations, the verdict rules,
   and how numbers are printed. The arithmetic itself is stats.c's. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runs.csv column of each metric, and its scale in the report (fractions become percent). */
static const struct { const char *col; double scale; } metric_def[M_COUNT] = {
    [M_TEST_ACC] = { "test_acc", 100 },
    [M_TRAIN_ACC] = { "train_acc", 100 },
    [M_GAP] = { NULL, 100 },                       /* train_acc - test_acc, per run */
    [M_BEST_EPOCH] = { "best_epoch", 1 },
    [M_SEC_EPOCH] = { "sec_per_epoch", 1 },
    [M_EPOCHS_RUN] = { "epochs_run", 1 },
    [M_ACC_DROPOUT_ON] = { "test_acc_dropout_on", 100 },
    [M_PRED_CHANGE] = { "pred_change", 100 },
    [M_ACC_MC] = { "test_acc_mc", 100 },
    [M_TRAIN_LOSS] = { "train_loss", 1 },
    [M_VAL_LOSS] = { "val_loss", 1 },
    [M_VAL_ACC] = { "val_acc", 100 },
    [M_TEST_LOSS] = { "test_loss", 1 },
    [M_SECONDS] = { "seconds", 1 },
};

int rpt_metric_find(const char *name)
{
    if (!strcmp(name, "gap")) return M_GAP;
    for (int m = 0; m < M_COUNT; m++)
        if (metric_def[m].col && !strcmp(metric_def[m].col, name)) return m;
    return -1;
}

const char *rpt_metric_name(rpt_metric m) { return m == M_GAP ? "gap" : metric_def[m].col; }

const char *rpt_metric_unit(rpt_metric m) { return m == M_GAP ? "pp" : metric_def[m].scale == 100 ? "%" : ""; }

int rpt_values(const rpt_exp *e, const rpt_group *g, rpt_metric m, double *out)
{
    const table *t = &e->runs;
    int a = table_col(t, m == M_GAP ? "train_acc" : metric_def[m].col);
    int b = m == M_GAP ? table_col(t, "test_acc") : -1;
    for (int i = 0; i < g->n; i++) {
        double v = a < 0 ? NAN : table_num(t, g->rows[i], a);
        if (m == M_GAP) v = b < 0 ? NAN : v - table_num(t, g->rows[i], b);
        out[i] = v * metric_def[m].scale;
    }
    return g->n;
}

void rpt_summary(const rpt_exp *e, const rpt_group *g, rpt_metric m, stats_summary *s)
{
    double *v = malloc((size_t)(g->n + 1) * sizeof *v);
    if (!v) { perror("report"); abort(); }
    rpt_values(e, g, m, v);
    stats_summarize(v, g->n, RPT_LEVEL, s);
    free(v);
}

void rpt_summary_pooled(const rpt_exp *e, rpt_group *const *gs, int ng, rpt_metric m, stats_summary *s)
{
    int total = 0;
    for (int i = 0; i < ng; i++) total += gs[i]->n;
    double *v = malloc((size_t)(total + 1) * sizeof *v);
    if (!v) { perror("report"); abort(); }
    int k = 0;
    for (int i = 0; i < ng; i++) k += rpt_values(e, gs[i], m, v + k);
    stats_summarize(v, total, RPT_LEVEL, s);
    free(v);
}

/* Both groups hold the same seeds, each once: then a run of g and the run of ref with its seed share
   the data split and initial weights, and the paired test is the right one. */
static int same_seeds(const rpt_group *g, const rpt_group *ref, int *order)
{
    if (g->n != ref->n) return 0;
    for (int i = 0; i < g->n; i++) {
        int hits = 0;
        for (int j = 0; j < ref->n; j++)
            if (ref->seeds[j] == g->seeds[i]) { order[i] = j; hits++; }
        for (int j = 0; j < g->n; j++)
            if (j != i && g->seeds[j] == g->seeds[i]) hits = 2;
        if (hits != 1) return 0;
    }
    return 1;
}

void rpt_compare(const rpt_exp *e, const rpt_group *g, const rpt_group *ref, rpt_metric m, rpt_cmp *c)
{
    memset(c, 0, sizeof *c);
    c->p_holm = NAN;
    size_t sz = (size_t)(g->n + ref->n + 1) * sizeof(double);
    double *x = malloc(sz), *r = malloc(sz), *rr = malloc(sz);
    int *order = malloc((size_t)(g->n + 1) * sizeof *order);
    if (!x || !r || !rr || !order) { perror("report"); abort(); }
    rpt_values(e, g, m, x);
    rpt_values(e, ref, m, r);
    int rc;
    if (same_seeds(g, ref, order)) {
        int k = 0;   /* drop pairs with a missing side */
        for (int i = 0; i < g->n; i++)
            if (!isnan(x[i]) && !isnan(r[order[i]])) { x[k] = x[i]; rr[k] = r[order[i]]; k++; }
        rc = stats_paired(x, rr, k, RPT_LEVEL, &c->t);
    } else {
        rc = stats_welch(x, g->n, r, ref->n, RPT_LEVEL, &c->t);
    }
    c->ok = rc == 0 && !isnan(c->t.p);
    free(x); free(r); free(rr); free(order);
}

void rpt_compare_within(const rpt_exp *e, const rpt_group *g, rpt_metric a, rpt_metric b, rpt_cmp *c)
{
    memset(c, 0, sizeof *c);
    c->p_holm = NAN;
    size_t sz = (size_t)(g->n + 1) * sizeof(double);
    double *x = malloc(sz), *y = malloc(sz);
    if (!x || !y) { perror("report"); abort(); }
    rpt_values(e, g, a, x);
    rpt_values(e, g, b, y);
    int k = 0;
    for (int i = 0; i < g->n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) { x[k] = x[i]; y[k] = y[i]; k++; }
    c->ok = stats_paired(x, y, k, RPT_LEVEL, &c->t) == 0 && !isnan(c->t.p);
    free(x); free(y);
}

void rpt_holm(rpt_cmp *c, int n)
{
    double *p = malloc((size_t)(n + 1) * sizeof *p), *adj = malloc((size_t)(n + 1) * sizeof *adj);
    int *idx = malloc((size_t)(n + 1) * sizeof *idx);
    if (!p || !adj || !idx) { perror("report"); abort(); }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (c[i].ok) { idx[k] = i; p[k++] = c[i].t.p; }
    if (k > 0) stats_holm(p, k, adj);
    for (int i = 0; i < k; i++) c[idx[i]].p_holm = adj[i];
    free(p); free(adj); free(idx);
}

int rpt_significant(const rpt_cmp *c, int sign)
{
    return c->ok && !isnan(c->p_holm) && c->p_holm < RPT_ALPHA && c->t.diff * sign > 0;
}

const char *rpt_verdict_word(rpt_verdict v)
{
    static const char *const words[] = { "inconclusive", "supported", "contradicted" };
    return words[v];
}

static rpt_verdict rule(const rpt_cmp *c, int n, int sign, int need_all)
{
    int with = 0, against = 0, tested = 0;
    for (int i = 0; i < n; i++) {
        tested += c[i].ok;
        with += rpt_significant(&c[i], sign);
        against += rpt_significant(&c[i], -sign);
    }
    if (tested == 0) return V_INCONCLUSIVE;
    if (need_all ? against > 0 : 2 * against > n) return V_CONTRADICTED;
    if (need_all ? with == n : 2 * with > n) return V_SUPPORTED;
    return V_INCONCLUSIVE;
}

rpt_verdict rpt_rule_all(const rpt_cmp *c, int n, int sign) { return rule(c, n, sign, 1); }
rpt_verdict rpt_rule_majority(const rpt_cmp *c, int n, int sign) { return rule(c, n, sign, 0); }

const char *rpt_fmt_sum(char *buf, size_t n, const stats_summary *s, int decimals)
{
    if (s->n == 0 || isnan(s->mean)) snprintf(buf, n, "—");
    else if (s->n < 2 || isnan(s->ci_hi)) snprintf(buf, n, "%.*f (n=%d)", decimals, s->mean, s->n);
    else snprintf(buf, n, "%.*f ± %.*f", decimals, s->mean, decimals, (s->ci_hi - s->ci_lo) / 2);
    return buf;
}

const char *rpt_fmt_diff(char *buf, size_t n, const rpt_cmp *c, int decimals)
{
    if (!c->ok) snprintf(buf, n, "—");
    else snprintf(buf, n, "%+.*f [%+.*f, %+.*f]", decimals, c->t.diff, decimals, c->t.ci_lo,
                  decimals, c->t.ci_hi);
    return buf;
}

const char *rpt_fmt_p(char *buf, size_t n, const rpt_cmp *c)
{
    if (!c->ok) snprintf(buf, n, "—");
    else if (c->t.p < 1e-16)   /* zero spread of the differences: the t statistic is infinite */
        snprintf(buf, n, "< 1e-16 (%s, no spread)", c->t.paired ? "paired" : "Welch");
    else if (isnan(c->p_holm)) snprintf(buf, n, "%.3g (%s)", c->t.p, c->t.paired ? "paired" : "Welch");
    else snprintf(buf, n, "%.3g (Holm %.3g, %s)", c->t.p, c->p_holm, c->t.paired ? "paired" : "Welch");
    return buf;
}
