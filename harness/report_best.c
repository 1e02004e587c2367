/* report_best: the best configuration at each value of a column the experiment names ([sweep] best_per =
   train_size): chosen on mean validation accuracy among the configurations with that value, its test accuracy
   reported, and its difference from the reference at the same value (paired by seed, Holm over the values).
   "Which dropout rate is best at each data size" is one such table; no column is known here by name. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *value;          /* of the best_per column */
    const rpt_group *best, *ref; /* ref NULL: no single reference configuration at this value */
    rpt_cmp cmp;
} best_row;

static int value_cmp(const void *a, const void *b)
{
    return runset_cell_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct values of col over the groups, sorted; returns how many (vals holds ngroups). */
static int distinct_values(const rpt_exp *e, const char *col, const char **vals)
{
    int n = 0;
    for (int g = 0; g < e->ngroups; g++) vals[g] = rpt_cfg(e, &e->groups[g], col);
    qsort(vals, (size_t)e->ngroups, sizeof *vals, value_cmp);
    for (int g = 0; g < e->ngroups; g++)
        if (!n || runset_cell_cmp(vals[n - 1], vals[g])) vals[n++] = vals[g];
    return n;
}

/* 1 when a and b agree on every varying column except col. */
static int same_but(const rpt_exp *e, const rpt_group *a, const rpt_group *b, const char *col)
{
    for (int k = 0; k < e->nvary; k++) {
        const char *name = e->runs.cols[e->vary_cols[k]];
        if (!strcmp(name, col)) continue;
        if (!runset_same_value(rpt_cfg(e, a, name), rpt_cfg(e, b, name))) return 0;
    }
    return 1;
}

/* The reference of best, the best at value v of col. Declared: best's own reference (partner, report_vsref.c),
   when it is at the same value. Else the group at v that agrees with the default reference on the other
   varying columns. */
static const rpt_group *reference_at(const rpt_exp *e, const char *col, const char *v, const rpt_group *best,
                                     const int *partner)
{
    if (e->spec->decl->has_reference) {
        int p = partner[best - e->groups];
        return p >= 0 && runset_same_value(rpt_cfg(e, &e->groups[p], col), v) ? &e->groups[p] : NULL;
    }
    const rpt_group *ref = &e->groups[rpt_default_reference(e)];
    for (int g = 0; g < e->ngroups; g++) {
        const rpt_group *gr = &e->groups[g];
        if (runset_same_value(rpt_cfg(e, gr, col), v) && same_but(e, gr, ref, col)) return gr;
    }
    return NULL;
}

static void fill_rows(const rpt_exp *e, const char *col, best_row *rows, int nv, const int *partner)
{
    for (int i = 0; i < nv; i++) {
        double top = -INFINITY;
        for (int g = 0; g < e->ngroups; g++) {
            const rpt_group *gr = &e->groups[g];
            stats_summary s;
            if (!runset_same_value(rpt_cfg(e, gr, col), rows[i].value)) continue;
            rpt_summary(e, gr, M_VAL_ACC, &s);
            if (s.n && s.mean > top) top = s.mean, rows[i].best = gr;
        }
        if (rows[i].best) rows[i].ref = reference_at(e, col, rows[i].value, rows[i].best, partner);
        if (rows[i].best && rows[i].ref && rows[i].best != rows[i].ref)
            rpt_compare(e, rows[i].best, rows[i].ref, M_TEST_ACC, &rows[i].cmp);
    }
}

static void best_table(rpt_ctx *x, const rpt_exp *e, const char *col, best_row *rows, int nv)
{
    doc *d = &x->d;
    doc_rowbuf r;
    char lab[512], b1[96], b2[128];
    doc_rb_clear(&r);
    doc_rb_add(&r, "%s", col);
    doc_rb_cells(&r, (const char *const[]){ "Chosen on validation", "Runs", "Val acc (%)", "Test acc (%)",
                                            "Reference's test acc (%)", "Δ test acc (pp)", "p (test acc)", NULL });
    doc_table(d, &r);
    for (int i = 0; i < nv; i++) {
        const best_row *w = &rows[i];
        stats_summary sv = {0}, st = {0}, sr = {0};
        if (w->best) rpt_summary(e, w->best, M_VAL_ACC, &sv), rpt_summary(e, w->best, M_TEST_ACC, &st);
        if (w->ref) rpt_summary(e, w->ref, M_TEST_ACC, &sr);
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", w->value);
        if (w->best) rpt_label(e, w->best, lab, sizeof lab);
        doc_rb_add(&r, "%s", w->best ? lab : "no run with a validation accuracy");
        doc_rb_add(&r, "%d", w->best ? w->best->n : 0);
        doc_rb_add(&r, "%s", rpt_fmt_sum(b1, sizeof b1, &sv, 2));
        doc_rb_add(&r, "%s", rpt_fmt_sum(b1, sizeof b1, &st, 2));
        doc_rb_add(&r, "%s", rpt_fmt_sum(b1, sizeof b1, &sr, 2));
        int tested = w->best && w->ref && w->best != w->ref;
        doc_rb_add(&r, "%s", tested ? rpt_fmt_diff(b1, sizeof b1, &w->cmp, 2) : w->ref ? "is the reference" : "—");
        doc_rb_add(&r, "%s", tested ? rpt_fmt_p(b2, sizeof b2, &w->cmp) : "");
        doc_row(d, &r);
    }
}

static void best_per_column(rpt_ctx *x, const rpt_exp *e, const char *col, const int *partner)
{
    const char **vals = malloc(((size_t)e->ngroups + 1) * sizeof *vals);
    best_row *rows = calloc((size_t)e->ngroups + 1, sizeof *rows);
    if (!vals || !rows) { perror("report"); abort(); }
    int nv = distinct_values(e, col, vals), k = 0;
    for (int i = 0; i < nv; i++) rows[i].value = vals[i];
    fill_rows(e, col, rows, nv, partner);
    rpt_cmp *family = calloc((size_t)nv + 1, sizeof *family);
    if (!family) { perror("report"); abort(); }
    for (int i = 0; i < nv; i++)
        if (rows[i].best && rows[i].ref && rows[i].best != rows[i].ref) family[k++] = rows[i].cmp;
    rpt_holm(family, k);
    for (int i = 0, j = 0; i < nv; i++)
        if (rows[i].best && rows[i].ref && rows[i].best != rows[i].ref) rows[i].cmp = family[j++];
    const exp_decl *d = e->spec->decl;
    doc_heading(&x->d, 3, "Best configuration at each %s", col);
    doc_text(&x->d, "At each value of %s, the configuration with the highest mean validation accuracy (the test set "
             "chooses nothing), its test accuracy, and its difference from the reference at the same %s (%s), "
             "paired by seed, Holm-corrected over the %d values where the chosen one is not the reference.",
             col, col, d->has_reference ? d->reference.text : "the default reference", k);
    best_table(x, e, col, rows, nv);
    free(family);
    free(rows);
    free(vals);
}

void rpt_best_per(rpt_ctx *x, const rpt_exp *e, const int *partner)
{
    if (!e->spec || !e->spec->decl || e->ngroups < 2) return;
    for (int k = 0; k < e->spec->decl->nbest_per; k++) best_per_column(x, e, e->spec->decl->best_per[k], partner);
}
