/* sweep train: one model, one CSV row per epoch on stdout, progress on stderr. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "results.h"
#include "settings.h"
#include "table.h"

typedef struct {
    int quiet;
    int epochs;
} train_progress;

static void train_usage(FILE *f) {
    fprintf(f, "usage: sweep train [--SETTING VALUE]... [-q] [--threads N]\n\n"
               "Trains one model and writes one CSV row per epoch to stdout:\n"
               "  epoch,seconds,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc\n"
               "(val columns are empty when val_size is 0). Progress goes to stderr.\n\n"
               "options:\n"
               "  -q, --quiet        no progress on stderr\n"
               "  --threads N        OpenBLAS threads for the run (default 1: results are bit-identical to a sweep)\n"
               "  -h, --help         this text\n\nsettings (--name value or --name=value; '-' and '_' alike):\n");
    settings_print_help(f, 1);
}

static int print_epoch(const train_epoch *e, void *user) {
    const train_progress *p = user;
    char cells[9][RESULTS_CELL];
    results_curve_row(cells, "", e);
    const char *fields[8];
    for (int i = 0; i < 8; i++) fields[i] = cells[i + 1];
    char *line = table_format_row(fields, 8);
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

int cmd_train(int argc, char **argv) {
    run_config cfg;
    settings_defaults(&cfg);
    train_progress prog = {0, 0};
    int threads = 1;
    char err[1024];
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            train_usage(stdout);
            return 0;
        }
        if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            prog.quiet = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, "sweep train: unexpected argument '%s' (see sweep train --help)\n", arg);
            return 2;
        }
        char name[128];
        const char *value;
        const char *eq = strchr(arg, '=');
        if (eq) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - arg - 2), arg + 2);
            value = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg + 2);
            if (i + 1 >= argc) {
                fprintf(stderr, "sweep train: --%s needs a value\n", name);
                return 2;
            }
            value = argv[++i];
        }
        if (!strcmp(name, "threads")) {
            char *end;
            long t = strtol(value, &end, 10);
            if (*end || t < 1 || t > 1024) {
                fprintf(stderr, "sweep train: --threads: '%s' is not a number of threads (1..1024)\n", value);
                return 2;
            }
            threads = (int)t;
            continue;
        }
        if (settings_apply(&cfg, name, value, err, sizeof err)) {
            fprintf(stderr, "sweep train: %s\n", err);
            return 2;
        }
    }
    if (train_config_check(&cfg.train, err, sizeof err)) {
        fprintf(stderr, "sweep train: %s\n", err);
        return 2;
    }
    openblas_set_num_threads(threads);
    data_bundle data;
    memset(&data, 0, sizeof data);
    if (data_load(&data, cfg.data, err, sizeof err)) {
        fprintf(stderr, "sweep train: %s\n", err);
        return 1;
    }
    const char *bad;
    if (data_split_check(data.train.n, cfg.train.train_size, cfg.train.val_size, &bad, err, sizeof err)) {
        fprintf(stderr, "sweep train: %s in %s\n", err, data.source);
        data_bundle_free(&data);
        return 2;
    }
    prog.epochs = cfg.train.epochs; /* the CSV header only once the run can start */
    const char *header[] = {"epoch", "seconds", "train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc"};
    char *line = table_format_row(header, 8);
    if (line) fputs(line, stdout);
    free(line);
    train_result res;
    int rc = train_run(&cfg.train, &data, print_epoch, &prog, &res, err, sizeof err);
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
