/* check: the CI accuracy gate. Groups the runs of a baseline and of current results into configurations,
   compares each configuration's mean of one metric, prints a Markdown table, optionally JUnit XML.
   Exit 0: all within tolerance, 1: a regression, 2: unusable input. This file: options and the command;
   grouping and comparing are in check_compare.c, the writers in check_output.c. */
#include "check_internal.h"
#include "commands.h"
#include "provenance.h"
#include "results.h"
#include "table.h"

#include <errno.h>
#include <getopt.h>
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
        "Files written by an older sweep are read as today's (later settings at their defaults), and runs\n"
        "trained with other BLAS kernels or ISA (provenance columns) are warned about.\n"
        "\n"
        "options:\n"
        "  -b, --baseline FILE  the baseline runs.csv (required)\n"
        "  -m, --metric NAME    metric column to compare (default test_acc)\n"
        "  -d, --direction D    higher or lower: which way is better. Default: from the column (accuracies\n"
        "                       higher; losses, seconds, sec_per_epoch, pred_change lower); required for others\n"
        "  --atol X             tolerance, in the metric's units (default 0.01). Regression when the current\n"
        "                       mean is worse than the baseline mean by more than X\n"
        "  --seed-aware         regression only when the whole 95%% CI of the difference (current - baseline)\n"
        "                       is worse than X: paired by seed when both sides ran the same seeds, else\n"
        "                       Welch. With fewer than 2 seeds on a side, the plain rule above is used\n"
        "  --common-only        gate the configurations both sides have (a subset of a larger baseline);\n"
        "                       those on one side only are counted on stderr, not an error\n"
        "  --junit FILE         also write JUnit XML: testsuite \"sweep-check\", a testcase per configuration\n"
        "  --update-baseline    copy the current runs into the baseline file (its directory is created;\n"
        "                       no comparison) and exit 0\n"
        "  -h, --help           this text\n"
        "\n"
        "exit status: 0 every configuration within tolerance, 1 at least one regressed (or diverged),\n"
        "             2 unusable input (missing file or column, configuration on one side only without\n"
        "             --common-only, nothing in common, bad option)\n");
}

/* Returns -1 to go on, else the exit code (0 for --help, 2 for a bad argument). */
static int parse_args(int argc, char **argv, check_opts *o) {
    enum { O_ATOL = 256, O_SEED_AWARE, O_JUNIT, O_UPDATE, O_COMMON };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},           {"baseline", required_argument, NULL, 'b'},
        {"metric", required_argument, NULL, 'm'},   {"direction", required_argument, NULL, 'd'},
        {"atol", required_argument, NULL, O_ATOL},  {"seed-aware", no_argument, NULL, O_SEED_AWARE},
        {"junit", required_argument, NULL, O_JUNIT}, {"update-baseline", no_argument, NULL, O_UPDATE},
        {"common-only", no_argument, NULL, O_COMMON}, {NULL, 0, NULL, 0}};
    *o = (check_opts){.metric = "test_acc", .atol = 0.01};
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":hb:m:d:", longopts, NULL)) != -1;) {
        char *end;
        if (c != ':' && c != '?' && optarg && !*optarg) {
            fprintf(stderr, "sweep check: %s needs a value\n", argv[optind - 1]);
            return 2;
        }
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'b': o->baseline = optarg; break;
        case 'm': o->metric = optarg; break;
        case O_JUNIT: o->junit = optarg; break;
        case O_SEED_AWARE: o->seed_aware = 1; break;
        case O_UPDATE: o->update = 1; break;
        case O_COMMON: o->common_only = 1; break;
        case 'd':
            if (!strcmp(optarg, "higher")) o->direction = 1;
            else if (!strcmp(optarg, "lower")) o->direction = -1;
            else {
                fprintf(stderr, "sweep check: --direction: '%s' is not higher or lower\n", optarg);
                return 2;
            }
            break;
        case O_ATOL:
            errno = 0;
            o->atol = strtod(optarg, &end);
            if (end == optarg || *end || errno || !isfinite(o->atol) || o->atol < 0) {
                fprintf(stderr, "sweep check: --atol: '%s' is not a number >= 0\n", optarg);
                return 2;
            }
            break;
        case ':':
            fprintf(stderr, "sweep check: %s needs a value\n", argv[optind - 1]);
            return 2;
        default:
            if (optopt) fprintf(stderr, "sweep check: unknown option '-%c' (see sweep check --help)\n", optopt);
            else fprintf(stderr, "sweep check: unknown option '%s' (see sweep check --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->results) {
            fprintf(stderr, "sweep check: unexpected argument '%s': give one results path\n", argv[i]);
            return 2;
        }
        o->results = argv[i];
    }
    if (!o->baseline) { fprintf(stderr, "sweep check: --baseline FILE is required (see --help)\n"); return 2; }
    if (!o->results) { fprintf(stderr, "sweep check: no results given (see --help)\n"); return 2; }
    return -1;
}

/* ---- command ---- */

/* --common-only: keep the configurations both sides ran; say how many were left out. Returns 0, or 2 when
   nothing is in common. */
static int check_keep_common(check_state *s) {
    int *map = malloc(((size_t)s->nconf + 1) * sizeof *map), n = 0, only[2] = {0, 0};
    if (!map) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    for (int f = 0; f < s->nconf; f++) {
        check_config *c = &s->conf[f];
        if (c->rows[BASE] && c->rows[CUR]) {
            map[f] = n;
            s->conf[n++] = *c;
        } else {
            only[c->rows[BASE] ? BASE : CUR]++;
            map[f] = -1;
            free(c->label);
        }
    }
    free(map);
    s->nconf = n;
    if (only[BASE] || only[CUR])
        fprintf(stderr, "sweep check: --common-only: %d configuration%s in common; %d only in the baseline, %d only "
                        "in the results, not gated\n", n, n == 1 ? "" : "s", only[BASE], only[CUR]);
    if (!n) {
        fprintf(stderr, "sweep check: --common-only: the baseline and the results have no configuration in common\n");
        return 2;
    }
    return 0;
}

static int run_check(check_state *s, const check_opts *o) {
    const char *m = o->metric;
    const results_column *col = results_find(m);
    int direction = o->direction ? o->direction : col ? col->direction : 0;
    if (!direction && !o->update) {
        fprintf(stderr, "sweep check: --metric %s: which way is better is not known for it: give --direction "
                        "higher or --direction lower\n", m);
        return 2;
    }
    s->higher_better = direction > 0;
    int rc = check_read_side(&s->side[CUR], o->results);
    if (!o->update) rc |= check_read_side(&s->side[BASE], o->baseline);
    if (rc || (rc = check_find_columns(s, m))) return rc;
    if (check_group_configs(s)) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    if (o->update) return check_update_baseline(s, o);

    char msg[2048];
    if (provenance_compare_tables(&s->side[BASE].t, &s->side[CUR].t, msg, sizeof msg) && *msg)
        fprintf(stderr, "sweep check: warning: %s\n", msg);
    if (o->common_only && (rc = check_keep_common(s))) return rc;
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
