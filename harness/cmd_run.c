/* sweep run: every run of an experiment, in parallel across runs (OpenMP), each finished run appended to
   results/<name>/{runs,curves}.csv at once, so a crash loses only the runs in flight and a rerun resumes. */
#include <cblas.h>
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckpt.h"
#include "commands.h"
#include "experiment.h"
#include "idset.h"
#include "plan.h"
#include "progress.h"
#include "results.h"
#include "search_run.h"
#include "shard.h"
#include "store.h"
#include "table.h"

/* Set by SIGINT/SIGTERM; read by the scheduler and the runs' epoch callbacks. The one writable global of the
   program, as a signal handler needs one. */
static volatile sig_atomic_t run_interrupted;

static void run_on_signal(int sig) {
    (void)sig;
    run_interrupted = 1;
}

typedef struct {
    int jobs, dry_run, fresh, quiet, tail_threads;
    double ckpt_every;
    const char *out, *path, *shard;
    int shards;             /* --dry-run --shards N: print the array range for N shards */
    char **sets;
    int n_sets;
} run_options;

/* What the runs of one sweep share: how many have started and finished, for --tail-threads. */
typedef struct {
    int tail_threads, jobs, total;
    int started, finished;
    const char *dir;       /* the results directory, for checkpoints */
    double ckpt_every;     /* --checkpoint-every */
} run_shared;

typedef struct {
    train_epoch *epochs;
    int n, cap;
    run_shared *shared;
    progress *prog;
} run_curve;

/* At the tail of a sweep (every run started, this one the last in flight) with --tail-threads, the idle cores
   join this run's matrix products. OpenBLAS's thread count is process-wide, so this is safe only when a
   single run is left; it changes results in the last bits, hence opt-in. */
static void run_widen_tail(run_shared *sh) {
    int started, finished;
#pragma omp atomic read
    started = sh->started;
#pragma omp atomic read
    finished = sh->finished;
    if (started == sh->total && started - finished == 1 && openblas_get_num_threads() != sh->jobs)
        openblas_set_num_threads(sh->jobs);
}

static int run_collect_epoch(const train_epoch *e, void *user) {
    run_curve *c = user;
    if (c->n < c->cap) c->epochs[c->n++] = *e;
    if (c->shared->tail_threads) run_widen_tail(c->shared);
    progress_epoch(c->prog);
    return run_interrupted != 0;
}

static void run_usage(FILE *f) {
    fprintf(f, "usage: sweep run [OPTIONS] EXPERIMENT.ini\n\n"
               "Trains every run of the experiment (seeds x variants x axes) in parallel and appends each finished\n"
               "run to OUT/<name>/runs.csv and curves.csv. Rerunning the same command resumes: runs already in\n"
               "runs.csv are skipped. Ctrl-C stops, keeps every finished run and prints the command that resumes.\n\n"
               "options:\n"
               "  -j N              runs trained at once (default: all cores)\n"
               "  --set KEY=VALUE   override a setting of the file, in every variant (repeatable; lists make axes)\n"
               "  --dry-run         list the runs and whether each is done, check them against the data, show the\n"
               "                    memory estimate; train nothing\n"
               "  --out DIR         results root (default: results)\n"
               "  --fresh           start over; the old files are kept as .bak-DATE backups\n"
               "  --shard K/N       train only shard K (0..N-1) of N, into OUT/<name>/shards/K-of-N/, skipping runs\n"
               "                    finished in any results file of the experiment; 'auto' takes K/N from Slurm\n"
               "                    (array task or srun task), 'auto/N' K alone; fold with 'sweep merge'\n"
               "  --shards N        with --dry-run: print the job array range for N shards (e.g. 0-3)\n"
               "  --checkpoint-every SECONDS\n"
               "                    save each run's state this often (default 300; 0: after every epoch), in\n"
               "                    OUT/<name>/.checkpoints/, so a killed sweep resumes its runs where they were\n"
               "  --tail-threads    when one run is left, let it use every core (faster tails, but its results\n"
               "                    then differ from a -j 1 run in the last bits: off by default)\n"
               "  -q                no progress output\n"
               "  -h, --help        this text\n\n"
               "environment: SWEEP_MEMORY_LIMIT=SIZE (e.g. 3G) the memory the sweep may use; default: the cgroup's\n"
               "limit, else MemAvailable. -j is lowered when fewer runs fit; a run that does not fit is refused.\n\n"
               "experiment file: [sweep] name, description, seeds = 1-3, and settings; [variant NAME] sections\n"
               "override settings. A setting with several values is an axis (dropout = 0, 0.3, 0.5; hidden lists\n"
               "use '/': hidden = 16,16 / 256,256; seeds = 1-5 repeats every run). Settings (keys of the file and of --set):\n");
    settings_print_help(f, 0);
}

static int run_parse_args(run_options *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->jobs = omp_get_num_procs();
    o->out = "results";
    o->ckpt_every = CKPT_DEFAULT_EVERY;
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            run_usage(stdout);
            return 1;
        } else if (!strcmp(a, "--dry-run")) o->dry_run = 1;
        else if (!strcmp(a, "--fresh")) o->fresh = 1;
        else if (!strcmp(a, "--tail-threads")) o->tail_threads = 1;
        else if (!strcmp(a, "--checkpoint-every") && has_next) {
            char *end;
            o->ckpt_every = strtod(argv[++i], &end);
            if (*end || end == argv[i] || !(o->ckpt_every >= 0) || o->ckpt_every > 1e9) {
                fprintf(stderr, "sweep run: --checkpoint-every: '%s' is not a number of seconds >= 0\n", argv[i]);
                return 2;
            }
        }
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) o->quiet = 1;
        else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has_next) {
            char *end;
            long j = strtol(argv[++i], &end, 10);
            if (*end || j < 1 || j > 1024) {
                fprintf(stderr, "sweep run: -j: '%s' is not a number of jobs (1..1024)\n", argv[i]);
                return 2;
            }
            o->jobs = (int)j;
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            o->jobs = atoi(a + 2);
            if (o->jobs < 1) {
                fprintf(stderr, "sweep run: '%s' is not a number of jobs\n", a);
                return 2;
            }
        } else if (!strcmp(a, "--shard") && has_next) o->shard = argv[++i];
        else if (!strncmp(a, "--shard=", 8)) o->shard = a + 8;
        else if (!strcmp(a, "--shards") && has_next) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 1000000) {
                fprintf(stderr, "sweep run: --shards: '%s' is not a number of shards (1..1000000)\n", argv[i]);
                return 2;
            }
            o->shards = (int)n;
        } else if (!strcmp(a, "--set") && has_next) o->sets[o->n_sets++] = argv[++i];
        else if (!strncmp(a, "--set=", 6)) o->sets[o->n_sets++] = (char *)a + 6;
        else if (!strcmp(a, "--out") && has_next) o->out = argv[++i];
        else if (!strncmp(a, "--out=", 6)) o->out = a + 6;
        else if (a[0] == '-') {
            fprintf(stderr, "sweep run: unknown option or missing value: '%s' (see sweep run --help)\n", a);
            return 2;
        } else if (o->path) {
            fprintf(stderr, "sweep run: one experiment file at a time ('%s' and '%s')\n", o->path, a);
            return 2;
        } else o->path = a;
    }
    if (!o->path) {
        fprintf(stderr, "sweep run: no experiment file given (see sweep run --help)\n");
        return 2;
    }
    if ((o->shards && !o->dry_run) || (o->shard && o->fresh)) {
        fprintf(stderr, "sweep run: %s\n", o->shards ? "--shards N goes with --dry-run (it prints the array range)"
                                                      : "--fresh starts the whole directory over: not with --shard");
        return 2;
    }
    return 0;
}

/* Names and values of the settings that differ between runs (variant included), for progress and --dry-run. */
static void run_describe(const experiment *e, const exp_run *r, const int *varies, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = 0;
    if (e->n_variants) used += (size_t)snprintf(buf, n, "%s ", r->variant);
    used += (size_t)snprintf(buf + used, n - used, "seed=%llu", (unsigned long long)r->cfg.train.seed);
    for (int i = 0; i < settings_count && used < n; i++) {
        if (!varies[i]) continue;
        char v[512];
        settings_format(i, &r->cfg, v, sizeof v);
        used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", used ? " " : "", settings_table[i].name, v);
    }
}

/* Relative cost of a run, to start the longest first (a shorter tail at the end of the sweep). */
static double run_cost(const exp_run *r, const data_bundle *d) {
    const train_config *t = &r->cfg.train;
    double n = t->train_size ? t->train_size : d->train.n - t->val_size, flops = 0;
    int in = d->train.dim;
    for (int k = 0; k < t->n_hidden; k++) flops += (double)in * t->hidden[k], in = t->hidden[k];
    flops += (double)in * d->train.classes;
    return (double)t->epochs * n * (flops + 2000.0 * 64 / t->batch_size);
}

typedef struct {
    double cost;
    int index;
} run_order;

static int run_order_cmp(const void *a, const void *b) {
    const run_order *x = a, *y = b;
    if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
    return x->index - y->index;
}

/* Train one run and append its rows. Returns 0, or -1 with err (a store failure ends the sweep). */
static int run_one(store *st, const exp_run *r, const data_bundle *data, const char *desc, progress *prog,
                   run_shared *shared, char *err, size_t errlen) {
    int cap = r->cfg.train.epochs;
    run_curve curve = {calloc((size_t)cap, sizeof(train_epoch)), 0, cap, shared, prog};
    int ncols = results_runs_ncols(), ncurve;
    results_curves_header(&ncurve);
    char(*cells)[RESULTS_CELL] = calloc((size_t)ncols + (size_t)cap * ncurve, RESULTS_CELL);
    const char **ptrs = calloc((size_t)ncols + (size_t)cap * ncurve, sizeof *ptrs);
    const char *const **rows = calloc((size_t)cap + 1, sizeof *rows);
    int rc = -1;
    if (!curve.epochs || !cells || !ptrs || !rows) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    train_result res;
    ckpt_plan plan = {shared->dir, r->run_id, shared->ckpt_every, 0, run_collect_epoch, &curve, stderr};
    int trained = ckpt_train(&plan, &r->cfg.train, data, &res, curve.epochs, &curve.n, err, errlen);
    if (trained < 0) goto done;
    if (trained != CKPT_DONE) { /* interrupted: its state is in its checkpoint */
        rc = 0;
        goto done;
    }
    double train_seconds = 0;
    for (int k = 0; k < curve.n; k++) {
        results_curve_row(cells + ncols + (size_t)k * ncurve, r->run_id, &curve.epochs[k]);
        train_seconds += curve.epochs[k].seconds;
    }
    results_run_row(cells, r->run_id, r->variant, &r->cfg, &res, train_seconds);
    for (int k = 0; k < ncols + curve.n * ncurve; k++) ptrs[k] = cells[k];
    for (int k = 0; k < curve.n; k++) rows[k] = ptrs + ncols + (size_t)k * ncurve;
    if (store_append(st, ptrs, (const char *const *const *)rows, curve.n, err, errlen) < 0) goto done;
    ckpt_remove(shared->dir, r->run_id);
    progress_run_done(prog, desc, res.status == TRAIN_DIVERGED ? "diverged" : "ok", curve.n, cap, res.val_acc,
                      res.test_acc, res.seconds);
    rc = 0;
done:
    free(curve.epochs);
    free(cells);
    free(ptrs);
    free((void *)rows);
    return rc;
}

/* The distinct data sources of an experiment, each loaded once and shared read-only by every run. */
typedef struct {
    int n;
    char paths[8][512];
    data_bundle sets[8];
} run_data;

static const data_bundle *run_data_for(const run_data *d, const char *path) {
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->paths[i], path)) return &d->sets[i];
    return NULL;
}

static int run_data_load(run_data *d, const experiment *e, char *err, size_t errlen) {
    for (int k = 0; k < e->n_runs; k++) {
        const char *path = e->runs[k].cfg.data;
        if (run_data_for(d, path)) continue;
        if (d->n == 8) {
            snprintf(err, errlen, "%s: more than 8 different data sources in one experiment", e->path);
            return -1;
        }
        snprintf(d->paths[d->n], sizeof d->paths[0], "%s", path);
        if (data_load(&d->sets[d->n], path, err, errlen)) return -1;
        d->n++;
    }
    return 0;
}

static const data_bundle *run_data_lookup(void *d, const char *path) { return run_data_for(d, path); }

/* search = halving or hyperband: the search's own scheduler (search_run.c) trains the runs. */
static int run_search(const experiment *e, store *st, run_data *data, const run_options *o, const char *dir) {
    search_opts so = {dir, o->jobs, o->quiet, o->ckpt_every, &run_interrupted, run_data_lookup, data};
    char err[4096];
    int rc = search_run(e, st, &so, err, sizeof err);
    if (rc < 0) fprintf(stderr, "sweep run: %s\n", err);
    else if (rc == 1) fprintf(stderr, "sweep run: interrupted; the search's state is in %s (checkpoints, rungs.csv); "
                                      "rerun the same command to resume\n", dir);
    return rc < 0 ? 1 : rc == 1 ? 130 : 0;
}

static void run_data_free(run_data *d) {
    for (int i = 0; i < d->n; i++) data_bundle_free(&d->sets[i]);
}

/* Shard owner of every run of e (shard.c's partition over run_cost), malloc'd; NULL out of memory. */
static int *run_partition(const experiment *e, const run_data *data, int n_shards) {
    double *cost = malloc((size_t)e->n_runs * sizeof *cost);
    const char **ids = malloc((size_t)e->n_runs * sizeof *ids);
    int *owner = malloc((size_t)e->n_runs * sizeof *owner);
    for (int k = 0; cost && ids && k < e->n_runs; k++) {
        cost[k] = run_cost(&e->runs[k], run_data_for(data, e->runs[k].cfg.data));
        ids[k] = e->runs[k].run_id;
    }
    if (!cost || !ids || !owner || shard_partition(cost, ids, e->n_runs, n_shards, owner) != 0) {
        free(owner);
        owner = NULL;
    }
    free(cost);
    free(ids);
    return owner;
}

/* List the runs (of shard k only, when owner is given) and whether each is done in any results file. */
static void run_dry(const experiment *e, const int *varies, const char *dir, const shard_done *done,
                    const int *owner, shard_spec sh, const char *memline) {
    char desc[1024];
    int n_done = 0, n_mine = 0;
    for (int k = 0; k < e->n_runs; k++) {
        if (owner && owner[k] != sh.k) continue;
        int is_done = shard_done_has(done, e->runs[k].run_id);
        n_done += is_done;
        n_mine++;
        run_describe(e, &e->runs[k], varies, desc, sizeof desc);
        printf("%s  %-7s %s\n", e->runs[k].run_id, is_done ? "done" : "pending", desc);
    }
    if (owner) printf("%s: shard %d of %d: %d of the %d runs, %d done, %d to train; results in %s/shards/%d-of-%d\n",
                      e->name, sh.k, sh.n, n_mine, e->n_runs, n_done, n_mine - n_done, dir, sh.k, sh.n);
    else printf("%s: %d runs, %d done, %d to train; results in %s\n", e->name, e->n_runs, n_done, e->n_runs - n_done,
                dir);
    printf("%s\n", memline);
}

int cmd_run(int argc, char **argv) {
    /* A fixed threshold: each run's blocks (megabytes) are mmapped and go back to the system when the run ends.
       glibc's default raises the threshold after the first free, and the heap then kept growing by a few MB
       per run (16 runs: 166 MB peak for 84 MB in use), beyond the memory estimate. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    run_options o;
    int rc = run_parse_args(&o, argc, argv);
    if (rc) {
        free(o.sets);
        return rc == 1 ? 0 : rc;
    }
    char err[4096];
    experiment e;
    if (experiment_load(&e, o.path, o.sets, o.n_sets, err, sizeof err)) {
        fprintf(stderr, "sweep run: %s\n", err);
        free(o.sets);
        return 2;
    }
    int varies[64] = {0};
    for (int i = 0; i < settings_count; i++) {
        char a[512], b[512];
        if (i == settings_seed_index()) continue;
        settings_format(i, &e.runs[0].cfg, a, sizeof a);
        for (int k = 1; k < e.n_runs && !varies[i]; k++) {
            settings_format(i, &e.runs[k].cfg, b, sizeof b);
            varies[i] = strcmp(a, b) != 0;
        }
    }
    char dir[4096], store_dir[4200], memline[512] = "";
    int dir_len = snprintf(dir, sizeof dir, "%s/%s", o.out, e.name);
    if (dir_len < 0 || (size_t)dir_len >= sizeof dir) {
        fprintf(stderr, "sweep run: --out: path too long (%zu characters with the experiment's name; at most %zu)\n",
                strlen(o.out) + 1 + strlen(e.name), sizeof dir - 1);
        rc = 2;
    } else rc = plan_sweep(&e, dir, &o.jobs, memline, sizeof memline);
    if (rc) {
        experiment_free(&e);
        free(o.sets);
        return rc;
    }
    rc = 1;
    run_data data;
    memset(&data, 0, sizeof data);
    store *st = NULL;
    run_order *order = NULL;
    shard_spec sh = {0, 0};
    shard_done done = {0};
    int *owner = NULL;
    if (o.shards) {                                         /* shards beyond the run count would be empty */
        printf("0-%d\n", (o.shards < e.n_runs ? o.shards : e.n_runs) - 1);
        rc = 0;
        goto done;
    }
    /* runs finished in any results file (not with --fresh, which moves them all away, damaged ones included) */
    if ((o.shard && shard_parse(&sh, o.shard, getenv, err, sizeof err)) ||
        (!o.fresh && (rc = shard_done_load(&done, dir, err, sizeof err)) != 0)) {
        fprintf(stderr, "sweep run: %s\n", err);
        rc = rc == -1 ? 1 : 2;
        goto done;
    }
    if (sh.n && e.search.kind != SEARCH_GRID && e.search.kind != SEARCH_RANDOM) {
        fprintf(stderr, "sweep run: --shard: a halving or hyperband search runs in one process (its rungs are "
                "decided from all runs); run it without --shard\n");
        rc = 2;
        goto done;
    }
    rc = 1;
    if (o.dry_run && !sh.n) {
        run_dry(&e, varies, dir, &done, NULL, sh, memline);
        if (e.search.kind == SEARCH_HALVING || e.search.kind == SEARCH_HYPERBAND) search_dry(&e, stdout);
        rc = 0;
        goto done;
    }
    if (run_data_load(&data, &e, err, sizeof err)) {
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    if (sh.n && !(owner = run_partition(&e, &data, sh.n))) {
        fprintf(stderr, "sweep run: out of memory\n");
        goto done;
    }
    if (o.dry_run) {
        run_dry(&e, varies, dir, &done, owner, sh, memline);
        rc = 0;
        goto done;
    }
    snprintf(store_dir, sizeof store_dir, "%s", dir);
    if (sh.n && shard_dir(store_dir, sizeof store_dir, dir, sh) != 0) {
        fprintf(stderr, "sweep run: %s: path too long\n", dir);
        goto done;
    }
    int nruns = results_runs_ncols(), ncurve;
    const char **runs_header = calloc((size_t)nruns, sizeof *runs_header);
    results_runs_header(runs_header);
    const char *const *curves_header = results_curves_header(&ncurve);
    int open_rc = o.fresh ? search_fresh(dir, err, sizeof err) : 0;
    if (!open_rc)
        open_rc = store_open(&st, store_dir, runs_header, nruns, curves_header, ncurve,
                             (o.fresh ? STORE_FRESH : 0) | (sh.n ? STORE_SINGLE_WRITER : 0), err, sizeof err);
    free(runs_header);
    if (open_rc) {
        fprintf(stderr, "sweep run: %s\n", err);
        if (open_rc == -2) rc = 2;           /* a damaged results file: bad input, nothing was changed */
        goto done;
    }
    if (e.search.kind == SEARCH_HALVING || e.search.kind == SEARCH_HYPERBAND) {
        struct sigaction ss;
        memset(&ss, 0, sizeof ss);
        ss.sa_handler = run_on_signal;
        sigaction(SIGINT, &ss, NULL);
        sigaction(SIGTERM, &ss, NULL);
        openblas_set_num_threads(1);
        rc = run_search(&e, st, &data, &o, dir);
        goto done;
    }
    order = calloc((size_t)e.n_runs, sizeof *order);
    int pending = 0, n_mine = 0;
    for (int k = 0; k < e.n_runs; k++)
        if ((!owner || owner[k] == sh.k) && ++n_mine && !store_has(st, e.runs[k].run_id) &&
            !shard_done_has(&done, e.runs[k].run_id)) {
            order[pending].index = k;
            order[pending++].cost = run_cost(&e.runs[k], run_data_for(&data, e.runs[k].cfg.data));
        }
    qsort(order, (size_t)pending, sizeof *order, run_order_cmp);
    if (!o.quiet)
        fprintf(stderr, "sweep run: %s: %d runs, %d already done, %d to train on %d threads; results in %s\n", e.name,
                n_mine, n_mine - pending, pending, o.jobs < pending || !pending ? o.jobs : pending, store_dir);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = run_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    openblas_set_num_threads(1);
    progress prog;
    long total_epochs = 0;
    for (int i = 0; i < pending; i++) total_epochs += e.runs[order[i].index].cfg.train.epochs;
    progress_init(&prog, stderr, pending, total_epochs, o.quiet);
    int failed = 0, skipped = 0;
    run_shared shared = {o.tail_threads, o.jobs, pending, 0, 0, dir, o.ckpt_every};
    char first_err[4096] = "";
#pragma omp parallel for schedule(dynamic, 1) num_threads(o.jobs)
    for (int i = 0; i < pending; i++) {
#pragma omp atomic
        shared.started++;
        const exp_run *r = &e.runs[order[i].index];
        char local_err[1024], desc[1024];
        int claimed = run_interrupted || failed ? 0 : store_claim(st, r->run_id, local_err, sizeof local_err);
        if (claimed == 0) {
#pragma omp atomic
            skipped++;
#pragma omp atomic
            shared.finished++;
            continue;
        }
        run_describe(&e, r, varies, desc, sizeof desc);
        int bad = claimed < 0 || run_one(st, r, run_data_for(&data, r->cfg.data), desc, &prog, &shared, local_err,
                                         sizeof local_err);
        store_release(st, r->run_id);
#pragma omp atomic
        shared.finished++;
        if (bad) {
#pragma omp critical(run_first_error)
            {
                if (!failed) snprintf(first_err, sizeof first_err, "%s: %s", desc, local_err);
                failed = 1;
            }
        }
    }
    progress_finish(&prog);
    int total_done = store_count(st);
    if (failed) {
        fprintf(stderr, "sweep run: %s\n", first_err);
    } else if (run_interrupted) {
        fprintf(stderr, "sweep run: interrupted: %d of %d runs are in %s/runs.csv; resume with: %s", total_done,
                n_mine, store_dir, program_invocation_name);
        for (int i = 0; i < argc; i++)
            if (strcmp(argv[i], "--fresh")) fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
        rc = 130;
    } else {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        if (!o.quiet)
            fprintf(stderr, "sweep run: %s: %d runs trained%s, %d diverged, %.1fs, peak memory %.0f MB; %d rows in %s/runs.csv\n",
                    e.name, prog.done, skipped ? " (others were being trained by another process)" : "", prog.failed,
                    omp_get_wtime() - prog.start, ru.ru_maxrss / 1024.0, total_done, store_dir);
        rc = 0;
    }
done:
    store_close(st);
    free(order);
    free(owner);
    shard_done_free(&done);
    run_data_free(&data);
    experiment_free(&e);
    free(o.sets);
    return rc;
}
