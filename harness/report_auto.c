/* report_auto: the section every experiment gets, whatever its name, from what varies in its runs:
   introduction, the reference, plots (report_auto_plots.c), the table of every configuration with the
   best one chosen on validation accuracy, and (report_vsref.c) the differences against the reference. No
   experiment or setting is known here beyond the schema's columns (runset.h decides which columns are
   configuration columns). */
#include "report_auto.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *auto_prefix(const rpt_exp *e) { return e->prefix[0] ? e->prefix : e->name; }

void auto_col_summary(const rpt_exp *e, const rpt_group *g, const char *col, double scale, stats_summary *s)
{
    int c = table_col(&e->runs, col);
    double *v = malloc((size_t)(g->n + 1) * sizeof *v);
    if (!v) { perror("report"); abort(); }
    for (int i = 0; i < g->n; i++) v[i] = c < 0 ? NAN : table_num(&e->runs, g->rows[i], c) * scale;
    stats_summarize(v, g->n, RPT_LEVEL, s);
    free(v);
}

static int str_cmp(const void *a, const void *b)
{
    return runset_cell_cmp(*(const char *const *)a, *(const char *const *)b);
}

int auto_value_index(const auto_ctx *c, const auto_axis *a, const rpt_group *g)
{
    const char *v = table_cell(&c->e->runs, g->first, a->col);
    int lo = 0, hi = a->nvals - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, r = runset_cell_cmp(v, a->vals[mid]);
        if (!r) return mid;
        if (r < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return -1;
}

/* 1 when axes k1 (and k2) determine axis k over the groups. */
static int determined(const auto_ctx *c, int k1, int k2, int k)
{
    const auto_axis *a = &c->axes[k1], *b = k2 >= 0 ? &c->axes[k2] : NULL;
    int n2 = b ? b->nvals : 1, ok = 1;
    const char **seen = calloc((size_t)a->nvals * (size_t)n2, sizeof *seen);
    if (!seen) { perror("report"); abort(); }
    for (int g = 0; g < c->e->ngroups && ok; g++) {
        const rpt_group *gr = &c->e->groups[g];
        int i = auto_value_index(c, a, gr), j = b ? auto_value_index(c, b, gr) : 0;
        if (i < 0 || j < 0) continue;
        const char *v = table_cell(&c->e->runs, gr->first, c->axes[k].col);
        const char **s = &seen[(size_t)i * n2 + j];
        if (!*s) *s = v;
        else ok = runset_same_value(*s, v);
    }
    free(seen);
    return ok;
}

void auto_slice(const auto_ctx *c, int k1, int k2, int *held)
{
    for (int k = 0; k < c->naxes; k++) held[k] = k != k1 && k != k2 && !determined(c, k1, k2, k);
}

int auto_on_slice(const auto_ctx *c, const rpt_group *g, const int *held)
{
    for (int k = 0; k < c->naxes; k++) {
        if (!held[k]) continue;
        int col = c->axes[k].col;
        if (!runset_same_value(table_cell(&c->e->runs, g->first, col), table_cell(&c->e->runs, c->ref->first, col)))
            return 0;
    }
    return 1;
}

/* The varying columns as axes: distinct values sorted; numeric when every value is a number. */
static int find_axes(auto_ctx *c)
{
    rpt_exp *e = c->e;
    for (int i = 0; i < e->nvary && c->naxes < AUTO_MAXAXES; i++) {
        auto_axis *a = &c->axes[c->naxes];
        a->col = e->vary_cols[i];
        a->vals = malloc((size_t)e->ngroups * sizeof *a->vals);
        if (!a->vals) return -1;
        a->numeric = 1;
        for (int g = 0; g < e->ngroups; g++) {
            a->vals[g] = table_cell(&e->runs, e->groups[g].first, a->col);
            if (!isfinite(table_num(&e->runs, e->groups[g].first, a->col))) a->numeric = 0;
        }
        qsort(a->vals, (size_t)e->ngroups, sizeof *a->vals, str_cmp);
        a->nvals = 0;
        for (int g = 0; g < e->ngroups; g++)
            if (!a->nvals || runset_cell_cmp(a->vals[a->nvals - 1], a->vals[g])) a->vals[a->nvals++] = a->vals[g];
        c->naxes++;
    }
    return 0;
}

int rpt_default_reference(const rpt_exp *e)
{
    return e->ngroups > 0 ? 0 : -1;    /* groups are sorted by the varying columns: smallest values first */
}

/* Runs per configuration: declared, else the most any configuration has. */
static int expected_runs(const rpt_exp *e)
{
    if (e->expected_runs > 0) return e->expected_runs;
    int most = 0;
    for (int g = 0; g < e->ngroups; g++)
        if (e->groups[g].total > most) most = e->groups[g].total;
    return most;
}

static void intro(auto_ctx *c)
{
    rpt_exp *e = c->e;
    doc *d = &c->x->d;
    doc_heading(d, 2, "%s", c->title);
    if (e->description && *e->description) doc_text(d, "%s", e->description);
    if (e->spec && e->spec->overrides[0])
        doc_text(d, "**Run with overrides** (sweep run --set, stored as [set]): %s. They take precedence over the "
                 "file's values, and over the description above where it says otherwise.", e->spec->overrides);
    int expect = expected_runs(e), have = 0, ok = 0;
    for (int g = 0; g < e->ngroups; g++) { have += e->groups[g].total; ok += e->groups[g].n; }
    char axes[1024] = "";
    size_t len = 0;
    for (int k = 0; k < c->naxes && len < sizeof axes; k++)
        len += (size_t)snprintf(axes + len, sizeof axes - len, "%s%s (%d values%s)", k ? ", " : "",
                                e->runs.cols[c->axes[k].col], c->axes[k].nvals, c->axes[k].numeric ? "" : ", categorical");
    doc_text(d, "Results in %s: %d configuration(s), %d run(s) (%d ok). %s%s.", e->dir, e->ngroups, have, ok,
             c->naxes ? "What varies: " : "Nothing varies between the runs but the seed", axes);
    if (have < expect * e->ngroups)
        doc_text(d, "**Partial sweep:** %d of %d runs are in (%d per configuration %s); the Runs column below "
                 "says how many each configuration has.", have, expect * e->ngroups, expect,
                 e->expected_runs ? "declared" : "expected: the most any configuration has");
    char fixed[2048] = "";
    len = 0;
    for (int i = 0; i < e->ncfg && len < sizeof fixed; i++) {
        int col = e->cfg_cols[i], varies = 0;
        for (int k = 0; k < e->nvary; k++) varies |= e->vary_cols[k] == col;
        if (!varies)
            len += (size_t)snprintf(fixed + len, sizeof fixed - len, "%s%s=%s", len ? ", " : "", e->runs.cols[col],
                                    table_cell(&e->runs, e->groups[0].first, col));
    }
    if (len) doc_text(d, "The same in every run: %s.", fixed);
    auto_reference_intro(c);
}

static void add_sum(doc_rowbuf *r, const stats_summary *s, int dec)
{
    char b[96];
    doc_rb_add(r, "%s", rpt_fmt_sum(b, sizeof b, s, dec));
}

/* Every configuration with mean ± CI; the best on validation accuracy marked. */
static void config_table(auto_ctx *c)
{
    rpt_exp *e = c->e;
    int expect = expected_runs(e), nv = e->nvary < RPT_MAXCOLS - 7 ? e->nvary : RPT_MAXCOLS - 7;
    doc_heading(&c->x->d, 3, "Every configuration");
    doc_rowbuf r;
    doc_rb_clear(&r);
    for (int i = 0; i < nv; i++) doc_rb_add(&r, "%s", e->runs.cols[e->vary_cols[i]]);
    doc_rb_cells(&r, (const char *const[]){ "Runs", "Val acc (%)", "Test acc (%)", "Train acc (%)", "Gap (pp)",
                                            "Epochs run", NULL });
    doc_table(&c->x->d, &r);
    for (int g = 0; g < e->ngroups; g++) {
        const rpt_group *gr = &e->groups[g];
        stats_summary s;
        doc_rb_clear(&r);
        for (int i = 0; i < nv; i++) doc_rb_add(&r, "%s", table_cell(&e->runs, gr->first, e->vary_cols[i]));
        if (gr->total - gr->n) doc_rb_add(&r, "%d of %d (%d not ok)", gr->n, expect, gr->total - gr->n);
        else doc_rb_add(&r, "%d of %d", gr->n, expect);
        auto_col_summary(e, gr, "val_acc", 100, &s);
        add_sum(&r, &s, 2);
        rpt_summary(e, gr, M_TEST_ACC, &s);
        add_sum(&r, &s, 2);
        rpt_summary(e, gr, M_TRAIN_ACC, &s);
        add_sum(&r, &s, 2);
        rpt_summary(e, gr, M_GAP, &s);
        add_sum(&r, &s, 2);
        rpt_summary(e, gr, M_EPOCHS_RUN, &s);
        add_sum(&r, &s, 1);
        doc_row(&c->x->d, &r);
    }
    if (!c->best) { doc_text(&c->x->d, "No validation accuracy was recorded: no best configuration is chosen."); return; }
    char lab[512], b1[96], b2[96];
    stats_summary sv, st;
    rpt_label(e, c->best, lab, sizeof lab);
    auto_col_summary(e, c->best, "val_acc", 100, &sv);
    rpt_summary(e, c->best, M_TEST_ACC, &st);
    doc_text(&c->x->d, "**Best configuration, chosen on validation accuracy: %s** — validation %s %%, and its test "
             "accuracy %s %%. (Chosen on validation, never on test, so its test accuracy is an honest estimate.)",
             lab, rpt_fmt_sum(b1, sizeof b1, &sv, 2), rpt_fmt_sum(b2, sizeof b2, &st, 2));
}

/* The configuration with the highest mean validation accuracy (ties: the first in table order). */
static void find_best(auto_ctx *c)
{
    double best = -INFINITY;
    for (int g = 0; g < c->e->ngroups; g++) {
        stats_summary s;
        auto_col_summary(c->e, &c->e->groups[g], "val_acc", 100, &s);
        if (s.n && s.mean > best) { best = s.mean; c->best = &c->e->groups[g]; }
    }
}

int rpt_section_auto(rpt_ctx *x, rpt_exp *e)
{
    auto_ctx *c = calloc(1, sizeof *c);
    if (!c) { perror("report"); abort(); }
    c->x = x;
    c->e = e;
    snprintf(c->title, sizeof c->title, "%.299s", e->title[0] ? e->title : e->label);
    int ref = e->ref_group >= 0 && e->ref_group < e->ngroups ? e->ref_group : rpt_default_reference(e);
    if (ref < 0 || find_axes(c) != 0) { free(c); return -1; }
    c->ref = &e->groups[ref];
    if (auto_references(c) != 0) { perror("report"); abort(); }
    find_best(c);
    intro(c);
    if (!x->plot.disabled) {
        doc_heading(&x->d, 3, "Plots");
        int made = x->plot.nmade, failed = x->plot.nfailed;
        auto_axis_plots(c);
        auto_heatmap(c);
        auto_bars(c);
        auto_curves(c);
        if (x->plot.nmade == made && x->plot.nfailed == failed)
            doc_text(&x->d, "No plot: nothing varies that can be plotted.");
    }
    config_table(c);
    rpt_best_per(x, e, c->partner);
    auto_vs_reference(c);
    for (int k = 0; k < c->naxes; k++) free(c->axes[k].vals);
    free(c->partner);
    free(c);
    return 0;
}

/* Two result sets of one experiment (same name, different paths) side by side: each configuration of
   either with its test accuracy in both, matched by the runset's configuration key. */
void rpt_side_by_side(rpt_ctx *x, const rpt_exp *a, const rpt_exp *b)
{
    doc *d = &x->d;
    doc_heading(d, 3, "%s and %s side by side", a->label, b->label);
    doc_text(d, "Test accuracy (%%) of each configuration in the two result sets (A: %s, B: %s); — where a set "
             "lacks the configuration.", a->dir, b->dir);
    int *in_b = calloc((size_t)b->ngroups + 1, sizeof *in_b), *of_cfg = malloc(((size_t)runset_nconfigs(b->rs) + 1) * sizeof *of_cfg);
    if (!in_b || !of_cfg) { perror("report"); abort(); }
    for (int g = 0; g < b->ngroups; g++) of_cfg[b->groups[g].cfg] = g;
    doc_rowbuf r;
    doc_table_head(d, (const char *const[]){ "Configuration", "A: runs", "A: test acc (%)", "B: runs",
                                             "B: test acc (%)", NULL });
    char lab[512], s1[96], s2[96];
    for (int pass = 0; pass < 2; pass++) {
        const rpt_exp *e = pass ? b : a;
        for (int g = 0; g < e->ngroups; g++) {
            const rpt_group *ga = pass ? NULL : &a->groups[g], *gb = pass ? &b->groups[g] : NULL;
            if (!pass) {
                int k = runset_find_config(b->rs, runset_config_key(a->rs, ga->cfg));
                if (k >= 0) { gb = &b->groups[of_cfg[k]]; in_b[of_cfg[k]] = 1; }
            } else if (in_b[g]) {
                continue;
            }
            stats_summary sa = {0}, sb = {0};
            if (ga) rpt_summary(a, ga, M_TEST_ACC, &sa);
            if (gb) rpt_summary(b, gb, M_TEST_ACC, &sb);
            rpt_label(e, ga ? ga : gb, lab, sizeof lab);
            doc_rb_clear(&r);
            doc_rb_add(&r, "%s", lab);
            doc_rb_add(&r, "%d", ga ? ga->n : 0);
            doc_rb_add(&r, "%s", rpt_fmt_sum(s1, sizeof s1, &sa, 2));
            doc_rb_add(&r, "%d", gb ? gb->n : 0);
            doc_rb_add(&r, "%s", rpt_fmt_sum(s2, sizeof s2, &sb, 2));
            doc_row(d, &r);
        }
    }
    free(in_b);
    free(of_cfg);
}
