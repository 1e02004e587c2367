/* report_auto_plots: the automatic section's plots (see report_auto.h). Each numeric axis: accuracy and gap
   against it, a line per value of a second axis; two numeric axes: a heat map; each categorical axis:
   bars; learning curves. Columns not on a plot's axes are held at the reference's values. */
#include "report_auto.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Other columns at the reference's values: a=1, b=2." for a caption, or "" when none is held. */
static void held_note(const auto_ctx *c, const int *held, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int k = 0; k < c->naxes && len < n; k++) {
        if (!held[k]) continue;
        int col = c->axes[k].col;
        len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : " Other columns at the reference's values: ",
                                c->e->runs.cols[col], table_cell(&c->e->runs, c->ref->first, col));
    }
    if (len && len < n) snprintf(buf + len, n - len, ".");
}

/* The second axis of a plot over axis ka: the first other axis along which ka itself varies (some value of
   it goes with two values of ka, so its lines have more than one point), or -1. */
static int second_axis(const auto_ctx *c, int ka)
{
    const auto_axis *a = &c->axes[ka];
    for (int k = 0; k < c->naxes; k++) {
        if (k == ka) continue;
        const auto_axis *b = &c->axes[k];
        char *seen = calloc((size_t)a->nvals * (size_t)b->nvals, 1);
        int *count = calloc((size_t)b->nvals, sizeof *count), ok = 0;
        if (!seen || !count) { perror("report"); abort(); }
        for (int g = 0; g < c->e->ngroups && !ok; g++) {
            int i = auto_value_index(c, a, &c->e->groups[g]), j = auto_value_index(c, b, &c->e->groups[g]);
            if (i < 0 || j < 0 || seen[(size_t)i * b->nvals + j]) continue;
            seen[(size_t)i * b->nvals + j] = 1;
            ok = ++count[j] >= 2;
        }
        free(seen);
        free(count);
        if (ok) return k;
    }
    return -1;
}

/* Accuracy (test and train) and gap against numeric axis ka, one line per value of the second axis. */
static void axis_plot(auto_ctx *c, int ka)
{
    rpt_exp *e = c->e;
    const auto_axis *a = &c->axes[ka];
    int kb = second_axis(c, ka);
    const auto_axis *b = kb >= 0 ? &c->axes[kb] : NULL;
    int nb = b ? (b->nvals < AUTO_MAXSERIES ? b->nvals : AUTO_MAXSERIES) : 1, nr = a->nvals;
    stats_summary *acc = calloc((size_t)(2 * nb * nr), sizeof *acc), *gap = calloc((size_t)(nb * nr), sizeof *gap);
    char (*names)[160] = calloc((size_t)(3 * nb), sizeof *names);
    const char **np = calloc((size_t)(3 * nb), sizeof *np);
    if (!acc || !gap || !names || !np) { perror("report"); abort(); }
    int held[AUTO_MAXAXES], *filled = calloc((size_t)nr, sizeof *filled), nfilled = 0;
    if (!filled) { perror("report"); abort(); }
    auto_slice(c, ka, kb, held);
    for (int g = 0; g < e->ngroups; g++) {
        const rpt_group *gr = &e->groups[g];
        if (!auto_on_slice(c, gr, held)) continue;
        int ia = auto_value_index(c, a, gr), ib = b ? auto_value_index(c, b, gr) : 0;
        if (ia < 0 || ib < 0 || ib >= nb) continue;
        rpt_summary(e, gr, M_TEST_ACC, &acc[(size_t)(2 * ib) * nr + ia]);
        nfilled += !filled[ia] && gr->n > 0;    /* an x with a run ok (a search prunes whole configurations) */
        filled[ia] |= gr->n > 0;
        rpt_summary(e, gr, M_TRAIN_ACC, &acc[(size_t)(2 * ib + 1) * nr + ia]);
        rpt_summary(e, gr, M_GAP, &gap[(size_t)ib * nr + ia]);
    }
    const char *bname = b ? e->runs.cols[b->col] : "";
    for (int i = 0; i < nb; i++) {
        snprintf(names[2 * i], 160, b ? "test, %s=%s" : "test", bname, b ? b->vals[i] : "");
        snprintf(names[2 * i + 1], 160, b ? "train, %s=%s" : "train", bname, b ? b->vals[i] : "");
        snprintf(names[2 * nb + i], 160, b ? "%s=%s" : "gap", bname, b ? b->vals[i] : "");
    }
    for (int i = 0; i < 3 * nb; i++) np[i] = names[i];
    free(filled);
    if (nfilled < 2) { free(acc); free(gap); free(names); free(np); return; }   /* one point is no line */
    const char *aname = e->runs.cols[a->col];
    double lo = strtod(a->vals[0], NULL);
    double hi = strtod(a->vals[nr - 1], NULL);
    const char *logx = lo > 0 && hi / lo >= 20 ? "1" : "0";
    char base[300], title[600], note[1024], cap[2048], ymin[32], ymax[32];
    held_note(c, held, note, sizeof note);
    char more[256] = "";
    if (b && b->nvals > nb) snprintf(more, sizeof more, " Lines for the first %d of the %d values of %s.", nb, b->nvals, bname);

    snprintf(base, sizeof base, "%s_acc_vs_%s", auto_prefix(e), aname);
    rpt_safe_name(base);
    snprintf(title, sizeof title, "%s: accuracy against %s", c->title, aname);
    rpt_zoom_range(acc, 2 * nb * nr, ymin, ymax, sizeof ymin);
    const char *kv[] = { "title", title, "xlabel", aname, "ylabel", "accuracy (%)", "pairs", "1", "logx", logx };
    if (rpt_plot_series(&c->x->plot, "lines_ci", base, aname, a->vals, nr, np, 2 * nb, acc, 5, kv) == 0) {
        snprintf(cap, sizeof cap, "Test (solid) and train (dashed) accuracy against %s: mean over seeds with 95%% CI.%s%s",
                 aname, note, more);
        doc_image(&c->x->d, base, cap);
    }
    snprintf(base, sizeof base, "%s_gap_vs_%s", auto_prefix(e), aname);
    rpt_safe_name(base);
    snprintf(title, sizeof title, "%s: generalization gap against %s", c->title, aname);
    const char *kv2[] = { "title", title, "xlabel", aname, "ylabel", "gap, train - test accuracy (pp)", "pairs", "0",
                          "logx", logx };
    if (rpt_plot_series(&c->x->plot, "lines_ci", base, aname, a->vals, nr, np + 2 * nb, nb, gap, 5, kv2) == 0) {
        snprintf(cap, sizeof cap, "Generalization gap (train − test accuracy, per run) against %s: mean with 95%% CI.%s%s",
                 aname, note, more);
        doc_image(&c->x->d, base, cap);
    }
    free(acc); free(gap); free(names); free(np);
}

void auto_axis_plots(auto_ctx *c)
{
    for (int k = 0; k < c->naxes; k++)
        if (c->axes[k].numeric && c->axes[k].nvals >= 2) axis_plot(c, k);
}

void auto_heatmap(auto_ctx *c)
{
    int ka = -1, kb = -1;
    for (int k = 0; k < c->naxes; k++)
        if (c->axes[k].numeric) { if (ka < 0) ka = k; else if (kb < 0) kb = k; }
    if (kb < 0) return;
    rpt_exp *e = c->e;
    const auto_axis *a = &c->axes[ka], *b = &c->axes[kb];
    double *v = malloc((size_t)(a->nvals * b->nvals) * sizeof *v);
    if (!v) { perror("report"); abort(); }
    for (int i = 0; i < a->nvals * b->nvals; i++) v[i] = NAN;
    double widest = 0;
    int held[AUTO_MAXAXES], rows = 0, cols = 0;
    char *row_ok = calloc((size_t)a->nvals, 1), *col_ok = calloc((size_t)b->nvals, 1);
    if (!row_ok || !col_ok) { perror("report"); abort(); }
    auto_slice(c, ka, kb, held);
    for (int g = 0; g < e->ngroups; g++) {
        const rpt_group *gr = &e->groups[g];
        if (!auto_on_slice(c, gr, held) || gr->n == 0) continue;   /* cells with no run ok (pruned) stay n/a */
        int ia = auto_value_index(c, a, gr), ib = auto_value_index(c, b, gr);
        if (ia < 0 || ib < 0) continue;
        rows += !row_ok[ia];
        cols += !col_ok[ib];
        row_ok[ia] = col_ok[ib] = 1;
        stats_summary s;
        rpt_summary(e, gr, M_TEST_ACC, &s);
        v[(size_t)ia * b->nvals + ib] = s.mean;
        if (s.n >= 2 && (s.ci_hi - s.ci_lo) / 2 > widest) widest = (s.ci_hi - s.ci_lo) / 2;
    }
    free(row_ok);
    free(col_ok);
    if (rows < 2 || cols < 2) { free(v); return; }   /* a grid needs two values of each with runs ok */
    char base[300], title[600], note[1024], cap[2048];
    const char *an = e->runs.cols[a->col], *bn = e->runs.cols[b->col];
    snprintf(base, sizeof base, "%s_heatmap_%s_%s", auto_prefix(e), an, bn);
    rpt_safe_name(base);
    snprintf(title, sizeof title, "%s: test accuracy (%%) by %s and %s", c->title, an, bn);
    const char *kv[] = { "title", title, "xlabel", bn, "ylabel", an, "cblabel", "test accuracy (%)", "fmt", "%.2f" };
    held_note(c, held, note, sizeof note);
    if (rpt_plot_heatmap(&c->x->plot, base, a->vals, a->nvals, b->vals, b->nvals, v, 5, kv) == 0) {
        snprintf(cap, sizeof cap, "Mean test accuracy (%%) over seeds for each %s and %s. The colour scale spans only "
                 "the range of these means (see its label); the widest 95%% CI half-width of a cell is %.2f pp, so "
                 "colour differences smaller than that are noise.%s", an, bn, widest, note);
        doc_image(&c->x->d, base, cap);
    }
    free(v);
}

void auto_bars(auto_ctx *c)
{
    rpt_exp *e = c->e;
    for (int ka = 0; ka < c->naxes; ka++) {
        const auto_axis *a = &c->axes[ka];
        if (a->numeric || a->nvals < 2) continue;
        stats_summary *v = calloc((size_t)a->nvals, sizeof *v);
        if (!v) { perror("report"); abort(); }
        int held[AUTO_MAXAXES], nfilled = 0;
        auto_slice(c, ka, -1, held);
        for (int g = 0; g < e->ngroups; g++) {
            const rpt_group *gr = &e->groups[g];
            int ia = auto_value_index(c, a, gr);
            if (ia < 0 || !auto_on_slice(c, gr, held)) continue;
            rpt_summary(e, gr, M_TEST_ACC, &v[ia]);
        }
        for (int i = 0; i < a->nvals; i++) nfilled += v[i].n > 0;   /* values with a run ok (not all pruned) */
        if (nfilled < 2) { free(v); continue; }
        char base[300], title[600], note[1024], cap[2048], ymin[32], ymax[32], zero[160] = "";
        const char *an = e->runs.cols[a->col], *names[] = { "test accuracy" };
        rpt_zoom_range(v, a->nvals, ymin, ymax, sizeof ymin);
        if (ymin[0] && strtod(ymin, NULL) != 0)
            snprintf(zero, sizeof zero, " The accuracy axis starts at %s %%, not at zero, to show differences of a "
                     "few points.", ymin);
        snprintf(base, sizeof base, "%s_bars_%s", auto_prefix(e), an);
        rpt_safe_name(base);
        snprintf(title, sizeof title, "%s: test accuracy by %s", c->title, an);
        const char *kv[] = { "title", title, "xlabel", an, "ylabel", "test accuracy (%)", "ymin", ymin, "ymax", ymax };
        held_note(c, held, note, sizeof note);
        if (rpt_plot_series(&c->x->plot, "bars_ci", base, an, a->vals, a->nvals, names, 1, v, 5, kv) == 0) {
            snprintf(cap, sizeof cap, "Test accuracy by %s: mean over seeds with 95%% CI.%s%s", an, zero, note);
            doc_image(&c->x->d, base, cap);
        }
        free(v);
    }
}

/* Learning curves of at most AUTO_MAXCURVES configurations: all when they fit, else the reference, the best
   on validation accuracy, and others evenly spaced in table order. */
void auto_curves(auto_ctx *c)
{
    rpt_exp *e = c->e;
    int ng = e->ngroups, n = 0;
    rpt_group **gs = calloc((size_t)AUTO_MAXCURVES, sizeof *gs);
    char (*names)[256] = calloc(AUTO_MAXCURVES, sizeof *names);
    const char *np[AUTO_MAXCURVES];
    if (!gs || !names) { perror("report"); abort(); }
    if (ng <= AUTO_MAXCURVES) {
        for (int g = 0; g < ng; g++) gs[n++] = &e->groups[g];
    } else {
        gs[n++] = (rpt_group *)c->ref;
        if (c->best && c->best != c->ref) gs[n++] = (rpt_group *)c->best;
        for (int i = 0; n < AUTO_MAXCURVES && i < AUTO_MAXCURVES; i++) {
            rpt_group *g = &e->groups[(size_t)i * (size_t)ng / AUTO_MAXCURVES];
            int dup = 0;
            for (int j = 0; j < n; j++) dup |= gs[j] == g;
            if (!dup) gs[n++] = g;
        }
    }
    for (int i = 0; i < n; i++) {
        rpt_label(e, gs[i], names[i], sizeof names[i]);
        np[i] = names[i];
    }
    if (ng > n)
        doc_text(&c->x->d, "Learning curves of %d of the %d configurations: the reference, the best on validation "
                 "accuracy, and others spread evenly over the table's order.", n, ng);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s_auto", auto_prefix(e));
    rpt_curves_named(c->x, e, prefix, c->title, gs, np, n);
    free(gs);
    free(names);
}
