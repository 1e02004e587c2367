/* sweep ls: what a results directory holds, without writing a report. Per configuration: runs done against
   runs declared (DIR/experiment.ini when the sweep stored it, else the seeds seen in the directory), status counts
   and mean metrics; the best configuration by mean validation accuracy. --where filters, --top ranks, --format
   picks text, csv, md or json. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "experiment.h"
#include "ls_root.h"
#include "results.h"
#include "run_plan.h"
#include "runset.h"
#include "tabout.h"

#define LS_MAX_WHERE 16

typedef struct {
    const char *dir, *metric;
    const char *where[LS_MAX_WHERE];
    int n_where, top, metric_given;
    tabout_format fmt;
} ls_opts;

/* One configuration as listed: runset configuration cfg (-1: declared but nothing done) and/or declared group. */
typedef struct {
    int cfg, group, done, total, ok, diverged, pruned, other;
    double rank;                    /* mean of the ranking metric over ok runs, NaN without */
    double mean[3];                 /* val_acc, test_acc, seconds */
} ls_row;

static const char *const ls_means[3] = {"val_acc", "test_acc", "seconds"};

static void ls_usage(FILE *f) {
    fprintf(f, "usage: sweep ls [options] DIR\n\n"
               "What a results directory holds (or, for a results root, one line per experiment in it): per configuration (runs that differ only in seed), the runs done\n"
               "against those declared (DIR/experiment.ini, stored by sweep run; without it, the seeds seen in\n"
               "DIR), their status counts and mean metrics over ok runs; then the best configuration by mean\n"
               "validation accuracy. Reads DIR/runs.csv and DIR/shards/*/runs.csv; writes nothing.\n\n"
               "options:\n"
               "  -w, --where COL=VALUE  only configurations whose COL is VALUE (numbers compare as numbers:\n"
               "                         dropout=0.30 matches 0.3); repeatable, all must hold\n"
               "  -t, --top K            the K best configurations by the metric, best first\n"
               "  -m, --metric NAME      the metric that ranks (default val_acc, test_acc when DIR has no\n"
               "                         validation); its direction comes from the results column table\n"
               "  -f, --format F         text (default), csv, md or json\n"
               "  -h, --help             this text\n\n"
               "exit status: 0, or 2 on a bad option or an unreadable directory\n");
}

static int ls_parse(int argc, char **argv, ls_opts *o) {
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},        {"where", required_argument, NULL, 'w'},
        {"top", required_argument, NULL, 't'},   {"metric", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    *o = (ls_opts){.metric = "val_acc", .fmt = TABOUT_TEXT};
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":hw:t:m:f:", longopts, NULL)) != -1;) {
        char *end;
        switch (c) {
        case 'h': ls_usage(stdout); return 0;
        case 'w':
            if (o->n_where == LS_MAX_WHERE || !strchr(optarg, '=') || optarg[0] == '=') {
                fprintf(stderr, "sweep ls: --where '%s': expected COLUMN=VALUE (at most %d)\n", optarg, LS_MAX_WHERE);
                return 2;
            }
            o->where[o->n_where++] = optarg;
            break;
        case 't':
            o->top = (int)strtol(optarg, &end, 10);
            if (end == optarg || *end || o->top < 1) {
                fprintf(stderr, "sweep ls: --top: '%s' is not a count >= 1\n", optarg);
                return 2;
            }
            break;
        case 'm': o->metric = optarg, o->metric_given = 1; break;
        case 'f':
            if (tabout_parse_format(optarg, &o->fmt)) {
                fprintf(stderr, "sweep ls: --format: '%s' is not one of text, csv, md, json\n", optarg);
                return 2;
            }
            break;
        case ':': fprintf(stderr, "sweep ls: %s needs a value\n", argv[optind - 1]); return 2;
        default: fprintf(stderr, "sweep ls: unknown option '%s' (see sweep ls --help)\n", argv[optind - 1]); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "sweep ls: give one results directory (see sweep ls --help)\n");
        return 2;
    }
    o->dir = argv[optind];
    return -1;
}

/* The declaration stored by sweep run, when there is one that loads. */
static int ls_declaration(const char *dir, experiment *e) {
    char path[1200], err[4096];
    snprintf(path, sizeof path, "%s/experiment.ini", dir);
    if (access(path, R_OK) != 0) return 0;
    if (experiment_load(e, path, NULL, 0, err, sizeof err) == 0) return 1;
    fprintf(stderr, "sweep ls: note: %s does not load (%s): counting runs from runs.csv alone\n", path, err);
    return 0;
}

/* The text of configuration column `name` for a row: from the runs table, else from the declared run. */
static void ls_cell(const runset *rs, const experiment *e, const int *first_run, const ls_row *r, const char *name,
                    char *buf, size_t n) {
    const table *t = runset_runs(rs);
    const int *rows;
    int col = table_col(t, name);
    buf[0] = 0;
    if (r->cfg >= 0 && col >= 0 && runset_config_rows(rs, r->cfg, &rows) > 0) {
        snprintf(buf, n, "%s", table_cell(t, rows[0], col));
    } else if (r->group >= 0) {
        const exp_run *x = &e->runs[first_run[r->group]];
        int s = settings_find(name);
        if (!strcmp(name, "variant")) snprintf(buf, n, "%s", x->variant);
        else if (s >= 0 && strcmp(name, "seeds")) settings_format(s, &x->cfg, buf, n);
    }
}

/* Status counts, seeds and means of runset configuration r->cfg. */
static void ls_tally(const runset *rs, ls_row *r, int metric_col, double *seeds, int *nseeds) {
    const table *t = runset_runs(rs);
    int st = table_col(t, "status"), sd = table_col(t, "seed"), cols[3], n[3] = {0, 0, 0}, nrank = 0;
    double sum[3] = {0, 0, 0}, rank = 0;
    for (int k = 0; k < 3; k++) cols[k] = table_col(t, ls_means[k]);
    const int *rows;
    int nrows = r->cfg >= 0 ? runset_config_rows(rs, r->cfg, &rows) : 0;
    *nseeds = 0;
    for (int i = 0; i < nrows; i++) {
        const char *status = st >= 0 ? table_cell(t, rows[i], st) : "ok";
        double seed = sd >= 0 ? table_num(t, rows[i], sd) : NAN;
        int seen = 0;
        for (int j = 0; j < *nseeds && !seen; j++) seen = seeds[j] == seed;
        if (!seen && !isnan(seed)) seeds[(*nseeds)++] = seed;
        r->done++;
        if (!strcmp(status, "ok")) r->ok++;
        else if (!strcmp(status, "diverged")) r->diverged++;
        else if (!strcmp(status, "pruned")) r->pruned++;
        else r->other++;
        if (strcmp(status, "ok")) continue;
        for (int k = 0; k < 3; k++) {
            double v = cols[k] >= 0 ? table_num(t, rows[i], cols[k]) : NAN;
            if (!isnan(v)) sum[k] += v, n[k]++;
        }
        double v = metric_col >= 0 ? table_num(t, rows[i], metric_col) : NAN;
        if (!isnan(v)) rank += v, nrank++;
    }
    for (int k = 0; k < 3; k++) r->mean[k] = n[k] ? sum[k] / n[k] : NAN;
    r->rank = nrank ? rank / nrank : NAN;
}

/* Which settings vary across the declared runs (for the declaration's configuration labels). */
static void ls_varies(const experiment *e, int *varies) {
    for (int i = 0; i < settings_count; i++) {
        char a[512], b[512];
        varies[i] = 0;
        if (i == settings_seed_index()) continue;
        settings_format(i, &e->runs[0].cfg, a, sizeof a);
        for (int k = 1; k < e->n_runs && !varies[i]; k++) {
            settings_format(i, &e->runs[k].cfg, b, sizeof b);
            varies[i] = strcmp(a, b) != 0;
        }
    }
}

typedef struct {
    ls_row *rows;
    int n;
    int *first_run;                 /* (declared groups) a run of each group */
    int *varies;                    /* (settings_count) declared settings that vary */
} ls_list;

/* The rows: each declared configuration (done or not), then configurations in DIR that were not declared. */
static int ls_build(const runset *rs, const experiment *e, int declared, ls_list *l) {
    int ncfg = runset_nconfigs(rs), ngroups = 0, *group_of = NULL, *sorted = NULL, *cfg_of = NULL, *used = NULL;
    char **labels = NULL;
    const table *t = runset_runs(rs);
    l->rows = calloc((size_t)ncfg + (declared ? (size_t)e->n_runs : 0) + 1, sizeof *l->rows);
    l->varies = calloc((size_t)settings_count + 1, sizeof *l->varies);
    used = calloc((size_t)ncfg + 1, sizeof *used);
    if (!l->rows || !l->varies || !used) goto oom;
    if (declared) {
        ls_varies(e, l->varies);
        group_of = calloc((size_t)e->n_runs + 1, sizeof *group_of);
        l->first_run = calloc((size_t)e->n_runs + 1, sizeof *l->first_run);
        sorted = run_plan_index(e);
        if (!group_of || !l->first_run || !sorted || (ngroups = run_plan_groups(e, l->varies, group_of, &labels)) < 0)
            goto oom;
        run_plan_free_labels(labels, ngroups);
        cfg_of = malloc(((size_t)ngroups + 1) * sizeof *cfg_of);
        if (!cfg_of) goto oom;
        for (int g = 0; g < ngroups; g++) l->rows[g] = (ls_row){.cfg = -1, .group = g}, cfg_of[g] = -1;
        for (int k = e->n_runs - 1; k >= 0; k--) l->first_run[group_of[k]] = k, l->rows[group_of[k]].total++;
        int id = table_col(t, "run_id");
        for (int r = 0; id >= 0 && r < t->nrows; r++) {
            int k = run_plan_find(e, sorted, table_cell(t, r, id));
            if (k < 0 || l->rows[group_of[k]].cfg >= 0) continue;
            l->rows[group_of[k]].cfg = runset_config_of(rs, r);
            used[runset_config_of(rs, r)] = 1;
        }
        l->n = ngroups;
    }
    for (int c = 0; c < ncfg; c++)
        if (!used[c]) l->rows[l->n++] = (ls_row){.cfg = c, .group = -1, .total = -1};
    free(group_of), free(sorted), free(cfg_of), free(used);
    return 0;
oom:
    free(group_of), free(sorted), free(cfg_of), free(used);
    fprintf(stderr, "sweep ls: out of memory\n");
    return 2;
}

/* Column names of the configuration part of the listing: what varies in DIR or in the declaration. */
static int ls_config_names(const runset *rs, const experiment *e, const ls_list *l, const char **names) {
    int n = 0;
    const table *t = runset_runs(rs);
    for (int k = 0; k < runset_ncols(rs); k++)
        if (runset_col_varies(rs, k)) names[n++] = t->cols[runset_col(rs, k)];
    if (l->first_run && e->n_variants > 1) {
        int have = 0;
        for (int j = 0; j < n; j++) have |= !strcmp(names[j], "variant");
        if (!have) names[n++] = "variant";
    }
    for (int i = 0; l->first_run && i < settings_count; i++) {
        int have = 0;
        for (int j = 0; j < n; j++) have |= !strcmp(names[j], settings_table[i].name);
        if (l->varies[i] && !have) names[n++] = settings_table[i].name;
    }
    return n;
}

static int ls_matches(const runset *rs, const experiment *e, const ls_list *l, const ls_row *r, const ls_opts *o) {
    for (int w = 0; w < o->n_where; w++) {
        const char *eq = strchr(o->where[w], '=');
        char name[128], cell[600];
        snprintf(name, sizeof name, "%.*s", (int)(eq - o->where[w]), o->where[w]);
        ls_cell(rs, e, l->first_run, r, name, cell, sizeof cell);
        if (!runset_same_value(cell, eq + 1)) return 0;
    }
    return 1;
}

static int ls_rank_cmp(const void *a, const void *b, void *dir) {
    const ls_row *x = a, *y = b;
    int d = *(const int *)dir;
    if (isnan(x->rank) || isnan(y->rank)) return isnan(x->rank) - isnan(y->rank);
    return x->rank == y->rank ? 0 : (x->rank > y->rank) == (d > 0) ? -1 : 1;
}

static void ls_num(char *buf, size_t n, double v, const char *name) {
    const results_column *c = results_find(name);
    if (isnan(v)) buf[0] = 0;
    else snprintf(buf, n, c && c->prec == 4 ? "%.2f" : "%.4f", v);
}

/* The listing: a row per configuration (done/declared, statuses, means), in the chosen format. */
static int ls_print(const runset *rs, const experiment *e, const ls_list *l, const ls_row *rows, int n,
                    const ls_opts *o) {
    const char *names[256 + 16];
    int nc = ls_config_names(rs, e, l, names), rank_extra = 1;
    for (int k = 0; k < 3; k++) rank_extra &= strcmp(ls_means[k], o->metric) != 0;
    const char *cols[256 + 32];
    int m = 0;
    if (!nc) cols[m++] = "configuration";
    for (int j = 0; j < nc; j++) cols[m++] = names[j];
    const char *fixed[] = {"done", "declared", "ok", "diverged", "pruned", "val_acc", "test_acc", "seconds"};
    for (int j = 0; j < 8; j++) cols[m++] = fixed[j];
    if (rank_extra) cols[m++] = o->metric;
    tabout out;
    if (tabout_init(&out, cols, m)) return 2;
    char cells[256 + 32][600];
    const char *ptr[256 + 32];
    for (int i = 0; i < n; i++) {
        const ls_row *r = &rows[i];
        int k = 0;
        if (!nc) snprintf(cells[k++], 600, "all");
        for (int j = 0; j < nc; j++) ls_cell(rs, e, l->first_run, r, names[j], cells[k++], 600);
        snprintf(cells[k++], 600, "%d", r->done);
        if (r->total >= 0) snprintf(cells[k++], 600, "%d", r->total);
        else snprintf(cells[k++], 600, "%s", "");
        snprintf(cells[k++], 600, "%d", r->ok);
        snprintf(cells[k++], 600, "%d", r->diverged);
        snprintf(cells[k++], 600, "%d", r->pruned);
        for (int j = 0; j < 3; j++) ls_num(cells[k++], 600, r->mean[j], ls_means[j]);
        if (rank_extra) ls_num(cells[k++], 600, r->rank, o->metric);
        for (int j = 0; j < k; j++) ptr[j] = cells[j];
        if (tabout_add(&out, ptr)) { tabout_free(&out); return 2; }
    }
    tabout_print(&out, o->fmt, stdout);
    tabout_free(&out);
    return 0;
}

/* "kernels: Haswell (9 runs)": the distinct BLAS core types and ISAs the runs were trained with (provenance),
   at most 4 listed; runs from before provenance count as unknown. */
static void ls_kernels(const runset *rs) {
    const table *t = runset_runs(rs);
    int c = table_col(t, "blas_core"), i = table_col(t, "isa"), n = 0, count[5] = {0};
    const char *core[5], *isa[5];
    for (int r = 0; r < t->nrows; r++) {
        const char *a = c >= 0 ? table_cell(t, r, c) : "", *b = i >= 0 ? table_cell(t, r, i) : "";
        int k = 0;
        while (k < n && (strcmp(core[k], a) || strcmp(isa[k], b))) k++;
        if (k == n && n < 5) core[n] = a, isa[n] = b, n++;
        count[k < 5 ? k : 4]++;
    }
    printf("kernels:");
    for (int k = 0; k < n && k < 4; k++)
        printf("%s %s%s%s (%d run%s)", k ? ";" : "", *core[k] ? core[k] : "unknown (before provenance)",
               *isa[k] ? ", " : "", isa[k], count[k], count[k] == 1 ? "" : "s");
    printf("%s%s\n", n > 4 ? "; others" : "", n > 1 ? ": their bits may differ" : "");
}

/* The headline (text and md): runs done against declared, status counts, the best configuration. */
static void ls_headline(const runset *rs, const experiment *e, const ls_list *l, const ls_opts *o, int seeds_seen) {
    int done = 0, total = 0, ok = 0, div = 0, pruned = 0, other = 0, best = -1, dir = 1, ndecl = 0, extra = 0;
    const results_column *c = results_find(o->metric);
    if (c && c->direction) dir = c->direction;
    (void)e;
    for (int i = 0; i < l->n; i++) {
        const ls_row *r = &l->rows[i];
        ok += r->ok, div += r->diverged, pruned += r->pruned, other += r->other;
        if (r->group >= 0) ndecl++, total += r->total, done += r->done < r->total ? r->done : r->total;
        else extra += r->done;
        if (!isnan(r->rank) && (best < 0 || (dir > 0 ? r->rank > l->rows[best].rank : r->rank < l->rows[best].rank)))
            best = i;
    }
    if (l->first_run)
        printf("%s: %d of %d declared runs done (experiment.ini: %d configurations)%s; %d ok, %d diverged, "
               "%d pruned%s\n", o->dir, done, total, ndecl, "", ok, div, pruned, other ? ", others" : "");
    else
        printf("%s: %d runs in %d configuration%s (%d seeds seen; no experiment.ini, so 'declared' counts those "
               "seeds); %d ok, %d diverged, %d pruned\n", o->dir, extra, runset_nconfigs(rs),
               runset_nconfigs(rs) == 1 ? "" : "s", seeds_seen, ok, div, pruned);
    if (l->first_run && extra)
        printf("%d runs in %s are not in its experiment.ini (an older or wider grid): listed without 'declared'\n",
               extra, o->dir);
    ls_kernels(rs);
    if (best < 0) {
        printf("best by mean %s: none yet (no ok run has it)\n", o->metric);
        return;
    }
    const char *names[256 + 16];
    int nc = ls_config_names(rs, e, l, names);
    printf("best by mean %s: ", o->metric);
    for (int j = 0; j < nc; j++) {
        char cell[600];
        ls_cell(rs, e, l->first_run, &l->rows[best], names[j], cell, sizeof cell);
        printf("%s%s=%s", j ? " " : "", names[j], cell);
    }
    printf("%s: %.4f over %d ok run%s (test_acc %.4f)\n\n", nc ? "" : "the only configuration", l->rows[best].rank,
           l->rows[best].ok, l->rows[best].ok == 1 ? "" : "s", l->rows[best].mean[1]);
}

static int ls_check_columns(const runset *rs, const ls_opts *o) {
    const table *t = runset_runs(rs);
    for (int w = 0; w < o->n_where; w++) {
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(o->where[w], "="), o->where[w]);
        if (table_col(t, name) < 0 && settings_find(name) < 0) {
            fprintf(stderr, "sweep ls: --where %s: %s has no column '%s'\n", o->where[w], t->path, name);
            return 2;
        }
    }
    if (table_col(t, o->metric) < 0) {
        fprintf(stderr, "sweep ls: --metric %s: %s has no such column\n", o->metric, t->path);
        return 2;
    }
    return 0;
}

int cmd_ls(int argc, char **argv) {
    ls_opts o;
    int rc = ls_parse(argc, argv, &o);
    if (rc >= 0) return rc;
    char err[2048];
    runset *rs;
    if (runset_open(&rs, o.dir, err, sizeof err)) {
        if (!o.n_where && !o.top && (rc = ls_root(o.dir, o.fmt)) >= 0) return rc;   /* a results root */
        fprintf(stderr, "sweep ls: %s\n", err);
        return 2;
    }
    experiment e;
    memset(&e, 0, sizeof e);
    int declared = ls_declaration(o.dir, &e);
    const table *t = runset_runs(rs);
    int vcol = table_col(t, "val_acc"), has_val = 0;
    for (int r = 0; vcol >= 0 && r < t->nrows && !has_val; r++) has_val = !isnan(table_num(t, r, vcol));
    if (!o.metric_given && !has_val) o.metric = "test_acc";
    ls_list l = {0};
    double *seeds = malloc(((size_t)t->nrows + 1) * sizeof *seeds), *all = malloc(((size_t)t->nrows + 1) * sizeof *all);
    rc = !seeds || !all ? 2 : ls_check_columns(rs, &o);
    if (!rc) rc = ls_build(rs, &e, declared, &l);
    int nall = 0, metric_col = table_col(t, o.metric);
    for (int i = 0; !rc && i < l.n; i++) {
        int ns;
        ls_tally(rs, &l.rows[i], metric_col, seeds, &ns);
        for (int j = 0; j < ns; j++) {
            int seen = 0;
            for (int k = 0; k < nall && !seen; k++) seen = all[k] == seeds[j];
            if (!seen) all[nall++] = seeds[j];
        }
    }
    for (int i = 0; !rc && i < l.n; i++)
        if (l.rows[i].total < 0 && !declared) l.rows[i].total = nall;
    if (!rc && (o.fmt == TABOUT_TEXT || o.fmt == TABOUT_MD)) ls_headline(rs, &e, &l, &o, nall);
    int n = 0;
    for (int i = 0; !rc && i < l.n; i++)
        if (ls_matches(rs, &e, &l, &l.rows[i], &o)) l.rows[n++] = l.rows[i];
    if (!rc && o.top) {
        const results_column *c = results_find(o.metric);
        int dir = c && c->direction ? c->direction : 1;
        qsort_r(l.rows, (size_t)n, sizeof *l.rows, ls_rank_cmp, &dir);
        if (n > o.top) n = o.top;
    }
    if (!rc) rc = ls_print(rs, &e, &l, l.rows, n, &o);
    free(seeds), free(all), free(l.rows), free(l.first_run), free(l.varies);
    if (declared) experiment_free(&e);
    runset_close(rs);
    return rc;
}
