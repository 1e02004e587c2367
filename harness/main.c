/* sweep: dropout and regularization experiments. main() dispatches to a command and is the only exit. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "provenance.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"train", cmd_train, "train one model; one CSV row per epoch on stdout"},
    {"run", cmd_run, "run every configuration of an experiment file in parallel, results to CSV"},
    {"report", cmd_report, "tables, verdicts on the tutorial's claims, and plots from results"},
    {"check", cmd_check, "CI gate: compare results against a baseline with tolerances"},
    {"merge", cmd_merge, "fold the shard files of 'sweep run --shard K/N' into the results directory"},
    {"ls", cmd_ls, "what a results directory holds: runs done per configuration, statuses, the best"},
    {"compare", cmd_compare, "two result sets: common configurations paired by seed, differences with CIs"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: sweep COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'sweep COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv) {
    char err[512];
    provenance_pin_blas(argv, err, sizeof err);      /* returns only when no re-exec was needed (or it failed) */
    if (*err) fprintf(stderr, "sweep: %s\n", err);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "sweep: unknown command '%s'; commands are", argv[1]);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
    fprintf(stderr, " (see sweep --help)\n");
    return 2;
}
