/* search_run: the halving / Hyperband scheduler (see search_run.h). Waves: every ladder's next rung is trained
   at once (in parallel across runs), then each of those rungs is decided from stored state. */
#include "search_run.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "ckpt.h"
#include "results.h"
#include "search_plan.h"
#include "search_rungs.h"
#include "table.h"

typedef struct {
    int run, target, final;
    int outcome;               /* CKPT_*, or -1 failed */
    double value, seconds;
    char err[512];
} search_task;

typedef struct {
    const experiment *e;
    const search_opts *o;
    store *st;
    search_plan plan;
    rungs_file rungs;
    table curves;              /* DIR/curves.csv, read when a stored run's value is needed */
    int curves_loaded;
    char *alive;               /* (n_configs) still in the running */
    int next[PLAN_MAX_RUNGS];  /* per ladder: the rung to train next */
    double idle;               /* core-seconds idle while rungs waited */
} search_ctx;

static double search_metric(const train_epoch *x, const char *metric) {
    if (!strcmp(metric, "val_loss")) return x->val_loss;
    if (!strcmp(metric, "train_acc")) return x->train_acc;
    if (!strcmp(metric, "train_loss")) return x->train_loss;
    return x->val_acc;
}

static int search_on_epoch(const train_epoch *x, void *user) {
    (void)x;
    return *((const search_ctx *)user)->o->stop != 0;
}

/* Append a finished (or pruned) run's rows and drop its checkpoint. */
static int search_store(search_ctx *c, const exp_run *r, const train_result *res, const train_epoch *curve, int n,
                        char *err, size_t errlen) {
    int ncols = results_runs_ncols(), ncurve;
    results_curves_header(&ncurve);
    size_t cells_n = (size_t)ncols + (size_t)n * ncurve;
    char(*cells)[RESULTS_CELL] = calloc(cells_n, RESULTS_CELL);
    const char **ptrs = calloc(cells_n, sizeof *ptrs);
    const char *const **rows = calloc((size_t)n + 1, sizeof *rows);
    int rc = -1;
    if (!cells || !ptrs || !rows) snprintf(err, errlen, "out of memory");
    else {
        double secs = 0;
        for (int k = 0; k < n; k++) {
            results_curve_row(cells + ncols + (size_t)k * ncurve, r->run_id, &curve[k]);
            secs += curve[k].seconds;
        }
        results_run_row(cells, r->run_id, r->variant, &r->cfg, res, secs);
        for (size_t k = 0; k < cells_n; k++) ptrs[k] = cells[k];
        for (int k = 0; k < n; k++) rows[k] = ptrs + ncols + (size_t)k * ncurve;
        rc = store_append(c->st, ptrs, (const char *const *const *)rows, n, err, errlen) < 0 ? -1 : 0;
        if (!rc) ckpt_remove(c->o->dir, r->run_id);
    }
    free(cells);
    free(ptrs);
    free((void *)rows);
    return rc;
}

/* Train one run to its rung (from its checkpoint), keep the rung's value; a run that ends is stored. */
static void search_train(search_ctx *c, search_task *t) {
    const exp_run *r = &c->plan.runs[t->run].run;
    double t0 = omp_get_wtime();
    train_epoch *curve = calloc((size_t)r->cfg.train.epochs, sizeof *curve);
    int n = 0;
    train_result res;
    ckpt_plan plan = {c->o->dir, r->run_id, c->o->ckpt_every, t->final ? 0 : t->target, search_on_epoch, c,
                      c->o->quiet ? NULL : stderr};
    t->outcome = curve ? ckpt_train(&plan, &r->cfg.train, c->o->data_for(c->o->data_ctx, r->cfg.data), &res, curve,
                                    &n, t->err, sizeof t->err)
                       : (snprintf(t->err, sizeof t->err, "out of memory"), -1);
    t->value = n >= t->target ? search_metric(&curve[t->target - 1], c->e->search.metric) : NAN;
    if (t->outcome == CKPT_DONE && search_store(c, r, &res, curve, n, t->err, sizeof t->err)) t->outcome = -1;
    free(curve);
    t->seconds = omp_get_wtime() - t0;
}

/* Stop a run of a configuration that was not promoted at `epochs`: from its checkpoint (or retrained to that
   epoch, the same bits), stored with status pruned. */
static int search_prune(search_ctx *c, int run, int epochs, char *err, size_t errlen) {
    const exp_run *r = &c->plan.runs[run].run;
    if (store_has(c->st, r->run_id)) return 0;
    train_session *s;
    if (train_begin(&s, &r->cfg.train, c->o->data_for(c->o->data_ctx, r->cfg.data), err, errlen)) return -1;
    char why[1024];
    if (ckpt_load(c->o->dir, r->run_id, s, why, sizeof why) < 0 && !c->o->quiet)
        fprintf(stderr, "sweep: run %s: checkpoint refused, retraining to epoch %d: %s\n", r->run_id, epochs, why);
    while (train_epochs_done(s) < epochs && train_step(s, NULL)) {}
    train_stop_pruned(s);
    int n;
    const train_epoch *cv = train_curve(s, &n);
    train_epoch *curve = malloc(sizeof *curve * (size_t)(n ? n : 1));
    if (!curve) {
        train_free(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(curve, cv, sizeof *curve * (size_t)n);
    train_result res;
    train_finish(s, &res);
    int rc = search_store(c, r, &res, curve, n, err, errlen);
    free(curve);
    return rc;
}

/* The value of a stored run at epoch `epochs`, from curves.csv (NaN when it has no such row: it diverged). */
static double search_stored_value(search_ctx *c, const char *run_id, int epochs) {
    if (!c->curves_loaded) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/curves.csv", c->o->dir);
        if (table_read(&c->curves, path, err, sizeof err)) return NAN;
        c->curves_loaded = 1;
    }
    int id = table_col(&c->curves, "run_id"), ep = table_col(&c->curves, "epoch");
    int col = table_col(&c->curves, c->e->search.metric);
    for (int i = 0; i < c->curves.nrows; i++)
        if (atoi(table_cell(&c->curves, i, ep)) == epochs && !strcmp(table_cell(&c->curves, i, id), run_id))
            return table_num(&c->curves, i, col);
    return NAN;
}

typedef struct {
    int config;
    double value;
    const char *id;
    int higher_better;
} search_rank;

/* Best first; a missing value (a diverged seed) last; ties by the configuration's hash. */
static int search_rank_cmp(const void *a, const void *b) {
    const search_rank *x = a, *y = b;
    int nx = isnan(x->value), ny = isnan(y->value);
    if (nx != ny) return nx - ny;
    if (!nx && x->value != y->value) return (x->value > y->value) == x->higher_better ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Decide rung w of ladder l from the tasks of this wave and stored results; store the decision; prune. */
static int search_decide(search_ctx *c, int l, int w, const search_task *tasks, int n_tasks, char *err, size_t errlen) {
    plan_ladder *L = &c->plan.ladders[l];
    int final = w == L->n_rungs - 1, n = 0, epochs = L->epochs[w];
    search_rank *rk = calloc((size_t)L->n_configs, sizeof *rk);
    rungs_row *rows = calloc((size_t)L->n_configs, sizeof *rows);
    if (!rk || !rows) {
        free(rk);
        free(rows);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *metric = c->e->search.metric;
    for (int j = 0; j < L->n_configs; j++) {
        int ci = L->configs[j];
        if (!c->alive[ci]) continue;
        const plan_config *pc = &c->plan.configs[ci];
        double sum = 0;
        for (int k = pc->first; k < pc->first + pc->n; k++) {
            int t = 0;
            while (t < n_tasks && tasks[t].run != k) t++;
            sum += t < n_tasks ? tasks[t].value : search_stored_value(c, c->plan.runs[k].run.run_id, epochs);
        }
        rk[n++] = (search_rank){ci, sum / pc->n, pc->id, strstr(metric, "acc") != NULL};
    }
    qsort(rk, (size_t)n, sizeof *rk, search_rank_cmp);
    int keep = n / c->e->search.eta > 1 ? n / c->e->search.eta : 1;
    for (int i = 0; i < n; i++) {
        const plan_config *pc = &c->plan.configs[rk[i].config];
        rungs_row *r = &rows[i];
        snprintf(r->ladder, sizeof r->ladder, "%s", L->name);
        memcpy(r->config, pc->id, 17);
        r->rung = w;
        r->epochs = epochs;
        r->rank = i + 1;
        r->promoted = final ? -1 : i < keep;
        snprintf(r->metric, sizeof r->metric, "%s", metric);
        r->value = rk[i].value;
        snprintf(r->desc, sizeof r->desc, "%s", pc->desc);
    }
    int rc = rungs_append(&c->rungs, c->o->dir, rows, n, err, errlen);
    if (!rc && !c->o->quiet)
        fprintf(stderr, "sweep run: %s rung %d (%d epochs): %d configurations, %s %s (%s %.4f)\n", L->name, w, epochs, n,
                final ? "best" : "promoted up to", n ? rows[0].desc : "-", metric, n ? rows[0].value : NAN);
    free(rk);
    free(rows);
    return rc;
}

/* Apply the stored decision rows of (ladder, rung): who stays alive, and prune the others (a crash may have come
   between the decision and the pruned rows). */
static int search_apply(search_ctx *c, int l, int w, const rungs_row *rows, int n, char *err, size_t errlen) {
    plan_ladder *L = &c->plan.ladders[l];
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < L->n_configs && strcmp(c->plan.configs[L->configs[j]].id, rows[i].config)) j++;
        if (j == L->n_configs || rows[i].epochs != L->epochs[w]) {
            snprintf(err, errlen, "%s/rungs.csv: %s rung %d does not match this experiment (configuration %s, %d epochs);"
                     " move rungs.csv away or use --fresh", c->o->dir, L->name, w, rows[i].config, rows[i].epochs);
            return -1;
        }
        const plan_config *pc = &c->plan.configs[L->configs[j]];
        if (rows[i].promoted != 0) continue;
        c->alive[L->configs[j]] = 0;
        for (int k = pc->first; k < pc->first + pc->n; k++)
            if (search_prune(c, k, L->epochs[w], err, errlen)) return -1;
    }
    return 0;
}

/* One wave: the next rung of every active ladder, trained in parallel. 1 if nothing was left, -1 error,
   2 interrupted, 0 trained. */
static int search_wave(search_ctx *c, char *err, size_t errlen) {
    int active = 0, n_tasks = 0;
    search_task *tasks = calloc((size_t)c->plan.n_runs, sizeof *tasks);
    if (!tasks) return snprintf(err, errlen, "out of memory"), -1;
    for (int l = 0; l < c->plan.n_ladders; l++) {
        plan_ladder *L = &c->plan.ladders[l];
        int w = c->next[l];
        if (w >= L->n_rungs) continue;
        active = 1;
        for (int j = 0; j < L->n_configs; j++) {
            const plan_config *pc = &c->plan.configs[L->configs[j]];
            if (!c->alive[L->configs[j]]) continue;
            for (int k = pc->first; k < pc->first + pc->n; k++)
                if (!store_has(c->st, c->plan.runs[k].run.run_id))
                    tasks[n_tasks++] = (search_task){k, L->epochs[w], w == L->n_rungs - 1, 0, NAN, 0, ""};
        }
    }
    if (!active) {
        free(tasks);
        return 1;
    }
    double t0 = omp_get_wtime(), busy = 0;
    int jobs = c->o->jobs < n_tasks ? c->o->jobs : n_tasks;
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs > 0 ? jobs : 1) reduction(+ : busy)
    for (int t = 0; t < n_tasks; t++) {
        search_train(c, &tasks[t]);
        busy += tasks[t].seconds;
    }
    c->idle += (omp_get_wtime() - t0) * jobs - busy;
    int rc = 0;
    for (int t = 0; t < n_tasks && !rc; t++)
        if (tasks[t].outcome < 0) {
            snprintf(err, errlen, "run %s: %s", c->plan.runs[tasks[t].run].run.run_id, tasks[t].err);
            rc = -1;
        } else if (tasks[t].outcome == CKPT_STOPPED) rc = 2;
    if (!rc && *c->o->stop) rc = 2;
    for (int l = 0; l < c->plan.n_ladders && !rc; l++) {
        int w = c->next[l], n;
        if (w >= c->plan.ladders[l].n_rungs) continue;
        const rungs_row *rows;
        if (search_decide(c, l, w, tasks, n_tasks, err, errlen) || !(rows = rungs_find(&c->rungs, c->plan.ladders[l].name, w, &n)) ||
            search_apply(c, l, w, rows, n, err, errlen))
            rc = -1;
        c->next[l] = w + 1;
    }
    free(tasks);
    return rc;
}

/* Replay the decisions already in rungs.csv (a resume), ladder by ladder. */
static int search_replay(search_ctx *c, char *err, size_t errlen) {
    for (int l = 0; l < c->plan.n_ladders; l++) {
        const plan_ladder *L = &c->plan.ladders[l];
        int w = 0, n;
        const rungs_row *rows;
        for (; w < L->n_rungs && (rows = rungs_find(&c->rungs, L->name, w, &n)); w++)
            if (search_apply(c, l, w, rows, n, err, errlen)) return -1;
        c->next[l] = w;
    }
    return 0;
}

/* Epochs the search trains, from its decisions: each configuration to the last rung it reached. */
static long search_epochs(const search_ctx *c) {
    long total = 0;
    for (int l = 0; l < c->plan.n_ladders; l++) {
        const plan_ladder *L = &c->plan.ladders[l];
        for (int j = 0; j < L->n_configs; j++) {
            const plan_config *pc = &c->plan.configs[L->configs[j]];
            int reached = 0, n;
            for (int w = 0; w < L->n_rungs; w++) {
                const rungs_row *rows = rungs_find(&c->rungs, L->name, w, &n);
                for (int i = 0; rows && i < n; i++)
                    if (!strcmp(rows[i].config, pc->id)) reached = L->epochs[w];
            }
            total += (long)reached * pc->n;
        }
    }
    return total;
}

int search_run(const experiment *e, store *st, const search_opts *o, char *err, size_t errlen) {
    search_ctx c;
    memset(&c, 0, sizeof c);
    c.e = e;
    c.o = o;
    c.st = st;
    char lock_path[4096];
    snprintf(lock_path, sizeof lock_path, "%s/.search.lock", o->dir);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666), rc = -1;
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
        snprintf(err, errlen, "%s: another sweep run is searching this directory (a search runs in one process)", o->dir);
        if (lock >= 0) close(lock);
        return -1;
    }
    if (plan_build(&c.plan, e, err, errlen) || rungs_read(&c.rungs, o->dir, err, errlen)) goto done;
    c.alive = malloc((size_t)c.plan.n_configs + 1);
    if (!c.alive) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    memset(c.alive, 1, (size_t)c.plan.n_configs + 1);
    if (search_replay(&c, err, errlen)) goto done;
    int w;
    while ((w = search_wave(&c, err, errlen)) == 0) {
        if (c.curves_loaded) table_free(&c.curves); /* re-read: the wave stored rows */
        c.curves_loaded = 0;
    }
    if (w < 0) goto done;
    if (!o->quiet && w == 1)
        fprintf(stderr, "sweep run: %s: %s, %d configurations: %ld epochs of %ld for the full grid (%.1f%%); "
                "idle core-seconds while rungs waited: %.1f\n", e->name, c.plan.n_ladders > 1 ? "hyperband" : "halving",
                c.plan.n_configs, search_epochs(&c), c.plan.grid_epochs, 100.0 * search_epochs(&c) / c.plan.grid_epochs,
                c.idle);
    rc = w == 2 ? 1 : 0;
done:
    if (c.curves_loaded) table_free(&c.curves);
    rungs_free(&c.rungs);
    plan_free(&c.plan);
    free(c.alive);
    close(lock);
    return rc;
}

void search_dry(const experiment *e, FILE *f) {
    search_plan p;
    char err[1024];
    if (plan_build(&p, e, err, sizeof err)) {
        fprintf(f, "search: %s\n", err);
        return;
    }
    long most = 0;
    for (int l = 0; l < p.n_ladders; l++) {
        const plan_ladder *L = &p.ladders[l];
        fprintf(f, "%s: %d configurations, rungs at epochs", L->name, L->n_configs);
        long n = L->n_configs, runs = L->n_configs ? p.configs[L->configs[0]].n : 0;
        for (int w = 0; w < L->n_rungs; w++) fprintf(f, "%s%d", w ? ", " : " ", L->epochs[w]);
        /* the most epochs it can train: the promoted counts of the rungs, every seed */
        for (int w = 0; w < L->n_rungs; w++) {
            long keep = w == L->n_rungs - 1 ? 0 : (n / e->search.eta > 1 ? n / e->search.eta : 1);
            most += (n - keep) * L->epochs[w] * runs;
            n = keep;
        }
        fputc('\n', f);
    }
    fprintf(f, "%s: %d runs; at most %ld epochs against %ld for the full grid (%.1f%%), ranked on %s\n", e->name,
            p.n_runs, most, p.grid_epochs, 100.0 * most / p.grid_epochs, e->search.metric);
    plan_free(&p);
}

int search_fresh(const char *dir, char *err, size_t errlen) {
    char path[4096], bak[4200], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    snprintf(bak, sizeof bak, "%s.bak-%s", path, stamp);
    if (rename(path, bak) && errno != ENOENT) {
        snprintf(err, errlen, "%s: backup to %s: %s", path, bak, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/.checkpoints", dir);
    DIR *d = opendir(path);
    struct dirent *ent;
    while (d && (ent = readdir(d)))
        if (ent->d_name[0] != '.') {
            char file[4096 + 300];
            snprintf(file, sizeof file, "%s/%s", path, ent->d_name);
            unlink(file);
        }
    if (d) closedir(d);
    return 0;
}
