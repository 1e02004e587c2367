/* sweep train: one model, one CSV row per epoch on stdout, progress on stderr. */
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "results.h"
#include "settings.h"
#include "table.h"

#define TRAIN_CURVE_MAX 16

typedef struct {
    int quiet;
    int epochs;
} train_progress;

static void train_usage(FILE *f) {
    fprintf(f, "usage: sweep train [--SETTING VALUE]... [-q] [--threads N]\n\n"
               "Trains one model and writes one CSV row per epoch to stdout (the columns of curves.csv\n"
               "without run_id: epoch, seconds, train and val and test loss and accuracy).\n"
               "(val columns are empty when val_size is 0). Progress goes to stderr.\n\n"
               "options:\n"
               "  -q, --quiet        no progress on stderr\n"
               "  --threads N        OpenBLAS threads for the run (default 1: results are bit-identical to a sweep)\n"
               "  -h, --help         this text\n\nsettings (--name value or --name=value; '-' and '_' alike):\n");
    settings_print_help(f, 1);
}

static int print_epoch(const train_epoch *e, void *user) {
    const train_progress *p = user;
    char cells[1 + TRAIN_CURVE_MAX][RESULTS_CELL];
    const char *fields[TRAIN_CURVE_MAX];
    int n = results_curve_columns_count < TRAIN_CURVE_MAX ? results_curve_columns_count : TRAIN_CURVE_MAX;
    results_curve_row(cells, "", e);
    for (int i = 0; i < n; i++) fields[i] = cells[i + 1];
    char *line = table_format_row(fields, n);
    if (line) {
        fputs(line, stdout);
        fflush(stdout);
        free(line);
    }
    if (!p->quiet)
        fprintf(stderr, "epoch %d/%d  %.2fs  train loss %.4f acc %.4f  val acc %.4f  test acc %.4f\n", e->epoch,
                p->epochs, e->seconds, e->train_loss, e->train_acc, e->val_acc, e->test_acc);
    return 0;
}

/* getopt_long's table: every setting as --name (hyphens) and --name_with_underscores, "seeds" too, and ours. */
#define TRAIN_MAX_OPTS 128
enum { TRAIN_OPT_THREADS = 1000, TRAIN_OPT_SETTING = 2000 };

static int train_options(struct option *opts, char (*names)[64]) {
    int n = 0;
    for (int i = 0; i < settings_count && n + 4 < TRAIN_MAX_OPTS; i++) {
        const char *spellings[2] = {settings_table[i].name, settings_table[i].kind == SETTING_SEED ? "seeds" : NULL};
        for (int k = 0; k < 2 && spellings[k]; k++) {
            snprintf(names[n], 64, "%s", spellings[k]);
            for (char *p = names[n]; *p; p++) *p = *p == '_' ? '-' : *p;
            opts[n] = (struct option){names[n], required_argument, NULL, TRAIN_OPT_SETTING + i};
            n++;
            if (strchr(spellings[k], '_')) {
                snprintf(names[n], 64, "%s", spellings[k]);
                opts[n] = (struct option){names[n], required_argument, NULL, TRAIN_OPT_SETTING + i};
                n++;
            }
        }
    }
    opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[n++] = (struct option){"quiet", no_argument, NULL, 'q'};
    opts[n++] = (struct option){"threads", required_argument, NULL, TRAIN_OPT_THREADS};
    opts[n] = (struct option){NULL, 0, NULL, 0};
    return n;
}

/* Returns -1 to go on, else the exit code (0 after --help, 2 on a usage error). */
static int train_parse(int argc, char **argv, run_config *cfg, train_progress *prog, int *threads) {
    struct option opts[TRAIN_MAX_OPTS];
    char names[TRAIN_MAX_OPTS][64], err[1024];
    train_options(opts, names);
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1;) {
        if (c == 'h') {
            train_usage(stdout);
            return 0;
        } else if (c == 'q') {
            prog->quiet = 1;
        } else if (c == TRAIN_OPT_THREADS) {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (end == optarg || *end || t < 1 || t > 1024) {
                fprintf(stderr, "sweep train: --threads: '%s' is not a number of threads (1..1024)\n", optarg);
                return 2;
            }
            *threads = (int)t;
        } else if (c >= TRAIN_OPT_SETTING) {
            if (settings_parse(c - TRAIN_OPT_SETTING, cfg, optarg, err, sizeof err)) {
                fprintf(stderr, "sweep train: %s\n", err);
                return 2;
            }
        } else if (c == ':') {
            fprintf(stderr, "sweep train: %s needs a value\n", argv[optind - 1]);
            return 2;
        } else {
            const char *arg = argv[optind - 1];
            if (optopt || strncmp(arg, "--", 2)) {
                fprintf(stderr, "sweep train: unknown option '%s' (see sweep train --help)\n", arg);
            } else {
                char name[128];
                snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
                settings_unknown(name, 0, err, sizeof err);
                fprintf(stderr, "sweep train: %s\n", err);
            }
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sweep train: unexpected argument '%s' (see sweep train --help)\n", argv[optind]);
        return 2;
    }
    return -1;
}

int cmd_train(int argc, char **argv) {
    run_config cfg;
    settings_defaults(&cfg);
    train_progress prog = {0, 0};
    int threads = 1;
    char err[1024];
    int rc = train_parse(argc, argv, &cfg, &prog, &threads);
    if (rc >= 0) return rc;
    if (train_config_check(&cfg.train, err, sizeof err)) {
        fprintf(stderr, "sweep train: %s\n", err);
        return 2;
    }
    openblas_set_num_threads(threads);
    data_bundle data;
    memset(&data, 0, sizeof data);
    if (data_load(&data, cfg.data, err, sizeof err)) {     /* bad input: exit 2 like every usage error */
        fprintf(stderr, "sweep train: %s\n", err);
        return 2;
    }
    const char *bad;
    if (data_split_check(data.train.n, cfg.train.train_size, cfg.train.val_size, &bad, err, sizeof err)) {
        fprintf(stderr, "sweep train: %s in %s\n", err, data.source);
        data_bundle_free(&data);
        return 2;
    }
    prog.epochs = cfg.train.epochs; /* the CSV header only once the run can start */
    int ncurve;
    const char *const *header = results_curves_header(&ncurve);
    char *line = table_format_row(header + 1, ncurve - 1);     /* the curves.csv columns without run_id */
    if (line) fputs(line, stdout);
    free(line);
    train_result res;
    rc = train_run(&cfg.train, &data, print_epoch, &prog, &res, err, sizeof err);
    data_bundle_free(&data);
    if (rc) {
        fprintf(stderr, "sweep train: %s\n", err);
        return 1;
    }
    if (res.status == TRAIN_DIVERGED) {
        fprintf(stderr, "sweep train: the run diverged (NaN or Inf loss) at epoch %d; try a lower --lr\n", res.epochs_run);
        return 1;
    }
    if (!prog.quiet)
        fprintf(stderr, "done: %d epochs (best %d), test acc %.4f, train acc %.4f (eval mode), %.1fs\n", res.epochs_run,
                res.best_epoch, res.test_acc, res.train_acc, res.seconds);
    return 0;
}
