/* report: `sweep report` — the command line, loading results directories, grouping runs into
   configurations, and putting the sections together in their fixed order. */
#include "commands.h"
#include "report.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: sweep report [-o OUTDIR] [--no-plots] DIR...\n"
    "  Tables, verdicts and plots from results. Each DIR is results/<experiment> (runs.csv, curves.csv)\n"
    "  or a results root holding several such directories. The experiment's declaration stored by sweep run\n"
    "  (DIR/experiment.ini: name, description, reference, [claim] and [table] sections) gives its tables and\n"
    "  claim verdicts. Several experiments make one combined report, in the order given.\n"
    "  -o OUTDIR     where report.md, report.html and the images go (default: the DIR when there is one,\n"
    "                else results/report)\n"
    "  --no-plots    tables only, no gnuplot\n"
    "  Environment: SWEEP_PLOTS (gnuplot templates; default plots/ beside the executable, else ./plots),\n"
    "  SWEEP_GNUPLOT (gnuplot binary; default gnuplot).\n"
    "  Exit status: 0 on success; 1 on an error; 2 on a bad declaration in an experiment.ini. When gnuplot\n"
    "  is missing or a plot fails, report.md and report.html are still written (without those images) and\n"
    "  the exit status is 1.\n";

static int file_exists(const char *dir, const char *name)
{
    char path[4352];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return 0;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *rpt_cfg(const rpt_exp *e, const rpt_group *g, const char *col)
{
    return table_cell(&e->runs, g->first, table_col(&e->runs, col));
}

double rpt_cfg_num(const rpt_exp *e, const rpt_group *g, const char *col)
{
    return table_num(&e->runs, g->first, table_col(&e->runs, col));
}

void rpt_label(const rpt_exp *e, const rpt_group *g, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < e->nvary && len < n; i++) {
        int c = e->vary_cols[i];
        len += snprintf(buf + len, n - len, "%s%s=%s", i ? ", " : "", e->runs.cols[c],
                        table_cell(&e->runs, g->first, c));
    }
    if (e->nvary == 0) snprintf(buf, n, "all runs");
}

rpt_group *rpt_find(rpt_exp *e, const char *col, double v, const char *col2, double v2)
{
    for (int i = 0; i < e->ngroups; i++) {
        rpt_group *g = &e->groups[i];
        if (fabs(rpt_cfg_num(e, g, col) - v) > 1e-9) continue;
        if (col2 && fabs(rpt_cfg_num(e, g, col2) - v2) > 1e-9) continue;
        return g;
    }
    return NULL;
}

/* Order of two configuration cells: numbers numerically, width lists ("16,16") by their widths. */
static int cell_cmp(const char *a, const char *b)
{
    char *ea, *eb;
    while (*a || *b) {
        double x = strtod(a, &ea), y = strtod(b, &eb);
        if (ea == a || eb == b) return strcmp(a, b);
        if (x != y) return x < y ? -1 : 1;
        a = *ea == ',' ? ea + 1 : ea;
        b = *eb == ',' ? eb + 1 : eb;
        if ((*ea && *ea != ',') || (*eb && *eb != ',')) return strcmp(a, b);
    }
    return 0;
}

static int group_cmp(const void *pa, const void *pb, void *arg)
{
    const rpt_exp *e = arg;
    const rpt_group *a = pa, *b = pb;
    for (int i = 0; i < e->nvary; i++) {
        int c = e->vary_cols[i];
        int r = cell_cmp(table_cell(&e->runs, a->first, c), table_cell(&e->runs, b->first, c));
        if (r) return r;
    }
    return 0;
}

static int same_config(const rpt_exp *e, int r1, int r2)
{
    for (int i = 0; i < e->ncfg; i++)
        if (strcmp(table_cell(&e->runs, r1, e->cfg_cols[i]), table_cell(&e->runs, r2, e->cfg_cols[i])))
            return 0;
    return 1;
}

static int exp_group(rpt_exp *e, char *err, size_t errlen)
{
    const table *t = &e->runs;
    int c_variant = table_col(t, "variant"), c_first = table_col(t, "hidden"), c_last = table_col(t, "data");
    int c_status = table_col(t, "status"), c_seed = table_col(t, "seed");
    if (c_variant < 0 || c_first < 0 || c_last < c_first || c_status < 0 || c_seed < 0 ||
        table_col(t, "test_acc") < 0) {
        snprintf(err, errlen, "%s: not a runs.csv of SCHEMA.md (needs variant, hidden..data, status, seed, "
                 "test_acc)", t->path);
        return -1;
    }
    if (t->nrows == 0) { snprintf(err, errlen, "%s: no runs", t->path); return -1; }
    e->cfg_cols[e->ncfg++] = c_variant;
    for (int c = c_first; c <= c_last && e->ncfg < RPT_MAXCOLS * 2; c++) e->cfg_cols[e->ncfg++] = c;
    for (int i = 0; i < e->ncfg; i++) {
        int c = e->cfg_cols[i];
        for (int r = 1; r < t->nrows; r++)
            if (strcmp(table_cell(t, r, c), table_cell(t, 0, c))) { e->vary_cols[e->nvary++] = c; break; }
    }
    e->groups = calloc((size_t)t->nrows, sizeof *e->groups);
    if (!e->groups) { snprintf(err, errlen, "out of memory"); return -1; }
    for (int r = 0; r < t->nrows; r++) {
        rpt_group *g = NULL;
        for (int i = 0; i < e->ngroups && !g; i++)
            if (same_config(e, e->groups[i].first, r)) g = &e->groups[i];
        if (!g) {
            g = &e->groups[e->ngroups++];
            g->first = r;
            g->rows = malloc((size_t)t->nrows * sizeof *g->rows);
            g->seeds = malloc((size_t)t->nrows * sizeof *g->seeds);
            if (!g->rows || !g->seeds) { snprintf(err, errlen, "out of memory"); return -1; }
        }
        if (strcmp(table_cell(t, r, c_status), "ok")) { g->ndiverged++; continue; }
        g->rows[g->n] = r;
        g->seeds[g->n++] = (int)table_num(t, r, c_seed);
    }
    qsort_r(e->groups, (size_t)e->ngroups, sizeof *e->groups, group_cmp, e);
    return 0;
}

static void exp_free(rpt_exp *e)
{
    if (e->spec) experiment_free(e->spec);
    free(e->spec);
    free(e->description);
    for (int i = 0; i < e->ngroups; i++) { free(e->groups[i].rows); free(e->groups[i].seeds); }
    free(e->groups);
    table_free(&e->runs);
    table_free(&e->curves);
}

static int exp_load(rpt_exp *e, const char *dir, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->ref_group = -1;
    snprintf(e->dir, sizeof e->dir, "%s", dir);
    size_t len = strlen(e->dir);
    while (len > 1 && e->dir[len - 1] == '/') e->dir[--len] = 0;
    const char *slash = strrchr(e->dir, '/');
    snprintf(e->name, sizeof e->name, "%s", slash ? slash + 1 : e->dir);
    char path[4352];
    snprintf(path, sizeof path, "%s/runs.csv", e->dir);
    if (table_read(&e->runs, path, err, errlen) != 0) return -1;
    if (file_exists(e->dir, "curves.csv")) {
        snprintf(path, sizeof path, "%s/curves.csv", e->dir);
        if (table_read(&e->curves, path, err, errlen) != 0) return -1;
    }
    if (exp_group(e, err, errlen) != 0) return -1;
    return rpt_load_declaration(e, err, errlen) != 0 ? -2 : 0;   /* -2: a bad declaration */
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Experiment directories of arg: arg itself, or its subdirectories holding runs.csv (sorted). */
static int collect_dirs(const char *arg, char ***dirs, int *ndirs, char *err, size_t errlen)
{
    if (file_exists(arg, "runs.csv")) {
        *dirs = realloc(*dirs, (size_t)(*ndirs + 1) * sizeof **dirs);
        (*dirs)[(*ndirs)++] = strdup(arg);
        return 0;
    }
    DIR *d = opendir(arg);
    if (!d) { snprintf(err, errlen, "%s: %s", arg, strerror(errno)); return -1; }
    int before = *ndirs;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char sub[4352];
        snprintf(sub, sizeof sub, "%s/%s", arg, de->d_name);
        if (!file_exists(sub, "runs.csv")) continue;
        *dirs = realloc(*dirs, (size_t)(*ndirs + 1) * sizeof **dirs);
        (*dirs)[(*ndirs)++] = strdup(sub);
    }
    closedir(d);
    if (*ndirs == before) { snprintf(err, errlen, "%s: no runs.csv there nor in its subdirectories", arg); return -1; }
    qsort(*dirs + before, (size_t)(*ndirs - before), sizeof **dirs, name_cmp);
    return 0;
}

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') { *p = 0; if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1; *p = '/'; }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static void write_preamble(doc *d, rpt_exp *exps, int nexp, const rpt_ctx *x)
{
    doc_heading(d, 1, "Dropout tutorial, reproduced: report");
    doc_text(d, "Experiments: %d (%s%s). Every number is a mean over seeds (runs with status ok) with the "
             "half-width of its 95%% confidence interval (Student t): **mean ± half-width**. Accuracies and "
             "the generalization gap (train_acc − test_acc, per run) are in percent. Differences against a "
             "reference configuration are given as **difference [95%% CI]**, from a paired t-test when both "
             "configurations ran the same seeds (same data split and initialization), otherwise Welch's "
             "t-test; p-values are Holm-corrected over the comparisons of one table or one claim.",
             nexp, exps[0].name, nexp > 1 ? ", ..." : "");
    doc_text(d, "Verdicts: **supported** when the comparisons the claim predicts are significant (Holm-"
             "corrected p < 0.05) in the predicted direction; **contradicted** when they are significant in "
             "the opposite direction; **inconclusive** otherwise — in particular whenever the confidence "
             "interval of a difference covers zero. Each claim states its own decision rule below.");
    doc_heading(d, 2, "Verdicts at a glance");
    if (x->nverdicts == 0) { doc_text(d, "No claims were tested by these experiments."); return; }
    doc_rowbuf r;
    doc_rb_clear(&r);
    doc_rb_add(&r, "Experiment");
    doc_rb_add(&r, "Claim");
    doc_rb_add(&r, "Verdict");
    doc_table(d, &r);
    for (int i = 0; i < x->nverdicts; i++) {
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", x->verdicts[i].experiment);
        doc_rb_add(&r, "%s", x->verdicts[i].claim);
        doc_rb_add(&r, "**%s**", rpt_verdict_word(x->verdicts[i].v));
        doc_row(d, &r);
    }
}

void rpt_verdict_line(rpt_ctx *x, const rpt_exp *e, const char *claim, rpt_verdict v, const char *rule,
                      const char *numbers)
{
    doc_text(&x->d, "**Verdict on \"%s\": %s.** Decision rule: %s Measured: %s", claim, rpt_verdict_word(v), rule,
             numbers);
    if (x->nverdicts < RPT_MAXVERDICTS) {
        rpt_verdict_entry *ve = &x->verdicts[x->nverdicts++];
        snprintf(ve->experiment, sizeof ve->experiment, "%s", e->name);
        snprintf(ve->claim, sizeof ve->claim, "%s", claim);
        ve->v = v;
    }
}

int cmd_report(int argc, char **argv)
{
    const char *outdir = NULL;
    int no_plots = 0, ndirs = 0, rc = 0;
    char **dirs = NULL, err[1024] = "";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage, stdout); return 0; }
        if (!strcmp(argv[i], "-o")) {
            if (++i >= argc) { fprintf(stderr, "sweep report: -o needs a directory\n"); return 1; }
            outdir = argv[i];
        } else if (!strcmp(argv[i], "--no-plots")) {
            no_plots = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "sweep report: unknown option %s (see sweep report --help)\n", argv[i]);
            return 1;
        } else if (collect_dirs(argv[i], &dirs, &ndirs, err, sizeof err) != 0) {
            fprintf(stderr, "sweep report: %s\n", err);
            rc = 1;
            goto out;
        }
    }
    if (ndirs == 0) { fprintf(stderr, "sweep report: no results directory given (see sweep report --help)\n"); return 1; }
    int nargs = 0, last = 0;
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-' && strcmp(argv[i - 1], "-o")) { nargs++; last = i; }
    if (!outdir) outdir = nargs == 1 ? argv[last] : "results/report";

    rpt_exp *exps = calloc((size_t)ndirs, sizeof *exps);
    rpt_ctx *x = calloc(1, sizeof *x);
    if (!exps || !x) { fprintf(stderr, "sweep report: out of memory\n"); free(exps); free(x); rc = 1; goto out; }
    for (int i = 0; i < ndirs; i++) {
        int lrc = exp_load(&exps[i], dirs[i], err, sizeof err);
        if (lrc != 0) {
            fprintf(stderr, "sweep report: %s\n", err);
            rc = lrc == -2 ? 2 : 1;
            goto free_exps;
        }
    }
    if (mkdir_p(outdir) != 0) { fprintf(stderr, "sweep report: %s: cannot create directory\n", outdir); rc = 1; goto free_exps; }
    rpt_plotter_init(&x->plot, outdir, argv[0]);
    x->plot.disabled = no_plots;

    for (int i = 0; i < ndirs; i++) {
        rpt_exp *e = &exps[i];
        rpt_section_generic(x, e);
        rpt_section_declared(x, e);   /* the experiment's own tables and claims */
    }

    doc full = { 0 };
    write_preamble(&full, exps, ndirs, x);
    if (x->plot.disabled)
        doc_text(&full, "Plots were not made (--no-plots).");
    else if (x->plot.nfailed)
        doc_text(&full, "**%d plot(s) could not be made**: %s", x->plot.nfailed, x->plot.first_error);
    for (int i = 0; i < x->d.n; i++) {   /* move the section blocks behind the preamble */
        if (full.n == full.cap) {
            full.cap = full.cap ? 2 * full.cap + x->d.n : x->d.n + 16;
            full.blocks = realloc(full.blocks, (size_t)full.cap * sizeof *full.blocks);
            if (!full.blocks) { perror("report"); abort(); }
        }
        full.blocks[full.n++] = x->d.blocks[i];
    }
    x->d.n = 0;
    char md[4352], html[4352];
    snprintf(md, sizeof md, "%s/report.md", outdir);
    snprintf(html, sizeof html, "%s/report.html", outdir);
    if (doc_write_md(&full, md, err, sizeof err) != 0 || doc_write_html(&full, outdir, html, err, sizeof err) != 0) {
        fprintf(stderr, "sweep report: %s\n", err);
        rc = 1;
    } else if (x->plot.nfailed) {
        fprintf(stderr, "sweep report: wrote %s and %s without %d plot(s): %s\n", md, html, x->plot.nfailed,
                x->plot.first_error);
        rc = 1;
    }
    doc_free(&full);
    doc_free(&x->d);
free_exps:
    for (int i = 0; i < ndirs; i++) exp_free(&exps[i]);
    free(exps);
    free(x);
out:
    for (int i = 0; i < ndirs; i++) free(dirs[i]);
    free(dirs);
    return rc;
}
