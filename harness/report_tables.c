/* report_tables: the tables an experiment declares ([table NAME] in its experiment.ini: verbatim text
   columns beside measured numbers pooled over the configurations each row selects, and differences against
   the reference), and the generic table of every configuration. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_sum(doc_rowbuf *r, const rpt_exp *e, const rpt_group *g, rpt_metric m, int decimals)
{
    char b[96];
    stats_summary s;
    rpt_summary(e, g, m, &s);
    doc_rb_add(r, "%s", rpt_fmt_sum(b, sizeof b, &s, decimals));
}

static int decimals(rpt_metric m) { return m == M_SEC_EPOCH || m == M_SECONDS ? 3 : m == M_BEST_EPOCH || m == M_EPOCHS_RUN ? 1 : 2; }

/* The runs of several configurations as one group (rows and seeds concatenated). */
static void merge(rpt_group *const *gs, int ng, rpt_group *out)
{
    int total = 0;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ng; i++) total += gs[i]->n;
    out->rows = malloc((size_t)(total + 1) * sizeof *out->rows);
    out->seeds = malloc((size_t)(total + 1) * sizeof *out->seeds);
    if (!out->rows || !out->seeds) { perror("report"); abort(); }
    for (int i = 0; i < ng; i++) {
        memcpy(out->rows + out->n, gs[i]->rows, (size_t)gs[i]->n * sizeof *out->rows);
        memcpy(out->seeds + out->n, gs[i]->seeds, (size_t)gs[i]->n * sizeof *out->seeds);
        out->n += gs[i]->n;
        out->ndiverged += gs[i]->ndiverged;
    }
    out->first = ng ? gs[0]->first : 0;
}

/* "0.3, 0.4, 0.5": the values the row's selector is about, per configuration it selects. */
static void row_configs(const rpt_exp *e, const decl_sel *s, rpt_group *const *gs, int ng, char *buf, size_t n)
{
    const char *cols[DECL_MAX_TERMS];
    int nc = 0;
    for (int a = 0; a < s->nalt; a++)
        for (int k = 0; k < s->nterm[a]; k++) {
            int seen = 0;
            for (int j = 0; j < nc; j++) seen |= !strcmp(cols[j], s->term[a][k].col);
            if (!seen && nc < DECL_MAX_TERMS) cols[nc++] = s->term[a][k].col;
        }
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < ng && len < n; i++) {
        len += (size_t)snprintf(buf + len, n - len, "%s", i ? ", " : "");
        for (int j = 0; j < nc && len < n; j++)
            len += (size_t)snprintf(buf + len, n - len, nc > 1 ? "%s%s=%s" : "%s%.0s%s", j ? " " : "", cols[j],
                                    rpt_cfg(e, gs[i], cols[j]));
        if (!nc && len < n) len += (size_t)snprintf(buf + len, n - len, "all");
    }
}

static const rpt_group *reference(const rpt_exp *e, const decl_configs *c)
{
    const rpt_group *ref = NULL;
    if (!e->spec->decl->has_reference) return NULL;
    for (int i = 0; i < e->ngroups; i++)
        if (decl_sel_match(&e->spec->decl->reference, c, i)) {
            if (ref) return NULL;   /* the reference of a table is one configuration */
            ref = &e->groups[i];
        }
    return ref;
}

static void table_header(rpt_ctx *x, const rpt_exp *e, const decl_table *t, const rpt_group *ref)
{
    int nm = t->nmetrics;
    doc_rowbuf row;
    doc_rb_clear(&row);
    for (int k = 0; k < t->ncols; k++) doc_rb_add(&row, "%s", t->cols[k]);
    doc_rb_add(&row, "Configurations");
    doc_rb_add(&row, "n");
    for (int m = 0; m < nm && row.ncols < RPT_MAXCOLS - 1; m++) {
        rpt_metric mm = (rpt_metric)rpt_metric_find(t->metrics[m]);
        const char *u = rpt_metric_unit(mm);
        if (t->delta[m]) {
            doc_rb_add(&row, "Δ %s vs %s (%s)", t->metrics[m], ref ? e->spec->decl->reference.text : "reference",
                       mm == M_GAP || *u == '%' ? "pp" : u);
            doc_rb_add(&row, "p-value");
        } else {
            doc_rb_add(&row, "%s%s%s%s", t->metrics[m], *u ? " (" : "", u, *u ? ")" : "");
        }
    }
    doc_table(&x->d, &row);
}

static void declared_table(rpt_ctx *x, rpt_exp *e, const decl_table *t)
{
    decl_configs c;
    rpt_configs(e, &c);
    const rpt_group *ref = reference(e, &c), *best = rpt_best_on_validation(e);
    int nr = t->nrows, nm = t->nmetrics;
    rpt_group *merged = calloc((size_t)nr, sizeof *merged), **gs = calloc((size_t)e->ngroups + 1, sizeof *gs);
    rpt_cmp *cmp = calloc((size_t)(nr * nm + 1), sizeof *cmp);
    int *ng = calloc((size_t)nr, sizeof *ng), *is_ref = calloc((size_t)nr, sizeof *is_ref);
    if (!merged || !gs || !cmp || !ng || !is_ref) { perror("report"); abort(); }
    for (int r = 0; r < nr; r++) {
        for (int i = 0; i < e->ngroups; i++)
            if (decl_sel_match(&t->rows[r].sel, &c, i)) gs[ng[r]++] = &e->groups[i];
        merge(gs, ng[r], &merged[r]);
        is_ref[r] = ng[r] == 1 && gs[0] == ref;
        for (int m = 0; m < nm; m++)
            if (t->delta[m] && ref && !is_ref[r] && ng[r])
                rpt_compare(e, &merged[r], ref, (rpt_metric)rpt_metric_find(t->metrics[m]), &cmp[m * nr + r]);
    }
    for (int m = 0; m < nm; m++) rpt_holm(&cmp[m * nr], nr);
    doc_heading(&x->d, 3, "%s", t->name);
    if (t->text) doc_text(&x->d, "%s", t->text);
    int ndelta = 0;
    for (int m = 0; m < nm; m++) ndelta += t->delta[m];
    char deltas[640] = "";
    if (ndelta)
        snprintf(deltas, sizeof deltas, " Differences (Δ) are against the reference %s with their 95%% CI (paired "
                 "by seed when the seeds match, else Welch); p-values Holm-corrected per column.",
                 ref ? e->spec->decl->reference.text : "(none declared, or not one configuration: no differences)");
    doc_text(&x->d, "Numbers pool the runs of the configurations each row selects (mean ± 95%% CI half-width).%s%s",
             best ? " The configuration with the best mean validation accuracy is marked (includes best): it is "
                    "chosen on validation, never on test." : "", deltas);
    doc_rowbuf row;
    table_header(x, e, t, ref);
    for (int r = 0; r < nr; r++) {
        char cfgs[512], b1[96], b2[96];
        int k = 0;
        for (int i = 0; i < e->ngroups; i++)
            if (decl_sel_match(&t->rows[r].sel, &c, i)) gs[k++] = &e->groups[i];
        row_configs(e, &t->rows[r].sel, gs, k, cfgs, sizeof cfgs);
        int has_best = 0;
        for (int i = 0; i < k; i++) has_best |= gs[i] == best;
        doc_rb_clear(&row);
        for (int j = 0; j < t->ncols; j++) doc_rb_add(&row, "%s", j < t->rows[r].ncells ? t->rows[r].cells[j] : "");
        doc_rb_add(&row, "%s%s", k ? cfgs : "not run", has_best ? " (includes best)" : "");
        doc_rb_add(&row, "%d", merged[r].n);
        for (int m = 0; m < nm && row.ncols < RPT_MAXCOLS - 1; m++) {
            rpt_metric mm = (rpt_metric)rpt_metric_find(t->metrics[m]);
            if (!t->delta[m]) { add_sum(&row, e, &merged[r], mm, decimals(mm)); continue; }
            doc_rb_add(&row, "%s", is_ref[r] ? "reference" : rpt_fmt_diff(b1, sizeof b1, &cmp[m * nr + r], 2));
            doc_rb_add(&row, "%s", is_ref[r] ? "" : rpt_fmt_p(b2, sizeof b2, &cmp[m * nr + r]));
        }
        doc_row(&x->d, &row);
    }
    for (int r = 0; r < nr; r++) { free(merged[r].rows); free(merged[r].seeds); }
    free(merged); free(gs); free(cmp); free(ng); free(is_ref);
}

void rpt_declared_tables(rpt_ctx *x, rpt_exp *e)
{
    for (int i = 0; e->spec && i < e->spec->decl->ntables; i++) declared_table(x, e, &e->spec->decl->tables[i]);
}

/* ---- any other experiment ---- */

void rpt_generic_table(rpt_ctx *x, const rpt_exp *e)
{
    doc_rowbuf r;
    doc_rb_clear(&r);
    for (int i = 0; i < e->nvary && i < RPT_MAXCOLS - 6; i++) doc_rb_add(&r, "%s", e->runs.cols[e->vary_cols[i]]);
    doc_rb_cells(&r, (const char *const[]){ "n", "Test acc (%)", "Train acc (%)", "Gap (pp)", "Epochs run", NULL });
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
    if (e->description) doc_text(&x->d, "%s", e->description);
    doc_text(&x->d, "%d configuration(s), %d run(s). Mean ± 95%% CI half-width over seeds.", e->ngroups,
             e->runs.nrows);
    rpt_generic_table(x, e);
    int ng = e->ngroups < 12 ? e->ngroups : 12;   /* learning curves of the first 12 configurations */
    rpt_group **gs = calloc((size_t)ng + 1, sizeof *gs);
    char (*lab)[96] = calloc((size_t)ng + 1, sizeof *lab);
    const char **names = calloc((size_t)ng + 1, sizeof *names);
    if (!gs || !lab || !names) { perror("report"); abort(); }
    for (int i = 0; i < ng; i++) {
        gs[i] = &e->groups[i];
        rpt_label(e, gs[i], lab[i], sizeof lab[i]);
        names[i] = lab[i];
    }
    if (ng < e->ngroups) doc_text(&x->d, "Learning curves of the first %d of %d configurations.", ng, e->ngroups);
    rpt_curves(x, e, gs, names, ng);
    free(gs); free(lab); free(names);
    return 0;
}
