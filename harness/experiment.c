/* experiment: reading an experiment file with inih (our own line-counting reader gives file:line for every
   error) into sections; experiment_build.c turns them into runs.

   [sweep]                       name, description, seeds = 1-3 (or 1,4,7), and any setting as the base.
   [variant NAME]                any setting, overriding the base for that variant.
   A setting with several values is an axis: "dropout = 0, 0.2, 0.5". Lists of hidden-layer widths are
   separated by '/': "hidden = 16,16 / 64,64 / 256,256". Runs = seeds x variants x axes.
   [set]                         key = value pairs applied on top of every section, as --set (sweep run records
                                 its --set arguments there in the stored DIR/experiment.ini).
   [claim NAME], [table NAME], [census NAME] and [sweep] reference: declarations, parsed by decl.c. */
#include "experiment.h"
#include "idset.h"
#include "decl.h"
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment_internal.h"

typedef struct {
    FILE *f;
    const char *path;
    int line;
    char err[2560];
    const char *set_arg;    /* the --set argument being checked, or NULL while reading the file */
    int failed;
    experiment *e;
    exp_section base;
    exp_section variants[EXP_MAX_VARIANTS];
    int n_variants;
    int current;            /* -1 base, else variant index; -2 outside any section; -3 [set]; -4 a declaration */
    int seen_sweep;
    int check_paths;        /* experiment_load_to_run: a data path must exist, said at its line */
    int cont;               /* the line being read is an indented continuation */
    exp_section set;        /* the [set] section */
    exp_decl *decl;
} exp_parse;


static int exp_fail(exp_parse *p, const char *fmt, const char *a, const char *b) {
    if (!p->failed) {
        char msg[2048];
        snprintf(msg, sizeof msg, fmt, a, b);
        if (p->set_arg) snprintf(p->err, sizeof p->err, "--set %s: %s", p->set_arg, msg);
        else snprintf(p->err, sizeof p->err, "%s:%d: %s", p->path, p->line, msg);
        p->failed = 1;
    }
    return 0;
}

#define EXP_TOO_LONG (-2)   /* exp_split: an item longer than 255 characters */
#define EXP_TOO_MANY (-3)   /* exp_split, exp_seed_items: more than max items */

/* Split a value into list items: '/' for hidden (whose values contain commas), ',' otherwise. */
static int exp_split(int setting, const char *text, char items[][256], int max) {
    char sep = settings_table[setting].kind == SETTING_HIDDEN ? '/' : ',';
    if (settings_table[setting].kind == SETTING_PATH) sep = '\n';
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *end = strchr(p, sep);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) p++, len--;
        while (len && isspace((unsigned char)p[len - 1])) len--;
        if (n == max) return EXP_TOO_MANY;
        if (len >= 256) return EXP_TOO_LONG;
        memcpy(items[n], p, len);
        items[n++][len] = 0;
        if (!end) return n;
        p = end + 1;
    }
}

/* Seeds: a list whose items are numbers or ranges a-b. Expands into items. */
static int exp_seed_items(const char *text, char items[][256], int max) {
    char raw[EXP_MAX_ITEMS][256];
    int n = exp_split(settings_seed_index(), text, raw, EXP_MAX_ITEMS), out = 0;
    for (int i = 0; i < n; i++) {
        char *end;
        if (!raw[i][0] || !isdigit((unsigned char)raw[i][0])) return -1;
        unsigned long a = strtoul(raw[i], &end, 10), b = a;
        if (*end == '-') b = strtoul(end + 1, &end, 10);
        if (*end || b < a) return -1;
        if (b - a >= (unsigned long)max) return EXP_TOO_MANY;
        for (unsigned long s = a; s <= b; s++) {
            if (out == max) return EXP_TOO_MANY;
            snprintf(items[out++], 256, "%lu", s);
        }
    }
    return n < 0 ? -1 : out;
}

int exp_items(int setting, const char *text, char items[][256], int max) {
    if (setting == settings_seed_index()) return exp_seed_items(text, items, max);
    return exp_split(setting, text, items, max);
}

/* Check every item of a value now, so a bad value is reported at its line. */
static int exp_check_value(exp_parse *p, int setting, const char *key, const char *value) {
    char (*it)[256] = malloc(sizeof(char[EXP_MAX_ITEMS][256]));
    if (!it) return exp_fail(p, "out of memory%s%s", "", "");
    int n = exp_items(setting, value, it, EXP_MAX_ITEMS);
    int ok = 1;
    if (n == EXP_TOO_LONG) {
        exp_fail(p, "%s: a value is longer than 255 characters%s", key, "");
        ok = 0;
    } else if (n == EXP_TOO_MANY) {
        exp_fail(p, "%s: more than 256 values (at most 256 %s per list)", key,
                 setting == settings_seed_index() ? "seeds" : "values");
        ok = 0;
    } else if (n <= 0) {
        exp_fail(p, setting == settings_seed_index() ? "%s: '%s' is not a list of seeds such as 1-5 or 1,2,3 (at most 256)"
                                                     : "%s: '%s' is not a value or a list of values",
                 key, value);
        ok = 0;
    }
    run_config scratch;
    settings_defaults(&scratch);
    for (int i = 0; ok && i < n; i++) {
        char msg[512];
        if (!it[i][0] && settings_table[setting].kind != SETTING_HIDDEN) {
            exp_fail(p, "%s: empty value in the list '%s'", key, value);
            ok = 0;
        } else if (settings_parse(setting, &scratch, it[i], msg, sizeof msg)) {
            exp_fail(p, "%s%s", msg, "");
            ok = 0;
        }
    }
    free(it);
    return ok;
}

/* The setting a key of an experiment (file or --set) names. "seed" is refused: in an experiment the seeds of every
   configuration are "seeds", and one seed there would quietly shrink the sweep. -1 with msg. */
static int exp_find_key(const char *key, int is_set, char *msg, size_t n) {
    char k[128];
    settings_trim(key, k, sizeof k);
    int setting = settings_find(k);
    if (setting == settings_seed_index() && strcmp(k, "seeds")) {
        snprintf(msg, n, "'%s' is not a key of an experiment: the seeds every configuration runs with are 'seeds' "
                 "(seeds = 9 runs each configuration once, with seed 9; seeds = 1-5 five times)", k);
        return -1;
    }
    if (setting < 0) {
        char err[1536];
        settings_unknown(k, 1, err, sizeof err);
        if (is_set && !strncmp(err, "unknown key", 11)) snprintf(msg, n, "unknown setting%s", err + 11);
        else snprintf(msg, n, "%s%s", err, is_set ? "" : " (and name, description, search, samples, sample_seed, min_epochs, eta, metric)");
    }
    return setting;
}

/* A data path that does not exist is reported at its line, before anything runs. 0 when missing. */
static int exp_path_exists(exp_parse *p, const char *value) {
    char (*it)[256] = malloc(sizeof(char[EXP_MAX_ITEMS][256]));
    if (!it) return exp_fail(p, "out of memory%s%s", "", "");
    int n = exp_items(settings_find("data"), value, it, EXP_MAX_ITEMS), ok = 1;
    for (int i = 0; ok && i < n; i++)
        if (it[i][0] && access(it[i], F_OK) != 0) ok = exp_fail(p, "data: '%s' does not exist (%s)", it[i], strerror(errno));
    free(it);
    return ok;
}

/* Enter a section: [sweep] or [variant NAME] (created on first sight). 0 on error. */
static int exp_enter_section(exp_parse *p, const char *section) {
    p->decl->current = -1;
    if (!strcmp(section, "sweep")) {
        p->current = -1;
        p->seen_sweep = 1;
        return 1;
    }
    if (!strcmp(section, "set")) {
        p->current = -3;
        return 1;
    }
    char msg[512];
    int d = decl_enter(p->decl, section, p->line, msg, sizeof msg);
    if (d < 0) return exp_fail(p, "%s%s", msg, "");
    if (d > 0) {
        p->current = -4;
        return 1;
    }
    if (strncmp(section, "variant ", 8) || !section[8])
        return exp_fail(p, "unknown section [%s]; allowed: [sweep], [variant NAME], [claim NAME], [table NAME], "
                        "[census NAME], [set]%s", section, "");
    const char *vname = section + 8;
    while (*vname == ' ') vname++;
    for (int i = 0; i < p->n_variants; i++)
        if (!strcmp(p->variants[i].name, vname)) {
            p->current = i;
            return 1;
        }
    if (p->n_variants == EXP_MAX_VARIANTS) return exp_fail(p, "more than 64 variants%s%s", "", "");
    if (strlen(vname) >= sizeof p->variants[0].name ||
        strspn(vname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+.") != strlen(vname))
        return exp_fail(p, "variant name '%s' must be letters, digits, '_', '-', '+', '.' (at most 63)%s", vname, "");
    p->current = p->n_variants++;
    snprintf(p->variants[p->current].name, sizeof p->variants[0].name, "%s", vname);
    return 1;
}

/* inih calls the handler only for keys, so a section with no keys (an empty [variant NAME], meaning "the base
   as it is") would vanish: the reader enters sections itself as it reads their header lines. */
static char *exp_reader(char *str, int num, void *stream) {
    exp_parse *p = stream;
    char *r = fgets(str, num, p->f);
    if (!r) return NULL;
    p->line++;
    size_t len = strlen(str);
    if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(p->f)) {
        char limit[32];
        snprintf(limit, sizeof limit, "%d", num - 2);
        exp_fail(p, "line longer than %s characters; continue a long value on indented lines%s", limit, "");
        return NULL;
    }
    const char *s = str;
    while (isspace((unsigned char)*s)) s++;
    p->cont = s != str && *s;
    const char *end = *s == '[' ? strchr(s, ']') : NULL;
    if (end && !p->failed) {
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(end - s - 1), s + 1);
        exp_enter_section(p, name);
    }
    return r;
}

/* The name is one path component (OUT/<name>): never empty, ".", ".." or hidden, no '/'. */
#define EXP_NAME_RULE "must be 1 to 127 letters, digits, '_', '-', '.', not starting with '.' (it names the results directory)"
static int exp_name_ok(const char *name) {
    size_t len = strlen(name);
    return len > 0 && len < sizeof ((experiment *)0)->name && name[0] != '.' &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == len;
}

static int exp_handler(void *user, const char *section, const char *name, const char *value) {
    exp_parse *p = user;
    (void)section;
    if (p->failed) return 0;
    if (p->current == -2) return exp_fail(p, "'%s' is outside any section; start the file with [sweep]%s", name, "");
    char msg[1024];
    if (p->current == -4) {
        if (decl_key(p->decl, name, value, p->cont, p->line, msg, sizeof msg)) return exp_fail(p, "%s%s", msg, "");
        return 1;
    }
    if (p->current == -1 && !strcmp(name, "reference")) {
        if (decl_set_reference(p->decl, value, p->line, msg, sizeof msg)) return exp_fail(p, "reference: %s%s", msg, "");
        return 1;
    }
    if (p->current == -1 && !strcmp(name, "best_per")) {
        if (decl_set_best_per(p->decl, value, p->line, msg, sizeof msg)) return exp_fail(p, "best_per: %s%s", msg, "");
        return 1;
    }
    if (p->current == -1 && !strcmp(name, "name")) {
        if (!exp_name_ok(value)) return exp_fail(p, "name '%s' %s", value, EXP_NAME_RULE);
        snprintf(p->e->name, sizeof p->e->name, "%s", value);
        p->e->named = 1;
        return 1;
    }
    if (!strcmp(name, "description")) { /* indented continuation lines arrive as repeated keys: join them */
        if (p->current == -1) {
            size_t used = strlen(p->e->description);
            snprintf(p->e->description + used, sizeof p->e->description - used, "%s%s", used ? " " : "", value);
        }
        return 1;
    }
    int taken = search_decl_key(&p->e->search, name, value, p->line, msg, sizeof msg);
    if (taken && p->current != -1) return exp_fail(p, "'%s' belongs in [sweep], not in a variant%s", name, "");
    if (taken) return taken > 0 ? 1 : exp_fail(p, "%s%s", msg, "");
    int setting = exp_find_key(name, 0, p->err, sizeof p->err);
    if (setting >= 0 && search_is_dist(value)) {
        if (p->current != -1) return exp_fail(p, "%s: distributions belong in [sweep], not in a variant%s", name, "");
        return search_decl_dist(&p->e->search, setting, value, p->line, msg, sizeof msg) ? exp_fail(p, "%s%s", msg, "") : 1;
    }
    if (setting < 0) {
        char why[sizeof p->err];
        snprintf(why, sizeof why, "%s", p->err);
        return exp_fail(p, "%s%s", why, "");
    }
    if (p->check_paths && settings_table[setting].kind == SETTING_PATH && !exp_path_exists(p, value)) return 0;
    exp_section *sec = p->current == -3 ? &p->set : p->current < 0 ? &p->base : &p->variants[p->current];
    if (p->current == -3) {   /* later [set] values win, as repeated --set arguments do */
        free(sec->values[setting]);
        sec->values[setting] = NULL;
    }
    if (sec->values[setting]) return exp_fail(p, "'%s' is set twice in this section%s", name, "");
    if (!exp_check_value(p, setting, name, value)) return 0;
    sec->lines[setting] = p->line;
    sec->values[setting] = strdup(value);
    return sec->values[setting] != NULL;
}

/* The [set] section as "key=value, ..." in the settings' order (experiment files say "seeds"). */
static void exp_overrides_text(const exp_section *set, char *buf, size_t n) {
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < settings_count && len < n; i++)
        if (set->values[i])
            len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : "",
                                    i == settings_seed_index() ? "seeds" : settings_table[i].name, set->values[i]);
}

void exp_section_free(exp_section *s) {
    for (int i = 0; i < 32; i++) free(s->values[i]);
}

/* Expand one section (base values overridden by the variant's, then by --set) over its axes and seeds. */
static int exp_load(experiment *e, const char *path, char *const *overrides, int n_overrides, int check_paths,
                    char *err, size_t errlen) {
    memset(e, 0, sizeof *e);
    search_spec_init(&e->search);
    if (strlen(path) >= sizeof e->path) {
        snprintf(err, errlen, "%.200s...: path too long (%zu characters; at most %zu)", path, strlen(path), sizeof e->path - 1);
        return -1;
    }
    snprintf(e->path, sizeof e->path, "%s", path);
    exp_parse *p = calloc(1, sizeof *p);
    exp_section over;
    memset(&over, 0, sizeof over);
    int rc = -1;
    if (!p) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    p->path = path;
    p->check_paths = check_paths;
    p->e = e;
    p->current = -2;
    p->decl = decl_new(path);
    if (!p->decl) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto done;
    }
    p->f = fopen(path, "r");
    if (!p->f) {
        snprintf(err, errlen, "%s: cannot open the experiment file: %s", path, strerror(errno));
        goto done;
    }
    int line = ini_parse_stream(exp_reader, p, exp_handler, p);
    fclose(p->f);
    if (p->failed) {
        snprintf(err, errlen, "%s", p->err);
        goto done;
    }
    if (line) {
        snprintf(err, errlen, "%s:%d: cannot parse this line: expected [section] or key = value", path, line);
        goto done;
    }
    if (!p->seen_sweep) {
        snprintf(err, errlen, "%s:1: no [sweep] section; an experiment file starts with [sweep]", path);
        goto done;
    }
    if (decl_finish(p->decl, err, errlen)) goto done;
    for (int i = 0; i < settings_count; i++)
        if (p->set.values[i] && !(over.values[i] = strdup(p->set.values[i]))) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto done;
        }
    exp_overrides_text(&p->set, e->overrides, sizeof e->overrides);
    for (int k = 0; k < n_overrides; k++) {
        const char *eq = strchr(overrides[k], '=');
        char key[128];
        p->set_arg = overrides[k];
        if (!eq || eq == overrides[k] || (size_t)(eq - overrides[k]) >= sizeof key) {
            snprintf(err, errlen, "--set '%s': expected key=value", overrides[k]);
            goto done;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - overrides[k]), overrides[k]);
        char trimmed[128];
        settings_trim(key, trimmed, sizeof trimmed);        /* "dropout = 0.2" as in the file */
        int setting = exp_find_key(trimmed, 1, p->err, sizeof p->err);
        if (setting < 0) {
            snprintf(err, errlen, "--set %s: %s", trimmed, p->err);
            goto done;
        }
        if (p->check_paths && settings_table[setting].kind == SETTING_PATH && !exp_path_exists(p, eq + 1)) {
            snprintf(err, errlen, "%s", p->err);
            goto done;
        }
        if (!exp_check_value(p, setting, trimmed, eq + 1)) {
            snprintf(err, errlen, "%s", p->err);
            goto done;
        }
        free(over.values[setting]);
        over.values[setting] = strdup(eq + 1);
    }
    if (!e->name[0]) {
        const char *b = strrchr(path, '/');
        snprintf(e->name, sizeof e->name, "%s", b ? b + 1 : path);
        char *dot = strrchr(e->name, '.');
        if (dot) *dot = 0;
    }
    if (!exp_name_ok(e->name)) {
        snprintf(err, errlen, "%s:1: name '%s' (from the file name) %s; set name = ... in [sweep]", path, e->name,
                 EXP_NAME_RULE);
        goto done;
    }
    e->decl = p->decl;
    p->decl = NULL;
    if (exp_build(e, &p->base, p->variants, p->n_variants, &over, err, errlen)) goto done;
    rc = 0;
done:
    decl_free(p->decl);
    exp_section_free(&p->set);
    exp_section_free(&p->base);
    for (int v = 0; v < p->n_variants; v++) exp_section_free(&p->variants[v]);
    exp_section_free(&over);
    free(p);
    if (rc) experiment_free(e);
    return rc;
}

int experiment_load(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err, size_t errlen) {
    return exp_load(e, path, overrides, n_overrides, 0, err, errlen);
}

int experiment_load_to_run(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err,
                           size_t errlen) {
    return exp_load(e, path, overrides, n_overrides, 1, err, errlen);
}

void experiment_free(experiment *e) {
    exp_free_origins(e);
    decl_free(e->decl);
    e->decl = NULL;
    free(e->runs);
    e->runs = NULL;
    e->n_runs = 0;
}
