/* settings: the one table of run settings. Each has one name, one default, one validation, one canonical
   text form, used alike by `sweep train --name value`, experiment files (`name = value`), `--set name=value`,
   the columns of runs.csv and the run_id hash. */
#ifndef SWEEP_SETTINGS_H
#define SWEEP_SETTINGS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "train.h"

/* Everything one run needs: the model's configuration plus where its data comes from. */
typedef struct {
    train_config train;
    char data[512];
} run_config;

typedef enum {
    SETTING_INT, SETTING_FLOAT, SETTING_BOOL, SETTING_SEED,
    SETTING_HIDDEN, SETTING_ACTIVATION, SETTING_OPTIMIZER, SETTING_AUGMENT, SETTING_PATH, SETTING_SCHEDULE
} setting_kind;

typedef struct {
    const char *name;      /* canonical name, underscores */
    const char *defval;    /* default, in the setting's own syntax */
    setting_kind kind;
    size_t offset;         /* of the value inside run_config */
    double min, max;       /* allowed range of numbers; hidden: of each width; augment: of the shift N */
    int min_open, max_open; /* 1: that end of the range is excluded */
    int since;             /* schema version that added it (SETTINGS_SCHEMA today). A setting added after version 1
                              must have a default that reproduces the old behaviour: run_ids hash it only when it
                              differs from that default, so results stored before it stay valid */
    const char *help;      /* one line for --help */
} setting;

/* The schema version of runs.csv this build writes (SCHEMA.md lists what each version added). */
#define SETTINGS_SCHEMA 3

/* THE table: the only place that lists a setting's name, default, range and help. Its order is the order of the
   runs.csv configuration columns (seed excepted: it is a leading column) and of the run_id hash; rows with
   since = 1 keep their relative order forever, or every stored run_id changes. Adding a setting is adding a row
   (plus the field it sets). */
extern const setting settings_table[];
extern const int settings_count;

/* Index of a setting by name; hyphens and underscores are the same ("batch-size" = "batch_size"), and "seeds"
   is the seed setting's other name. -1 if none. */
int settings_find(const char *name);
/* The setting name closest to name (edit distance at most 2, or a prefix), or NULL: for "did you mean". */
const char *settings_suggest(const char *name);
/* An error for an unknown setting name: "unknown setting 'x'; did you mean 'y'? (allowed: ...)"; in_experiment:
   the seed setting is called "seeds" (the key of experiment files and --set). */
void settings_unknown(const char *name, int in_experiment, char *err, size_t errlen);
/* Fill c with every setting's default. */
void settings_defaults(run_config *c);
/* Parse text as setting i into c, err prefixed with the setting's name. */
int settings_parse(int i, run_config *c, const char *text, char *err, size_t errlen);
/* Canonical text of setting i. */
void settings_format(int i, const run_config *c, char *buf, size_t n);
/* Comma-separated list of all setting names, for error messages. */
void settings_names(char *buf, size_t n);
/* Stable 64-bit id of a run: FNV-1a over variant and every setting's canonical text, as 16 hex digits. */
void settings_run_id(const run_config *c, const char *variant, char out[17]);
/* settings_run_id in two steps, for hashing many runs that share most values: the text setting i adds to
   the hash ("name=value;"), and the id of a variant and every setting's text. */
void settings_id_text(int i, const run_config *c, char *buf, size_t n);
void settings_run_id_of(const char *variant, const char *const *parts, char out[17]);
/* Set setting `name` (hyphens or underscores) from text; an unknown name is an error listing the allowed ones. */
int settings_apply(run_config *c, const char *name, const char *text, char *err, size_t errlen);
/* Print every setting with its default and help, for --help: as --flags (sweep train) or as the keys of
   experiment files and --set (sweep run). */
void settings_print_help(FILE *f, int as_flags);
/* Index of the seed setting (the one row of kind SETTING_SEED, wherever it is in the table). */
int settings_seed_index(void);
/* Text with leading and trailing white space removed, into buf (n bytes). Returns buf. */
const char *settings_trim(const char *s, char *buf, size_t n);

#endif
