/* check internals shared by check.c (options, the command), check_compare.c (grouping runs into configurations,
   comparing them) and check_output.c (Markdown table, JUnit XML, --update-baseline). Not an API: cmd_check in
   commands.h is the command. */
#ifndef SWEEP_CHECK_INTERNAL_H
#define SWEEP_CHECK_INTERNAL_H
#include "runset.h"
#include "table.h"

#include <stdio.h>

typedef struct {
    const char *baseline, *results, *metric, *junit;
    double atol;
    int seed_aware, update;
    int direction;              /* --direction: +1 higher is better, -1 lower, 0 from the results column table */
    int common_only;            /* --common-only: compare the configurations both sides have; list the rest */
} check_opts;

enum { BASE, CUR };

typedef struct {
    runset *rs;                 /* the runs, grouped (runset.h); NULL when not read */
    table t;                    /* runset_runs(rs), borrowed: freed by runset_close */
    int status, seed, metric;   /* column indices */
    int *cfg;                   /* (ncfg) column index of each configuration column */
} check_side;

typedef enum { V_OK, V_REGRESSED, V_IMPROVED, V_SKIPPED } check_verdict;

typedef struct {
    int side, row;              /* the first row seen of this configuration */
    int cfg[2];                 /* its runset configuration on each side, -1 when absent */
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

/* ---- check_compare.c ---- */

/* Find the configuration columns (variant, and hidden..data in either header) and the columns each file must
   have (status, seed, the metric). One line on stderr per file names everything it lacks. Returns 0 or 2. */
int check_find_columns(check_state *s, const char *metric);
/* Read path (a results directory with shards, or a runs.csv file) into side c through runset_open.
   Returns 0, or 2 with a line on stderr. */
int check_read_side(check_side *c, const char *path);
/* Match the configurations of both sides (runset keys: one equality rule) and label each. O(n).
   Returns 0, or -1 out of memory. */
int check_group_configs(check_state *s);
/* Compare every configuration, setting its verdict; count[v] gets the number with verdict v. Returns 0, or 2
   with a line on stderr. */
int check_compare_all(check_state *s, const check_opts *o, int count[4]);

/* ---- check_output.c ---- */

/* The comparison as a Markdown table, a row per configuration. */
void check_print_table(const check_state *s, const check_opts *o, FILE *f);
/* The PASS/FAIL line under the table; count[v] is the number of configurations with verdict v. */
void check_print_summary(const check_state *s, const check_opts *o, const int count[4], FILE *f);
/* JUnit XML to o->junit, a testcase per configuration. Returns 0, or 2 with a line on stderr. */
int check_write_junit(const check_state *s, const check_opts *o, const int count[4]);
/* Copy the current runs to o->baseline (temporary file + rename). Returns 0, or 2 with a line on stderr. */
int check_update_baseline(const check_state *s, const check_opts *o);

#endif
