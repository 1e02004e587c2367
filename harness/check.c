/* check: the CI accuracy gate. Groups the runs of a baseline and of current results into configurations,
   compares each configuration's mean of one metric, prints a Markdown table, optionally JUnit XML.
   Exit 0: all within tolerance, 1: a regression, 2: unusable input. */
#include "commands.h"
#include "stats.h"
#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_LEVEL 0.95
/* A drop of exactly atol (as printed in the CSV) must stay within tolerance despite binary rounding of
   the means: 0.9 - 0.89 is 0.010000000000000009 in doubles. */
#define CHECK_SLACK 1e-9

/* SCHEMA.md: the configuration columns are `variant` and every column from `hidden` to `data`. They are
   taken from the headers, not from a list here, so a setting added to (or folded into another in) the
   runner's output is grouped on without touching this file; a configuration column that one file has
   and the other lacks is reported missing. */
#define N_ANCHORS 3

typedef struct {
    const char *baseline, *results, *metric, *junit;
    double atol;
    int seed_aware, update;
} check_opts;

enum { BASE, CUR };

typedef struct {
    table t;
    int status, seed, metric;   /* column indices */
    int *cfg;                   /* (ncfg) column index of each configuration column */
    int *config_of;             /* (t.nrows) configuration of each row */
} check_side;

typedef enum { V_OK, V_REGRESSED, V_IMPROVED, V_SKIPPED } check_verdict;
static const char *const verdict_name[] = {"ok", "REGRESSED", "improved", "skipped"};

typedef struct {
    int side, row;              /* the first row seen of this configuration */
    int rows[2], n[2];          /* rows on each side; values of the metric used */
    double mean[2], diff, ci_lo, ci_hi;
    int has_ci, paired;
    check_verdict verdict;
    char note[256];             /* why, when it is not a plain comparison */
    char *label;                /* "variant=base dropout=0.5" */
} check_config;

typedef struct {
    check_side side[2];
    int ncfg;
    const char **cfg_names;     /* (ncfg) */
    int nconf, conf_cap;
    check_config *conf;
    int higher_better;
} check_state;

/* ---- options ---- */

static void usage(FILE *f) {
    fprintf(f,
        "usage: sweep check --baseline BASELINE.csv [options] RESULTS\n"
        "\n"
        "Compare results against a baseline, configuration by configuration. RESULTS is a results\n"
        "directory holding runs.csv, or a runs.csv path; the baseline is a runs.csv too. Runs that agree on\n"
        "variant and every setting from hidden to data are the seeds of one configuration; each\n"
        "configuration's mean of the metric over its ok runs is compared with the baseline's.\n"
        "A current run that diverged fails its configuration. Diverged baseline runs are left out of its mean.\n"
        "\n"
        "options:\n"
        "  --baseline FILE     the baseline runs.csv (required)\n"
        "  --metric NAME       metric column to compare (default test_acc). Higher is better when NAME\n"
        "                      contains \"acc\", lower is better when it contains \"loss\"; other columns\n"
        "                      are refused\n"
        "  --atol X            tolerance, in the metric's units (default 0.01). Regression when the current\n"
        "                      mean is worse than the baseline mean by more than X\n"
        "  --seed-aware        regression only when the whole 95%% CI of the difference (current - baseline)\n"
        "                      is worse than X: paired by seed when both sides ran the same seeds, else\n"
        "                      Welch. With fewer than 2 seeds on a side, the plain rule above is used\n"
        "  --junit FILE        also write JUnit XML: testsuite \"sweep-check\", a testcase per configuration\n"
        "  --update-baseline   copy the current runs into the baseline file (no comparison) and exit 0\n"
        "  --help              this text\n"
        "\n"
        "exit status: 0 every configuration within tolerance, 1 at least one regressed (or diverged),\n"
        "             2 unusable input (missing file or column, configuration on one side only, bad option)\n");
}

/* Returns -1 to go on, else the exit code (0 for --help, 2 for a bad argument). */
static int parse_args(int argc, char **argv, check_opts *o) {
    *o = (check_opts){.metric = "test_acc", .atol = 0.01};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        if (!strcmp(a, "--seed-aware")) { o->seed_aware = 1; continue; }
        if (!strcmp(a, "--update-baseline")) { o->update = 1; continue; }
        if (a[0] != '-' || !a[1]) {
            if (o->results) {
                fprintf(stderr, "sweep check: unexpected argument '%s': give one results path\n", a);
                return 2;
            }
            o->results = a;
            continue;
        }
        static const char *const valued[] = {"--baseline", "--metric", "--atol", "--junit"};
        const char *value = NULL;
        int k;
        for (k = 0; k < 4; k++) {
            size_t len = strlen(valued[k]);
            if (strncmp(a, valued[k], len)) continue;
            if (a[len] == '=') { value = a + len + 1; break; }
            if (!a[len]) { value = i + 1 < argc ? argv[++i] : NULL; break; }
        }
        if (k == 4) {
            fprintf(stderr, "sweep check: unknown option '%s' (see sweep check --help)\n", a);
            return 2;
        }
        if (!value || !*value) {
            fprintf(stderr, "sweep check: %s needs a value\n", valued[k]);
            return 2;
        }
        if (k == 0) o->baseline = value;
        else if (k == 1) o->metric = value;
        else if (k == 3) o->junit = value;
        else {
            char *end;
            errno = 0;
            o->atol = strtod(value, &end);
            if (end == value || *end || errno || !isfinite(o->atol) || o->atol < 0) {
                fprintf(stderr, "sweep check: --atol: '%s' is not a number >= 0\n", value);
                return 2;
            }
        }
    }
    if (!o->baseline) { fprintf(stderr, "sweep check: --baseline FILE is required (see --help)\n"); return 2; }
    if (!o->results) { fprintf(stderr, "sweep check: no results given (see --help)\n"); return 2; }
    return -1;
}

/* ---- reading ---- */

/* Two cells hold the same setting when equal as text, or as numbers ("0.10" and "0.1"). */
static int same_value(const char *a, const char *b) {
    if (!strcmp(a, b)) return 1;
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    return ea != a && !*ea && eb != b && !*eb && x == y;
}

static int add_name(const char **names, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return n;
    names[n] = name;
    return n + 1;
}

/* Configuration columns (variant, and hidden..data in either header), and the columns each file must
   have. One line per file names everything it lacks. Returns 0 or 2. */
static int check_columns(check_state *s, const char *metric) {
    s->cfg_names = malloc((size_t)(N_ANCHORS + s->side[0].t.ncols + s->side[1].t.ncols) * sizeof *s->cfg_names);
    if (!s->cfg_names) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    int n = add_name(s->cfg_names, 0, "variant");      /* labels list the columns in this order */
    for (int sd = 0; sd < 2; sd++) {
        const table *t = &s->side[sd].t;
        int h = table_col(t, "hidden"), d = table_col(t, "data");
        if (h < 0 || d < 0) continue;
        int lo = h < d ? h : d, hi = h < d ? d : h;     /* either order: a hand-made file may reverse them */
        for (int j = lo; j <= hi; j++) n = add_name(s->cfg_names, n, t->cols[j]);
    }
    n = add_name(s->cfg_names, n, "hidden");            /* required even when a header lacks them */
    n = add_name(s->cfg_names, n, "data");
    s->ncfg = n;
    int rc = 0;
    for (int sd = 0; sd < 2; sd++) {
        check_side *c = &s->side[sd];
        if (!c->t.cols) continue;                       /* --update-baseline: no baseline read */
        c->cfg = malloc((size_t)n * sizeof *c->cfg);
        if (!c->cfg) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
        char missing[1024] = "";
        size_t len = 0;
        const char *need[3] = {"status", "seed", metric};
        int *idx[3] = {&c->status, &c->seed, &c->metric};
        for (int k = 0; k < n + 3; k++) {
            const char *name = k < 3 ? need[k] : s->cfg_names[k - 3];
            int j = table_col(&c->t, name);
            if (k < 3) *idx[k] = j;
            else c->cfg[k - 3] = j;
            if (j < 0 && len < sizeof missing)
                len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s", len ? ", " : "", name);
        }
        if (len) {
            fprintf(stderr, "sweep check: %s: missing columns: %s\n", c->t.path, missing);
            rc = 2;
        }
        if (!len && c->t.nrows == 0) {
            fprintf(stderr, "sweep check: %s: no runs (header only)\n", c->t.path);
            rc = 2;
        }
    }
    return rc;
}

static int same_config(const check_state *s, int sa, int ra, int sb, int rb) {
    for (int k = 0; k < s->ncfg; k++)
        if (!same_value(table_cell(&s->side[sa].t, ra, s->side[sa].cfg[k]),
                        table_cell(&s->side[sb].t, rb, s->side[sb].cfg[k])))
            return 0;
    return 1;
}

static const char *config_cell(const check_state *s, const check_config *c, int k) {
    return table_cell(&s->side[c->side].t, c->row, s->side[c->side].cfg[k]);
}

/* Assigns every row of both sides to a configuration; labels show variant and the columns that vary. */
static int group_configs(check_state *s) {
    for (int sd = 0; sd < 2; sd++) {
        check_side *c = &s->side[sd];
        c->config_of = malloc((size_t)c->t.nrows * sizeof *c->config_of + 1);
        if (!c->config_of) return -1;
        for (int r = 0; r < c->t.nrows; r++) {
            int f = 0;
            while (f < s->nconf && !same_config(s, sd, r, s->conf[f].side, s->conf[f].row)) f++;
            if (f == s->nconf) {
                if (s->nconf == s->conf_cap) {
                    int cap = s->conf_cap ? 2 * s->conf_cap : 16;
                    check_config *p = realloc(s->conf, (size_t)cap * sizeof *p);
                    if (!p) return -1;
                    s->conf = p;
                    s->conf_cap = cap;
                }
                s->conf[s->nconf++] = (check_config){.side = sd, .row = r};
            }
            c->config_of[r] = f;
            s->conf[f].rows[sd]++;
        }
    }
    for (int f = 0; f < s->nconf; f++) {
        char *buf;
        size_t size;
        FILE *m = open_memstream(&buf, &size);
        if (!m) return -1;
        for (int k = 0; k < s->ncfg; k++) {
            int varies = k == 0;                        /* variant is always shown */
            for (int g = 0; g < s->nconf && !varies; g++)
                varies = !same_value(config_cell(s, &s->conf[f], k), config_cell(s, &s->conf[g], k));
            const char *v = config_cell(s, &s->conf[f], k);
            if (varies) fprintf(m, "%s%s=%s", k ? " " : "", s->cfg_names[k], *v ? v : "\"\"");
        }
        if (fclose(m)) return -1;
        s->conf[f].label = buf;
    }
    return 0;
}

/* ---- comparing ---- */

static void add_note(check_config *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(check_config *c, const char *fmt, ...) {
    size_t len = strlen(c->note);
    if (len && len + 2 < sizeof c->note) { strcat(c->note, "; "); len += 2; }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->note + len, sizeof c->note - len, fmt, ap);
    va_end(ap);
}

/* match[i]: the index in ref of x's seed i, when both sides hold the same seeds, each once. */
static int pair_by_seed(const char **sx, int nx, const char **sr, int nr, int *match) {
    if (nx != nr) return 0;
    for (int i = 0; i < nx; i++) {
        int found = -1, count = 0;
        for (int j = 0; j < nr; j++)
            if (same_value(sx[i], sr[j])) { found = j; count++; }
        for (int j = 0; j < i; j++)
            if (same_value(sx[i], sx[j])) count = 2;
        if (count != 1) return 0;
        match[i] = found;
    }
    return 1;
}

/* Per-configuration scratch, each array as long as the longer table. */
typedef struct {
    double *vals[2], *paired_ref;
    const char **seeds[2];
    int *match;
} check_scratch;

static void compare_config(check_state *s, const check_opts *o, int f, const check_scratch *w) {
    check_config *c = &s->conf[f];
    double *const *vals = w->vals;
    const char **const *seeds = w->seeds;
    int diverged[2] = {0, 0}, other[2] = {0, 0}, empty[2] = {0, 0};
    for (int sd = 0; sd < 2; sd++) {
        const check_side *side = &s->side[sd];
        for (int r = 0; r < side->t.nrows; r++) {
            if (side->config_of[r] != f) continue;
            const char *status = table_cell(&side->t, r, side->status);
            if (strcmp(status, "ok")) {
                if (strcmp(status, "diverged")) other[sd]++;
                else diverged[sd]++;
                continue;
            }
            double v = table_num(&side->t, r, side->metric);
            if (isnan(v)) { empty[sd]++; continue; }
            vals[sd][c->n[sd]] = v;
            seeds[sd][c->n[sd]++] = table_cell(&side->t, r, side->seed);
        }
        stats_summary sum;
        stats_summarize(vals[sd], c->n[sd], CHECK_LEVEL, &sum);
        c->mean[sd] = sum.mean;
    }
    c->diff = c->mean[CUR] - c->mean[BASE];
    c->verdict = V_OK;
    if (diverged[CUR] || other[CUR]) {
        c->verdict = V_REGRESSED;
        if (diverged[CUR]) add_note(c, "%d of %d current runs diverged", diverged[CUR], c->rows[CUR]);
        if (other[CUR]) add_note(c, "%d of %d current runs have a status other than ok", other[CUR], c->rows[CUR]);
    }
    if (diverged[BASE] || other[BASE]) add_note(c, "%d baseline runs not ok, left out", diverged[BASE] + other[BASE]);
    if (!c->n[BASE] || !c->n[CUR]) {
        if (c->n[BASE]) c->verdict = V_REGRESSED;       /* the baseline measured it, the current runs did not */
        else if (c->verdict != V_REGRESSED) c->verdict = V_SKIPPED;
        add_note(c, "no %s values %s", o->metric, c->n[BASE] ? "in current" : c->n[CUR] ? "in baseline" : "on either side");
        return;
    }
    if (empty[CUR]) {                                   /* an ok run must have measured it */
        c->verdict = V_REGRESSED;
        add_note(c, "%d current ok runs have no %s", empty[CUR], o->metric);
    }
    if (empty[BASE]) add_note(c, "%d baseline ok runs have no %s, left out", empty[BASE], o->metric);
    double gain_lo = c->diff, gain_hi = c->diff;        /* CI of the difference, if any; plain rule: a point */
    if (o->seed_aware && (c->n[BASE] < 2 || c->n[CUR] < 2)) {
        add_note(c, "fewer than 2 seeds: plain rule");
    } else if (o->seed_aware) {
        stats_test t;
        c->paired = pair_by_seed(seeds[CUR], c->n[CUR], seeds[BASE], c->n[BASE], w->match);
        if (c->paired) {
            for (int i = 0; i < c->n[CUR]; i++) w->paired_ref[i] = vals[BASE][w->match[i]];
            stats_paired(vals[CUR], w->paired_ref, c->n[CUR], CHECK_LEVEL, &t);
        } else {
            stats_welch(vals[CUR], c->n[CUR], vals[BASE], c->n[BASE], CHECK_LEVEL, &t);
        }
        c->has_ci = 1;
        c->ci_lo = t.ci_lo;
        c->ci_hi = t.ci_hi;
        gain_lo = t.ci_lo;
        gain_hi = t.ci_hi;
    }
    if (!s->higher_better) {                            /* lower is better: a gain is a negative difference */
        double lo = gain_lo;
        gain_lo = -gain_hi;
        gain_hi = -lo;
    }
    if (c->verdict == V_REGRESSED) return;
    if (gain_hi < -o->atol - CHECK_SLACK) c->verdict = V_REGRESSED;
    else if (gain_lo > o->atol + CHECK_SLACK) c->verdict = V_IMPROVED;
}

/* ---- output ---- */

static void print_num(FILE *f, const char *fmt, double v) {
    if (isnan(v)) fputs("n/a", f);
    else fprintf(f, fmt, v);
}

static void print_escaped_md(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '|') fputc('\\', f);
        fputc(*s, f);
    }
}

static void print_table(const check_state *s, const check_opts *o, FILE *f) {
    fprintf(f, "| configuration | n (baseline/current) | baseline %s | current %s | difference |%s verdict |\n",
            o->metric, o->metric, o->seed_aware ? " 95% CI of difference |" : "");
    fprintf(f, "|---|---|---|---|---|%s---|\n", o->seed_aware ? "---|" : "");
    for (int i = 0; i < s->nconf; i++) {
        const check_config *c = &s->conf[i];
        fputs("| ", f);
        print_escaped_md(f, c->label);
        fprintf(f, " | %d/%d | ", c->n[BASE], c->n[CUR]);
        print_num(f, "%.4f", c->mean[BASE]);
        fputs(" | ", f);
        print_num(f, "%.4f", c->mean[CUR]);
        fputs(" | ", f);
        print_num(f, "%+.4f", c->diff);
        if (o->seed_aware) {
            if (c->has_ci) fprintf(f, " | [%+.4f, %+.4f] %s", c->ci_lo, c->ci_hi, c->paired ? "paired" : "Welch");
            else fputs(" | n/a", f);
        }
        fprintf(f, " | %s%s", c->verdict == V_REGRESSED ? "**REGRESSED**" : verdict_name[c->verdict], *c->note ? " (" : "");
        print_escaped_md(f, c->note);
        fprintf(f, "%s |\n", *c->note ? ")" : "");
    }
}

static void print_summary(const check_state *s, const check_opts *o, const int count[4], FILE *f) {
    if (count[V_SKIPPED] == s->nconf) {
        fprintf(f, "\n**FAIL**: nothing compared: no configuration has %s values on both sides.\n", o->metric);
        return;
    }
    fprintf(f, "\n%s: ", count[V_REGRESSED] ? "**FAIL**" : "**PASS**");
    if (count[V_REGRESSED]) fprintf(f, "%d of %d configurations regressed", count[V_REGRESSED], s->nconf);
    else fprintf(f, "no configuration regressed (%d compared)", s->nconf - count[V_SKIPPED]);
    fprintf(f, " on %s (%s is better, atol %g, %s)", o->metric, s->higher_better ? "higher" : "lower", o->atol,
            o->seed_aware ? "seed-aware: 95% CI of the difference" : "plain rule: difference of means");
    if (count[V_IMPROVED]) fprintf(f, "; %d improved", count[V_IMPROVED]);
    if (count[V_SKIPPED]) fprintf(f, "; %d skipped (no values to compare)", count[V_SKIPPED]);
    fputs(".\n", f);
}

static void xml_escaped(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' ? '?' : *s, f);  /* not legal in XML 1.0 */
        }
    }
}

static int write_junit(const check_state *s, const check_opts *o, const int count[4]) {
    FILE *f = fopen(o->junit, "w");
    if (!f) { fprintf(stderr, "sweep check: cannot write %s: %s\n", o->junit, strerror(errno)); return 2; }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuite name=\"sweep-check\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n",
            s->nconf, count[V_REGRESSED], count[V_SKIPPED]);
    for (int i = 0; i < s->nconf; i++) {
        const check_config *c = &s->conf[i];
        fputs("  <testcase classname=\"sweep-check\" name=\"", f);
        xml_escaped(f, c->label);
        fputs("\"", f);
        if (c->verdict != V_REGRESSED && c->verdict != V_SKIPPED) { fputs("/>\n", f); continue; }
        char msg[512];
        int len = snprintf(msg, sizeof msg, "%s: baseline %.4f, current %.4f, difference %+.4f", o->metric,
                           c->mean[BASE], c->mean[CUR], c->diff);
        if (c->has_ci && len < (int)sizeof msg)
            len += snprintf(msg + len, sizeof msg - (size_t)len, ", 95%% CI [%+.4f, %+.4f] (%s)", c->ci_lo, c->ci_hi,
                            c->paired ? "paired" : "Welch");
        if (len < (int)sizeof msg)
            snprintf(msg + len, sizeof msg - (size_t)len, ", atol %g%s%s", o->atol, *c->note ? "; " : "", c->note);
        fprintf(f, ">\n    <%s message=\"", c->verdict == V_SKIPPED ? "skipped" : "failure");
        xml_escaped(f, msg);
        fprintf(f, "\"/>\n  </testcase>\n");
    }
    fputs("</testsuite>\n", f);
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "sweep check: cannot write %s: %s\n", o->junit, strerror(errno));
        return 2;
    }
    return 0;
}

/* Copies the current table to the baseline path through a temporary file and rename, so an interrupted
   update never leaves a half-written baseline. */
static int update_baseline(const check_state *s, const check_opts *o) {
    const table *t = &s->side[CUR].t;
    char *tmp;
    if (asprintf(&tmp, "%s.XXXXXX", o->baseline) < 0) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "sweep check: cannot create %s: %s\n", tmp, strerror(errno));
        if (fd >= 0) { close(fd); unlink(tmp); }
        free(tmp);
        return 2;
    }
    fchmod(fd, 0644);                                   /* mkstemp makes 0600; a baseline is a shared file */
    int bad = 0;
    for (int r = -1; r < t->nrows && !bad; r++) {
        char *line = table_format_row((const char *const *)(r < 0 ? t->cols : t->cells + (size_t)r * t->ncols), t->ncols);
        bad = !line || fputs(line, f) == EOF;
        free(line);
    }
    int err = bad ? (errno ? errno : ENOMEM) : 0;
    if (fflush(f) || fsync(fd)) err = err ? err : errno;
    if (fclose(f) && !err) err = errno;
    if (!err && rename(tmp, o->baseline)) err = errno;
    if (err) {
        fprintf(stderr, "sweep check: cannot write baseline %s: %s\n", o->baseline, strerror(err));
        unlink(tmp);
        free(tmp);
        return 2;
    }
    free(tmp);
    int not_ok = 0;
    for (int r = 0; r < t->nrows; r++) not_ok += strcmp(table_cell(t, r, s->side[CUR].status), "ok") != 0;
    if (not_ok) fprintf(stderr, "sweep check: warning: %d runs in the new baseline are not ok (diverged)\n", not_ok);
    printf("Baseline %s updated: %d runs in %d configurations from %s.\n", o->baseline, t->nrows, s->nconf, t->path);
    return 0;
}

/* ---- command ---- */

static int read_side(check_side *c, const char *path) {
    char err[512];
    if (table_read(&c->t, path, err, sizeof err)) {
        fprintf(stderr, "sweep check: %s\n", err);
        return 2;
    }
    return 0;
}

static int run_check(check_state *s, const check_opts *o) {
    const char *m = o->metric;
    s->higher_better = strstr(m, "acc") != NULL;
    if (!s->higher_better && !strstr(m, "loss")) {
        fprintf(stderr, "sweep check: --metric %s: cannot tell whether higher or lower is better "
                        "(the name must contain \"acc\" or \"loss\")\n", m);
        return 2;
    }
    char *runs = NULL;
    struct stat st;
    if (stat(o->results, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (asprintf(&runs, "%s/runs.csv", o->results) < 0) return 2;
    }
    int rc = read_side(&s->side[CUR], runs ? runs : o->results);
    free(runs);
    if (!o->update) rc |= read_side(&s->side[BASE], o->baseline);
    if (rc || (rc = check_columns(s, m))) return rc;
    if (group_configs(s)) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    if (o->update) return update_baseline(s, o);

    for (int i = 0; i < s->nconf; i++) {
        const check_config *c = &s->conf[i];
        for (int sd = 0; sd < 2; sd++) {
            if (c->rows[sd]) continue;
            fprintf(stderr, "sweep check: configuration %s is only in the %s %s, not in the %s %s\n", c->label,
                    sd == BASE ? "results" : "baseline", s->side[!sd].t.path,
                    sd == BASE ? "baseline" : "results", s->side[sd].t.path);
            rc = 2;
        }
    }
    if (rc) return rc;

    size_t nmax = (size_t)(s->side[0].t.nrows > s->side[1].t.nrows ? s->side[0].t.nrows : s->side[1].t.nrows);
    check_scratch w = {{malloc(nmax * sizeof(double)), malloc(nmax * sizeof(double))}, malloc(nmax * sizeof(double)),
                       {malloc(nmax * sizeof(char *)), malloc(nmax * sizeof(char *))}, malloc(nmax * sizeof(int))};
    int count[4] = {0};
    if (w.vals[0] && w.vals[1] && w.paired_ref && w.seeds[0] && w.seeds[1] && w.match) {
        for (int i = 0; i < s->nconf; i++) {
            compare_config(s, o, i, &w);
            count[s->conf[i].verdict]++;
        }
    } else {
        fprintf(stderr, "sweep check: out of memory\n");
        rc = 2;
    }
    free(w.vals[0]);
    free(w.vals[1]);
    free(w.paired_ref);
    free(w.seeds[0]);
    free(w.seeds[1]);
    free(w.match);
    if (rc) return rc;
    print_table(s, o, stdout);
    print_summary(s, o, count, stdout);
    fflush(stdout);
    if (o->junit && write_junit(s, o, count)) return 2;
    if (count[V_SKIPPED] == s->nconf) {                 /* a gate that compared nothing must not pass */
        fprintf(stderr, "sweep check: no configuration has %s values on both sides: nothing compared\n", o->metric);
        return 2;
    }
    return count[V_REGRESSED] ? 1 : 0;
}

int cmd_check(int argc, char **argv) {
    check_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0) return rc;
    check_state s = {0};
    rc = run_check(&s, &o);
    for (int sd = 0; sd < 2; sd++) {
        table_free(&s.side[sd].t);
        free(s.side[sd].cfg);
        free(s.side[sd].config_of);
    }
    for (int i = 0; i < s.nconf; i++) free(s.conf[i].label);
    free(s.conf);
    free(s.cfg_names);
    return rc;
}
