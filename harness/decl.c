/* decl: the keys of [claim NAME] and [table NAME] sections and [sweep] reference, as experiment.c reads
   them line by line (it prefixes file:line to every message returned here); [census NAME] is decl_census.c. */
#include "decl.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


exp_decl *decl_new(const char *path)
{
    exp_decl *d = calloc(1, sizeof *d);
    if (d) { snprintf(d->path, sizeof d->path, "%s", path); d->current = -1; }
    return d;
}

void decl_free(exp_decl *d)
{
    if (!d) return;
    for (int i = 0; i < d->nclaims; i++) free(d->claims[i].quote);
    for (int i = 0; i < d->ntables; i++) {
        decl_table *t = &d->tables[i];
        free(t->text);
        for (int k = 0; k < t->ncols; k++) free(t->cols[k]);
        for (int r = 0; r < t->nrows; r++) {
            free(t->rows[r].raw);
            for (int k = 0; k < t->rows[r].ncells; k++) free(t->rows[r].cells[k]);
        }
        free(t->rows);
    }
    free(d->claims);
    free(d->tables);
    decl_census_free(d);
    free(d);
}

static int fail(char *err, size_t errlen, const char *fmt, const char *a)
{
    snprintf(err, errlen, fmt, a);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

/* Append text to a malloc'd string (a continuation line joins with one space). */
static int append(char **dst, const char *text)
{
    size_t a = *dst ? strlen(*dst) : 0, b = strlen(text);
    char *s = realloc(*dst, a + b + 2);
    if (!s) return -1;
    if (a) s[a++] = ' ';
    memcpy(s + a, text, b + 1);
    *dst = s;
    return 0;
}

int decl_enter(exp_decl *d, const char *section, int line, char *err, size_t errlen)
{
    if (!strncmp(section, "census ", 7)) return decl_census_enter(d, section + 7, line, err, errlen);
    int claim = !strncmp(section, "claim ", 6), tab = !strncmp(section, "table ", 6);
    if (!claim && !tab) return 0;
    char name[256];
    snprintf(name, sizeof name, "%s", section + 6);
    char *n = trim(name);
    if (!*n || strlen(n) >= 160) return fail(err, errlen, "[%s]: the name must be 1 to 159 characters", section);
    if (claim) {
        for (int i = 0; i < d->nclaims; i++)
            if (!strcmp(d->claims[i].name, n)) return fail(err, errlen, "[claim %s] is declared twice", n);
        decl_claim *c = realloc(d->claims, (size_t)(d->nclaims + 1) * sizeof *c);
        if (!c) return fail(err, errlen, "out of memory%s", "");
        d->claims = c;
        c = &d->claims[d->nclaims];
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "%s", n);
        c->line = line;
        c->quant = DECL_ALL;
        d->current_kind = DECL_IN_CLAIM;
        d->current = d->nclaims++;
        return 1;
    }
    for (int i = 0; i < d->ntables; i++)
        if (!strcmp(d->tables[i].name, n)) return fail(err, errlen, "[table %s] is declared twice", n);
    decl_table *t = realloc(d->tables, (size_t)(d->ntables + 1) * sizeof *t);
    if (!t) return fail(err, errlen, "out of memory%s", "");
    d->tables = t;
    t = &d->tables[d->ntables];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", n);
    t->line = line;
    d->current_kind = DECL_IN_TABLE;
    d->current = d->ntables++;
    return 1;
}

int decl_set_reference(exp_decl *d, const char *value, int line, char *err, size_t errlen)
{
    if (d->has_reference) return fail(err, errlen, "'reference' is set twice%s", "");
    if (decl_sel_parse(&d->reference, value, line, err, errlen)) return -1;
    d->has_reference = 1;
    return 0;
}

int decl_set_best_per(exp_decl *d, const char *value, int line, char *err, size_t errlen)
{
    if (d->nbest_per) return fail(err, errlen, "'best_per' is set twice%s", "");
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", value);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        if (!decl_is_column(tok) || !strcmp(tok, "variant"))
            return fail(err, errlen, "'%s' is not a setting column (best_per takes settings such as train_size)", tok);
        if (d->nbest_per == DECL_MAX_BEST_PER) return fail(err, errlen, "more than 4 columns%s", "");
        snprintf(d->best_per[d->nbest_per++], sizeof d->best_per[0], "%s", tok);
    }
    if (!d->nbest_per) return fail(err, errlen, "no column given%s", "");
    d->best_per_line = line;
    return 0;
}

static int parse_number(const char *key, const char *value, double *out, char *err, size_t errlen)
{
    char *end;
    *out = strtod(value, &end);
    if (end == value || *trim(end) || !isfinite(*out)) {
        snprintf(err, errlen, "%s: '%s' is not a number", key, value);
        return -1;
    }
    return 0;
}

static int metric_name(char *dst, const char *key, const char *value, char *err, size_t errlen)
{
    if (!decl_is_metric(value)) {
        snprintf(err, errlen, "%s: unknown metric '%s'; allowed: gap or a metric column of runs.csv (epochs_run, "
                 "best_epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, test_acc_dropout_on, "
                 "pred_change, test_acc_mc, seconds, sec_per_epoch)", key, value);
        return -1;
    }
    snprintf(dst, 32, "%s", value);
    return 0;
}

/* One of words (NULL-terminated) -> its index. */
static int word(const char *key, const char *value, const char *const *words, const char *allowed, char *err,
                size_t errlen)
{
    for (int i = 0; words[i]; i++)
        if (!strcmp(words[i], value)) return i;
    snprintf(err, errlen, "%s: '%s' is not allowed; allowed: %s", key, value, allowed);
    return -1;
}

static int claim_key(decl_claim *c, const char *key, const char *value, int cont, int line, char *err, size_t errlen)
{
    if (cont && strcmp(key, "quote")) return fail(err, errlen, "%s: only quote may continue on indented lines", key);
    if (!strcmp(key, "quote")) {
        if (c->quote && !cont) return fail(err, errlen, "'quote' is set twice%s", "");
        return append(&c->quote, value) ? fail(err, errlen, "out of memory%s", "") : 0;
    }
    if (!strcmp(key, "metric")) return metric_name(c->metric, key, value, err, errlen);
    if ((!strcmp(key, "compare") && c->compare.text[0]) || (!strcmp(key, "control") && c->has_control) ||
        (!strcmp(key, "against") && c->has_against))
        return fail(err, errlen, "'%s' is set twice", key);
    if (!strcmp(key, "compare")) return decl_sel_parse(&c->compare, value, line, err, errlen);
    if (!strcmp(key, "control")) { c->has_control = 1; return decl_sel_parse(&c->control, value, line, err, errlen); }
    if (!strcmp(key, "against")) {
        c->has_against = 1;
        if (!strncmp(value, "metric ", 7)) {
            char m[64];
            snprintf(m, sizeof m, "%s", value + 7);
            c->vs = DECL_VS_METRIC;
            return metric_name(c->vs_metric, key, trim(m), err, errlen);
        }
        if (!strncmp(value, "value ", 6)) {
            c->vs = DECL_VS_VALUE;
            return parse_number(key, value + 6, &c->vs_value, err, errlen);
        }
        c->vs = DECL_VS_CONFIGS;
        return decl_sel_parse(&c->against, value, line, err, errlen);
    }
    static const char *const dirs[] = { "greater", "less", "equal", NULL }, *const quants[] = { "all", "majority",
                                        "any", NULL }, *const scales[] = { "difference", "ratio", NULL };
    int k;
    if (!strcmp(key, "direction")) {
        if ((k = word(key, value, dirs, "greater, less, equal", err, errlen)) < 0) return -1;
        c->dir = (decl_dir)k;
        c->has_dir = 1;
        return 0;
    }
    if (!strcmp(key, "quantifier")) {
        if ((k = word(key, value, quants, "all, majority, any", err, errlen)) < 0) return -1;
        c->quant = (decl_quant)k;
        return 0;
    }
    if (!strcmp(key, "scale")) {
        if ((k = word(key, value, scales, "difference, ratio", err, errlen)) < 0) return -1;
        c->ratio = k;
        return 0;
    }
    if (!strcmp(key, "target")) { c->has_target = 1; return parse_number(key, value, &c->target, err, errlen); }
    if (!strcmp(key, "margin")) {
        if (parse_number(key, value, &c->margin, err, errlen)) return -1;
        return c->margin < 0 ? fail(err, errlen, "margin: '%s' is negative", value) : 0;
    }
    if (!strcmp(key, "for_every")) {
        if (!decl_is_column(value)) return fail(err, errlen, "for_every: unknown configuration column '%s'", value);
        snprintf(c->for_every, sizeof c->for_every, "%s", value);
        return 0;
    }
    return fail(err, errlen, "unknown key '%s' in a [claim]; allowed: quote, metric, compare, against, control, "
                "direction, quantifier, scale, target, margin, for_every", key);
}

/* Split text at '|' into at most max trimmed, malloc'd cells. */
static int split_cells(const char *text, char **cells, int max)
{
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char *s = n == max ? NULL : malloc(len + 1);
        if (!s) {
            while (n > 0) free(cells[--n]);
            return -1;
        }
        memcpy(s, p, len);
        s[len] = 0;
        char *t = trim(s);
        memmove(s, t, strlen(t) + 1);
        cells[n++] = s;
        if (!bar) return n;
        p = bar + 1;
    }
}

static int table_key(decl_table *t, const char *key, const char *value, int cont, int line, char *err, size_t errlen)
{
    if (cont && strcmp(key, "text") && strcmp(key, "row"))
        return fail(err, errlen, "%s: only text and row may continue on indented lines", key);
    if (!strcmp(key, "text")) {
        if (t->text && !cont) return fail(err, errlen, "'text' is set twice%s", "");
        return append(&t->text, value) ? fail(err, errlen, "out of memory%s", "") : 0;
    }
    if (!strcmp(key, "columns")) {
        if (t->ncols) return fail(err, errlen, "'columns' is set twice%s", "");
        t->ncols = split_cells(value, t->cols, DECL_MAX_COLS);
        return t->ncols < 0 ? fail(err, errlen, "columns: at most %s columns", "12") : 0;
    }
    if (!strcmp(key, "metrics")) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", value);
        t->nmetrics = 0;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char *m = trim(tok);
            int delta = !strncmp(m, "delta ", 6);
            if (delta) m = trim(m + 6);
            if (t->nmetrics == DECL_MAX_COLS) return fail(err, errlen, "metrics: at most %s", "12");
            if (metric_name(t->metrics[t->nmetrics], key, m, err, errlen)) return -1;
            t->delta[t->nmetrics++] = delta;
        }
        return 0;
    }
    if (!strcmp(key, "row")) {
        if (cont) {
            if (!t->nrows) return fail(err, errlen, "row: a continuation line with no row above%s", "");
            return append(&t->rows[t->nrows - 1].raw, value) ? fail(err, errlen, "out of memory%s", "") : 0;
        }
        decl_row *r = realloc(t->rows, (size_t)(t->nrows + 1) * sizeof *r);
        if (!r) return fail(err, errlen, "out of memory%s", "");
        t->rows = r;
        r = &t->rows[t->nrows++];
        memset(r, 0, sizeof *r);
        r->line = line;
        return append(&r->raw, value) ? fail(err, errlen, "out of memory%s", "") : 0;
    }
    return fail(err, errlen, "unknown key '%s' in a [table]; allowed: text, columns, metrics, row", key);
}

int decl_key(exp_decl *d, const char *key, const char *value, int cont, int line, char *err, size_t errlen)
{
    if (d->current < 0) return fail(err, errlen, "'%s' is outside a [claim], [table] or [census]", key);
    if (d->current_kind == DECL_IN_CLAIM) return claim_key(&d->claims[d->current], key, value, cont, line, err, errlen);
    if (d->current_kind == DECL_IN_TABLE) return table_key(&d->tables[d->current], key, value, cont, line, err, errlen);
    return decl_census_key(&d->censuses[d->current], key, value, cont, err, errlen);
}

static int finish_claim(const exp_decl *d, decl_claim *c, char *err, size_t errlen)
{
    const char *miss = !c->quote ? "quote" : !c->metric[0] ? "metric" : !c->compare.text[0] ? "compare"
                     : !c->has_dir ? "direction" : NULL;
    if (miss) {
        snprintf(err, errlen, "%s:%d: [claim %s] has no '%s'", d->path, c->line, c->name, miss);
        return -1;
    }
    if (c->vs == DECL_VS_CONFIGS && !c->has_against && !d->has_reference) {
        snprintf(err, errlen, "%s:%d: [claim %s] has no 'against' and the experiment declares no reference", d->path,
                 c->line, c->name);
        return -1;
    }
    if (c->vs == DECL_VS_METRIC && !strcmp(c->vs_metric, c->metric)) {
        snprintf(err, errlen, "%s:%d: [claim %s] compares %s with itself", d->path, c->line, c->name, c->metric);
        return -1;
    }
    if (c->vs != DECL_VS_CONFIGS && (c->has_control || c->for_every[0])) {
        snprintf(err, errlen, "%s:%d: [claim %s]: control and for_every need 'against' configurations", d->path,
                 c->line, c->name);
        return -1;
    }
    if (c->dir == DECL_EQUAL && !(c->margin > 0)) {
        snprintf(err, errlen, "%s:%d: [claim %s]: direction = equal needs a margin > 0", d->path, c->line, c->name);
        return -1;
    }
    if (c->ratio && c->vs != DECL_VS_CONFIGS) {
        snprintf(err, errlen, "%s:%d: [claim %s]: scale = ratio needs 'against' configurations", d->path, c->line,
                 c->name);
        return -1;
    }
    if (!c->has_target) c->target = c->ratio ? 1 : 0;
    return 0;
}

static int finish_table(const exp_decl *d, decl_table *t, char *err, size_t errlen)
{
    if (!t->nrows) {
        snprintf(err, errlen, "%s:%d: [table %s] has no row", d->path, t->line, t->name);
        return -1;
    }
    for (int i = 0; i < t->nrows; i++) {
        decl_row *r = &t->rows[i];
        if (r->ncells || r->sel.text[0]) continue;   /* already split */
        char *colon = strchr(r->raw, ':');
        if (colon) *colon = 0;
        char m[256];
        if (decl_sel_parse(&r->sel, trim(r->raw), r->line, m, sizeof m)) {
            snprintf(err, errlen, "%s:%d: %s", d->path, r->line, m);
            return -1;
        }
        r->ncells = colon ? split_cells(colon + 1, r->cells, DECL_MAX_COLS) : 0;
        if (r->ncells < 0 || r->ncells > t->ncols) {
            snprintf(err, errlen, "%s:%d: row: %d text cells for %d columns; write row = SELECTOR : cell | cell",
                     d->path, r->line, r->ncells < 0 ? DECL_MAX_COLS + 1 : r->ncells, t->ncols);
            return -1;
        }
    }
    return 0;
}

int decl_finish(exp_decl *d, char *err, size_t errlen)
{
    for (int i = 0; i < d->nclaims; i++)
        if (finish_claim(d, &d->claims[i], err, errlen)) return -1;
    for (int i = 0; i < d->ntables; i++)
        if (finish_table(d, &d->tables[i], err, errlen)) return -1;
    for (int i = 0; i < d->ncensuses; i++)
        if (decl_census_finish(d, &d->censuses[i], err, errlen)) return -1;
    return 0;
}
