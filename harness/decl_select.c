/* decl_select: selectors over configuration columns ("dropout>0.5 & batch_size<16 | variant NAME"), the
   pairing of a claim's configurations with its reference ones, and the checks that every selector means
   something, run on the expanded grid (sweep run) and on the runs (sweep report). */
#include "decl.h"
#include "results.h"
#include "settings.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int decl_is_column(const char *col)
{
    if (!strcmp(col, "variant")) return 1;
    int i = settings_find(col);
    return i >= 0 && i != settings_seed_index() && !strchr(col, '-');
}

int decl_is_metric(const char *name)
{
    if (!strcmp(name, "gap")) return 1;
    int n = results_runs_ncols();
    const char *cols[64];
    if (n > 64) return 0;
    results_runs_header(cols);
    for (int i = 0; i < n; i++)
        if (!strcmp(cols[i], name))
            return strcmp(name, "run_id") && strcmp(name, "status") && strcmp(name, "variant") &&
                   strcmp(name, "seed") && settings_find(name) < 0;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

static int is_number(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return end != s && !*end && isfinite(*v);
}

static int parse_term(decl_term *t, char *text, char *err, size_t errlen)
{
    text = trim(text);
    memset(t, 0, sizeof *t);
    if (!strncmp(text, "variant ", 8) && !strpbrk(text, "!<>=")) {
        snprintf(t->col, sizeof t->col, "variant");
        t->op = DECL_EQ;
        snprintf(t->value, sizeof t->value, "%s", trim(text + 8));
        return 0;
    }
    char *o = strpbrk(text, "!<>=");
    if (!o) {
        snprintf(err, errlen, "'%s' is not a condition such as dropout=0, batch_size<16 or variant NAME", text);
        return -1;
    }
    static const struct { const char *s; decl_op op; } ops[] = {
        { "!=", DECL_NE }, { "<=", DECL_LE }, { ">=", DECL_GE }, { "<", DECL_LT }, { ">", DECL_GT }, { "=", DECL_EQ } };
    size_t oplen = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0] && !oplen; i++)
        if (!strncmp(o, ops[i].s, strlen(ops[i].s))) { t->op = ops[i].op; oplen = strlen(ops[i].s); }
    if (!oplen) { snprintf(err, errlen, "'%s': unknown comparison; allowed: = != < <= > >=", text); return -1; }
    char *value = trim(o + oplen);
    *o = 0;
    char *col = trim(text);
    if (!decl_is_column(col)) {
        snprintf(err, errlen, "unknown column '%s'; allowed: variant or a setting (see sweep run --help)", col);
        return -1;
    }
    double v;
    if (!*value || strlen(value) >= sizeof t->value) {
        snprintf(err, errlen, "%s: the value is empty or too long", col);
        return -1;
    }
    if (t->op != DECL_EQ && t->op != DECL_NE && !is_number(value, &v)) {
        snprintf(err, errlen, "%s: '%s' is not a number (< <= > >= compare numbers)", col, value);
        return -1;
    }
    snprintf(t->col, sizeof t->col, "%s", col);
    snprintf(t->value, sizeof t->value, "%s", value);
    return 0;
}

int decl_sel_parse(decl_sel *s, const char *text, int line, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->line = line;
    char buf[256];
    if (strlen(text) >= sizeof buf) { snprintf(err, errlen, "selector longer than 255 characters"); return -1; }
    snprintf(s->text, sizeof s->text, "%s", text);
    snprintf(buf, sizeof buf, "%s", text);
    if (!strcmp(trim(buf), "all")) { s->all = 1; return 0; }
    char *save_alt = NULL;
    for (char *alt = strtok_r(buf, "|", &save_alt); alt; alt = strtok_r(NULL, "|", &save_alt)) {
        if (s->nalt == DECL_MAX_ALTS) { snprintf(err, errlen, "more than %d alternatives ('|')", DECL_MAX_ALTS); return -1; }
        char *save = NULL;
        for (char *term = strtok_r(alt, "&", &save); term; term = strtok_r(NULL, "&", &save)) {
            if (s->nterm[s->nalt] == DECL_MAX_TERMS) {
                snprintf(err, errlen, "more than %d conditions ('&')", DECL_MAX_TERMS);
                return -1;
            }
            if (parse_term(&s->term[s->nalt][s->nterm[s->nalt]++], term, err, errlen)) return -1;
        }
        s->nalt++;
    }
    if (!s->nalt) { snprintf(err, errlen, "empty selector; write e.g. dropout=0, variant NAME or all"); return -1; }
    return 0;
}

/* A cell as a list of numbers ("256,256" for widths); 0 when it is not one. */
static int numbers(const char *s, double *v, int max)
{
    int n = 0;
    while (*s) {
        char *end;
        if (n == max) return 0;
        v[n++] = strtod(s, &end);
        if (end == s || (*end && *end != ',')) return 0;
        s = *end ? end + 1 : end;
    }
    return n;
}

static int cell_eq(const char *a, const char *b)
{
    double x[16], y[16];
    int nx = numbers(a, x, 16), ny = numbers(b, y, 16);
    if (!nx || !ny) return !strcmp(a, b);
    if (nx != ny) return 0;
    for (int i = 0; i < nx; i++)
        if (fabs(x[i] - y[i]) > 1e-9 * fmax(1, fabs(x[i]))) return 0;
    return 1;
}

static int col_index(const decl_configs *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (!strcmp(c->cols[i], name)) return i;
    return -1;
}

static int term_holds(const decl_term *t, const decl_configs *c, int cfg)
{
    int k = col_index(c, t->col);
    const char *cell = k < 0 ? "" : c->cell(c->ctx, cfg, k);
    if (t->op == DECL_EQ) return cell_eq(cell, t->value);
    if (t->op == DECL_NE) return !cell_eq(cell, t->value);
    double v[16], x = strtod(t->value, NULL);
    int n = numbers(cell, v, 16);   /* a list of widths: every width must satisfy it */
    for (int i = 0; i < n; i++) {
        int ok = t->op == DECL_LT ? v[i] < x : t->op == DECL_LE ? v[i] <= x : t->op == DECL_GT ? v[i] > x : v[i] >= x;
        if (!ok) return 0;
    }
    return n > 0;
}

int decl_sel_match(const decl_sel *s, const decl_configs *c, int cfg)
{
    if (s->all) return 1;
    for (int a = 0; a < s->nalt; a++) {
        int ok = 1;
        for (int k = 0; k < s->nterm[a] && ok; k++) ok = term_holds(&s->term[a][k], c, cfg);
        if (ok) return 1;
    }
    return 0;
}

const decl_sel *decl_against(const exp_decl *d, const decl_claim *cl)
{
    if (cl->vs != DECL_VS_CONFIGS) return NULL;
    return cl->has_against ? &cl->against : d->has_reference ? &d->reference : NULL;
}

static int mentions(const decl_sel *s, const char *col)
{
    for (int a = 0; a < s->nalt; a++)
        for (int k = 0; k < s->nterm[a]; k++)
            if (!strcmp(s->term[a][k].col, col)) return 1;
    return 0;
}

/* A cell in canonical form, so that equal cells (numerically, for numbers and width lists) are equal strings. */
static void canon(const char *cell, char *out, size_t n)
{
    double v[16];
    int k = numbers(cell, v, 16);
    size_t len = 0;
    out[0] = 0;
    if (!k) { snprintf(out, n, "%s", cell); return; }
    for (int i = 0; i < k && len < n; i++) len += (size_t)snprintf(out + len, n - len, "%s%.12g", i ? "," : "", v[i]);
}

/* Per configuration, the canonical cells of the columns in use joined by '\x1f' (malloc'd strings). */
static char **keys(const decl_configs *c, const int *use)
{
    char **k = calloc((size_t)c->n + 1, sizeof *k);
    if (!k) return NULL;
    for (int i = 0; i < c->n; i++) {
        char buf[4096], one[600];
        size_t len = 0;
        buf[0] = 0;
        for (int col = 0; col < c->ncols; col++) {
            if (!use[col]) continue;
            canon(c->cell(c->ctx, i, col), one, sizeof one);
            len += (size_t)snprintf(buf + len, len < sizeof buf ? sizeof buf - len : 0, "%s\x1f", one);
        }
        if (!(k[i] = strdup(buf))) { for (int j = 0; j < i; j++) free(k[j]); free(k); return NULL; }
    }
    return k;
}

static void free_keys(char **k, int n)
{
    for (int i = 0; k && i < n; i++) free(k[i]);
    free(k);
}

typedef struct { const char *a, *b; } key_pair;
static int pair_cmp(const void *x, const void *y)
{
    const key_pair *p = x, *q = y;
    int r = strcmp(p->a, q->a);
    return r ? r : strcmp(p->b, q->b);
}

/* Columns a compared configuration must share with its partner: those that vary and are not fixed by the
   columns the against selector names (a variant fixes the settings it sets), plus for_every. */
static int pairing_cols(const decl_claim *cl, const decl_sel *against, const decl_configs *c, int *use)
{
    int *named = calloc((size_t)c->ncols + 1, sizeof *named), *one = calloc((size_t)c->ncols + 1, sizeof *one);
    key_pair *kp = calloc((size_t)c->n + 1, sizeof *kp);
    char **mk = NULL;
    if (!named || !one || !kp) goto fail;
    for (int col = 0; col < c->ncols; col++) named[col] = mentions(against, c->cols[col]);
    if (!(mk = keys(c, named))) goto fail;
    for (int col = 0; col < c->ncols; col++) {
        use[col] = 0;
        if (!named[col]) {
            memset(one, 0, (size_t)c->ncols * sizeof *one);
            one[col] = 1;
            char **ck = keys(c, one);
            if (!ck) goto fail;
            for (int i = 0; i < c->n; i++) kp[i] = (key_pair){ mk[i], ck[i] };
            qsort(kp, (size_t)c->n, sizeof *kp, pair_cmp);
            for (int i = 1; i < c->n && !use[col]; i++)   /* same named values, another value of col */
                use[col] = !strcmp(kp[i].a, kp[i - 1].a) && strcmp(kp[i].b, kp[i - 1].b);
            free_keys(ck, c->n);
        }
        if (cl->for_every[0] && !strcmp(c->cols[col], cl->for_every)) use[col] = 1;
    }
    free_keys(mk, c->n);
    free(named); free(one); free(kp);
    return 0;
fail:
    free_keys(mk, c->n);
    free(named); free(one); free(kp);
    return -1;
}

int decl_pairs(const decl_claim *cl, const decl_sel *against, const decl_configs *c, int **pairs, int *n,
               int *ncontrol)
{
    int *use = calloc((size_t)c->ncols + 1, sizeof *use), *is_against = calloc((size_t)c->n + 1, sizeof(int));
    char **fk = NULL;
    *pairs = NULL;
    *n = *ncontrol = 0;
    if (!use || !is_against || pairing_cols(cl, against, c, use) || !(fk = keys(c, use))) goto fail;
    int cap = 64;
    if (!(*pairs = malloc((size_t)cap * 2 * sizeof **pairs))) goto fail;
    for (int r = 0; r < c->n; r++) is_against[r] = decl_sel_match(against, c, r);
    for (int side = 0; side < 2; side++) {
        const decl_sel *sel = side ? &cl->control : &cl->compare;
        if (side && !cl->has_control) break;
        for (int g = 0; g < c->n; g++) {
            if (!decl_sel_match(sel, c, g)) continue;
            for (int r = 0; r < c->n; r++) {
                if (!is_against[r] || strcmp(fk[g], fk[r])) continue;
                if (*n + *ncontrol == cap) {
                    int *p = realloc(*pairs, (size_t)(cap *= 2) * 2 * sizeof **pairs);
                    if (!p) goto fail;
                    *pairs = p;
                }
                (*pairs)[2 * (*n + *ncontrol)] = g;
                (*pairs)[2 * (*n + *ncontrol) + 1] = r;
                if (side) ++*ncontrol; else ++*n;
            }
        }
    }
    free_keys(fk, c->n);
    free(use); free(is_against);
    return 0;
fail:
    free_keys(fk, c->n);
    free(use); free(is_against); free(*pairs);
    *pairs = NULL;
    return -1;
}

static int matches_any(const decl_sel *s, const decl_configs *c)
{
    for (int i = 0; i < c->n; i++)
        if (decl_sel_match(s, c, i)) return 1;
    return 0;
}

static int check_sel(const exp_decl *d, const decl_sel *s, const char *key, const decl_configs *c, const char *what,
                     char *err, size_t errlen)
{
    if (matches_any(s, c)) return 0;
    snprintf(err, errlen, "%s:%d: %s = %s matches no configuration %s", d->path, s->line, key, s->text, what);
    return -1;
}

/* "dropout=0, batch_size=8": the columns of c that vary, for messages. */
static void cfg_label(const decl_configs *c, int cfg, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int col = 0; col < c->ncols && len < n; col++) {
        int varies = 0;
        for (int i = 0; i < c->n && !varies; i++) varies = !cell_eq(c->cell(c->ctx, i, col), c->cell(c->ctx, 0, col));
        if (varies)
            len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : "", c->cols[col], c->cell(c->ctx, cfg, col));
    }
}

static int check_claim(const exp_decl *d, const decl_claim *cl, const decl_configs *c, const char *what, char *err,
                       size_t errlen)
{
    if (check_sel(d, &cl->compare, "compare", c, what, err, errlen)) return -1;
    if (cl->has_control && check_sel(d, &cl->control, "control", c, what, err, errlen)) return -1;
    const decl_sel *against = decl_against(d, cl);
    if (!against) return 0;
    if (check_sel(d, against, cl->has_against ? "against" : "reference", c, what, err, errlen)) return -1;
    int *pairs, n, nc;
    if (decl_pairs(cl, against, c, &pairs, &n, &nc)) { snprintf(err, errlen, "out of memory"); return -1; }
    int rc = 0;
    for (int i = 0; i < n + nc && !rc; i++)
        if (pairs[2 * i] == pairs[2 * i + 1]) {
            char lab[256];
            cfg_label(c, pairs[2 * i], lab, sizeof lab);
            snprintf(err, errlen, "%s:%d: [claim %s] compares a configuration with itself (%s = %s and against = %s "
                     "both select %s)", d->path, cl->line, cl->name, i < n ? "compare" : "control",
                     i < n ? cl->compare.text : cl->control.text, against->text, lab[0] ? lab : "it");
            rc = -1;
        }
    if (!rc && n == 0) {
        snprintf(err, errlen, "%s:%d: [claim %s]: no configuration of compare = %s has a partner in %s that agrees "
                 "on the other varying columns %s", d->path, cl->line, cl->name, cl->compare.text, against->text, what);
        rc = -1;
    }
    free(pairs);
    return rc;
}

/* A best_per column must take two or more values among the configurations. */
static int check_best_per(const exp_decl *d, const decl_configs *c, const char *what, char *err, size_t errlen)
{
    for (int k = 0; k < d->nbest_per; k++) {
        int col = 0, varies = 0;
        while (col < c->ncols && strcmp(c->cols[col], d->best_per[k])) col++;
        for (int i = 1; col < c->ncols && i < c->n && !varies; i++)
            varies = !cell_eq(c->cell(c->ctx, i, col), c->cell(c->ctx, 0, col));
        if (!varies) {
            snprintf(err, errlen, "%s:%d: best_per = %s: %s takes one value %s; it needs two or more", d->path,
                     d->best_per_line, d->best_per[k], d->best_per[k], what);
            return -1;
        }
    }
    return 0;
}

int decl_check(const exp_decl *d, const decl_configs *c, const char *what, char *err, size_t errlen)
{
    if (d->has_reference && check_sel(d, &d->reference, "reference", c, what, err, errlen)) return -1;
    if (check_best_per(d, c, what, err, errlen)) return -1;
    for (int i = 0; i < d->nclaims; i++)
        if (check_claim(d, &d->claims[i], c, what, err, errlen)) return -1;
    for (int i = 0; i < d->ntables; i++)
        for (int r = 0; r < d->tables[i].nrows; r++)
            if (check_sel(d, &d->tables[i].rows[r].sel, "row", c, what, err, errlen)) return -1;
    return 0;
}
