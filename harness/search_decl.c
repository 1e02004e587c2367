/* search_decl: the search keys of an experiment file, distributions, and the sampler (see search.h). */
#include "search.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"

void search_spec_init(search_spec *s) {
    memset(s, 0, sizeof *s);
    s->eta = 3;
    snprintf(s->metric, sizeof s->metric, "val_acc");
}

static int search_int(const char *v, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (end == v || *end || errno || x < lo || x > hi) return -1;
    *out = x;
    return 0;
}

int search_decl_key(search_spec *s, const char *key, const char *value, int line, char *msg, size_t n) {
    long x;
    if (!strcmp(key, "search")) {
        static const char *const kinds[] = {"grid", "random", "halving", "hyperband"};
        for (int k = 0; k < 4; k++)
            if (!strcmp(value, kinds[k])) {
                s->kind = (search_kind)k;
                s->line_search = line;
                return 1;
            }
        snprintf(msg, n, "search: '%s' is not one of grid, random, halving, hyperband", value);
        return -1;
    }
    if (!strcmp(key, "samples")) {
        if (search_int(value, 1, 100000, &x)) {
            snprintf(msg, n, "samples: '%s' is not a whole number from 1 to 100000", value);
            return -1;
        }
        s->samples = (int)x;
        s->line_samples = line;
        return 1;
    }
    if (!strcmp(key, "sample_seed")) {
        char *end;
        errno = 0;
        unsigned long long u = strtoull(value, &end, 10);
        if (!*value || *end || errno || value[0] == '-') {
            snprintf(msg, n, "sample_seed: '%s' is not a non-negative whole number", value);
            return -1;
        }
        s->sample_seed = u;
        return 1;
    }
    if (!strcmp(key, "min_epochs")) {
        if (search_int(value, 1, 100000, &x)) {
            snprintf(msg, n, "min_epochs: '%s' is not a whole number >= 1", value);
            return -1;
        }
        s->min_epochs = (int)x;
        s->line_min = line;
        return 1;
    }
    if (!strcmp(key, "eta")) {
        if (search_int(value, 2, 100, &x)) {
            snprintf(msg, n, "eta: '%s' is not a whole number from 2 to 100", value);
            return -1;
        }
        s->eta = (int)x;
        return 1;
    }
    if (!strcmp(key, "metric")) {
        if (!strncmp(value, "test", 4)) {
            snprintf(msg, n, "metric: '%s': a search never ranks on the test set; use val_acc, val_loss, train_acc or train_loss", value);
            return -1;
        }
        if (strcmp(value, "val_acc") && strcmp(value, "val_loss") && strcmp(value, "train_acc") && strcmp(value, "train_loss")) {
            snprintf(msg, n, "metric: '%s' is not one of val_acc, val_loss, train_acc, train_loss", value);
            return -1;
        }
        snprintf(s->metric, sizeof s->metric, "%s", value);
        s->line_metric = line;
        return 1;
    }
    return 0;
}

int search_is_dist(const char *value) {
    while (isspace((unsigned char)*value)) value++;
    size_t k = strspn(value, "abcdefghijklmnopqrstuvwxyz");
    const char *p = value + k;
    while (isspace((unsigned char)*p)) p++;
    return k > 0 && *p == '(';
}

int search_decl_dist(search_spec *s, int setting, const char *value, int line, char *msg, size_t n) {
    const char *name = settings_table[setting].name;
    char fn[16];
    double a, b;
    int used = 0;
    if (sscanf(value, " %15[a-z] ( %lf , %lf ) %n", fn, &a, &b, &used) != 3 || value[used]) {
        snprintf(msg, n, "%s: '%s' is not a distribution: uniform(a, b), loguniform(a, b), int(a, b) or a list", name, value);
        return -1;
    }
    search_dist_kind kind;
    setting_kind sk = settings_table[setting].kind;
    if (!strcmp(fn, "uniform")) kind = SEARCH_UNIFORM;
    else if (!strcmp(fn, "loguniform")) kind = SEARCH_LOGUNIFORM;
    else if (!strcmp(fn, "int")) kind = SEARCH_INT;
    else {
        snprintf(msg, n, "%s: unknown distribution '%s'; allowed: uniform, loguniform, int (or a list of values)", name, fn);
        return -1;
    }
    if ((kind == SEARCH_INT) != (sk == SETTING_INT) || (kind != SEARCH_INT && sk != SETTING_FLOAT)) {
        snprintf(msg, n, "%s: %s() does not fit this setting (int() is for whole-number settings, uniform() and "
                 "loguniform() for real-valued ones; others take a list)", name, fn);
        return -1;
    }
    if (!(a < b) || (kind == SEARCH_LOGUNIFORM && !(a > 0)) || (kind == SEARCH_INT && (a != floor(a) || b != floor(b)))) {
        snprintf(msg, n, "%s: %s(%g, %g): needs a < b%s", name, fn, a, b,
                 kind == SEARCH_LOGUNIFORM ? " and a > 0" : kind == SEARCH_INT ? ", both whole numbers" : "");
        return -1;
    }
    run_config scratch;
    settings_defaults(&scratch);
    char text[64], why[512];
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof text, "%.17g", k ? b : a);
        if (settings_parse(setting, &scratch, text, why, sizeof why)) {
            snprintf(msg, n, "%s = %s: %s", name, value, why);
            return -1;
        }
    }
    for (int d = 0; d < s->n_dists; d++)
        if (s->dists[d].setting == setting) {
            snprintf(msg, n, "'%s' is set twice in this section", name);
            return -1;
        }
    if (s->n_dists == SEARCH_MAX_DIMS) {
        snprintf(msg, n, "more than %d distributions", SEARCH_MAX_DIMS);
        return -1;
    }
    s->dists[s->n_dists++] = (search_dim){setting, kind, a, b, 0, NULL, line};
    return 0;
}

int search_decl_check(const search_spec *s, const char *path, int epochs_is_single, int early_stopping, char *err,
                      size_t errlen) {
    int halving = s->kind == SEARCH_HALVING || s->kind == SEARCH_HYPERBAND;
    if (s->n_dists && !s->samples) {
        snprintf(err, errlen, "%s:%d: %s: a distribution needs samples = N (and search = random, halving or hyperband)",
                 path, s->dists[0].line, settings_table[s->dists[0].setting].name);
        return -1;
    }
    if (s->kind == SEARCH_RANDOM && !s->samples) {
        snprintf(err, errlen, "%s:%d: search = random needs samples = N", path, s->line_search);
        return -1;
    }
    if (s->samples && s->kind == SEARCH_GRID) {
        snprintf(err, errlen, "%s:%d: samples needs search = random, halving or hyperband", path, s->line_samples);
        return -1;
    }
    if (!halving && (s->line_min || s->line_metric)) {
        snprintf(err, errlen, "%s:%d: %s needs search = halving or hyperband", path,
                 s->line_min ? s->line_min : s->line_metric, s->line_min ? "min_epochs" : "metric");
        return -1;
    }
    if (halving && !s->line_min) {
        snprintf(err, errlen, "%s:%d: search = %s needs min_epochs = R (the first rung; the last is `epochs`)", path,
                 s->line_search, s->kind == SEARCH_HALVING ? "halving" : "hyperband");
        return -1;
    }
    if (halving && !epochs_is_single) {
        snprintf(err, errlen, "%s:%d: search = %s: epochs is the maximum resource and cannot be an axis", path,
                 s->line_search, s->kind == SEARCH_HALVING ? "halving" : "hyperband");
        return -1;
    }
    if (halving && early_stopping) {
        snprintf(err, errlen, "%s:%d: search = %s ranks every configuration at the rung epochs: early_stopping must be 0",
                 path, s->line_search, s->kind == SEARCH_HALVING ? "halving" : "hyperband");
        return -1;
    }
    return 0;
}

/* splitmix64's finalizer: a bijection of 64-bit words with full avalanche. */
static uint64_t search_mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t search_hash(uint64_t seed, uint64_t counter, uint64_t key) {
    return search_mix(search_mix(search_mix(seed) ^ counter) ^ key);
}

uint64_t search_hash_str(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* Dimension d's value for hash h as text. */
static void search_value(const search_dim *d, uint64_t h, char *out) {
    double u = (double)(h >> 11) * 0x1.0p-53; /* [0, 1) */
    switch (d->kind) {
    case SEARCH_UNIFORM: snprintf(out, SEARCH_VALUE, "%.4g", d->a + u * (d->b - d->a)); break;
    case SEARCH_LOGUNIFORM: snprintf(out, SEARCH_VALUE, "%.4g", exp(log(d->a) + u * (log(d->b) - log(d->a)))); break;
    case SEARCH_INT: {
        uint64_t span = (uint64_t)(d->b - d->a) + 1;
        snprintf(out, SEARCH_VALUE, "%lld", (long long)d->a + (long long)(h % span)); /* span << 2^64: bias negligible */
        break;
    }
    case SEARCH_CHOICE: snprintf(out, SEARCH_VALUE, "%s", d->choices[h % (uint64_t)d->n_choices]); break;
    }
}

/* The number of points of a space without continuous dimensions, or -1 when infinite or over 2^62. */
static double search_space_size(const search_dim *dims, int n_dims) {
    double m = 1;
    for (int d = 0; d < n_dims; d++) {
        if (dims[d].kind == SEARCH_UNIFORM || dims[d].kind == SEARCH_LOGUNIFORM) return -1;
        m *= dims[d].kind == SEARCH_INT ? dims[d].b - dims[d].a + 1 : dims[d].n_choices;
    }
    return m;
}

static uint64_t search_tuple_hash(char (*v)[SEARCH_VALUE], int n_dims) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int d = 0; d < n_dims; d++) h = search_hash(h, search_hash_str(v[d]), (uint64_t)d);
    return h;
}

int search_draw(const search_dim *dims, int n_dims, uint64_t seed, int n, char (*out)[SEARCH_VALUE], char *err,
                size_t errlen) {
    double space = search_space_size(dims, n_dims);
    if (space >= 0 && n > space) {
        snprintf(err, errlen, "samples = %d, but the space holds %.0f distinct configurations", n, space);
        return -1;
    }
    size_t cap = 16;
    while (cap < 2 * (size_t)n) cap *= 2;
    int *slot = malloc(cap * sizeof *slot); /* open addressing over sample indices, -1 empty */
    if (!slot) {
        snprintf(err, errlen, "out of memory for %d samples", n);
        return -1;
    }
    for (size_t k = 0; k < cap; k++) slot[k] = -1;
    uint64_t keys[SEARCH_MAX_DIMS];
    for (int d = 0; d < n_dims; d++) keys[d] = search_hash_str(settings_table[dims[d].setting].name);
    uint64_t attempt = 0, limit = 1000 * (uint64_t)n + 1000000;
    for (int i = 0; i < n; i++) {
        char (*v)[SEARCH_VALUE] = out + (size_t)i * n_dims;
        for (;;) {
            if (attempt == limit) {
                snprintf(err, errlen, "could not draw %d distinct samples in %llu draws", n, (unsigned long long)limit);
                free(slot);
                return -1;
            }
            for (int d = 0; d < n_dims; d++) search_value(&dims[d], search_hash(seed, attempt, keys[d]), v[d]);
            attempt++;
            uint64_t h = search_tuple_hash(v, n_dims);
            size_t k = h & (cap - 1);
            int dup = 0;
            for (; slot[k] >= 0; k = (k + 1) & (cap - 1)) {
                char (*w)[SEARCH_VALUE] = out + (size_t)slot[k] * n_dims;
                int same = 1;
                for (int d = 0; d < n_dims && same; d++) same = !strcmp(v[d], w[d]);
                if (same) { dup = 1; break; }
            }
            if (!dup) {
                slot[k] = i;
                break;
            }
        }
    }
    free(slot);
    return 0;
}
