/* decl: what an experiment file declares beyond its grid — the reference configuration, claims, tables and
   censuses — parsed for experiment.c (which hands it the [claim NAME], [table NAME] and [census NAME]
   sections and [sweep] reference), and selectors: which configurations a claim or a table row means.
   README.md "Declarations" documents the language; the report (report_claims.c, report_tables.c,
   report_census.c) evaluates it. */
#ifndef SWEEP_DECL_H
#define SWEEP_DECL_H
#include <stddef.h>

#define DECL_MAX_ALTS 8     /* alternatives of a selector, joined by '|' */
#define DECL_MAX_TERMS 8    /* conditions of one alternative, joined by '&' */
#define DECL_MAX_COLS 12    /* text columns and metric columns of a declared table */

typedef enum { DECL_EQ, DECL_NE, DECL_LT, DECL_LE, DECL_GT, DECL_GE } decl_op;
typedef struct { char col[32]; decl_op op; char value[128]; } decl_term;
/* "dropout>0.5 & batch_size<16 | variant NAME"; all = 1 for the selector `all`. */
typedef struct {
    int all, nalt, nterm[DECL_MAX_ALTS];
    decl_term term[DECL_MAX_ALTS][DECL_MAX_TERMS];
    char text[256];
    int line;
} decl_sel;

typedef enum { DECL_VS_CONFIGS, DECL_VS_METRIC, DECL_VS_VALUE } decl_vs;
typedef enum { DECL_GREATER, DECL_LESS, DECL_EQUAL } decl_dir;
typedef enum { DECL_ALL, DECL_MAJORITY, DECL_ANY } decl_quant;

typedef struct {
    char name[160];          /* the section's NAME: the claim in a few words */
    char *quote;             /* the tutorial's text, verbatim */
    char metric[32], vs_metric[32];
    decl_sel compare, against, control;
    int has_against, has_control;
    decl_vs vs;
    double vs_value;         /* DECL_VS_VALUE: the constant, in the metric's report unit */
    decl_dir dir;
    decl_quant quant;
    int ratio;               /* scale = ratio: mean(compared) / mean(against) */
    double target, margin;   /* the predicted difference (0) or ratio (1), and the equivalence margin */
    int has_target, has_dir;
    char for_every[32];      /* a column the comparisons must agree on, or "" */
    int line;                /* of the [claim] header */
} decl_claim;

typedef struct { decl_sel sel; char *cells[DECL_MAX_COLS]; int ncells; char *raw; int line; } decl_row;
typedef struct {
    char name[160];
    char *text;                                  /* paragraph under the heading, or NULL */
    char *cols[DECL_MAX_COLS];                   /* headers of the verbatim columns */
    int ncols;
    char metrics[DECL_MAX_COLS][32];             /* metric columns; delta[i]: the difference to the reference */
    int delta[DECL_MAX_COLS], nmetrics;
    decl_row *rows;
    int nrows, line;
} decl_table;

#define DECL_MAX_BEST_PER 4          /* decl.c says "more than 4 columns" */

/* [census NAME]: counted zeros of a Linear -> ReLU -> dropout layer (models/census.h) against the counts a
   text claims, per mode. Needs no run: the report measures it. */
#define DECL_MAX_CLAIMED 16
typedef enum { DECL_MODE_TRAIN, DECL_MODE_EVAL, DECL_NMODES } decl_mode;
typedef struct {
    char name[160];
    char *quote;                     /* the text whose counts are checked, verbatim */
    int inputs, units;               /* the Linear layer */
    double dropout;
    int samples, layers;             /* random inputs per layer (default 10000), layers drawn (default 1) */
    unsigned long long seed;         /* default 1 */
    int claimed[DECL_NMODES][DECL_MAX_CLAIMED], nclaimed[DECL_NMODES];   /* claimed_train, claimed_eval */
    unsigned seen;                   /* the keys given, a bit each (decl_census.c) */
    int line;                        /* of the [census] header */
} decl_census;

typedef enum { DECL_IN_CLAIM, DECL_IN_TABLE, DECL_IN_CENSUS } decl_section;

typedef struct exp_decl {
    char path[512];
    decl_sel reference;
    int has_reference;
    char best_per[DECL_MAX_BEST_PER][32]; /* [sweep] best_per = COLUMN, ...: the best configuration at each value */
    int nbest_per, best_per_line;
    decl_claim *claims;
    int nclaims;
    decl_table *tables;
    int ntables;
    decl_census *censuses;
    int ncensuses;
    decl_section current_kind;   /* while parsing: the kind of the current section */
    int current;                 /* and its index among claims, tables or censuses; -1 none */
} exp_decl;

exp_decl *decl_new(const char *path);
void decl_free(exp_decl *d);
/* A section header: 1 when it is [claim NAME], [table NAME] or [census NAME] (now the current section), 0 when
   it is not a declaration section, -1 on error (message in err, without file:line). */
int decl_enter(exp_decl *d, const char *section, int line, char *err, size_t errlen);
/* A key of the current declaration section; cont = 1 for an indented continuation line of the last key. */
int decl_key(exp_decl *d, const char *key, const char *value, int cont, int line, char *err, size_t errlen);
/* [sweep] reference = SELECTOR. */
int decl_set_reference(exp_decl *d, const char *value, int line, char *err, size_t errlen);
/* [sweep] best_per = COLUMN[, COLUMN]: configuration columns at each of whose values the report picks the best
   configuration on validation accuracy. */
int decl_set_best_per(exp_decl *d, const char *value, int line, char *err, size_t errlen);
/* After the file: every claim, table and census complete. Errors are "file:line: ...". */
int decl_finish(exp_decl *d, char *err, size_t errlen);

/* ---- [census NAME] sections (decl_census.c), called by the functions above ---- */
/* [census NAME] seen (name: what follows "census "): 1, now the current section, or -1 (message in err). */
int decl_census_enter(exp_decl *d, const char *name, int line, char *err, size_t errlen);
/* A key of c, checked against its range; only quote continues on indented lines (cont = 1). */
int decl_census_key(decl_census *c, const char *key, const char *value, int cont, char *err, size_t errlen);
/* After the file: the required keys given, the claimed counts within units. Errors are "file:line: ...". */
int decl_census_finish(const exp_decl *d, decl_census *c, char *err, size_t errlen);
/* Free every census of d (their quotes and the array). */
void decl_census_free(exp_decl *d);

/* ---- configurations and selectors (decl_select.c) ---- */
/* A set of configurations, each a row of configuration-column values (variant and the settings). */
typedef struct {
    int n, ncols;
    const char *const *cols;
    const char *(*cell)(const void *ctx, int cfg, int col);
    const void *ctx;
} decl_configs;

/* Parse text into s (line for messages). 0, or -1 with a message in err. */
int decl_sel_parse(decl_sel *s, const char *text, int line, char *err, size_t errlen);
int decl_sel_match(const decl_sel *s, const decl_configs *c, int cfg);
/* Is col a configuration column (variant or a setting other than seed)? */
int decl_is_column(const char *col);
/* Is name a metric of runs.csv (or gap)? */
int decl_is_metric(const char *name);
/* Comparisons of a claim whose `against` names configurations: (compared, against) pairs of configuration
   indices, *n of them, malloc'd into *pairs (2 ints each); the control comparisons follow the compared ones,
   *ncontrol of them. Each configuration is paired with the against configurations that agree with it on
   every column that varies and that the against selector does not determine. */
int decl_pairs(const decl_claim *cl, const decl_sel *against, const decl_configs *c, int **pairs, int *n,
               int *ncontrol);
/* Every selector of d matches a configuration of c and no claim compares a configuration with itself.
   what: "in the grid" or "in the runs", for the message. Errors are "file:line: ...". */
int decl_check(const exp_decl *d, const decl_configs *c, const char *what, char *err, size_t errlen);
/* The against selector of a claim: its own, else the reference, else NULL. */
const decl_sel *decl_against(const exp_decl *d, const decl_claim *cl);

#endif
