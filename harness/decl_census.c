/* decl_census: the keys of [census NAME] sections (README.md "Declarations"): a Linear(inputs, units) layer
   with ReLU and dropout, how many random inputs to count its zeros on, and the counts a text claims for each
   mode. The report measures it (report_census.c, models/census.h); nothing here runs anything. */
#include "decl.h"
#include "census.h"
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys, a bit each in decl_census.seen; the integer ones with their field and range. */
typedef struct { const char *name; size_t off; long min, max; } key_row;
static const key_row keys[] = {
    { "quote", 0, 0, 0 },
    { "dropout_rate", 0, 0, 0 },
    { "seed", 0, 0, 0 },
    { "claimed_train", 0, 0, 0 },
    { "claimed_eval", 0, 0, 0 },
    { "inputs", offsetof(decl_census, inputs), 1, CENSUS_MAX_WIDTH },
    { "units", offsetof(decl_census, units), 1, CENSUS_MAX_WIDTH },
    { "samples", offsetof(decl_census, samples), 1, CENSUS_MAX_INPUTS },
    { "layers", offsetof(decl_census, layers), 1, CENSUS_MAX_INPUTS },
};
enum { KEY_QUOTE, KEY_DROPOUT_RATE, KEY_SEED, KEY_CLAIMED_TRAIN, KEY_CLAIMED_EVAL, KEY_INPUTS, KEY_UNITS, KEY_SAMPLES,
       KEY_LAYERS, KEY_COUNT, KEY_FIRST_INT = KEY_INPUTS };
_Static_assert(sizeof keys / sizeof *keys == KEY_COUNT, "a row of keys[] per key");
#define CENSUS_ALLOWED "quote, inputs, units, dropout_rate, samples, layers, seed, claimed_train, claimed_eval"

void decl_census_free(exp_decl *d)
{
    for (int i = 0; i < d->ncensuses; i++) free(d->censuses[i].quote);
    free(d->censuses);
    d->censuses = NULL;
    d->ncensuses = 0;
}

int decl_census_enter(exp_decl *d, const char *name, int line, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", name);
    char *n = buf;
    while (isspace((unsigned char)*n)) n++;
    size_t len = strlen(n);
    while (len && isspace((unsigned char)n[len - 1])) n[--len] = 0;
    if (!len || len >= 160) {
        snprintf(err, errlen, "[census %s]: the name must be 1 to 159 characters", n);
        return -1;
    }
    for (int i = 0; i < d->ncensuses; i++)
        if (!strcmp(d->censuses[i].name, n)) { snprintf(err, errlen, "[census %s] is declared twice", n); return -1; }
    decl_census *c = realloc(d->censuses, (size_t)(d->ncensuses + 1) * sizeof *c);
    if (!c) { snprintf(err, errlen, "out of memory"); return -1; }
    d->censuses = c;
    c = &d->censuses[d->ncensuses];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", n);
    c->samples = 10000;
    c->layers = 1;
    c->seed = 1;
    c->line = line;
    d->current_kind = DECL_IN_CENSUS;
    d->current = d->ncensuses++;
    return 1;
}

/* A whole number in [min, max] (decimal digits only). */
static int parse_whole(const char *key, const char *value, long min, long max, long *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (end == value || *end || errno || !isdigit((unsigned char)value[value[0] == '-'])) {
        snprintf(err, errlen, "%s: '%s' is not a whole number", key, value);
        return -1;
    }
    if (v < min || v > max) {
        snprintf(err, errlen, "%s: %ld is out of range: allowed [%ld, %ld]", key, v, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

/* "3, 5, 4" into the claimed counts of mode m. */
static int parse_claimed(decl_census *c, int m, const char *key, const char *value, char *err, size_t errlen)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", value);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        long v;
        if (c->nclaimed[m] == DECL_MAX_CLAIMED) {
            snprintf(err, errlen, "%s: at most %d counts", key, DECL_MAX_CLAIMED);
            return -1;
        }
        if (parse_whole(key, tok, 0, CENSUS_MAX_WIDTH, &v, err, errlen)) return -1;
        c->claimed[m][c->nclaimed[m]++] = (int)v;
    }
    if (!c->nclaimed[m]) { snprintf(err, errlen, "%s: no count given", key); return -1; }
    return 0;
}

static int set_value(decl_census *c, int k, const char *key, const char *value, char *err, size_t errlen)
{
    if (k >= KEY_FIRST_INT) {
        long v;
        if (parse_whole(key, value, keys[k].min, keys[k].max, &v, err, errlen)) return -1;
        *(int *)((char *)c + keys[k].off) = (int)v;
        return 0;
    }
    if (k == KEY_CLAIMED_TRAIN || k == KEY_CLAIMED_EVAL)
        return parse_claimed(c, k == KEY_CLAIMED_TRAIN ? DECL_MODE_TRAIN : DECL_MODE_EVAL, key, value, err, errlen);
    char *end;
    errno = 0;
    if (k == KEY_SEED) {
        c->seed = strtoull(value, &end, 10);
        if (end == value || *end || errno || !isdigit((unsigned char)value[0])) {
            snprintf(err, errlen, "seed: '%s' is not a whole number in [0, 2^64)", value);
            return -1;
        }
        return 0;
    }
    c->dropout = strtod(value, &end);   /* KEY_DROPOUT_RATE_RATE */
    while (isspace((unsigned char)*end)) end++;
    if (end == value || *end || !(c->dropout >= 0 && c->dropout < 1)) {
        snprintf(err, errlen, "dropout_rate: '%s' is out of range: allowed [0, 1)", value);
        return -1;
    }
    return 0;
}

int decl_census_key(decl_census *c, const char *key, const char *value, int cont, char *err, size_t errlen)
{
    int k = 0;
    while (k < KEY_COUNT && strcmp(keys[k].name, key)) k++;
    if (k == KEY_COUNT) {
        snprintf(err, errlen, "unknown key '%s' in a [census]; allowed: " CENSUS_ALLOWED, key);
        return -1;
    }
    if (cont && k != KEY_QUOTE) {
        snprintf(err, errlen, "%s: only quote may continue on indented lines", key);
        return -1;
    }
    if ((c->seen & (1u << k)) && !cont) { snprintf(err, errlen, "'%s' is set twice", key); return -1; }
    c->seen |= 1u << k;
    if (k != KEY_QUOTE) return set_value(c, k, key, value, err, errlen);
    size_t a = c->quote ? strlen(c->quote) : 0, b = strlen(value);   /* a continuation joins with one space */
    char *s = realloc(c->quote, a + b + 2);
    if (!s) { snprintf(err, errlen, "out of memory"); return -1; }
    if (a) s[a++] = ' ';
    memcpy(s + a, value, b + 1);
    c->quote = s;
    return 0;
}

int decl_census_finish(const exp_decl *d, decl_census *c, char *err, size_t errlen)
{
    static const int required[] = { KEY_QUOTE, KEY_INPUTS, KEY_UNITS, KEY_DROPOUT_RATE };
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!(c->seen & (1u << required[i]))) {
            snprintf(err, errlen, "%s:%d: [census %s] has no '%s'", d->path, c->line, c->name,
                     keys[required[i]].name);
            return -1;
        }
    if (!c->nclaimed[DECL_MODE_TRAIN] && !c->nclaimed[DECL_MODE_EVAL]) {
        snprintf(err, errlen, "%s:%d: [census %s] claims no count: give claimed_train or claimed_eval", d->path,
                 c->line, c->name);
        return -1;
    }
    if ((long long)c->samples * c->layers > CENSUS_MAX_INPUTS) {
        snprintf(err, errlen, "%s:%d: [census %s]: samples x layers is %lld; at most %d inputs", d->path, c->line,
                 c->name, (long long)c->samples * c->layers, CENSUS_MAX_INPUTS);
        return -1;
    }
    for (int m = 0; m < DECL_NMODES; m++)
        for (int i = 0; i < c->nclaimed[m]; i++)
            if (c->claimed[m][i] > c->units) {
                snprintf(err, errlen, "%s:%d: [census %s]: a claimed count of %d zeros among %d units", d->path,
                         c->line, c->name, c->claimed[m][i], c->units);
                return -1;
            }
    return 0;
}
