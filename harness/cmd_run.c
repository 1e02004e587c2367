/* sweep run: every run of an experiment, in parallel across runs (OpenMP), each finished run appended to
   results/<name>/{runs,curves}.csv at once, so a crash loses only the runs in flight and a rerun resumes. */
#include <cblas.h>
#include <errno.h>
#include <getopt.h>
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
#include "plan.h"
#include "progress.h"
#include "run_plan.h"
#include "run_resume.h"
#include "runset.h"
#include "results.h"
#include "results_upgrade.h"
#include "run_data.h"
#include "run_dry.h"
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
    double ckpt_every;      /* --checkpoint-every */
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
               "runs.csv are skipped. Ctrl-C stops, keeps every finished run and prints the command that resumes.\n"
               "The experiment as run (the file, with --set as a [set] section) is stored as OUT/<name>/experiment.ini\n"
               "for sweep report.\n\n"
               "options:\n"
               "  -j N              runs trained at once (default: all cores)\n"
               "  --set KEY=VALUE   override a setting of the file, in every variant (repeatable; lists make axes)\n"
               "  --dry-run         list the runs and whether each is done, check them against the data, show the\n"
               "                    memory estimate and the time estimate; train nothing\n"
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
               "experiment file: [sweep] name, description, seeds = 1-3, and settings; [variant NAME] sections\n"
               "override settings. A setting with several values is an axis (dropout = 0, 0.3, 0.5; hidden lists\n"
               "use '/': hidden = 16,16 / 256,256; seeds = 1-5 repeats every run). [sweep] reference = SELECTOR,\n"
               "[claim NAME] and [table NAME] declare what the report tests and shows (README, Declarations).\n"
               "Settings (keys of the file and of --set):\n");
    settings_print_help(f, 0);
}

/* Parse the options (getopt_long). Returns 0 to go on, 1 after --help, 2 on a usage error (one line said). */
static int run_parse_args(run_options *o, int argc, char **argv) {
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},     {"dry-run", no_argument, NULL, 'n'},
        {"fresh", no_argument, NULL, 'F'},    {"tail-threads", no_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},    {"jobs", required_argument, NULL, 'j'},
        {"set", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
        {"shard", required_argument, NULL, 'S'}, {"shards", required_argument, NULL, 'N'},
        {"checkpoint-every", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->jobs = omp_get_num_procs();
    o->out = "results";
    o->ckpt_every = CKPT_DEFAULT_EVERY;
    if (!(o->sets = calloc((size_t)argc + 1, sizeof *o->sets))) {
        fprintf(stderr, "sweep run: out of memory\n");
        return 2;
    }
    optind = 0;                                     /* GNU: rescan from the start (commands may run twice) */
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "hqj:", longopts, NULL)) != -1;) {
        char *end;
        long j;
        switch (c) {
        case 'h': run_usage(stdout); return 1;
        case 'n': o->dry_run = 1; break;
        case 'F': o->fresh = 1; break;
        case 'T': o->tail_threads = 1; break;
        case 'q': o->quiet = 1; break;
        case 's': o->sets[o->n_sets++] = optarg; break;
        case 'o': o->out = optarg; break;
        case 'S': o->shard = optarg; break;
        case 'N':
            j = strtol(optarg, &end, 10);
            if (end == optarg || *end || j < 1 || j > 1000000) {
                fprintf(stderr, "sweep run: --shards: '%s' is not a number of shards (1..1000000)\n", optarg);
                return 2;
            }
            o->shards = (int)j;
            break;
        case 'C':
            o->ckpt_every = strtod(optarg, &end);
            if (*end || end == optarg || !(o->ckpt_every >= 0) || o->ckpt_every > 1e9) {
                fprintf(stderr, "sweep run: --checkpoint-every: '%s' is not a number of seconds >= 0\n", optarg);
                return 2;
            }
            break;
        case 'j':
            j = strtol(optarg, &end, 10);
            if (end == optarg || *end || j < 1 || j > 1024) {
                fprintf(stderr, "sweep run: -j: '%s' is not a number of jobs (1..1024)\n", optarg);
                return 2;
            }
            o->jobs = (int)j;
            break;
        default:
            if (optopt == 'j') fprintf(stderr, "sweep run: -j needs a value\n");
            else if (optopt) fprintf(stderr, "sweep run: unknown option '-%c' (see sweep run --help)\n", optopt);
            else fprintf(stderr, "sweep run: unknown option or missing value: '%s' (see sweep run --help)\n",
                         argv[optind - 1]);
            return 2;
        }
    }
    for (int i = optind; i < argc; i++) {
        const char *a = argv[i];
        if (strchr(a, '=') && !strstr(a, ".ini")) {
            fprintf(stderr, "sweep run: '%s' looks like a setting: override it with --set %s\n", a, a);
            return 2;
        }
        if (o->path) {
            fprintf(stderr, "sweep run: one experiment file at a time ('%s' and '%s')\n", o->path, a);
            return 2;
        }
        o->path = a;
    }
    if (!o->path) {
        fprintf(stderr, "sweep run: no experiment file given (see sweep run --help)\n");
        return 2;
    }
    return 0;
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
static int run_one(store *st, const exp_run *r, int group, const data_bundle *data, const char *desc,
                   progress *prog, run_shared *shared, char *err, size_t errlen) {
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
    progress_record(prog, group, res.val_acc);
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

/* Everything cmd_run holds, so that its steps can be split and one exit path frees it all. */
typedef struct {
    run_data data;
    run_plan plan;
    store *st;
    run_order *order;
    progress prog;
    shard_spec sh;
    shard_done done;
    int *owner;
} run_ctx;

static void run_ctx_free(run_ctx *c) {
    if (c->prog.sum) progress_finish(&c->prog);
    store_close(c->st);
    free(c->order);
    if (c->plan.group_of || c->plan.sorted || c->plan.cost) run_plan_release(&c->plan);
    run_data_free(&c->data);
    free(c->owner);
    shard_done_free(&c->done);
}

/* Steps before training: shards, the data, the plan, --dry-run, the store. Returns -1 to go on, else the
   command's exit status. dir is OUT/<name>; store_dir gets the directory this process writes. */
static int run_prepare(run_ctx *c, const run_options *o, const experiment *e, const int *varies, const char *dir,
                       char *store_dir, size_t store_len, const char *memline) {
    char err[4096];
    if (o->shards) {                                         /* shards beyond the run count would be empty */
        printf("0-%d\n", (o->shards < e->n_runs ? o->shards : e->n_runs) - 1);
        return 0;
    }
    /* results written by an older sweep (fewer setting columns) are rewritten in today's columns first, so that
       every reader below takes them as they are (--dry-run changes nothing: it reads them through runset) */
    char msg[2048];
    int up = o->fresh || o->dry_run ? 0 : results_upgrade_dir(dir, msg, sizeof msg, err, sizeof err);
    if (up < 0) {
        fprintf(stderr, "sweep run: %s\n", err);
        return 1;
    }
    if (up > 0 && !o->quiet) fprintf(stderr, "sweep run: upgraded to the current columns (defaults filled): %s\n", msg);
    /* runs finished in any results file (not with --fresh, which moves them all away, damaged ones included) */
    int rc = 0;
    if ((o->shard && shard_parse(&c->sh, o->shard, getenv, err, sizeof err)) ||
        (!o->fresh && !o->dry_run && (rc = shard_done_load(&c->done, dir, err, sizeof err)) != 0)) {
        fprintf(stderr, "sweep run: %s\n", err);
        return rc == -1 ? 1 : 2;
    }
    if (c->sh.n && e->search.kind != SEARCH_GRID && e->search.kind != SEARCH_RANDOM) {
        fprintf(stderr, "sweep run: --shard: a halving or hyperband search runs in one process (its rungs are "
                "decided from all runs); run it without --shard\n");
        return 2;
    }
    if (run_data_load(&c->data, e, err, sizeof err)) {
        fprintf(stderr, "sweep run: %s\n", err);
        return 2;                                            /* bad input until the data has loaded */
    }
    if (run_plan_make(&c->plan, e, varies, &c->data) || !(c->order = calloc((size_t)e->n_runs, sizeof *c->order)) ||
        (c->sh.n && !(c->owner = run_partition(e, &c->plan, c->sh.n)))) {
        fprintf(stderr, "sweep run: out of memory for %d runs\n", e->n_runs);
        return 1;
    }
    if (o->dry_run) {
        run_dry_scope sc = {c->owner, c->sh, memline};
        run_dry(e, varies, dir, &c->plan, o->jobs, &sc);
        if (e->search.kind == SEARCH_HALVING || e->search.kind == SEARCH_HYPERBAND) search_dry(e, stdout);
        return 0;
    }
    snprintf(store_dir, store_len, "%s", dir);
    if (c->sh.n && shard_dir(store_dir, store_len, dir, c->sh) != 0) {
        fprintf(stderr, "sweep run: %s: path too long\n", dir);
        return 2;
    }
    int open_rc = o->fresh ? search_fresh(dir, err, sizeof err) : 0;
    if (!open_rc)
        open_rc = run_resume_open(&c->st, store_dir, (o->fresh ? STORE_FRESH : 0) | (c->sh.n ? STORE_SINGLE_WRITER : 0),
                                  o->quiet, err, sizeof err);
    if (open_rc) {
        fprintf(stderr, "sweep run: %s\n", err);
        return open_rc == -2 ? 2 : 1;        /* -2: a damaged results file: bad input, nothing was changed */
    }
    if (exp_store_declaration(e, dir, o->sets, o->n_sets, err, sizeof err)) {   /* DIR/experiment.ini */
        fprintf(stderr, "sweep run: %s\n", err);
        return 1;
    }
    return -1;
}

/* Train the pending runs (of this shard) with the store open; returns the command's exit status. */
static int run_sweep(run_ctx *c, const run_options *o, const experiment *e, const int *varies, const char *dir,
                     const char *store_dir, int argc, char **argv) {
    if (e->search.kind == SEARCH_HALVING || e->search.kind == SEARCH_HYPERBAND) {
        struct sigaction ss;
        memset(&ss, 0, sizeof ss);
        ss.sa_handler = run_on_signal;
        sigaction(SIGINT, &ss, NULL);
        sigaction(SIGTERM, &ss, NULL);
        openblas_set_num_threads(1);
        return run_search(e, c->st, &c->data, o, dir);
    }
    int pending = 0, n_mine = 0;
    long total_epochs = 0;
    for (int k = 0; k < e->n_runs; k++)
        if ((!c->owner || c->owner[k] == c->sh.k) && ++n_mine && !store_has(c->st, e->runs[k].run_id) &&
            !shard_done_has(&c->done, e->runs[k].run_id)) {
            c->order[pending].index = k;
            c->order[pending++].cost = c->plan.cost[k];
            total_epochs += e->runs[k].cfg.train.epochs;
        }
    qsort(c->order, (size_t)pending, sizeof *c->order, run_order_cmp);
    if (!o->quiet)
        fprintf(stderr, "sweep run: %s: %d runs, %d already done, %d to train on %d threads; results in %s\n", e->name,
                n_mine, n_mine - pending, pending, o->jobs < pending || !pending ? o->jobs : pending, store_dir);
    if (progress_init(&c->prog, stderr, n_mine, n_mine - pending, total_epochs, c->plan.n_groups,
                      (const char *const *)c->plan.labels, o->quiet)) {
        fprintf(stderr, "sweep run: out of memory\n");
        return 1;
    }
    run_resume_stored(e, c->plan.sorted, c->plan.group_of, dir, &c->prog);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = run_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    openblas_set_num_threads(1);
    int failed = 0, skipped = 0;
    run_shared shared = {o->tail_threads, o->jobs, pending, 0, 0, dir, o->ckpt_every};
    char first_err[4096] = "";
#pragma omp parallel for schedule(dynamic, 1) num_threads(o->jobs)
    for (int i = 0; i < pending; i++) {
#pragma omp atomic
        shared.started++;
        const exp_run *r = &e->runs[c->order[i].index];
        char local_err[1024], desc[1024];
        int claimed = run_interrupted || failed ? 0 : store_claim(c->st, r->run_id, local_err, sizeof local_err);
        if (claimed == 0) {
#pragma omp atomic
            skipped++;
#pragma omp atomic
            shared.finished++;
            continue;
        }
        run_describe(e, r, varies, desc, sizeof desc);
        int bad = claimed < 0 || run_one(c->st, r, c->plan.group_of[c->order[i].index], run_data_for(&c->data, r->cfg.data),
                                         desc, &c->prog, &shared, local_err, sizeof local_err);
        store_release(c->st, r->run_id);
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
    progress_finish(&c->prog);
    int total_done = store_count(c->st);
    if (failed) {
        fprintf(stderr, "sweep run: %s\n", first_err);
        return 1;
    }
    if (run_interrupted) {
        fprintf(stderr, "sweep run: interrupted: %d of %d runs are in %s/runs.csv; resume with: %s", total_done,
                n_mine, store_dir, program_invocation_name);
        for (int i = 0; i < argc; i++)
            if (strcmp(argv[i], "--fresh")) fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
        return 130;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (!o->quiet)
        fprintf(stderr, "sweep run: %s: %d runs trained%s, %d diverged, %.1fs, peak memory %.0f MB; %d rows in %s/runs.csv\n",
                e->name, c->prog.done - c->prog.done_before, skipped ? " (others were being trained by another process)" : "",
                c->prog.failed, omp_get_wtime() - c->prog.start, ru.ru_maxrss / 1024.0, total_done, store_dir);
    return 0;
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
    if (experiment_load_to_run(&e, o.path, o.sets, o.n_sets, err, sizeof err)) {
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
    run_ctx c;
    memset(&c, 0, sizeof c);
    rc = run_prepare(&c, &o, &e, varies, dir, store_dir, sizeof store_dir, memline);
    if (rc < 0) rc = run_sweep(&c, &o, &e, varies, dir, store_dir, argc, argv);
    run_ctx_free(&c);
    experiment_free(&e);
    free(o.sets);
    return rc;
}
