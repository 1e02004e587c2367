/* report_claims: the claims an experiment declares ([claim NAME] in its experiment.ini), each quoted, its
   comparisons tabled, and a verdict under the rule of its kind (report_inference.c). Also loads the stored
   declaration of a results directory and checks it against the runs. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *cfg_cell(const void *ctx, int cfg, int col)
{
    const rpt_exp *e = ctx;
    return table_cell(&e->runs, e->groups[cfg].first, e->cfg_cols[col]);
}

void rpt_configs(const rpt_exp *e, decl_configs *c)
{
    c->n = e->ngroups;
    c->ncols = e->ncfg;
    c->cols = (const char *const *)e->cfg_names;
    c->cell = cfg_cell;
    c->ctx = e;
}

static int id_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* How many runs of the stored grid are in runs.csv (-1: out of memory). */
static int grid_runs_in(const rpt_exp *e)
{
    int col = table_col(&e->runs, "run_id"), n = 0;
    const char **ids = malloc((size_t)(e->runs.nrows + 1) * sizeof *ids);
    if (!ids) return -1;
    for (int r = 0; r < e->runs.nrows; r++) ids[r] = table_cell(&e->runs, r, col);
    qsort(ids, (size_t)e->runs.nrows, sizeof *ids, id_cmp);
    for (int i = 0; i < e->spec->n_runs; i++) {
        const char *key = e->spec->runs[i].run_id;
        n += bsearch(&key, ids, (size_t)e->runs.nrows, sizeof *ids, id_cmp) != NULL;
    }
    free(ids);
    return n;
}

int rpt_load_declaration(rpt_exp *e, char *err, size_t errlen)
{
    char path[4352];
    struct stat st;
    snprintf(path, sizeof path, "%s/experiment.ini", e->dir);
    for (int i = 0; i < e->ncfg; i++) e->cfg_names[i] = e->runs.cols[e->cfg_cols[i]];
    if (stat(path, &st) != 0) return 0;
    e->spec = calloc(1, sizeof *e->spec);
    if (!e->spec) { snprintf(err, errlen, "out of memory"); return -1; }
    if (experiment_load(e->spec, path, NULL, 0, err, errlen) != 0) { free(e->spec); e->spec = NULL; return -1; }
    snprintf(e->name, sizeof e->name, "%s", e->spec->name);   /* the declared name, whatever the directory */
    if (e->spec->description[0] && !(e->description = strdup(e->spec->description))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    decl_configs c;
    rpt_configs(e, &c);
    int in = grid_runs_in(e);
    if (in < 0) { snprintf(err, errlen, "out of memory"); return -1; }
    e->partial = in > 0 && in < e->spec->n_runs;   /* a sweep under way: declared configurations may not have run */
    if (!e->partial && decl_check(e->spec->decl, &c, "in the runs", err, errlen)) return -1;
    const exp_decl *d = e->spec->decl;
    for (int i = 0; d->has_reference && i < e->ngroups; i++)   /* the reference, when it is one configuration */
        if (decl_sel_match(&d->reference, &c, i)) e->ref_group = e->ref_group == -1 ? i : -2;
    if (e->ref_group < 0) e->ref_group = -1;
    int nconfigs = 0;   /* the grid's runs per configuration: its seeds */
    for (int i = 0; i < e->spec->n_runs; i++) nconfigs += e->spec->runs[i].cfg.train.seed == e->spec->runs[0].cfg.train.seed;
    e->expected_runs = nconfigs ? e->spec->n_runs / nconfigs : 0;
    return 0;
}

const rpt_group *rpt_best_on_validation(const rpt_exp *e)
{
    const rpt_group *best = NULL;
    double top = -INFINITY;
    for (int i = 0; i < e->ngroups; i++) {
        stats_summary s;
        rpt_summary(e, &e->groups[i], M_VAL_ACC, &s);
        if (s.n && s.mean > top) { top = s.mean; best = &e->groups[i]; }
    }
    return best;
}

/* Columns that tell the configurations apart: the varying ones, less those the variant fixes. */
static void shown_columns(const rpt_exp *e, int *show)
{
    int cv = table_col(&e->runs, "variant"), variant_varies = 0;
    for (int i = 0; i < e->nvary; i++) variant_varies |= e->vary_cols[i] == cv;
    for (int i = 0; i < e->nvary; i++) {
        int col = e->vary_cols[i];
        show[i] = 1;
        if (!variant_varies || col == cv) continue;
        int fixed = 1;
        for (int a = 0; a < e->ngroups && fixed; a++)
            for (int b = a + 1; b < e->ngroups && fixed; b++)
                if (!strcmp(rpt_cfg(e, &e->groups[a], "variant"), rpt_cfg(e, &e->groups[b], "variant")))
                    fixed = !strcmp(table_cell(&e->runs, e->groups[a].first, col),
                                    table_cell(&e->runs, e->groups[b].first, col));
        show[i] = !fixed;
    }
}

static void label(const rpt_exp *e, const int *show, const rpt_group *g, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < e->nvary && len < n; i++)
        if (show[i])
            len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : "", e->runs.cols[e->vary_cols[i]],
                                    table_cell(&e->runs, g->first, e->vary_cols[i]));
    if (!buf[0]) snprintf(buf, n, "all runs");
}

/* The comparisons of a claim, measured and read; *n of them (control ones last). NULL when none. */
static rpt_claim_cmp *claim_comparisons(const rpt_exp *e, const decl_claim *cl, int *n)
{
    decl_configs c;
    rpt_configs(e, &c);
    const decl_sel *against = decl_against(e->spec->decl, cl);
    int *pairs = NULL, np = 0, nc = 0;
    if (against) {
        if (decl_pairs(cl, against, &c, &pairs, &np, &nc)) { perror("report"); abort(); }
    } else {
        pairs = malloc((size_t)(2 * e->ngroups + 2) * sizeof *pairs);
        if (!pairs) { perror("report"); abort(); }
        for (int i = 0; i < e->ngroups; i++)
            if (decl_sel_match(&cl->compare, &c, i)) { pairs[2 * np] = i; pairs[2 * np++ + 1] = -1; }
    }
    *n = np + nc;
    rpt_claim_cmp *k = calloc((size_t)*n + 1, sizeof *k);
    if (!k) { perror("report"); abort(); }
    for (int i = 0; i < *n; i++) {
        k[i].g = &e->groups[pairs[2 * i]];
        k[i].ref = pairs[2 * i + 1] < 0 ? NULL : &e->groups[pairs[2 * i + 1]];
        k[i].control = i >= np;
        rpt_claim_measure(e, cl, &k[i]);
    }
    rpt_claim_read(cl, k, *n);
    free(pairs);
    return k;
}

static const char *reading(const decl_claim *cl, int outcome)
{
    if (outcome == RPT_UNTESTED) return "not tested (too few runs)";
    if (cl->dir == DECL_EQUAL) return outcome > 0 ? "within the margin" : outcome < 0 ? "outside the margin" : "undecided";
    return outcome > 0 ? "as predicted" : outcome < 0 ? "against the prediction" : "not significant";
}

static void claim_table(rpt_ctx *x, const rpt_exp *e, const decl_claim *cl, const rpt_claim_cmp *k, int n)
{
    int m = rpt_metric_find(cl->metric), show[RPT_MAXCOLS * 2];
    const char *unit = rpt_claim_unit(cl);
    shown_columns(e, show);
    doc_rowbuf r;
    doc_rb_clear(&r);
    doc_rb_add(&r, "Compared");
    doc_rb_add(&r, "Against");
    doc_rb_add(&r, "n");
    doc_rb_add(&r, "%s, compared", cl->metric);
    doc_rb_add(&r, "%s, against", cl->vs == DECL_VS_METRIC ? cl->vs_metric : cl->metric);
    doc_rb_add(&r, "%s%s%s%s", cl->ratio ? "Ratio" : "Difference", *unit ? " (" : "", unit, *unit ? ")" : "");
    doc_rb_add(&r, "p-value");
    doc_rb_add(&r, "Reading");
    doc_table(&x->d, &r);
    for (int i = 0; i < n; i++) {
        char a[160], b[160], s1[96], s2[96];
        stats_summary sg, sr;
        label(e, show, k[i].g, a, sizeof a);
        rpt_summary(e, k[i].g, (rpt_metric)m, &sg);
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s%s", a, k[i].control ? " (control)" : "");
        if (k[i].ref) {
            label(e, show, k[i].ref, b, sizeof b);
            rpt_summary(e, k[i].ref, (rpt_metric)m, &sr);
            doc_rb_add(&r, "%s", b);
            doc_rb_add(&r, "%d / %d", k[i].g->n, k[i].ref->n);
            doc_rb_add(&r, "%s", rpt_fmt_sum(s1, sizeof s1, &sg, 2));
            doc_rb_add(&r, "%s", rpt_fmt_sum(s2, sizeof s2, &sr, 2));
        } else if (cl->vs == DECL_VS_METRIC) {
            rpt_summary(e, k[i].g, (rpt_metric)rpt_metric_find(cl->vs_metric), &sr);
            doc_rb_add(&r, "%s, same runs", cl->vs_metric);
            doc_rb_add(&r, "%d", k[i].g->n);
            doc_rb_add(&r, "%s", rpt_fmt_sum(s1, sizeof s1, &sg, 2));
            doc_rb_add(&r, "%s", rpt_fmt_sum(s2, sizeof s2, &sr, 2));
        } else {
            doc_rb_add(&r, "the value %g", cl->vs_value);
            doc_rb_add(&r, "%d", k[i].g->n);
            doc_rb_add(&r, "%s", rpt_fmt_sum(s1, sizeof s1, &sg, 2));
            doc_rb_add(&r, "%g", cl->vs_value);
        }
        if (cl->ratio && k[i].c.ok)
            doc_rb_add(&r, "%.2f [%.2f, %.2f]", k[i].c.t.diff, k[i].c.t.ci_lo, k[i].c.t.ci_hi);
        else doc_rb_add(&r, "%s", rpt_fmt_diff(s1, sizeof s1, &k[i].c, 2));
        doc_rb_add(&r, "%s", cl->dir == DECL_EQUAL ? "(CI only)" : rpt_fmt_p(s2, sizeof s2, &k[i].c));
        doc_rb_add(&r, "%s", reading(cl, k[i].outcome));
        doc_row(&x->d, &r);
    }
}

static void claim_section(rpt_ctx *x, rpt_exp *e, const decl_claim *cl)
{
    doc_heading(&x->d, 3, "Claim: %s", cl->name);
    doc_quote(&x->d, cl->quote);
    int n;
    rpt_claim_cmp *k = claim_comparisons(e, cl, &n);
    if (n) claim_table(x, e, cl, k, n);
    rpt_claim_tally t;
    rpt_verdict v = rpt_claim_verdict(cl, k, n, &t);
    char rule[1024], nums[512];
    rpt_claim_rule(cl, rule, sizeof rule);
    int len = snprintf(nums, sizeof nums, "%d of %d comparison(s) %s, %d %s, %d not tested", t.with, t.n,
                       cl->dir == DECL_EQUAL ? "within the margin" : "as predicted", t.against,
                       cl->dir == DECL_EQUAL ? "entirely outside it" : "significantly against it", t.n - t.tested);
    if (cl->has_control && len > 0 && (size_t)len < sizeof nums)
        snprintf(nums + len, sizeof nums - (size_t)len, "; control: %d of %d not %s", t.control_free, t.ncontrol,
                 cl->dir == DECL_EQUAL ? "within the margin" : "significant in the predicted direction");
    strncat(nums, n ? " (table above)." : e->partial ? " (the configurations it compares have not run yet)."
                  : " (no configuration to compare).", sizeof nums - strlen(nums) - 1);
    rpt_verdict_line(x, e, cl->name, v, rule, nums);
    free(k);
}

int rpt_section_declared(rpt_ctx *x, rpt_exp *e)
{
    if (!e->spec) return 0;
    rpt_declared_tables(x, e);
    for (int i = 0; i < e->spec->decl->nclaims; i++) claim_section(x, e, &e->spec->decl->claims[i]);
    return 0;
}
