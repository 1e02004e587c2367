/* settings: one table, one parser and one formatter per kind of value. */
#include "settings.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(run_config, field)

/* name, default, kind, field, min, max, min_open, max_open, since, help */
const setting settings_table[] = {
    {"hidden", "256,256", SETTING_HIDDEN, OFF(train.hidden), 1, 65536, 0, 0, 1,
     "hidden layer widths, comma separated (\"\" or \"none\" for no hidden layer)"},
    {"activation", "relu", SETTING_ACTIVATION, OFF(train.activation), 0, 0, 0, 0, 1, "relu or tanh"},
    {"dropout", "0.3", SETTING_FLOAT, OFF(train.dropout), 0, 1, 0, 1, 1, "dropout after each hidden activation, in [0, 1)"},
    {"input_dropout", "0", SETTING_FLOAT, OFF(train.input_dropout), 0, 1, 0, 1, 1, "dropout on the input pixels, in [0, 1)"},
    {"output_dropout", "0", SETTING_FLOAT, OFF(train.output_dropout), 0, 1, 0, 1, 1,
     "dropout on the output logits (a mistake the tutorial warns of), in [0, 1)"},
    {"batchnorm", "0", SETTING_BOOL, OFF(train.batchnorm), 0, 1, 0, 0, 1, "BatchNorm after each hidden Linear: 0 or 1"},
    {"optimizer", "adam", SETTING_OPTIMIZER, OFF(train.optim.kind), 0, 0, 0, 0, 1, "sgd, nesterov, adam or adamw"},
    {"lr", "0.001", SETTING_FLOAT, OFF(train.optim.lr), 0, 1e6, 1, 0, 1, "learning rate, > 0"},
    {"lr_schedule", "constant", SETTING_SCHEDULE, OFF(train.lr_schedule), 0, 0, 0, 0, 3,
     "constant, or cosine: lr * (1 + cos(pi * (e - 1) / epochs)) / 2 in epoch e"},
    {"momentum", "0.9", SETTING_FLOAT, OFF(train.optim.momentum), 0, 1, 0, 1, 1, "SGD momentum, in [0, 1)"},
    {"l2", "0", SETTING_FLOAT, OFF(train.optim.l2), 0, 1, 0, 0, 1, "weight decay (L2), PyTorch's weight_decay; decoupled for adamw"},
    {"beta1", "0.9", SETTING_FLOAT, OFF(train.optim.beta1), 0, 1, 0, 1, 2, "Adam/AdamW first-moment decay, in [0, 1)"},
    {"beta2", "0.999", SETTING_FLOAT, OFF(train.optim.beta2), 0, 1, 0, 1, 2, "Adam/AdamW second-moment decay, in [0, 1)"},
    {"eps", "1e-08", SETTING_FLOAT, OFF(train.optim.eps), 0, 1, 0, 0, 2, "Adam/AdamW epsilon of the denominator"},
    {"batch_size", "64", SETTING_INT, OFF(train.batch_size), 1, 1 << 20, 0, 0, 1, "examples per training step"},
    {"epochs", "20", SETTING_INT, OFF(train.epochs), 1, 100000, 0, 0, 1, "passes over the training set"},
    {"early_stopping", "0", SETTING_INT, OFF(train.early_stopping), 0, 100000, 0, 0, 1,
     "patience in epochs on validation loss, best weights restored; 0 = off"},
    {"train_size", "0", SETTING_INT, OFF(train.train_size), 0, 1 << 30, 0, 0, 1, "train on the first N training rows; 0 = all"},
    {"val_size", "5000", SETTING_INT, OFF(train.val_size), 0, 1 << 30, 0, 0, 1,
     "validation rows carved from the end of the training set; 0 = none"},
    {"augment", "none", SETTING_AUGMENT, OFF(train.augment), 1, 27, 0, 0, 1,
     "none, flip, shiftN or shiftN+flip (random shifts of up to N pixels, horizontal flips)"},
    {"mc_samples", "0", SETTING_INT, OFF(train.mc_samples), 0, 10000, 0, 0, 1,
     "K > 0: also test with dropout left on (1 pass) and the mean of K passes"},
    {"data", DATA_DEFAULT_DIR, SETTING_PATH, OFF(data), 0, 0, 0, 0, 1,
     "IDX directory (plain or .gz), directory with train.csv/test.csv, or a train CSV file"},
    {"seed", "1", SETTING_SEED, OFF(train.seed), 0, 0, 0, 0, 1,
     "random seed of the run (init, shuffling, masks); also 'seeds'"},
};
const int settings_count = (int)(sizeof settings_table / sizeof settings_table[0]);

static void canonical(const char *name, char *out, size_t n) {
    size_t i = 0;
    for (; name[i] && i + 1 < n; i++) out[i] = name[i] == '-' ? '_' : (char)tolower((unsigned char)name[i]);
    out[i] = 0;
}

int settings_find(const char *name) {
    char c[64];
    canonical(name, c, sizeof c);
    if (!strcmp(c, "seeds")) return settings_seed_index();
    for (int i = 0; i < settings_count; i++)
        if (strcmp(settings_table[i].name, c) == 0) return i;
    return -1;
}

int settings_seed_index(void) {
    for (int i = 0; i < settings_count; i++)
        if (settings_table[i].kind == SETTING_SEED) return i;
    return -1;
}

/* Levenshtein distance of two short names (at most 63 characters each are compared). */
static int edit_distance(const char *a, const char *b) {
    int la = (int)strnlen(a, 63), lb = (int)strnlen(b, 63), row[64];
    for (int j = 0; j <= lb; j++) row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *settings_suggest(const char *name) {
    char c[64];
    canonical(name, c, sizeof c);
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < settings_count; i++) {
        const char *n = settings_table[i].name;
        int d = edit_distance(c, n);
        if (strlen(c) >= 3 && !strncmp(n, c, strlen(c))) d = d < 1 ? d : 1;   /* a prefix: "batch" */
        if (d < best_d && d * 3 <= (int)strlen(n) + 1) best = n, best_d = d;
    }
    return best;
}

void settings_unknown(const char *name, int in_experiment, char *err, size_t errlen) {
    char names[1024];
    settings_names(names, sizeof names);
    size_t len = strlen(names);
    if (in_experiment && len > 6 && !strcmp(names + len - 6, ", seed"))   /* experiments say "seeds" */
        snprintf(names + len - 6, sizeof names - len + 6, ", seeds");
    const char *near = settings_suggest(name);
    if (near)
        snprintf(err, errlen, "unknown %s '%s'; did you mean '%s'? (allowed: %s)", in_experiment ? "key" : "setting",
                 name, near == settings_table[settings_seed_index()].name && in_experiment ? "seeds" : near, names);
    else snprintf(err, errlen, "unknown %s '%s'; allowed: %s", in_experiment ? "key" : "setting", name, names);
}

const char *settings_trim(const char *s, char *buf, size_t n) {
    while (isspace((unsigned char)*s)) s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len >= n) len = n - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    return buf;
}

/* "[0, 1)" or "(0, 1000000]": integers print as integers. */
static void format_range(const setting *s, char *buf, size_t n) {
    snprintf(buf, n, "%s%.15g, %.15g%s", s->min_open ? "(" : "[", s->min, s->max, s->max_open ? ")" : "]");
}

static int parse_number(const setting *s, const char *text, double *out, char *err, size_t errlen) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v)) {
        snprintf(err, errlen, "%s: '%s' is not a number", s->name, text);
        return -1;
    }
    if (s->kind == SETTING_INT && v != floor(v)) {
        snprintf(err, errlen, "%s: '%s' is not a whole number", s->name, text);
        return -1;
    }
    int too_big = s->max_open ? v >= s->max : v > s->max;
    int too_small = s->min_open ? v <= s->min : v < s->min;
    if (too_small || too_big) {
        char range[96];
        format_range(s, range, sizeof range);
        snprintf(err, errlen, "%s: %s is out of range: allowed %s", s->name, text, range);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_hidden(const setting *s, run_config *c, const char *text, char *err, size_t errlen) {
    train_config *t = &c->train;
    t->n_hidden = 0;
    if (!*text || strcmp(text, "none") == 0) return 0;
    const char *p = text;
    for (;;) {
        char *end;
        while (isspace((unsigned char)*p)) p++;
        long w = strtol(p, &end, 10);
        if (end == p || w < s->min || w > s->max) {
            snprintf(err, errlen, "hidden: '%s' is not a list of widths such as 256,256 (each %.0f..%.0f)", text,
                     s->min, s->max);
            return -1;
        }
        if (t->n_hidden == TRAIN_MAX_HIDDEN) {
            snprintf(err, errlen, "hidden: '%s' has more than %d layers", text, TRAIN_MAX_HIDDEN);
            return -1;
        }
        t->hidden[t->n_hidden++] = (int)w;
        p = end;
        while (isspace((unsigned char)*p)) p++;
        if (!*p) return 0;
        if (*p != ',' && *p != 'x') {
            snprintf(err, errlen, "hidden: '%s' is not a list of widths such as 256,256", text);
            return -1;
        }
        p++;
    }
}

static int parse_augment(const setting *s, data_augment *a, const char *text, char *err, size_t errlen) {
    a->shift = 0;
    a->flip = 0;
    if (strcmp(text, "none") == 0 || strcmp(text, "0") == 0) return 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        char *end;
        if (strcmp(tok, "flip") == 0 && !a->flip) {
            a->flip = 1;
        } else if (strncmp(tok, "shift", 5) == 0 && !a->shift && (a->shift = (int)strtol(tok + 5, &end, 10)) >= s->min &&
                   a->shift <= s->max && !*end && end != tok + 5) {
        } else {
            snprintf(err, errlen, "augment: '%s' is not one of none, flip, shiftN, shiftN+flip (N in %.0f..%.0f)", text,
                     s->min, s->max);
            return -1;
        }
    }
    return 0;
}

/* The words a setting of a kind accepts, and the value each stands for. */
typedef struct { const char *word; int value; } settings_word;
static const settings_word bool_words[] = { {"1", 1}, {"true", 1}, {"yes", 1}, {"on", 1},
                                            {"0", 0}, {"false", 0}, {"no", 0}, {"off", 0}, {NULL, 0} };
static const settings_word activation_words[] = { {"relu", ACT_RELU}, {"tanh", ACT_TANH}, {NULL, 0} };
static const settings_word schedule_words[] = { {"constant", LR_CONSTANT}, {"cosine", LR_COSINE}, {NULL, 0} };

static int parse_word(const setting *s, const settings_word *w, const char *text, const char *listed, int *out,
                      char *err, size_t errlen) {
    for (; w->word; w++)
        if (!strcmp(text, w->word)) { *out = w->value; return 0; }
    snprintf(err, errlen, "%s: '%s' is not one of %s", s->name, text, listed);
    return -1;
}

/* The first word that stands for value (how it is written back). */
static const char *word_of(const settings_word *w, int value) {
    for (; w->word; w++)
        if (w->value == value) return w->word;
    return "?";
}

int settings_parse(int i, run_config *c, const char *raw, char *err, size_t errlen) {
    const setting *s = &settings_table[i];
    char text[sizeof c->data];
    const char *start = raw, *end = raw + strlen(raw);
    while (isspace((unsigned char)*start)) start++;
    while (end > start && isspace((unsigned char)end[-1])) end--;
    if ((size_t)(end - start) >= sizeof text) {                    /* never a silent prefix */
        snprintf(err, errlen, "%s: value longer than %zu characters", s->name, sizeof text - 1);
        return -1;
    }
    settings_trim(raw, text, sizeof text);
    void *field = (char *)c + s->offset;
    double v;
    int k;
    switch (s->kind) {
    case SETTING_INT:
        if (parse_number(s, text, &v, err, errlen)) return -1;
        *(int *)field = (int)v;
        return 0;
    case SETTING_FLOAT:
        if (parse_number(s, text, &v, err, errlen)) return -1;
        *(float *)field = (float)v;
        return 0;
    case SETTING_BOOL:
        return parse_word(s, bool_words, text, "0, 1 (or true/false, yes/no, on/off)", (int *)field, err, errlen);
    case SETTING_SEED: {
        char *end;
        errno = 0;
        unsigned long long u = strtoull(text, &end, 10);
        if (!*text || *end || errno || text[0] == '-') {
            snprintf(err, errlen, "seed: '%s' is not a non-negative whole number", text);
            return -1;
        }
        *(uint64_t *)field = u;
        return 0;
    }
    case SETTING_HIDDEN:
        return parse_hidden(s, c, text, err, errlen);
    case SETTING_ACTIVATION:
        if (parse_word(s, activation_words, text, "relu, tanh", &k, err, errlen)) return -1;
        *(train_activation *)field = (train_activation)k;
        return 0;
    case SETTING_OPTIMIZER: {
        optim_config *o = &c->train.optim;
        o->nesterov = 0;
        if (!strcmp(text, "sgd")) o->kind = OPTIM_SGD;
        else if (!strcmp(text, "nesterov")) o->kind = OPTIM_SGD, o->nesterov = 1;
        else if (!strcmp(text, "adam")) o->kind = OPTIM_ADAM;
        else if (!strcmp(text, "adamw")) o->kind = OPTIM_ADAMW;
        else {
            snprintf(err, errlen, "optimizer: '%s' is not one of sgd, nesterov, adam, adamw", text);
            return -1;
        }
        return 0;
    }
    case SETTING_SCHEDULE:
        if (parse_word(s, schedule_words, text, "constant, cosine", &k, err, errlen)) return -1;
        *(train_lr_schedule *)field = (train_lr_schedule)k;
        return 0;
    case SETTING_AUGMENT:
        return parse_augment(s, (data_augment *)field, text, err, errlen);
    case SETTING_PATH:
        if (!*text || strlen(text) >= sizeof c->data) {
            snprintf(err, errlen, "%s: path is empty or longer than %zu characters", s->name, sizeof c->data - 1);
            return -1;
        }
        snprintf((char *)field, sizeof c->data, "%s", text);
        return 0;
    }
    return -1;
}

void settings_format(int i, const run_config *c, char *buf, size_t n) {
    const setting *s = &settings_table[i];
    const void *field = (const char *)c + s->offset;
    switch (s->kind) {
    case SETTING_INT: snprintf(buf, n, "%d", *(const int *)field); break;
    case SETTING_FLOAT: snprintf(buf, n, "%g", *(const float *)field); break;
    case SETTING_BOOL: snprintf(buf, n, "%d", *(const int *)field ? 1 : 0); break;
    case SETTING_SEED: snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)field); break;
    case SETTING_HIDDEN: {
        size_t used = 0;
        buf[0] = 0;
        for (int k = 0; k < c->train.n_hidden && used < n; k++)
            used += (size_t)snprintf(buf + used, n - used, k ? ",%d" : "%d", c->train.hidden[k]);
        break;
    }
    case SETTING_ACTIVATION: snprintf(buf, n, "%s", word_of(activation_words, *(const train_activation *)field)); break;
    case SETTING_OPTIMIZER: {
        const optim_config *o = &c->train.optim;
        snprintf(buf, n, "%s", o->kind == OPTIM_ADAM ? "adam" : o->kind == OPTIM_ADAMW ? "adamw" : o->nesterov ? "nesterov" : "sgd");
        break;
    }
    case SETTING_AUGMENT: {
        const data_augment *a = field;
        if (!a->shift && !a->flip) snprintf(buf, n, "none");
        else if (!a->shift) snprintf(buf, n, "flip");
        else snprintf(buf, n, "shift%d%s", a->shift, a->flip ? "+flip" : "");
        break;
    }
    case SETTING_PATH: snprintf(buf, n, "%s", (const char *)field); break;
    case SETTING_SCHEDULE: snprintf(buf, n, "%s", word_of(schedule_words, *(const train_lr_schedule *)field)); break;
    }
}

void settings_defaults(run_config *c) {
    memset(c, 0, sizeof *c);
    char err[256];
    for (int i = 0; i < settings_count; i++) (void)settings_parse(i, c, settings_table[i].defval, err, sizeof err);
}

void settings_names(char *buf, size_t n) {
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < settings_count && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, i ? ", %s" : "%s", settings_table[i].name);
}

void settings_id_text(int i, const run_config *c, char *buf, size_t n) {
    int len = snprintf(buf, n, "%s=", settings_table[i].name);
    if (len < 0 || (size_t)len + 2 > n) return;
    settings_format(i, c, buf + len, n - (size_t)len - 1);
    if (settings_table[i].since > 1) {        /* newer than the oldest results: hashed only when not default */
        run_config d;
        char def[520], e[256];
        memset(&d, 0, sizeof d);
        if (settings_parse(i, &d, settings_table[i].defval, e, sizeof e) == 0) {
            settings_format(i, &d, def, sizeof def);
            if (!strcmp(buf + len, def)) {
                buf[0] = 0;
                return;
            }
        }
    }
    strcat(buf, ";");
}

void settings_run_id_of(const char *variant, const char *const *parts, char out[17]) {
    uint64_t h = 1469598103934665603ULL;
    const char *prefix = "variant=";
    for (const char *p = prefix; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (const char *p = variant; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ (unsigned char)';') * 1099511628211ULL;
    for (int i = 0; i < settings_count; i++)
        for (const char *p = parts[i]; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void settings_run_id(const run_config *c, const char *variant, char out[17]) {
    char text[64][600];
    const char *parts[64];
    for (int i = 0; i < settings_count; i++) {
        settings_id_text(i, c, text[i], sizeof text[i]);
        parts[i] = text[i];
    }
    settings_run_id_of(variant, parts, out);
}

int settings_apply(run_config *c, const char *name, const char *text, char *err, size_t errlen) {
    char key[128];
    int i = settings_find(settings_trim(name, key, sizeof key));
    if (i < 0) {
        settings_unknown(key, 0, err, errlen);
        return -1;
    }
    return settings_parse(i, c, text, err, errlen);
}

void settings_print_help(FILE *f, int as_flags) {
    for (int i = 0; i < settings_count; i++) {
        char name[64];
        int seed = settings_table[i].kind == SETTING_SEED;
        snprintf(name, sizeof name, "%s%s", as_flags ? "--" : "", seed && !as_flags ? "seeds" : settings_table[i].name);
        for (char *p = name; as_flags && *p; p++)
            if (*p == '_') *p = '-';
        fprintf(f, "  %-18s %s (default: %s)\n", name,
                seed && !as_flags ? "the seeds of every configuration: 1-5 or 1,4,7 (runs.csv column seed)"
                                  : settings_table[i].help,
                *settings_table[i].defval ? settings_table[i].defval : "\"\"");
    }
}
