/* decl_grid: declarations against an expanded grid, and the experiment stored beside its results
   (DIR/experiment.ini, see SCHEMA.md) so that a results directory carries its own declaration. */
#include "decl.h"
#include "experiment.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct { int n, ncols; char **cells; } grid_cells;

static const char *grid_cell(const void *ctx, int cfg, int col)
{
    const grid_cells *g = ctx;
    return g->cells[cfg * g->ncols + col];
}

typedef struct { char key[17]; int run; } grid_key;

static int key_cmp(const void *a, const void *b)
{
    const grid_key *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    return r ? r : x->run - y->run;
}

/* Indices of one run per configuration (the runs that differ only in seed are one), in grid order. */
static int grid_configs(const experiment *e, int *first)
{
    grid_key *k = malloc((size_t)(e->n_runs + 1) * sizeof *k);
    if (!k) return -1;
    for (int i = 0; i < e->n_runs; i++) {
        memcpy(k[i].key, e->runs[i].config_id, sizeof e->runs[i].config_id);
        k[i].run = i;
    }
    qsort(k, (size_t)e->n_runs, sizeof *k, key_cmp);
    int n = 0;
    for (int i = 0; i < e->n_runs; i++)
        if (i == 0 || strcmp(k[i].key, k[i - 1].key)) first[n++] = k[i].run;
    free(k);
    return n;
}

int decl_check_grid(const experiment *e, char *err, size_t errlen)
{
    if (!e->decl || e->n_runs == 0) return 0;
    const char *cols[64];
    int ncols = 0;
    cols[ncols++] = "variant";
    for (int i = 0; i < settings_count && ncols < 64; i++)
        if (i != settings_seed_index()) cols[ncols++] = settings_table[i].name;
    int *first = malloc((size_t)e->n_runs * sizeof *first), n = first ? grid_configs(e, first) : -1;
    grid_cells g = { n, ncols, n > 0 ? calloc((size_t)n * ncols, sizeof(char *)) : NULL };
    int rc = -1;
    if (!g.cells) { snprintf(err, errlen, "%s: out of memory", e->path); free(first); return -1; }
    for (int r = 0; r < n; r++) {
        char buf[600];
        const exp_run *run = &e->runs[first[r]];
        g.cells[r * ncols] = strdup(run->variant);
        for (int i = 0, k = 1; i < settings_count; i++) {
            if (i == settings_seed_index()) continue;
            settings_format(i, &run->cfg, buf, sizeof buf);
            g.cells[r * ncols + k++] = strdup(buf);
        }
        for (int k = 0; k < ncols; k++)
            if (!g.cells[r * ncols + k]) { snprintf(err, errlen, "%s: out of memory", e->path); goto done; }
    }
    decl_configs c = { n, ncols, cols, grid_cell, &g };
    rc = decl_check(e->decl, &c, "in the grid", err, errlen);
done:
    for (int i = 0; i < n * ncols; i++) free(g.cells[i]);
    free(g.cells);
    free(first);
    return rc;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    for (size_t k; s && (k = fread(s + n, 1, cap - n - 1, f)) > 0;) {
        n += k;
        if (cap - n < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t) { free(s); s = NULL; }
            else s = t;
        }
    }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

/* The text to store: the file, with `name = ...` after its [sweep] line when the file relies on its own
   base name, and the overrides as a final [set] section. */
static char *stored_text(const experiment *e, char *const *overrides, int n_overrides)
{
    char *src = read_all(e->path);
    if (!src) return NULL;
    size_t len = strlen(src) + 256 + strlen(e->name);
    for (int i = 0; i < n_overrides; i++) len += strlen(overrides[i]) + 8;
    char *out = malloc(len), *sweep = NULL;
    if (!out) { free(src); return NULL; }
    for (char *line = src; line && *line && !sweep; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *s = line + strspn(line, " \t");
        if (!strncmp(s, "[sweep]", 7)) sweep = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line);
    }
    size_t k = 0;
    int valid = strspn(e->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == strlen(e->name);
    if (!e->named && sweep && valid) {   /* (a base name the name key would refuse stays implicit) */
        k = (size_t)snprintf(out, len, "%.*s%sname = %s\n%s", (int)(sweep - src), src,
                             sweep > src && sweep[-1] != '\n' ? "\n" : "", e->name, sweep);
    } else {
        k = (size_t)snprintf(out, len, "%s", src);
    }
    if (n_overrides) {
        k += (size_t)snprintf(out + k, len - k, "%s\n[set]                   ; sweep run --set\n",
                              k && out[k - 1] != '\n' ? "\n" : "");
        for (int i = 0; i < n_overrides; i++) {
            const char *eq = strchr(overrides[i], '=');
            k += (size_t)snprintf(out + k, len - k, "%.*s = %s\n", (int)(eq - overrides[i]), overrides[i], eq + 1);
        }
    }
    free(src);
    return out;
}

static int write_atomic(const char *path, const char *text, char *err, size_t errlen)
{
    char tmp[4300];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    int ok = f && fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int id_cmp(const void *a, const void *b) { return strcmp(a, b); }

/* How many runs of a are not in b (-1 when out of memory). */
static int runs_missing(const experiment *a, const experiment *b)
{
    char (*ids)[17] = malloc((size_t)(b->n_runs + 1) * sizeof *ids);
    if (!ids) return -1;
    for (int j = 0; j < b->n_runs; j++) memcpy(ids[j], b->runs[j].run_id, 17);
    qsort(ids, (size_t)b->n_runs, sizeof *ids, id_cmp);
    int n = 0;
    for (int i = 0; i < a->n_runs; i++)
        n += !bsearch(a->runs[i].run_id, ids, (size_t)b->n_runs, sizeof *ids, id_cmp);
    free(ids);
    return n;
}

int exp_store_declaration(const experiment *e, const char *dir, char *const *overrides, int n_overrides,
                          char *err, size_t errlen)
{
    char path[4200], *text = stored_text(e, overrides, n_overrides);
    if (!text) { snprintf(err, errlen, "%s: cannot read the experiment file to store it", e->path); return -1; }
    snprintf(path, sizeof path, "%s/experiment.ini", dir);
    char *old = read_all(path);
    int rc = 0;
    if (old && strcmp(old, text)) {
        experiment prev;
        char perr[1024];
        int added = -1, removed = -1;
        if (experiment_load(&prev, path, NULL, 0, perr, sizeof perr) == 0) {
            added = runs_missing(e, &prev);
            removed = runs_missing(&prev, e);
            experiment_free(&prev);
        }
        if (added || removed) {   /* a different grid (or an unreadable old file): keep the old one */
            char bak[4300], stamp[32];
            time_t now = time(NULL);
            strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
            snprintf(bak, sizeof bak, "%s.bak-%s", path, stamp);
            if (rename(path, bak) != 0) {
                snprintf(err, errlen, "%s: cannot keep the old declaration: %s", bak, strerror(errno));
                rc = -1;
            } else if (added < 0) {
                fprintf(stderr, "sweep run: note: the stored %s could not be read (%s); kept as %s\n", path, perr, bak);
            } else {
                fprintf(stderr, "sweep run: note: %s described other runs (%d of them not in this experiment, %d "
                        "new here); it is kept as %s and replaced by this experiment\n", path, removed, added, bak);
            }
        }
    }
    if (!rc && (!old || strcmp(old, text))) rc = write_atomic(path, text, err, errlen);
    free(old);
    free(text);
    return rc;
}
