/* check: the CI accuracy gate. Groups the runs of a baseline and of current results into configurations,
   compares each configuration's mean of one metric, prints a Markdown table, optionally JUnit XML.
   Exit 0: all within tolerance, 1: a regression, 2: unusable input. This file: options and the command;
   grouping and comparing are in check_compare.c, the writers in check_output.c. */
#include "check_internal.h"
#include "commands.h"
#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* ---- command ---- */

static int run_check(check_state *s, const check_opts *o) {
    const char *m = o->metric;
    s->higher_better = strstr(m, "acc") != NULL;
    if (!s->higher_better && !strstr(m, "loss")) {
        fprintf(stderr, "sweep check: --metric %s: cannot tell whether higher or lower is better "
                        "(the name must contain \"acc\" or \"loss\")\n", m);
        return 2;
    }
    int rc = check_read_side(&s->side[CUR], o->results);
    if (!o->update) rc |= check_read_side(&s->side[BASE], o->baseline);
    if (rc || (rc = check_find_columns(s, m))) return rc;
    if (check_group_configs(s)) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    if (o->update) return check_update_baseline(s, o);

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

    int count[4] = {0};
    if ((rc = check_compare_all(s, o, count))) return rc;
    check_print_table(s, o, stdout);
    check_print_summary(s, o, count, stdout);
    fflush(stdout);
    if (o->junit && check_write_junit(s, o, count)) return 2;
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
        runset_close(s.side[sd].rs);
        free(s.side[sd].cfg);
    }
    for (int i = 0; i < s.nconf; i++) free(s.conf[i].label);
    free(s.conf);
    free(s.cfg_names);
    return rc;
}
