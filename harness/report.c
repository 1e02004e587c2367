/* report: `sweep report` — the command line, loading results directories, grouping runs into
   configurations, and putting the sections together in their fixed order. */
#include "commands.h"
#include "report.h"
#include "report_search.h"
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: sweep report [-o OUTDIR] [--no-plots] DIR...\n"
    "  A report (report.md, report.html and images) from results. Each DIR is a results directory\n"
    "  (runs.csv, curves.csv, and shards/K-of-N/ when the sweep was sharded) or a results root holding several.\n"
    "  Every experiment gets the same sections, chosen from what varies in its runs: accuracy and gap\n"
    "  against each numeric column, a heat map for two, bars for categorical columns and variants,\n"
    "  learning curves, every configuration with the best one chosen on validation accuracy, and the\n"
    "  differences against a reference configuration paired by seed (Holm-corrected). Several\n"
    "  experiments make one combined report, in the order given; two with the same name are told apart by\n"
    "  their path. The experiment's declaration stored by sweep run (DIR/experiment.ini: name, description,\n"
    "  reference, [table], [claim] and [census] sections) gives the title, the reference, its tables, claim\n"
    "  verdicts and censuses (zeros of a Linear-ReLU-dropout layer counted by cause; no runs needed).\n"
    "  -o, --out OUTDIR  where the report goes (default: the DIR when there is one, else results/report);\n"
    "                    plots an earlier report there drew and this one does not are removed\n"
    "                    (OUTDIR/.report-files lists a report's plots; no other file is touched)\n"
    "  --no-plots        tables only, no gnuplot (earlier plots are left as they are)\n"
    "  -h, --help        this text\n"
    "  Environment: SWEEP_PLOTS (gnuplot templates; default plots/ beside the executable, else ./plots),\n"
    "  SWEEP_GNUPLOT (gnuplot binary; default gnuplot).\n"
    "  Exit status: 0 on success; 2 on a usage error, unusable results or a bad declaration (one line says\n"
    "  what and where);\n"
    "  1 when the report could not be written, or gnuplot is missing or a plot failed (report.md and\n"
    "  report.html are then still written, without those images).\n";

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

static int group_cmp(const void *pa, const void *pb, void *arg)
{
    const rpt_exp *e = arg;
    const rpt_group *a = pa, *b = pb;
    for (int i = 0; i < e->nvary; i++) {
        int c = e->vary_cols[i];
        int r = runset_cell_cmp(table_cell(&e->runs, a->first, c), table_cell(&e->runs, b->first, c));
        if (r) return r;
    }
    return 0;
}

/* Groups from the runset's configurations: the ok runs of each, sorted by the varying columns. */
static int exp_group(rpt_exp *e, char *err, size_t errlen)
{
    const table *t = &e->runs;
    int c_status = table_col(t, "status"), c_seed = table_col(t, "seed");
    if (table_col(t, "variant") < 0 || table_col(t, "hidden") < 0 || table_col(t, "data") < 0 || c_status < 0 ||
        c_seed < 0 || table_col(t, "test_acc") < 0) {
        snprintf(err, errlen, "%s: not a runs.csv of SCHEMA.md (needs variant, hidden..data, status, seed, "
                 "test_acc)", t->path);
        return -1;
    }
    if (t->nrows == 0) { snprintf(err, errlen, "%s: no runs", t->path); return -1; }
    for (int k = 0; k < runset_ncols(e->rs) && e->ncfg < RPT_MAXCOLS * 2; k++) {
        e->cfg_cols[e->ncfg++] = runset_col(e->rs, k);
        if (runset_col_varies(e->rs, k)) e->vary_cols[e->nvary++] = runset_col(e->rs, k);
    }
    e->ngroups = runset_nconfigs(e->rs);
    e->groups = calloc((size_t)e->ngroups, sizeof *e->groups);
    if (!e->groups) { snprintf(err, errlen, "out of memory"); return -1; }
    for (int c = 0; c < e->ngroups; c++) {
        rpt_group *g = &e->groups[c];
        const int *rows;
        int n = runset_config_rows(e->rs, c, &rows);
        g->cfg = c;
        g->first = rows[0];
        g->total = n;
        g->rows = malloc((size_t)n * sizeof *g->rows);
        g->seeds = malloc((size_t)n * sizeof *g->seeds);
        if (!g->rows || !g->seeds) { snprintf(err, errlen, "out of memory"); return -1; }
        for (int i = 0; i < n; i++) {
            const char *status = table_cell(t, rows[i], c_status);
            if (strcmp(status, "ok")) { g->ndiverged += !strcmp(status, "diverged"); continue; }
            double seed = table_num(t, rows[i], c_seed); /* NaN for a non-number: casting that is undefined */
            if (!(seed >= 0 && seed <= INT_MAX && seed == floor(seed))) {
                snprintf(err, errlen, "%s:%d: seed '%s' is not a whole number in 0..%d", t->path, rows[i] + 2,
                         table_cell(t, rows[i], c_seed), INT_MAX);
                return -1;
            }
            g->rows[g->n] = rows[i];
            g->seeds[g->n++] = (int)seed;
        }
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
    runset_close(e->rs);    /* owns runs and curves */
}

static int exp_load(rpt_exp *e, const char *dir, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    if (strlen(dir) >= sizeof e->dir) {
        snprintf(err, errlen, "%.200s...: path too long (%zu characters; at most %zu)", dir, strlen(dir), sizeof e->dir - 1);
        return -1;
    }
    e->ref_group = -1;
    snprintf(e->dir, sizeof e->dir, "%s", dir);
    size_t len = strlen(e->dir);
    while (len > 1 && e->dir[len - 1] == '/') e->dir[--len] = 0;
    const char *slash = strrchr(e->dir, '/');
    snprintf(e->name, sizeof e->name, "%s", slash ? slash + 1 : e->dir);
    snprintf(e->label, sizeof e->label, "%s", e->name);
    if (runset_open(&e->rs, e->dir, err, errlen) != 0) return -1;
    e->runs = *runset_runs(e->rs);
    e->curves = *runset_curves(e->rs);
    if (exp_group(e, err, errlen) != 0) return -1;
    if (rpt_label_columns(e) != 0) { snprintf(err, errlen, "out of memory"); return -1; }
    if (rpt_load_declaration(e, err, errlen) != 0) return -2;   /* a bad declaration */
    snprintf(e->label, sizeof e->label, "%s", e->name);          /* the declared name, when there is one */
    return 0;
}

/* A results directory: runs.csv, or shards/ (runset.h). */
static int is_results_dir(const char *dir)
{
    char path[4352];
    struct stat st;
    if (file_exists(dir, "runs.csv")) return 1;
    return snprintf(path, sizeof path, "%s/shards", dir) < (int)sizeof path && stat(path, &st) == 0 &&
           S_ISDIR(st.st_mode);
}

/* Experiment directories of arg: arg itself, or its subdirectories holding runs.csv (sorted). */
static int collect_dirs(const char *arg, strlist *dirs, char *err, size_t errlen)
{
    if (is_results_dir(arg)) {
        if (strlist_add(dirs, arg) == 0) return 0;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    DIR *d = opendir(arg);
    if (!d) { snprintf(err, errlen, "%s: %s", arg, strerror(errno)); return -1; }
    int before = dirs->n;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char sub[4352];
        snprintf(sub, sizeof sub, "%s/%s", arg, de->d_name);
        if (is_results_dir(sub) && strlist_add(dirs, sub) != 0) {
            closedir(d);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    closedir(d);
    if (dirs->n == before) { snprintf(err, errlen, "%s: no runs.csv there nor in its subdirectories", arg); return -1; }
    strlist_sort_from(dirs, before);
    return 0;
}

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp) { errno = ENAMETOOLONG; return -1; }
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') { *p = 0; if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1; *p = '/'; }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static void write_preamble(doc *d, rpt_exp *exps, int nexp, const rpt_ctx *x)
{
    if (nexp == 1) doc_heading(d, 1, "Report: %s", exps[0].title[0] ? exps[0].title : exps[0].label);
    else doc_heading(d, 1, "Report: %d experiments", nexp);
    doc_text(d, "Experiments: %d (%s%s). Every number is a mean over seeds (runs with status ok) with the "
             "half-width of its 95%% confidence interval (Student t): **mean ± half-width**. Accuracies and "
             "the generalization gap (train_acc − test_acc, per run) are in percent. Differences against a "
             "reference configuration are given as **difference [95%% CI]**, from a paired t-test when both "
             "configurations ran the same seeds (same data split and initialization), otherwise Welch's "
             "t-test; p-values are Holm-corrected over the comparisons of one table or one claim.",
             nexp, exps[0].label, nexp > 1 ? ", ..." : "");
    doc_text(d, "Verdicts: **supported** when the comparisons the claim predicts are significant (Holm-"
             "corrected p < 0.05) in the predicted direction; **contradicted** when they are significant in "
             "the opposite direction; **inconclusive** otherwise — in particular whenever the confidence "
             "interval of a difference covers zero. Each claim states its own decision rule below.");
    doc_heading(d, 2, "Verdicts at a glance");
    if (x->nverdicts == 0) { doc_text(d, "No claims were tested by these experiments."); return; }
    doc_rowbuf r;
    doc_table_head(d, (const char *const[]){ "Experiment", "Claim", "Verdict", NULL });
    for (int i = 0; i < x->nverdicts; i++) {
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", x->verdicts[i].experiment);
        if (x->verdicts[i].anchor[0]) doc_rb_add_link(&r, x->verdicts[i].anchor, "%s", x->verdicts[i].claim);
        else doc_rb_add(&r, "%s", x->verdicts[i].claim);
        doc_rb_add(&r, "**%s**", rpt_verdict_word(x->verdicts[i].v));
        doc_row(d, &r);
    }
}

void rpt_verdict_line(rpt_ctx *x, const rpt_exp *e, const char *claim, rpt_verdict v, const char *rule,
                      const char *numbers)
{
    const char *anchor = NULL;
    if (x->nverdicts < RPT_MAXVERDICTS) {   /* the claim's heading is the anchor the summary links to */
        char id[32];
        snprintf(id, sizeof id, "claim-%d", x->nverdicts + 1);
        anchor = doc_set_id(&x->d, id);
    }
    doc_text(&x->d, "**Verdict on \"%s\": %s.** Decision rule: %s Measured: %s", claim, rpt_verdict_word(v), rule,
             numbers);
    if (x->nverdicts < RPT_MAXVERDICTS) {
        rpt_verdict_entry *ve = &x->verdicts[x->nverdicts++];
        snprintf(ve->experiment, sizeof ve->experiment, "%.127s", e->label);
        snprintf(ve->claim, sizeof ve->claim, "%s", claim);
        snprintf(ve->anchor, sizeof ve->anchor, "%s", anchor ? anchor : "");
        ve->v = v;
    }
}

static int exp_rank_cmp(const void *a, const void *b)
{
    const rpt_exp *x = a, *y = b;
    int r = x->position - y->position;
    if (!r) r = strcmp(x->name, y->name);
    return r ? r : strcmp(x->dir, y->dir);
}

/* A name for files: letters, digits, '-', '.' and '_' kept, anything else as '_'. */
void rpt_safe_name(char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || (*s == '.' && s[1] != '.')))
            *s = '_';
}

/* Experiments with the same name are told apart by path (headings) and by a number (image files). */
static void exp_labels(rpt_exp *exps, int n)
{
    for (int i = 0; i < n; i++) {
        int same = 0, before = 0;
        for (int j = 0; j < n; j++)
            if (j != i && !strcmp(exps[i].name, exps[j].name)) { same++; before += j < i; }
        if (same) snprintf(exps[i].label, sizeof exps[i].label, "%s (%s)", exps[i].name, exps[i].dir);
        if (before) snprintf(exps[i].prefix, sizeof exps[i].prefix, "%.120s_%d", exps[i].name, before + 1);
        else snprintf(exps[i].prefix, sizeof exps[i].prefix, "%.150s", exps[i].name);
        rpt_safe_name(exps[i].prefix);
    }
}
/* The preamble, then the sections' blocks, into one document. */
static void assemble(doc *full, rpt_exp *exps, int n, rpt_ctx *x)
{
    write_preamble(full, exps, n, x);
    if (x->plot.disabled)
        doc_text(full, "Plots were not made (--no-plots).");
    else if (x->plot.nfailed)
        doc_text(full, "**%d plot(s) could not be made**: %s", x->plot.nfailed, x->plot.first_error);
    for (int i = 0; i < x->d.n; i++) {   /* move the section blocks behind the preamble */
        if (full->n == full->cap) {
            full->cap = full->cap ? 2 * full->cap + x->d.n : x->d.n + 16;
            full->blocks = realloc(full->blocks, (size_t)full->cap * sizeof *full->blocks);
            if (!full->blocks) { perror("report"); abort(); }
        }
        full->blocks[full->n++] = x->d.blocks[i];
    }
    x->d.n = 0;
}

/* Options into outdir and no_plots, and the results directories into dirs. Returns -1 to go on, else the exit
   status (0 for --help, 2 for a usage error or a directory that is not results). */
static int parse_args(int argc, char **argv, const char **outdir, int *no_plots, strlist *dirs)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' }, { "no-plots", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    optind = 0;   /* glibc: 0 re-initializes getopt fully, for a second call in one process */
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        if (c == 'h') { fputs(usage, stdout); return 0; }
        if (c == 'o') *outdir = optarg;
        else if (c == 'P') *no_plots = 1;
        else {
            if (c == ':') fprintf(stderr, "sweep report: %s needs a value (see sweep report --help)\n", argv[optind - 1]);
            else fprintf(stderr, "sweep report: unknown option %s (see sweep report --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (*outdir && !**outdir) { fprintf(stderr, "sweep report: -o needs a directory\n"); return 2; }
    if (optind == argc) { fprintf(stderr, "sweep report: no results directory given (see sweep report --help)\n"); return 2; }
    char err[1024];
    for (int i = optind; i < argc; i++)
        if (collect_dirs(argv[i], dirs, err, sizeof err) != 0) {
            fprintf(stderr, "sweep report: %s\n", err);
            return 2;
        }
    if (!*outdir) *outdir = argc - optind == 1 ? argv[optind] : "results/report";
    return -1;
}

int cmd_report(int argc, char **argv)
{
    const char *outdir = NULL;
    int no_plots = 0;
    strlist dirs = {0};
    char err[1024] = "";
    int rc = parse_args(argc, argv, &outdir, &no_plots, &dirs);
    int ndirs = dirs.n;
    if (rc >= 0) goto out;
    rc = 0;
    rpt_exp *exps = calloc((size_t)ndirs, sizeof *exps);
    rpt_ctx *x = calloc(1, sizeof *x);
    if (!exps || !x) { fprintf(stderr, "sweep report: out of memory\n"); free(exps); free(x); rc = 1; goto out; }
    for (int i = 0; i < ndirs; i++) {
        int lrc = exp_load(&exps[i], dirs.v[i], err, sizeof err);
        if (lrc != 0) {
            fprintf(stderr, "sweep report: %s\n", err);
            rc = 2;
            goto free_exps;
        }
        exps[i].position = i;
    }
    qsort(exps, (size_t)ndirs, sizeof *exps, exp_rank_cmp);
    exp_labels(exps, ndirs);
    if (mkdir_p(outdir) != 0) { fprintf(stderr, "sweep report: %s: cannot create directory\n", outdir); rc = 1; goto free_exps; }
    rpt_plotter_init(&x->plot, outdir, argv[0]);
    x->plot.disabled = no_plots;

    for (int i = 0; i < ndirs; i++) {
        rpt_section_auto(x, &exps[i]);
        rpt_section_declared(x, &exps[i]);   /* the experiment's declared tables and claims */
        rpt_section_census(x, &exps[i]);     /* and its censuses */
        if (rpt_section_search(&x->d, exps[i].dir, err, sizeof err) < 0 || rpt_search_ladder(x, &exps[i]) < 0)
            fprintf(stderr, "sweep report: warning: %s: the search section is incomplete: %s\n", exps[i].label, err);
        if (i > 0 && !strcmp(exps[i].name, exps[i - 1].name)) rpt_side_by_side(x, &exps[i - 1], &exps[i]);
    }
    doc full = { 0 };
    assemble(&full, exps, ndirs, x);
    char md[4352], html[4352];
    snprintf(md, sizeof md, "%s/report.md", outdir);
    snprintf(html, sizeof html, "%s/report.html", outdir);
    if (doc_write_md(&full, md, err, sizeof err) != 0 || doc_write_html(&full, outdir, html, err, sizeof err) != 0) {
        fprintf(stderr, "sweep report: %s\n", err);
        rc = 1;
    } else {
        int pruned = rpt_files_prune(&x->plot, err, sizeof err);
        if (pruned < 0) fprintf(stderr, "sweep report: warning: %s\n", err);
        printf("sweep report: wrote %s and %s (%d experiment(s), %d plot(s)", md, html, ndirs, x->plot.nmade);
        if (pruned > 0) printf("; removed %d earlier plot(s) it no longer shows", pruned);
        printf(")\n");
        if (x->plot.nfailed) {
            fprintf(stderr, "sweep report: wrote %s and %s without %d plot(s): %s\n", md, html, x->plot.nfailed,
                    x->plot.first_error);
            rc = 1;
        }
    }
    doc_free(&full);
    doc_free(&x->d);
    rpt_files_free(&x->plot);
free_exps:
    for (int i = 0; i < ndirs; i++) exp_free(&exps[i]);
    free(exps);
    free(x);
out:
    strlist_free(&dirs);
    return rc;
}
