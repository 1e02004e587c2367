/* report_claims: the tutorial's claims that need an experiment of their own (batch size, network size,
   output-layer dropout, eval mode, convergence, the ensemble view), each quoted, tested by a stated rule,
   and given a verdict. */
#include "report.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXV 32   /* most distinct values of one axis a claim table shows */

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) { perror("report"); abort(); }
    return p;
}

static void cell_sum(doc_rowbuf *r, const rpt_exp *e, const rpt_group *g, rpt_metric m, int dec)
{
    char b[96];
    stats_summary s;
    if (!g) { doc_rb_add(r, "not run"); return; }
    rpt_summary(e, g, m, &s);
    doc_rb_add(r, "%s", rpt_fmt_sum(b, sizeof b, &s, dec));
}

static void cell_cmp(doc_rowbuf *r, const rpt_cmp *c)
{
    char b1[96], b2[96];
    if (!c->ok) { doc_rb_add(r, "—"); return; }
    doc_rb_add(r, "%s, p %s", rpt_fmt_diff(b1, sizeof b1, c, 2), rpt_fmt_p(b2, sizeof b2, c));
}

static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= n) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

/* Distinct values of column col over the groups (that pass keep, when given), sorted by their first
   number then text; returns how many. */
static int axis_values(const rpt_exp *e, const char *col, char vals[][64], int max)
{
    int n = 0;
    for (int i = 0; i < e->ngroups; i++) {
        const char *v = rpt_cfg(e, &e->groups[i], col);
        int seen = 0;
        for (int j = 0; j < n && !seen; j++) seen = !strcmp(vals[j], v);
        if (!seen && n < max) snprintf(vals[n++], 64, "%s", v);
    }
    for (int i = 1; i < n; i++)   /* insertion sort: a handful of values */
        for (int j = i; j > 0; j--) {
            double a = atof(vals[j - 1]), b = atof(vals[j]);
            if (a < b || (a == b && strcmp(vals[j - 1], vals[j]) <= 0)) break;
            char t[64];
            memcpy(t, vals[j], 64); memcpy(vals[j], vals[j - 1], 64); memcpy(vals[j - 1], t, 64);
        }
    return n;
}

static rpt_group *find_cell(rpt_exp *e, const char *col, const char *val, double p)
{
    for (int i = 0; i < e->ngroups; i++) {
        rpt_group *g = &e->groups[i];
        if (!strcmp(rpt_cfg(e, g, col), val) && fabs(rpt_cfg_num(e, g, "dropout") - p) < 1e-9) return g;
    }
    return NULL;
}

/* ---- dropout's effect along an axis (batch size, network size) ---- */

typedef struct {
    const char *axis, *axis_title, *claim, *quote, *small_desc, *large_desc;
    int (*is_small)(const char *v);
    int (*is_large)(const char *v);
} axis_claim;

static int widths(const char *v, int *lo, int *hi)
{
    int n = 0;
    *lo = 1 << 30; *hi = 0;
    for (const char *s = v; *s;) {
        char *end;
        long w = strtol(s, &end, 10);
        if (end == s) break;
        n++;
        if (w < *lo) *lo = (int)w;
        if (w > *hi) *hi = (int)w;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}
static int batch_small(const char *v) { return atof(v) < 16; }
static int batch_large(const char *v) { return atof(v) >= 16; }
static int net_small(const char *v) { int lo, hi; return widths(v, &lo, &hi) > 0 && hi <= 20; }
static int net_large(const char *v) { int lo, hi; return widths(v, &lo, &hi) > 0 && lo >= 100; }

static int axis_section(rpt_ctx *x, rpt_exp *e, const axis_claim *ac)
{
    doc *d = &x->d;
    char vals[MAXV][64], rates[MAXV][64];
    int nv = axis_values(e, ac->axis, vals, MAXV), nr = axis_values(e, "dropout", rates, 6);
    if (nv < 1 || nr < 2 || atof(rates[0]) != 0) {
        doc_text(d, "The runs of %s need dropout = 0 and at least one other rate at each %s.", e->name, ac->axis);
        return -1;
    }
    /* comparisons (axis value v, rate r>0) against (v, 0), one Holm family */
    rpt_cmp *c = xcalloc((size_t)nv * nr, sizeof *c);
    for (int v = 0; v < nv; v++)
        for (int r = 1; r < nr; r++) {
            rpt_group *g = find_cell(e, ac->axis, vals[v], atof(rates[r])), *ref = find_cell(e, ac->axis, vals[v], 0);
            if (g && ref) rpt_compare(e, g, ref, M_TEST_ACC, &c[v * nr + r]);
        }
    rpt_holm(c, nv * nr);

    doc_text(d, "Test accuracy (%%) per %s and dropout rate, and dropout's effect: accuracy at rate p minus "
             "accuracy at p = 0 for the same %s, with its 95%% CI (pp) and p-value (Holm over the %d "
             "comparisons of this table).", ac->axis_title, ac->axis_title, nv * (nr - 1));
    doc_rowbuf row;
    doc_rb_clear(&row);
    doc_rb_add(&row, "%s", ac->axis);
    doc_rb_add(&row, "Test acc, p=0");
    for (int r = 1; r < nr; r++) { doc_rb_add(&row, "Test acc, p=%s", rates[r]); doc_rb_add(&row, "Effect of p=%s (pp)", rates[r]); }
    doc_table(d, &row);
    double *grid = xcalloc((size_t)nv * nr, sizeof *grid);
    for (int v = 0; v < nv; v++) {
        doc_rb_clear(&row);
        doc_rb_add(&row, "%s%s", vals[v], ac->is_small(vals[v]) ? " (small)" : ac->is_large(vals[v]) ? " (large)" : "");
        for (int r = 0; r < nr; r++) {
            rpt_group *g = find_cell(e, ac->axis, vals[v], atof(rates[r]));
            cell_sum(&row, e, g, M_TEST_ACC, 2);
            if (r > 0) cell_cmp(&row, &c[v * nr + r]);
            stats_summary s = { 0 };
            if (g) rpt_summary(e, g, M_TEST_ACC, &s);
            grid[v * nr + r] = s.n ? s.mean : NAN;
        }
        doc_row(d, &row);
    }
    char base[256], title[256], xl[64];
    const char *rowl[MAXV], *coll[MAXV];
    for (int v = 0; v < nv; v++) rowl[v] = vals[v];
    for (int r = 0; r < nr; r++) coll[r] = rates[r];
    snprintf(base, sizeof base, "%s_heatmap", e->name);
    snprintf(title, sizeof title, "%s: mean test accuracy (%%) by %s and dropout rate", e->name, ac->axis_title);
    snprintf(xl, sizeof xl, "dropout rate p");
    const char *kv[] = { "title", title, "xlabel", xl, "ylabel", ac->axis_title, "cblabel", "test accuracy (%)",
                         "fmt", "%.2f" };
    if (rpt_plot_heatmap(&x->plot, base, rowl, nv, coll, nr, grid, 5, kv) == 0)
        doc_image(d, base, "Mean test accuracy over seeds in each cell (%).");

    doc_heading(d, 3, "Claim: %s", ac->claim);
    doc_quote(d, ac->quote);
    int nsmall = 0, small_neg = 0, small_pos = 0, nlarge = 0, large_not_neg = 0;
    char nums[1536] = "";
    for (int v = 0; v < nv; v++)
        for (int r = 1; r < nr; r++) {
            const rpt_cmp *cc = &c[v * nr + r];
            if (ac->is_small(vals[v])) {
                nsmall++;
                small_neg += rpt_significant(cc, -1);
                small_pos += rpt_significant(cc, +1);
                char b[96];
                append(nums, sizeof nums, "%s%s=%s, p=%s: %s pp", nums[0] ? "; " : "", ac->axis, vals[v], rates[r],
                       rpt_fmt_diff(b, sizeof b, cc, 2));
            } else if (ac->is_large(vals[v])) {
                nlarge++;
                large_not_neg += cc->ok && !rpt_significant(cc, -1);
            }
        }
    append(nums, sizeof nums, ". At %s: %d of %d effects not significantly negative.", ac->large_desc,
           large_not_neg, nlarge);
    rpt_verdict verdict = V_INCONCLUSIVE;
    if (small_pos > 0) verdict = V_CONTRADICTED;
    else if (nsmall > 0 && small_neg == nsmall && large_not_neg > 0) verdict = V_SUPPORTED;
    char rule[768];
    snprintf(rule, sizeof rule, "with dropout's effect = accuracy(p) − accuracy(p=0) at the same %s (Holm over the "
             "table): supported if the effect is significantly negative for every rate at every %s and not "
             "significantly negative for at least one rate at %s (so the harm is specific to %s); "
             "contradicted if it is significantly positive anywhere at %s; else inconclusive.",
             ac->axis_title, ac->small_desc, ac->large_desc, ac->small_desc, ac->small_desc);
    if (nsmall == 0) snprintf(nums, sizeof nums, "no %s was run.", ac->small_desc);
    rpt_verdict_line(x, e, ac->claim, verdict, rule, nums);
    free(c);
    free(grid);
    return 0;
}

int rpt_section_batch_size(rpt_ctx *x, rpt_exp *e)
{
    static const axis_claim ac = {
        "batch_size", "batch size", "dropout with batch size < 16 adds too much noise",
        "Dropout with small batch sizes: With batch size < 16, dropout adds too much noise. Use larger batches "
        "or reduce dropout rate.", "batch size < 16", "batch size >= 16", batch_small, batch_large };
    doc_heading(&x->d, 2, "Dropout and batch size (%s)", e->name);
    return axis_section(x, e, &ac);
}

int rpt_section_network_size(rpt_ctx *x, rpt_exp *e)
{
    static const axis_claim ac = {
        "hidden", "hidden widths", "dropout removes too much capacity in 10-20 neuron layers",
        "Using dropout with very small networks: If your network only has 10-20 neurons per layer, dropout "
        "might remove too much capacity. Use it with larger networks (100+ neurons per layer).",
        "width <= 20 per layer", "width >= 100 per layer", net_small, net_large };
    doc_heading(&x->d, 2, "Dropout and network size (%s)", e->name);
    return axis_section(x, e, &ac);
}

/* ---- dropout on the output layer ---- */

int rpt_section_output_dropout(rpt_ctx *x, rpt_exp *e)
{
    doc *d = &x->d;
    doc_heading(d, 2, "Dropout on the output layer (%s)", e->name);
    rpt_group *ref = NULL;
    for (int i = 0; i < e->ngroups && !ref; i++)
        if (!strcmp(rpt_cfg(e, &e->groups[i], "variant"), "standard")) ref = &e->groups[i];
    if (!ref) { doc_text(d, "No variant `standard` (the reference) among the runs of %s.", e->name); return -1; }
    rpt_group *out[MAXV];
    rpt_cmp c[MAXV];
    int n = 0;
    for (int i = 0; i < e->ngroups && n < MAXV; i++) {
        rpt_group *g = &e->groups[i];
        if (g == ref || !(rpt_cfg_num(e, g, "output_dropout") > 0)) continue;
        out[n] = g;
        rpt_compare(e, g, ref, M_TEST_ACC, &c[n++]);
    }
    rpt_holm(c, n);
    doc_text(d, "`standard`: dropout %g on the hidden layers; the other rows add dropout on the logits. Δ is "
             "the test-accuracy difference against `standard` (95%% CI, pp), Holm over the %d comparison(s).",
             rpt_cfg_num(e, ref, "dropout"), n);
    doc_rowbuf row;
    doc_rb_clear(&row);
    doc_rb_add(&row, "Variant");
    doc_rb_add(&row, "output_dropout");
    doc_rb_add(&row, "n");
    doc_rb_add(&row, "Test acc (%%)");
    doc_rb_add(&row, "Train acc (%%)");
    doc_rb_add(&row, "Δ test acc vs standard (pp)");
    doc_table(d, &row);
    const char *labels[MAXV + 1];
    char lab[MAXV + 1][64];
    stats_summary v[2 * (MAXV + 1)];
    for (int i = -1; i < n; i++) {
        rpt_group *g = i < 0 ? ref : out[i];
        doc_rb_clear(&row);
        doc_rb_add(&row, "%s", rpt_cfg(e, g, "variant"));
        doc_rb_add(&row, "%s", rpt_cfg(e, g, "output_dropout"));
        doc_rb_add(&row, "%d", g->n);
        cell_sum(&row, e, g, M_TEST_ACC, 2);
        cell_sum(&row, e, g, M_TRAIN_ACC, 2);
        if (i < 0) doc_rb_add(&row, "reference");
        else cell_cmp(&row, &c[i]);
        doc_row(d, &row);
        snprintf(lab[i + 1], 64, "%s (output p=%s)", rpt_cfg(e, g, "variant"), rpt_cfg(e, g, "output_dropout"));
        labels[i + 1] = lab[i + 1];
        rpt_summary(e, g, M_TEST_ACC, &v[i + 1]);
        rpt_summary(e, g, M_TRAIN_ACC, &v[n + 1 + i + 1]);
    }
    char base[256], title[256];
    snprintf(base, sizeof base, "%s_bars", e->name);
    snprintf(title, sizeof title, "%s: accuracy with and without dropout on the logits (95%% CI)", e->name);
    const char *names[] = { "test accuracy", "train accuracy (eval mode)" };
    const char *kv[] = { "title", title, "xlabel", "variant", "ylabel", "accuracy (%)", "ymin", "", "ymax", "" };
    if (rpt_plot_series(&x->plot, "bars_ci", base, "variant", labels, n + 1, names, 2, v, 5, kv) == 0)
        doc_image(d, base, "Test and train accuracy, standard against output-layer dropout; 95% CIs.");

    doc_heading(d, 3, "Claim: dropout on the output layer corrupts predictions");
    doc_quote(d, "Dropout on output layer: Never apply dropout to the final layer. It corrupts your predictions.");
    char nums[1024] = "";
    for (int i = 0; i < n; i++) {
        char b1[96], b2[96];
        append(nums, sizeof nums, "%soutput_dropout=%s: Δ %s pp, p %s", i ? "; " : "", rpt_cfg(e, out[i], "output_dropout"),
               rpt_fmt_diff(b1, sizeof b1, &c[i], 2), rpt_fmt_p(b2, sizeof b2, &c[i]));
    }
    rpt_verdict_line(x, e, "dropout on the output layer corrupts predictions", n ? rpt_rule_all(c, n, -1) : V_INCONCLUSIVE,
                     "test accuracy with output dropout minus standard (Holm over the output rates); supported if "
                     "every output rate is significantly below standard, contradicted if any is significantly "
                     "above, else inconclusive.", n ? nums : "no run with output_dropout > 0.");
    return 0;
}

/* ---- convergence ---- */

/* Ratio of mean epochs-to-best, m1/m0, with a CI by the delta method (independent samples; the
   Welch-Satterthwaite degrees of freedom on the relative variances). */
static void ratio_ci(const stats_summary *a, const stats_summary *b, double *r, double *lo, double *hi)
{
    *r = a->mean / b->mean;
    *lo = *hi = NAN;
    if (a->n < 2 || b->n < 2 || !(a->mean > 0) || !(b->mean > 0)) return;
    double va = a->sd * a->sd / (a->n * a->mean * a->mean), vb = b->sd * b->sd / (b->n * b->mean * b->mean);
    double se = *r * sqrt(va + vb);
    double df = va + vb > 0 ? (va + vb) * (va + vb) / (va * va / (a->n - 1) + vb * vb / (b->n - 1)) : a->n + b->n - 2;
    double t = stats_t_quantile(0.5 + RPT_LEVEL / 2, df);
    *lo = *r - t * se;
    *hi = *r + t * se;
}

int rpt_section_convergence(rpt_ctx *x, rpt_exp *e)
{
    doc *d = &x->d;
    doc_heading(d, 2, "Dropout and convergence speed (%s)", e->name);
    rpt_group *ref = rpt_find(e, "dropout", 0, NULL, 0);
    if (!ref || e->ngroups < 2) { doc_text(d, "No dropout = 0 reference among the runs of %s.", e->name); return -1; }
    int ng = e->ngroups < MAXV ? e->ngroups : MAXV, nc = 0;
    rpt_group *gs[MAXV];
    rpt_cmp c[MAXV];
    double ratio[MAXV][3];
    stats_summary s0, s, be[MAXV];
    rpt_summary(e, ref, M_BEST_EPOCH, &s0);
    for (int i = 0; i < ng; i++) {
        gs[i] = &e->groups[i];
        rpt_summary(e, gs[i], M_BEST_EPOCH, &be[i]);
        memset(&c[i], 0, sizeof c[i]);
        if (gs[i] == ref) continue;
        rpt_compare(e, gs[i], ref, M_BEST_EPOCH, &c[i]);
        ratio_ci(&be[i], &s0, &ratio[i][0], &ratio[i][1], &ratio[i][2]);
        nc++;
    }
    rpt_holm(c, ng);
    doc_text(d, "Epochs to best = the epoch of lowest validation loss. Δ against p = 0 (95%% CI, Holm over %d "
             "comparisons); ratio = mean epochs to best at p over that at p = 0, with a delta-method 95%% CI "
             "that treats the two means as independent.", nc);
    doc_rowbuf row;
    doc_rb_clear(&row);
    const char *h[] = { "p", "n", "Epochs to best", "Δ vs p=0 (epochs)", "Ratio to p=0", "Epochs run", "Test acc (%)",
                        "Sec/epoch" };
    for (int i = 0; i < 8; i++) doc_rb_add(&row, "%s", h[i]);
    doc_table(d, &row);
    for (int i = 0; i < ng; i++) {
        doc_rb_clear(&row);
        doc_rb_add(&row, "%g", rpt_cfg_num(e, gs[i], "dropout"));
        doc_rb_add(&row, "%d", gs[i]->n);
        cell_sum(&row, e, gs[i], M_BEST_EPOCH, 1);
        if (gs[i] == ref) { doc_rb_add(&row, "reference"); doc_rb_add(&row, "1"); }
        else {
            cell_cmp(&row, &c[i]);
            doc_rb_add(&row, "%.2f [%.2f, %.2f]", ratio[i][0], ratio[i][1], ratio[i][2]);
        }
        cell_sum(&row, e, gs[i], M_EPOCHS_RUN, 1);
        cell_sum(&row, e, gs[i], M_TEST_ACC, 2);
        cell_sum(&row, e, gs[i], M_SEC_EPOCH, 3);
        doc_row(d, &row);
    }
    char rows[MAXV][32], base[256], title[256], lab[MAXV][32];
    const char *rowp[MAXV], *names[MAXV];
    for (int i = 0; i < ng; i++) {
        snprintf(rows[i], 32, "%g", rpt_cfg_num(e, gs[i], "dropout"));
        snprintf(lab[i], 32, "p=%g", rpt_cfg_num(e, gs[i], "dropout"));
        rowp[i] = rows[i];
        names[i] = lab[i];
    }
    snprintf(base, sizeof base, "%s_best_epoch", e->name);
    snprintf(title, sizeof title, "%s: epochs to lowest validation loss vs dropout rate (95%% CI)", e->name);
    const char *sname[] = { "epochs to best" };
    const char *kv[] = { "title", title, "xlabel", "dropout rate p", "ylabel", "epochs to best validation loss" };
    if (rpt_plot_series(&x->plot, "lines_ci", base, "p", rowp, ng, sname, 1, be, 3, kv) == 0)
        doc_image(d, base, "Epochs to the lowest validation loss against the dropout rate; 95% CIs over seeds.");
    rpt_curves(x, e, gs, names, ng);

    doc_heading(d, 3, "Claim: dropout slows convergence, maybe 2x more epochs");
    doc_quote(d, "Not training long enough: Dropout slows convergence. You might need 2x more epochs compared to "
                 "no dropout.");
    char nums[1536] = "";
    int at_least_2 = 0, below_2 = 0, above_1 = 0;
    for (int i = 0; i < ng; i++) {
        if (gs[i] == ref) continue;
        char b1[96], b2[96];
        append(nums, sizeof nums, "%sp=%g: Δ %s epochs, p %s, ratio %.2f [%.2f, %.2f]", nums[0] ? "; " : "",
               rpt_cfg_num(e, gs[i], "dropout"), rpt_fmt_diff(b1, sizeof b1, &c[i], 1), rpt_fmt_p(b2, sizeof b2, &c[i]),
               ratio[i][0], ratio[i][1], ratio[i][2]);
        above_1 += ratio[i][1] > 1;
        at_least_2 += ratio[i][1] > 1 && ratio[i][2] >= 2;
        below_2 += ratio[i][2] < 2;
    }
    (void)s;
    rpt_cmp *cc = xcalloc((size_t)nc, sizeof *cc);
    for (int i = 0, k = 0; i < ng; i++) if (gs[i] != ref) cc[k++] = c[i];
    rpt_verdict_line(x, e, "dropout slows convergence", rpt_rule_all(cc, nc, +1),
                     "epochs to best at each rate p > 0 minus at p = 0 (Holm); supported if every difference is "
                     "significantly positive, contradicted if any is significantly negative, else inconclusive.",
                     nums);
    rpt_verdict v2 = below_2 == nc ? V_CONTRADICTED : at_least_2 == nc ? V_SUPPORTED : V_INCONCLUSIVE;
    char n2[256];
    snprintf(n2, sizeof n2, "%d of %d rates have a ratio CI above 1 that reaches 2; %d of %d have the whole CI below 2 "
             "(ratios above).", at_least_2, nc, below_2, nc);
    (void)above_1;
    rpt_verdict_line(x, e, "you might need 2x more epochs", v2,
                     "reading \"2x more epochs\" as twice the epochs to best of p = 0: supported if at every rate "
                     "p > 0 the ratio's 95% CI lies above 1 and reaches 2 or more, contradicted if at every rate "
                     "it lies entirely below 2, else inconclusive.", n2);
    free(cc);
    return 0;
}
