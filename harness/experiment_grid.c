/* experiment_grid: an experiment's runs counted (without wrapping) and expanded into the grid, the samples of a
   random search drawn, and where each setting's value came from (see experiment_internal.h). */
#include "experiment_internal.h"
#include "search.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where each setting's value came from, kept for errors found after loading (experiment_origin). */
struct exp_origins {
    int n_variants;
    char names[EXP_MAX_VARIANTS][64];
    int lines[EXP_MAX_VARIANTS + 1][32]; /* [0] the [sweep] section, [v + 1] variant v; 0 = not in the file */
    char *sets[32];                      /* --set values, NULL when not overridden */
};

/* "file:line" of setting i's value in the section it came from (the variant's, else the base's). */
int exp_line(const exp_section *base, const exp_section *var, int i) {
    return var && var->values[i] ? var->lines[i] : base->lines[i];
}

/* Keep where every value came from, for experiment_origin. */
int exp_keep_origins(experiment *e, const exp_section *base, const exp_section *variants, int n_variants,
                     const exp_section *over) {
    exp_origins *o = calloc(1, sizeof *o);
    if (!o) return -1;
    o->n_variants = n_variants;
    memcpy(o->lines[0], base->lines, sizeof o->lines[0]);
    for (int v = 0; v < n_variants; v++) {
        memcpy(o->names[v], variants[v].name, sizeof o->names[v]);
        memcpy(o->lines[v + 1], variants[v].lines, sizeof o->lines[0]);
    }
    for (int i = 0; i < settings_count; i++)
        if (over->values[i] && !(o->sets[i] = strdup(over->values[i]))) {
            e->origins = o;
            return -1;
        }
    e->origins = o;
    return 0;
}

void exp_free_origins(experiment *e) {
    if (!e->origins) return;
    for (int i = 0; i < 32; i++) free(e->origins->sets[i]);
    free(e->origins);
    e->origins = NULL;
}

void experiment_origin(const experiment *e, const exp_run *r, int setting, char *buf, size_t n) {
    const exp_origins *o = e->origins;
    const char *key = setting == settings_seed_index() ? "seeds" : settings_table[setting].name;
    if (o && o->sets[setting]) {
        snprintf(buf, n, "--set %s=%s", key, o->sets[setting]);
        return;
    }
    int line = 0;
    for (int v = 0; o && v < o->n_variants && !line; v++)
        if (!strcmp(o->names[v], r->variant)) line = o->lines[v + 1][setting];
    if (o && !line) line = o->lines[0][setting];
    if (line) snprintf(buf, n, "%s:%d", e->path, line);
    else snprintf(buf, n, "%s: (%s at its default)", e->path, key);
}

typedef struct {
    int n_items[32];
    char (*items[32])[256];
} exp_axes;

/* Runs are appended to e->runs (room for cap); seen holds the run ids so far, to refuse a duplicate in O(1). */
int exp_expand(experiment *e, int cap, idset *seen, const char *variant, const exp_section *base,
                      const exp_section *var, const exp_section *over, int seed_pass, char *err, size_t errlen) {
    exp_axes ax;
    memset(&ax, 0, sizeof ax);
    char (*id_text)[600] = NULL; /* each setting's part of the run id ("name=value;") */
    int rc = -1;
    for (int i = 0; i < settings_count; i++) {
        const char *v = over->values[i] ? over->values[i] : var && var->values[i] ? var->values[i] : base->values[i];
        if (!v) v = settings_table[i].defval;
        ax.items[i] = malloc(sizeof(char[EXP_MAX_ITEMS][256]));
        if (!ax.items[i]) goto done;
        ax.n_items[i] = exp_items(i, v, ax.items[i], EXP_MAX_ITEMS);
        if (ax.n_items[i] <= 0) {
            snprintf(err, errlen, "%s: %s: '%s' is not a value or a list", e->path, settings_table[i].name, v);
            goto done;
        }
    }
    int seed_i = settings_seed_index();
    if (seed_pass >= ax.n_items[seed_i]) {
        rc = 0;
        goto done;
    }
    int idx[32] = {0}, prev_idx[32];
    idx[seed_i] = seed_pass;
    /* The previous run: only the settings whose item changed are parsed and hashed again (100,000 runs in
       well under a second). */
    const run_config *prev = NULL;
    id_text = malloc(sizeof(char[32][600]));
    const char *id_parts[32];
    if (!id_text) {
        snprintf(err, errlen, "%s: out of memory", e->path);
        goto done;
    }
    char seed0[64];                                 /* the seed's part of a configuration id (seed 0) */
    {
        run_config z;
        char why[256];
        memset(&z, 0, sizeof z);
        if (settings_parse(seed_i, &z, "0", why, sizeof why)) seed0[0] = 0;
        else settings_id_text(seed_i, &z, seed0, sizeof seed0);
    }
    for (;;) {
        if (e->n_runs == cap) {
            snprintf(err, errlen, "%s: more runs than counted (%d)", e->path, cap);
            goto done;
        }
        exp_run *r = &e->runs[e->n_runs];
        memset(r, 0, sizeof *r);
        snprintf(r->variant, sizeof r->variant, "%s", variant);
        if (prev) r->cfg = *prev;
        else settings_defaults(&r->cfg);
        for (int i = 0; i < settings_count; i++) {
            if (prev && idx[i] == prev_idx[i]) continue;
            if (settings_parse(i, &r->cfg, ax.items[i][idx[i]], err, errlen)) goto done;
            settings_id_text(i, &r->cfg, id_text[i], sizeof id_text[i]);
            id_parts[i] = id_text[i];
        }
        prev = &r->cfg;
        memcpy(prev_idx, idx, sizeof idx);
        char msg[512];
        if (train_config_check(&r->cfg.train, msg, sizeof msg)) {
            snprintf(err, errlen, "%s: variant %s: %s", e->path, variant, msg);
            goto done;
        }
        settings_run_id_of(variant, id_parts, r->run_id);
        const char *seed_part = id_parts[seed_i];
        id_parts[seed_i] = seed0;
        settings_run_id_of(variant, id_parts, r->config_id);
        id_parts[seed_i] = seed_part;
        int added = idset_add(seen, r->run_id);
        if (added <= 0) {
            snprintf(err, errlen, added ? "%s: out of memory" : "%s: variant %s: the same run appears twice (a value repeated in a list?)",
                     e->path, variant);
            goto done;
        }
        e->n_runs++;
        int i = 0;
        for (; i < settings_count; i++) {
            if (i == seed_i) continue;
            if (++idx[i] < ax.n_items[i]) break;
            idx[i] = 0;
        }
        if (i == settings_count) break;
    }
    rc = 0;
done:
    for (int i = 0; i < settings_count; i++) free(ax.items[i]);
    free(id_text);
    return rc;
}

/* Runs of one section: the product of its list lengths, in a double (exact far beyond EXP_MAX_RUNS, and it
   cannot wrap as a 64-bit count of 256^19 would). *widest gets the setting with the most values. */
double exp_count(const exp_section *base, const exp_section *var, const exp_section *over, int *widest,
                        int *widest_n) {
    double n = 1;
    char (*it)[256] = malloc(sizeof(char[EXP_MAX_ITEMS][256]));
    if (!it) return -1;
    for (int i = 0; i < settings_count; i++) {
        const char *v = over->values[i] ? over->values[i] : var && var->values[i] ? var->values[i] : base->values[i];
        int k = v ? exp_items(i, v, it, EXP_MAX_ITEMS) : 1;
        if (k < 1) k = 1;
        if (k > *widest_n) *widest = i, *widest_n = k;
        n *= k;
    }
    free(it);
    return n;
}

/* Random samples (search.h): the base section's distributions and lists become the dimensions, each sample a copy
   of the base with one value per dimension. samples gets e->search.samples sections (values owned). */
int exp_draw_samples(experiment *e, const exp_section *base, exp_section *samples, char *err, size_t errlen) {
    search_spec *sp = &e->search;
    search_dim dims[SEARCH_MAX_DIMS];
    int n_dims = 0, rc = -1, seed_i = settings_seed_index();
    char (*lists)[EXP_MAX_ITEMS][256] = calloc(SEARCH_MAX_DIMS, sizeof *lists);
    char (*out)[SEARCH_VALUE] = NULL;
    if (!lists) goto oom;
    for (int i = 0; i < settings_count && n_dims < SEARCH_MAX_DIMS; i++) {
        int d;
        for (d = 0; d < sp->n_dists && sp->dists[d].setting != i; d++) {}
        if (d < sp->n_dists) dims[n_dims++] = sp->dists[d];
        else if (i != seed_i && base->values[i]) {
            int k = exp_items(i, base->values[i], lists[n_dims], EXP_MAX_ITEMS);
            if (k > 1) dims[n_dims] = (search_dim){i, SEARCH_CHOICE, 0, 0, k, lists[n_dims], 0}, n_dims++;
        }
    }
    out = calloc((size_t)sp->samples * (size_t)(n_dims ? n_dims : 1), sizeof *out);
    if (!out) goto oom;
    char why[512];
    if (search_draw(dims, n_dims, sp->sample_seed, sp->samples, out, why, sizeof why)) {
        snprintf(err, errlen, "%s:%d: %s", e->path, sp->line_samples, why);
        goto done;
    }
    for (int k = 0; k < sp->samples; k++) {
        for (int i = 0; i < 32; i++) samples[k].values[i] = base->values[i] ? strdup(base->values[i]) : NULL;
        snprintf(samples[k].name, sizeof samples[k].name, "sample %d", k);
        for (int d = 0; d < n_dims; d++) {
            free(samples[k].values[dims[d].setting]);
            samples[k].values[dims[d].setting] = strdup(out[(size_t)k * n_dims + d]);
        }
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "%s: out of memory for %d samples", e->path, sp->samples);
done:
    free(lists);
    free(out);
    return rc;
}

