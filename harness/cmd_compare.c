/* sweep compare A B: two result sets (before and after a change, two machines), configuration by configuration.
   The configurations both hold are compared per metric: the difference of means B - A with a 95% CI, paired by
   seed on the seeds both ran (else Welch). What is only in A or only in B is listed. --gate X makes it a gate on
   the common configurations: exit 1 when a difference is worse than X with confidence. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "provenance.h"
#include "results.h"
#include "runset.h"
#include "stats.h"
#include "tabout.h"

#define CMP_MAX_METRICS 8
#define CMP_LEVEL 0.95

typedef struct {
    const char *path[2];
    const char *metric[CMP_MAX_METRICS];
    int n_metrics, direction, gated;
    double gate;
    tabout_format fmt;
} cmp_opts;

static void cmp_usage(FILE *f) {
    fprintf(f, "usage: sweep compare [options] A B\n\n"
               "Compares two result sets (results directories or runs.csv files), configuration by configuration:\n"
               "for each configuration both hold, the mean of each metric on each side and the difference B - A\n"
               "with its 95%% CI, paired by seed on the seeds both ran (else Welch's; no CI under 2 runs a side).\n"
               "Configurations only in A or only in B are listed. Files of an older sweep read as today's; runs\n"
               "trained with other BLAS kernels or ISA are warned about.\n\n"
               "options:\n"
               "  -m, --metric NAME   a metric to compare (repeatable; default test_acc and val_acc)\n"
               "  --gate X            exit 1 when, for the first metric, a common configuration's whole CI of\n"
               "                      B - A is worse than X (in the metric's units; plain difference under 2 runs)\n"
               "  -d, --direction D   higher or lower is better for the gate's metric (default: from the column;\n"
               "                      seconds and losses lower, accuracies higher)\n"
               "  -f, --format F      text (default), csv, md or json\n"
               "  -h, --help          this text\n\n"
               "exit status: 0 (with --gate: nothing worse), 1 a gated regression, 2 bad input or nothing in common\n");
}

static int cmp_parse(int argc, char **argv, cmp_opts *o) {
    enum { O_GATE = 256 };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},         {"metric", required_argument, NULL, 'm'},
        {"gate", required_argument, NULL, O_GATE}, {"direction", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    *o = (cmp_opts){.fmt = TABOUT_TEXT};
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":hm:d:f:", longopts, NULL)) != -1;) {
        char *end;
        switch (c) {
        case 'h': cmp_usage(stdout); return 0;
        case 'm':
            if (o->n_metrics == CMP_MAX_METRICS) {
                fprintf(stderr, "sweep compare: at most %d metrics\n", CMP_MAX_METRICS);
                return 2;
            }
            o->metric[o->n_metrics++] = optarg;
            break;
        case O_GATE:
            o->gate = strtod(optarg, &end);
            if (end == optarg || *end || !isfinite(o->gate) || o->gate < 0) {
                fprintf(stderr, "sweep compare: --gate: '%s' is not a number >= 0\n", optarg);
                return 2;
            }
            o->gated = 1;
            break;
        case 'd':
            o->direction = !strcmp(optarg, "higher") ? 1 : !strcmp(optarg, "lower") ? -1 : 0;
            if (!o->direction) {
                fprintf(stderr, "sweep compare: --direction: '%s' is not higher or lower\n", optarg);
                return 2;
            }
            break;
        case 'f':
            if (tabout_parse_format(optarg, &o->fmt)) {
                fprintf(stderr, "sweep compare: --format: '%s' is not one of text, csv, md, json\n", optarg);
                return 2;
            }
            break;
        case ':': fprintf(stderr, "sweep compare: %s needs a value\n", argv[optind - 1]); return 2;
        default:
            fprintf(stderr, "sweep compare: unknown option '%s' (see sweep compare --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "sweep compare: give two result sets, A and B (see sweep compare --help)\n");
        return 2;
    }
    o->path[0] = argv[optind];
    o->path[1] = argv[optind + 1];
    if (!o->n_metrics) o->metric[o->n_metrics++] = "test_acc", o->metric[o->n_metrics++] = "val_acc";
    return -1;
}

/* One side's ok values of a metric in configuration c, with their seeds. Returns the count. */
static int cmp_values(const runset *rs, int c, const char *metric, double *v, double *seed) {
    const table *t = runset_runs(rs);
    int st = table_col(t, "status"), sd = table_col(t, "seed"), m = table_col(t, metric), n = 0;
    const int *rows;
    int nrows = c >= 0 && m >= 0 ? runset_config_rows(rs, c, &rows) : 0;
    for (int i = 0; i < nrows; i++) {
        if (st >= 0 && strcmp(table_cell(t, rows[i], st), "ok")) continue;
        double x = table_num(t, rows[i], m);
        if (isnan(x)) continue;
        v[n] = x;
        seed[n++] = sd >= 0 ? table_num(t, rows[i], sd) : NAN;
    }
    return n;
}

typedef struct {
    int n[2], pairs;
    double mean[2], diff, lo, hi;   /* lo, hi NaN without a CI */
} cmp_result;

/* B - A for one configuration and metric: paired on the seeds both ran when at least 2 are shared, else Welch. */
static void cmp_one(double *const v[2], double *const s[2], const int n[2], double *pa, double *pb, cmp_result *r) {
    stats_summary sum;
    r->n[0] = n[0], r->n[1] = n[1], r->pairs = 0;
    for (int sd = 0; sd < 2; sd++) {
        stats_summarize(v[sd], n[sd], CMP_LEVEL, &sum);
        r->mean[sd] = n[sd] ? sum.mean : NAN;
    }
    r->diff = r->mean[1] - r->mean[0];
    r->lo = r->hi = NAN;
    for (int i = 0; i < n[1]; i++)
        for (int j = 0; j < n[0]; j++)
            if (!isnan(s[1][i]) && s[1][i] == s[0][j]) {
                pb[r->pairs] = v[1][i], pa[r->pairs++] = v[0][j];
                break;
            }
    stats_test t;
    if (r->pairs >= 2 && stats_paired(pb, pa, r->pairs, CMP_LEVEL, &t) == 0)
        r->diff = t.diff, r->lo = t.ci_lo, r->hi = t.ci_hi;    /* over the shared seeds */
    else if (r->pairs = 0, stats_welch(v[1], n[1], v[0], n[0], CMP_LEVEL, &t) == 0) r->lo = t.ci_lo, r->hi = t.ci_hi;
}

/* The configuration columns that vary in A or in B, or hold another value on the other side, by name. */
static int cmp_label_cols(runset *const rs[2], const char **names, int max) {
    int n = 0;
    for (int sd = 0; sd < 2; sd++) {
        const table *t = runset_runs(rs[sd]), *u = runset_runs(rs[!sd]);
        for (int k = 0; k < runset_ncols(rs[sd]) && n < max; k++) {
            int col = runset_col(rs[sd], k), other = table_col(u, t->cols[col]), have = 0;
            for (int j = 0; j < n; j++) have |= !strcmp(names[j], t->cols[col]);
            int varies = runset_col_varies(rs[sd], k) || other < 0 ||
                         (t->nrows && u->nrows && !runset_same_value(table_cell(t, 0, col), table_cell(u, 0, other)));
            if (varies && !have) names[n++] = t->cols[col];
        }
    }
    return n;
}

static void cmp_cell(const runset *rs, int c, const char *name, char *buf, size_t n) {
    const table *t = runset_runs(rs);
    const int *rows;
    int col = table_col(t, name);
    buf[0] = 0;
    if (col >= 0 && runset_config_rows(rs, c, &rows) > 0) snprintf(buf, n, "%s", table_cell(t, rows[0], col));
}

static void cmp_num(char *buf, size_t n, double v, const char *metric) {
    const results_column *c = results_find(metric);
    if (isnan(v)) buf[0] = 0;
    else snprintf(buf, n, c && c->prec == 4 ? "%+.3f" : "%+.4f", v);
}

typedef struct {
    tabout out;
    const char *names[128];
    int nl, common, only[2], worse;
} cmp_state;

/* One row per configuration and metric: where it is (both, A, B), the means, the difference and its CI. */
static int cmp_row(cmp_state *st, runset *const rs[2], const int cfg[2], const cmp_opts *o, int mi, double *buf[6]) {
    const char *metric = o->metric[mi];
    char cells[160][128];
    const char *ptr[160];
    int k = 0, n[2];
    for (int j = 0; j < st->nl; j++) cmp_cell(rs[cfg[0] >= 0 ? 0 : 1], cfg[cfg[0] >= 0 ? 0 : 1], st->names[j], cells[k++], 128);
    snprintf(cells[k++], 128, "%s", cfg[0] >= 0 && cfg[1] >= 0 ? "both" : cfg[0] >= 0 ? "A" : "B");
    snprintf(cells[k++], 128, "%s", metric);
    for (int sd = 0; sd < 2; sd++) n[sd] = cmp_values(rs[sd], cfg[sd], metric, buf[sd], buf[2 + sd]);
    cmp_result r;
    cmp_one((double *const[]){buf[0], buf[1]}, (double *const[]){buf[2], buf[3]}, n, buf[4], buf[5], &r);
    for (int sd = 0; sd < 2; sd++) snprintf(cells[k++], 128, "%d", n[sd]);
    for (int sd = 0; sd < 2; sd++) {
        cmp_num(cells[k], 128, r.mean[sd], metric);
        if (cells[k][0] == '+') memmove(cells[k], cells[k] + 1, strlen(cells[k]));
        k++;
    }
    cmp_num(cells[k++], 128, r.diff, metric);
    cmp_num(cells[k++], 128, r.lo, metric);
    cmp_num(cells[k++], 128, r.hi, metric);
    snprintf(cells[k++], 128, "%s", isnan(r.lo) ? (cfg[0] >= 0 && cfg[1] >= 0 ? "no CI (<2 runs)" : "")
                                                : r.pairs ? "paired" : "welch");
    if (r.pairs) snprintf(cells[k - 1], 128, "paired on %d seeds", r.pairs);
    if (mi == 0 && o->gated && cfg[0] >= 0 && cfg[1] >= 0 && !isnan(r.diff)) {
        const results_column *c = results_find(metric);
        int dir = o->direction ? o->direction : c && c->direction ? c->direction : 1;
        double best = isnan(r.hi) ? r.diff : dir > 0 ? r.hi : r.lo;    /* the most favourable end of the CI */
        if ((dir > 0 && best < -o->gate - 1e-9) || (dir < 0 && best > o->gate + 1e-9)) {
            st->worse++;
            snprintf(cells[k - 1] + strlen(cells[k - 1]), 128 - strlen(cells[k - 1]), "; WORSE");
        }
    }
    for (int j = 0; j < k; j++) ptr[j] = cells[j];
    return tabout_add(&st->out, ptr);
}

/* A row per metric for every configuration both hold, then for those only in A, then only in B. */
static int cmp_all(cmp_state *st, runset *const rs[2], const cmp_opts *o) {
    const table *ta = runset_runs(rs[0]), *tb = runset_runs(rs[1]);
    size_t most = (size_t)(ta->nrows > tb->nrows ? ta->nrows : tb->nrows) + 1;
    double *buf[6];
    int rc = 0;
    for (int i = 0; i < 6; i++) buf[i] = malloc(most * sizeof(double));
    for (int i = 0; i < 6; i++) rc |= buf[i] == NULL;
    for (int pass = 0; !rc && pass < 3; pass++) {   /* common, then only in A, then only in B */
        int side = pass == 2;
        for (int c = 0; !rc && c < runset_nconfigs(rs[side]); c++) {
            int other = runset_find_config(rs[!side], runset_config_key(rs[side], c));
            if ((pass == 0) != (other >= 0)) continue;
            int cfg[2] = {side ? other : c, side ? c : other};
            if (pass == 0) st->common++;
            else st->only[side]++;
            for (int m = 0; !rc && m < o->n_metrics; m++) rc = cmp_row(st, rs, cfg, o, m, buf);
        }
    }
    for (int i = 0; i < 6; i++) free(buf[i]);
    if (rc) fprintf(stderr, "sweep compare: out of memory\n");
    return rc ? 2 : 0;
}

int cmd_compare(int argc, char **argv) {
    cmp_opts o;
    int rc = cmp_parse(argc, argv, &o);
    if (rc >= 0) return rc;
    runset *rs[2] = {NULL, NULL};
    char err[2048];
    for (int sd = 0; sd < 2; sd++)
        if (runset_open(&rs[sd], o.path[sd], err, sizeof err)) {
            fprintf(stderr, "sweep compare: %s\n", err);
            runset_close(rs[0]);
            return 2;
        }
    for (int m = 0; m < o.n_metrics; m++)
        if (table_col(runset_runs(rs[0]), o.metric[m]) < 0 && table_col(runset_runs(rs[1]), o.metric[m]) < 0) {
            fprintf(stderr, "sweep compare: --metric %s: neither side has that column\n", o.metric[m]);
            rc = 2;
        }
    if (o.gated && !o.direction) {
        const results_column *c = results_find(o.metric[0]);
        if (!c || !c->direction) {
            fprintf(stderr, "sweep compare: --gate on %s: give --direction higher or lower\n", o.metric[0]);
            rc = 2;
        }
    }
    cmp_state st;
    memset(&st, 0, sizeof st);
    st.nl = rc < 0 ? cmp_label_cols(rs, st.names, 100) : 0;
    const char *cols[140];
    int k = 0;
    for (int j = 0; j < st.nl; j++) cols[k++] = st.names[j];
    const char *fixed[] = {"in", "metric", "n_A", "n_B", "mean_A", "mean_B", "diff_B-A", "ci_lo", "ci_hi", "test"};
    for (int j = 0; j < 10; j++) cols[k++] = fixed[j];
    if (rc < 0 && (tabout_init(&st.out, cols, k) || (rc = cmp_all(&st, rs, &o)) != 0)) rc = 2;
    if (rc == 0) {
        char msg[2048];
        if (provenance_compare_tables(runset_runs(rs[0]), runset_runs(rs[1]), msg, sizeof msg) && *msg)
            fprintf(stderr, "sweep compare: warning: %s\n", msg);
        if (o.fmt == TABOUT_TEXT || o.fmt == TABOUT_MD)
            printf("A: %s (%d runs)\nB: %s (%d runs)\n%d configuration%s in common, %d only in A, %d only in B\n\n",
                   o.path[0], runset_runs(rs[0])->nrows, o.path[1], runset_runs(rs[1])->nrows, st.common,
                   st.common == 1 ? "" : "s", st.only[0], st.only[1]);
        tabout_print(&st.out, o.fmt, stdout);
        if (!st.common) {
            fprintf(stderr, "sweep compare: %s and %s have no configuration in common\n", o.path[0], o.path[1]);
            rc = 2;
        } else if (o.gated) {
            printf("%s: %d of %d common configurations worse than %g on %s (whole 95%% CI)\n",
                   st.worse ? "FAIL" : "PASS", st.worse, st.common, o.gate, o.metric[0]);
            rc = st.worse ? 1 : 0;
        }
    }
    tabout_free(&st.out);
    runset_close(rs[0]);
    runset_close(rs[1]);
    return rc < 0 ? 2 : rc;
}
