/* sweep run: every run of an experiment, in parallel across runs (OpenMP), each finished run appended to
   results/<name>/{runs,curves}.csv at once, so a crash loses only the runs in flight and a rerun resumes. */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "experiment.h"
#include "progress.h"
#include "results.h"
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
    const char *out, *path;
    char **sets;
    int n_sets;
} run_options;

/* What the runs of one sweep share: how many have started and finished, for --tail-threads. */
typedef struct {
    int tail_threads, jobs, total;
    int started, finished;
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
               "runs.csv are skipped. Ctrl-C stops, keeps every finished run and prints the command that resumes.\n"
               "The experiment as run (the file, with --set as a [set] section) is stored as OUT/<name>/experiment.ini\n"
               "for sweep report.\n\n"
               "options:\n"
               "  -j N              runs trained at once (default: all cores)\n"
               "  --set KEY=VALUE   override a setting of the file, in every variant (repeatable; lists make axes)\n"
               "  --dry-run         list the runs and whether each is done; train nothing\n"
               "  --out DIR         results root (default: results)\n"
               "  --fresh           start over; the old files are kept as .bak-DATE backups\n"
               "  --tail-threads    when one run is left, let it use every core (faster tails, but its results\n"
               "                    then differ from a -j 1 run in the last bits: off by default)\n"
               "  -q                no progress output\n"
               "  -h, --help        this text\n\n"
               "experiment file: [sweep] name, description, seeds = 1-3, and settings; [variant NAME] sections\n"
               "override settings. A setting with several values is an axis (dropout = 0, 0.3, 0.5; hidden lists\n"
               "use '/': hidden = 16,16 / 256,256; seeds = 1-5 repeats every run). [sweep] reference = SELECTOR,\n"
               "[claim NAME] and [table NAME] declare what the report tests and shows (README, Declarations).\n"
               "Settings (keys of the file and of --set):\n");
    settings_print_help(f, 0);
}

static int run_parse_args(run_options *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->jobs = omp_get_num_procs();
    o->out = "results";
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
    if (train_run(&r->cfg.train, data, run_collect_epoch, &curve, &res, err, errlen)) goto done;
    if (res.status == TRAIN_STOPPED) {
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

static void run_data_free(run_data *d) {
    for (int i = 0; i < d->n; i++) data_bundle_free(&d->sets[i]);
}

static void run_dry(const experiment *e, const int *varies, const char *dir) {
    table done;
    char err[512], path[1200], desc[1024];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    int have = table_read(&done, path, err, sizeof err) == 0;
    int col = have ? table_col(&done, "run_id") : -1, n_done = 0;
    for (int k = 0; k < e->n_runs; k++) {
        int is_done = 0;
        for (int row = 0; col >= 0 && row < done.nrows && !is_done; row++)
            is_done = !strcmp(table_cell(&done, row, col), e->runs[k].run_id);
        n_done += is_done;
        run_describe(e, &e->runs[k], varies, desc, sizeof desc);
        printf("%s  %-7s %s\n", e->runs[k].run_id, is_done ? "done" : "pending", desc);
    }
    printf("%s: %d runs, %d done, %d to train; results in %s\n", e->name, e->n_runs, n_done, e->n_runs - n_done, dir);
    if (have) table_free(&done);
}

int cmd_run(int argc, char **argv) {
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
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", o.out, e.name);
    if (o.dry_run) {
        run_dry(&e, varies, dir);
        experiment_free(&e);
        free(o.sets);
        return 0;
    }
    rc = 1;
    run_data data;
    memset(&data, 0, sizeof data);
    store *st = NULL;
    run_order *order = NULL;
    if (run_data_load(&data, &e, err, sizeof err)) {
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    int nruns = results_runs_ncols(), ncurve;
    const char **runs_header = calloc((size_t)nruns, sizeof *runs_header);
    results_runs_header(runs_header);
    const char *const *curves_header = results_curves_header(&ncurve);
    int open_rc = store_open(&st, dir, runs_header, nruns, curves_header, ncurve, o.fresh, err, sizeof err);
    free(runs_header);
    if (open_rc) {
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    if (exp_store_declaration(&e, dir, o.sets, o.n_sets, err, sizeof err)) {   /* DIR/experiment.ini */
        fprintf(stderr, "sweep run: %s\n", err);
        goto done;
    }
    order = calloc((size_t)e.n_runs, sizeof *order);
    int pending = 0;
    for (int k = 0; k < e.n_runs; k++)
        if (!store_has(st, e.runs[k].run_id)) {
            order[pending].index = k;
            order[pending++].cost = run_cost(&e.runs[k], run_data_for(&data, e.runs[k].cfg.data));
        }
    qsort(order, (size_t)pending, sizeof *order, run_order_cmp);
    if (!o.quiet)
        fprintf(stderr, "sweep run: %s: %d runs, %d already done, %d to train on %d threads; results in %s\n", e.name,
                e.n_runs, e.n_runs - pending, pending, o.jobs < pending || !pending ? o.jobs : pending, dir);
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
    run_shared shared = {o.tail_threads, o.jobs, pending, 0, 0};
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
        fprintf(stderr, "sweep run: interrupted: %d of %d runs are in %s/runs.csv; resume with: ./sweep", total_done,
                e.n_runs, dir);
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
                    omp_get_wtime() - prog.start, ru.ru_maxrss / 1024.0, total_done, dir);
        rc = 0;
    }
done:
    store_close(st);
    free(order);
    run_data_free(&data);
    experiment_free(&e);
    free(o.sets);
    return rc;
}
