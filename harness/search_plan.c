/* search_plan: configurations, ladders and rungs of a halving or Hyperband search (see search_plan.h). */
#include "search_plan.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plan_rungs(int min, int max, int eta, int *epochs) {
    int s = 0;
    for (long r = min; r * eta <= max && s + 1 < PLAN_MAX_RUNGS; r *= eta) s++;
    long div = 1;
    for (int k = 0; k < s; k++) div *= eta;
    for (int i = 0; i <= s; i++, div /= eta) epochs[i] = (int)(max / div) > min ? (int)(max / div) : min;
    return s + 1;
}

/* The configuration of a run: its settings with the seed left out, as a run id. */
static void plan_config_id(const exp_run *r, char out[17]) {
    run_config c = r->cfg;
    c.train.seed = 0;
    settings_run_id(&c, r->variant, out);
}

/* Settings (seed aside) that differ between runs, for descriptions. */
static void plan_describe(const experiment *e, const exp_run *r, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = 0;
    if (e->n_variants) used += (size_t)snprintf(buf, n, "%s", r->variant);
    for (int i = 0; i < settings_count && used < n; i++) {
        if (i == settings_seed_index()) continue;
        char a[512], b[512];
        settings_format(i, &r->cfg, a, sizeof a);
        int varies = 0;
        for (int k = 0; k < e->n_runs && !varies; k++) {
            settings_format(i, &e->runs[k].cfg, b, sizeof b);
            varies = strcmp(a, b) != 0;
        }
        if (varies) used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", used ? " " : "", settings_table[i].name, a);
    }
}

/* Which base configurations a ladder takes: all (in order), or when it takes fewer, the first `want` of an order
   seeded by (sample_seed, bracket): sorted by a hash of (sample_seed, bracket, configuration id), then put back
   in experiment order. */
static int plan_pick(uint64_t seed, int bracket, char (*ids)[17], int n_base, long want, int *pick) {
    for (int c = 0; c < n_base; c++) pick[c] = c;
    if (want >= n_base) return 0;
    uint64_t *key = malloc((size_t)n_base * sizeof *key);
    if (!key) return -1;
    for (int c = 0; c < n_base; c++) key[c] = search_hash(seed, (uint64_t)bracket, search_hash_str(ids[c]));
    for (int a = 1; a < n_base; a++) /* insertion sorts: small n */
        for (int b = a; b > 0 && key[pick[b]] < key[pick[b - 1]]; b--) { int t = pick[b]; pick[b] = pick[b - 1]; pick[b - 1] = t; }
    for (int a = 1; a < want; a++)
        for (int b = a; b > 0 && pick[b] < pick[b - 1]; b--) { int t = pick[b]; pick[b] = pick[b - 1]; pick[b - 1] = t; }
    free(key);
    return 0;
}

int plan_build(search_plan *p, const experiment *e, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    const search_spec *sp = &e->search;
    int max = e->runs[0].cfg.train.epochs, eta = sp->eta;
    if (sp->min_epochs > max) {
        snprintf(err, errlen, "%s:%d: min_epochs = %d is more than epochs = %d", e->path, sp->line_min, sp->min_epochs, max);
        return -1;
    }
    /* the base configurations, in the order of their first run */
    int *base_of = calloc((size_t)e->n_runs, sizeof *base_of), n_base = 0;
    char (*ids)[17] = calloc((size_t)e->n_runs, 17);
    if (!base_of || !ids) goto oom;
    for (int k = 0; k < e->n_runs; k++) {
        char id[17];
        plan_config_id(&e->runs[k], id);
        int c = 0;
        while (c < n_base && strcmp(ids[c], id)) c++;
        if (c == n_base) memcpy(ids[n_base++], id, 17);
        base_of[k] = c;
    }
    int rungs[PLAN_MAX_RUNGS], S = plan_rungs(sp->min_epochs, max, eta, rungs) - 1;
    p->n_ladders = sp->kind == SEARCH_HYPERBAND ? S + 1 : 1;
    p->runs = calloc((size_t)e->n_runs * (size_t)p->n_ladders, sizeof *p->runs);
    p->configs = calloc((size_t)n_base * (size_t)p->n_ladders, sizeof *p->configs);
    p->config_ids = calloc((size_t)n_base * (size_t)p->n_ladders, sizeof *p->config_ids);
    if (!p->runs || !p->configs || !p->config_ids) goto oom;
    p->grid_epochs = (long)e->n_runs * max;
    for (int l = 0; l < p->n_ladders; l++) {
        plan_ladder *L = &p->ladders[l];
        int s = sp->kind == SEARCH_HYPERBAND ? S - l : S; /* brackets from the most aggressive down */
        long want = n_base;
        if (sp->kind == SEARCH_HYPERBAND) {
            snprintf(L->name, sizeof L->name, "bracket%d", s);
            double n = (double)(S + 1) / (s + 1);
            for (int k = 0; k < s; k++) n *= eta;
            want = (long)n < n ? (long)n + 1 : (long)n;
            if (want > n_base) want = n_base;
        } else snprintf(L->name, sizeof L->name, "halving");
        L->n_rungs = s + 1;
        for (int i = 0; i <= s; i++) L->epochs[i] = rungs[S - s + i];
        L->configs = p->config_ids + p->n_configs;
        int *pick = malloc((size_t)n_base * sizeof *pick);
        if (!pick || plan_pick(sp->sample_seed, s, ids, n_base, want, pick)) { free(pick); goto oom; }
        for (int j = 0; j < want; j++) {
            int c = pick[j];
            plan_config *pc = &p->configs[p->n_configs];
            pc->ladder = l;
            pc->first = p->n_runs;
            for (int k = 0; k < e->n_runs; k++) {
                if (base_of[k] != c) continue;
                plan_run *r = &p->runs[p->n_runs++];
                r->run = e->runs[k];
                r->config = p->n_configs;
                if (sp->kind == SEARCH_HYPERBAND) {
                    snprintf(r->run.variant, sizeof r->run.variant, "%.40s%s%.15s", e->n_variants ? e->runs[k].variant : "",
                             e->n_variants ? "." : "", L->name);
                    settings_run_id(&r->run.cfg, r->run.variant, r->run.run_id);
                    plan_config_id(&r->run, r->run.config_id);
                }
                pc->n++;
            }
            plan_config_id(&p->runs[pc->first].run, pc->id);
            plan_describe(e, &p->runs[pc->first].run, pc->desc, sizeof pc->desc);
            L->configs[L->n_configs++] = p->n_configs++;
        }
        free(pick);
    }
    free(base_of);
    free(ids);
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory planning the search", e->path);
    free(base_of);
    free(ids);
    plan_free(p);
    return -1;
}

void plan_free(search_plan *p) {
    free(p->runs);
    free(p->configs);
    free(p->config_ids);
    memset(p, 0, sizeof *p);
}
