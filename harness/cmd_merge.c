/* sweep merge DIR: fold the shard files DIR/shards/K-of-N/{runs,curves}.csv into DIR/runs.csv and curves.csv.

   Crash safety: the merged files are written whole to temporary files, fsync'ed, then renamed over curves.csv and
   runs.csv (curves first: a runs row never lacks its curves); the shard files are removed only after both
   renames are durable. Killed at any point, the directory still holds every row at least once (in DIR or in the
   shards) and a rerun finishes the job; rows present twice are the same run and are folded. A run_id whose rows
   differ beyond the timing columns is a determinism bug: merge names both rows and changes nothing. */
#include "commands.h"
#include "results.h"
#include "shard.h"
#include "strlist.h"
#include "store.h"
#include "table.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Columns that measure time, not results: the only ones two rows of one run may differ in. */
static const char *const merge_timing_cols[] = {"seconds", "sec_per_epoch"};

typedef struct {
    char **fields;          /* (n_cols) */
    const char *src;        /* file it came from (merge_file.path) */
    long line;
} merge_row;

/* The rows of one kind (runs or curves) from every source, keyed by run_id (runs) or run_id+epoch (curves). */
typedef struct {
    const char *name;       /* "runs.csv" or "curves.csv" */
    const char **header;
    int n_cols, n_key, timing[8], n_timing;
    merge_row *rows;        /* (n) kept, in source order */
    int n, cap, n_dup, n_new;
    int *slots;             /* (n_slots) hash table of row indices, -1 empty */
    size_t n_slots;
    int reading_base;       /* rows now read come from DIR itself (not new) */
    const char *src;
    char *err;
    size_t errlen;
} merge_set;

static uint64_t merge_hash(char *const *fields, int n_key) {
    uint64_t h = 1469598103934665603ull;
    for (int k = 0; k < n_key; k++) {
        for (const char *s = fields[k]; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
        h = (h ^ 0x1f) * 1099511628211ull;
    }
    return h;
}

static int merge_same_key(char *const *a, char *const *b, int n_key) {
    for (int k = 0; k < n_key; k++)
        if (strcmp(a[k], b[k])) return 0;
    return 1;
}

static size_t merge_find(const merge_set *m, char *const *fields) {
    size_t i = merge_hash(fields, m->n_key) & (m->n_slots - 1);
    while (m->slots[i] >= 0 && !merge_same_key(m->rows[m->slots[i]].fields, fields, m->n_key))
        i = (i + 1) & (m->n_slots - 1);
    return i;
}

static int merge_grow(merge_set *m) {
    if (m->n < m->cap) return 0;
    int cap = m->cap ? 2 * m->cap : 1024;
    merge_row *rows = realloc(m->rows, (size_t)cap * sizeof *rows);
    int *slots = malloc((size_t)cap * 2 * sizeof *slots);
    if (!rows || !slots) {
        if (rows) m->rows = rows;
        free(slots);
        return -1;
    }
    m->rows = rows;
    m->cap = cap;
    free(m->slots);
    m->slots = slots;
    m->n_slots = (size_t)cap * 2;
    for (size_t i = 0; i < m->n_slots; i++) m->slots[i] = -1;
    for (int r = 0; r < m->n; r++) m->slots[merge_find(m, m->rows[r].fields)] = r;
    return 0;
}

static int merge_is_timing(const merge_set *m, int col) {
    for (int t = 0; t < m->n_timing; t++)
        if (m->timing[t] == col) return 1;
    return 0;
}

/* store_read_rows callback: keep a new row, fold an identical duplicate, refuse a conflicting one. */
static int merge_add(const char *const *fields, int n, long line, void *ctx) {
    merge_set *m = ctx;
    if (merge_grow(m) != 0) return snprintf(m->err, m->errlen, "out of memory"), -1;
    size_t slot = merge_find(m, (char *const *)fields);
    if (m->slots[slot] >= 0) {
        const merge_row *old = &m->rows[m->slots[slot]];
        for (int c = 0; c < n; c++)
            if (!merge_is_timing(m, c) && strcmp(old->fields[c], fields[c])) {
                snprintf(m->err, m->errlen,
                         "%s:%ld and %s:%ld: run %s has two different rows (column %s: '%s' and '%s'); runs are "
                         "deterministic, so one of them is wrong; nothing was changed",
                         old->src, old->line, m->src, line, fields[0], m->header[c], old->fields[c], fields[c]);
                return -1;
            }
        m->n_dup++;
        return 0;
    }
    merge_row *r = &m->rows[m->n];
    if (!(r->fields = calloc((size_t)n, sizeof *r->fields))) return snprintf(m->err, m->errlen, "out of memory"), -1;
    for (int c = 0; c < n; c++)
        if (!(r->fields[c] = strdup(fields[c]))) return snprintf(m->err, m->errlen, "out of memory"), -1;
    r->src = m->src;
    r->line = line;
    m->slots[slot] = m->n++;
    m->n_new += !m->reading_base;
    return 0;
}

static void merge_set_free(merge_set *m) {
    for (int r = 0; r < m->n; r++) {
        for (int c = 0; m->rows[r].fields && c < m->n_cols; c++) free(m->rows[r].fields[c]);
        free(m->rows[r].fields);
    }
    free(m->rows);
    free(m->slots);
}

/* The sources (a strlist): DIR first, then each shard directory in name order; the paths outlive the sets
   (rows point in). */
static int merge_add_source(const char *path, void *ctx) { return strlist_add(ctx, path); }

/* Read name from every source into m. Returns 0, -2 (bad input) or -1 with m->err. */
static int merge_read(merge_set *m, const strlist *src, char **paths) {
    for (int i = 0; i < src->n; i++) {
        if (asprintf(&paths[i], "%s/%s", src->v[i], m->name) < 0) {
            paths[i] = NULL;
            return snprintf(m->err, m->errlen, "out of memory"), -1;
        }
        m->src = paths[i];
        m->reading_base = i == 0;
        int rc = store_read_rows(paths[i], m->header, m->n_cols, merge_add, m, m->err, m->errlen);
        if (rc != 0) return rc == -1 && strstr(m->err, "two different rows") ? -2 : rc;
    }
    return 0;
}

/* Kill -9 ourselves at a named point when SWEEP_MERGE_CRASH_AT names it: the crash-safety tests use it. */
static void merge_crash_point(const char *point) {
    const char *at = getenv("SWEEP_MERGE_CRASH_AT");
    if (at && !strcmp(at, point)) raise(SIGKILL);
}

/* Write header + rows (only those whose run_id is in keep, when given) to path through libcsv, fsync'ed. */
static int merge_write(const char *path, const merge_set *m, const merge_set *keep, char *err, size_t errlen) {
    /* err is large enough: merge_dir refuses directories over 3000 characters */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    FILE *f = fdopen(fd, "w");
    if (!f) { close(fd); return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1; }
    char *line = table_format_row(m->header, m->n_cols);
    int ok = line && fputs(line, f) >= 0;
    free(line);
    for (int r = 0; ok && r < m->n; r++) {
        if (keep && keep->slots[merge_find(keep, m->rows[r].fields)] < 0) continue;   /* an orphan curves row */
        line = table_format_row((const char *const *)m->rows[r].fields, m->n_cols);
        ok = line && fputs(line, f) >= 0;
        free(line);
    }
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    if (fclose(f) != 0) ok = 0;
    return ok ? 0 : (snprintf(err, errlen, "%s: write: %s", path, strerror(errno)), -1);
}

/* Size and mtime of a file, to see whether a writer appended after we read it (0s when absent). */
typedef struct {
    off_t size;
    struct timespec mtime;
} merge_stamp;

static merge_stamp merge_stamp_of(const char *path) {
    struct stat st;
    merge_stamp z = {0, {0, 0}};
    if (lstat(path, &st) != 0) return z;
    return (merge_stamp){st.st_size, st.st_mtim};
}

static int merge_stamp_eq(merge_stamp a, merge_stamp b) {
    return a.size == b.size && a.mtime.tv_sec == b.mtime.tv_sec && a.mtime.tv_nsec == b.mtime.tv_nsec;
}

/* Visit each claim file of a shard directory: with remove, unlink it; else return 1 if a live process on this
   node holds one (a run in flight: the shard is still being written). */
static int merge_claims(const char *dir, int remove) {
    char *claims;
    struct dirent **names;
    if (asprintf(&claims, "%s/.claims", dir) < 0) return 0;
    int n = scandir(claims, &names, NULL, alphasort), live = 0;
    for (int i = 0; i < n; i++) {
        char *claim;
        if (names[i]->d_name[0] != '.' && asprintf(&claim, "%s/%s", claims, names[i]->d_name) >= 0) {
            if (remove) {
                unlink(claim);
            } else if (!live) {
                int fd = open(claim, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
                live = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
                if (fd >= 0) close(fd);
            }
            free(claim);
        }
        free(names[i]);
    }
    if (n >= 0) free(names);
    if (remove) rmdir(claims);
    free(claims);
    return live;
}

/* Remove a shard directory once its rows are in DIR: the results files first, then the store's lock and claims.
   A shard still being written on this node (a claim or its lock held) or since we read it (stamps differ) is left
   alone: returns 1. */
static int merge_remove_shard(const char *dir, const merge_stamp *read_at) {
    static const char *const files[] = {"runs.csv", "curves.csv", "curves.csv.tmp", ".lock"};
    char path[4200];
    if (strlen(dir) > 4000) return 1;                       /* cannot happen: merge_dir checks DIR's length */
    snprintf(path, sizeof path, "%s/.lock", dir);
    int lock = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if ((lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) || merge_claims(dir, 0)) {
        if (lock >= 0) close(lock);
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!merge_stamp_eq(merge_stamp_of(path), read_at[i])) {
            if (lock >= 0) close(lock);
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
        if (i == 0) merge_crash_point("shard");
    }
    if (lock >= 0) close(lock);
    merge_claims(dir, 1);
    rmdir(dir);
    return 0;
}

static void merge_usage(FILE *f) {
    fprintf(f, "usage: sweep merge [-q] DIR\n\n"
               "Folds the shard files DIR/shards/K-of-N/{runs,curves}.csv written by 'sweep run --shard K/N' into\n"
               "DIR/runs.csv and DIR/curves.csv, then removes the shard files. The same run in several files is\n"
               "kept once; its rows must be identical apart from the timing columns (seconds, sec_per_epoch),\n"
               "else merge names both rows, changes nothing and exits 2. Safe to rerun, and safe to kill at any\n"
               "point: the merged files replace the old ones by rename, and shard files are removed only after.\n"
               "Run it once the shards have finished (on Slurm: a job with --dependency=afterok on the array).\n\n"
               "options:\n"
               "  -q          no summary line\n"
               "  -h, --help  this text\n");
}

/* Set up m for runs.csv or curves.csv: header from the results table, key columns, timing columns. */
static int merge_set_init(merge_set *m, const char *name, const char **header, int n_cols, int n_key, char *err,
                          size_t errlen) {
    memset(m, 0, sizeof *m);
    m->name = name;
    m->header = header;
    m->n_cols = n_cols;
    m->n_key = n_key;
    m->err = err;
    m->errlen = errlen;
    for (int c = 0; c < n_cols; c++)
        for (size_t t = 0; t < sizeof merge_timing_cols / sizeof merge_timing_cols[0]; t++)
            if (!strcmp(header[c], merge_timing_cols[t]) && m->n_timing < 8) m->timing[m->n_timing++] = c;
    return merge_grow(m);
}

/* The stamps of each source's runs.csv and curves.csv (stamps[2i], stamps[2i+1]) before they are read. */
static void merge_stamp_sources(const strlist *src, merge_stamp *stamps) {
    for (int i = 0; i < src->n; i++)
        for (int k = 0; k < 2; k++) {
            char p[4200];
            snprintf(p, sizeof p, "%s/%s", src->v[i], k ? "curves.csv" : "runs.csv");
            stamps[2 * i + k] = merge_stamp_of(p);
        }
}

/* Write both merged files and rename them into place, curves first. */
static int merge_commit(const char *dir, const merge_set *runs, const merge_set *curves, char *err, size_t errlen) {
    char *tmp[2] = {NULL, NULL}, *dst[2] = {NULL, NULL};
    const merge_set *sets[2] = {curves, runs};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        if (asprintf(&dst[i], "%s/%s", dir, sets[i]->name) < 0 ||
            asprintf(&tmp[i], "%s/%s.merge-tmp", dir, sets[i]->name) < 0)
            rc = (snprintf(err, errlen, "out of memory"), -1);
        else rc = merge_write(tmp[i], sets[i], i == 0 ? runs : NULL, err, errlen);
    }
    if (rc == 0) merge_crash_point("written");
    for (int i = 0; i < 2 && rc == 0; i++) {
        if (rename(tmp[i], dst[i]) != 0) {
            rc = (snprintf(err, errlen, "%s: rename: %s", dst[i], strerror(errno)), -1);
            break;
        }
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) { fsync(fd); close(fd); }
        merge_crash_point(i == 0 ? "curves" : "runs");
    }
    for (int i = 0; i < 2; i++) {
        free(tmp[i]);
        free(dst[i]);
    }
    return rc;
}

/* Rows whose kernels (blas_core, isa) differ from the first row's: their bits may differ too, so merging them
   is said on stderr, never silently (README, Provenance). Unknown provenance (an older sweep) counts as other. */
static void merge_warn_provenance(const char *dir, const merge_set *runs) {
    int col[2] = {-1, -1};
    static const char *const names[2] = {"blas_core", "isa"};
    for (int c = 0; c < runs->n_cols; c++)
        for (int k = 0; k < 2; k++)
            if (!strcmp(runs->header[c], names[k])) col[k] = c;
    if (col[0] < 0 || col[1] < 0 || runs->n < 2) return;
    const merge_row *first = &runs->rows[0];
    int other = 0, at = -1;
    for (int i = 1; i < runs->n; i++) {
        const merge_row *r = &runs->rows[i];
        if (strcmp(r->fields[col[0]], first->fields[col[0]]) || strcmp(r->fields[col[1]], first->fields[col[1]]) ||
            !*r->fields[col[0]]) {
            if (at < 0) at = i;
            other++;
        }
    }
    if (other)
        fprintf(stderr, "sweep merge: warning: %s: %d of %d runs were trained with other kernels than %s:%ld "
                "(blas_core %s, %s), e.g. %s:%ld (blas_core %s, %s): their results may differ in the last bits\n",
                dir, other, runs->n, first->src, first->line, *first->fields[col[0]] ? first->fields[col[0]] : "unknown",
                first->fields[col[1]], runs->rows[at].src, runs->rows[at].line,
                *runs->rows[at].fields[col[0]] ? runs->rows[at].fields[col[0]] : "unknown", runs->rows[at].fields[col[1]]);
}

static int merge_dir(const char *dir, int quiet, char *err, size_t errlen) {
    int n_runs_cols = results_runs_ncols(), n_curves_cols;
    const char **runs_header = calloc((size_t)n_runs_cols, sizeof *runs_header);
    const char **curves_header = (const char **)results_curves_header(&n_curves_cols);
    strlist src = {0};
    merge_set runs, curves;
    memset(&runs, 0, sizeof runs);
    memset(&curves, 0, sizeof curves);
    char **paths = NULL, lock_path[4200];
    merge_stamp *stamps = NULL;
    int rc = -1, lock = -1;
    if (!runs_header) return snprintf(err, errlen, "out of memory"), -1;
    results_runs_header(runs_header);
    struct stat st;
    if (strlen(dir) > 3000 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%.3000s: %s", dir, strlen(dir) > 3000 ? "path longer than 3000 characters"
                                                                       : "not a results directory");
        rc = -2;
        goto done;
    }
    snprintf(lock_path, sizeof lock_path, "%s/.lock", dir);   /* against a 'sweep run' appending to DIR */
    if ((lock = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0 ||
        (flock(lock, LOCK_EX) != 0 && errno != ENOSYS && errno != EOPNOTSUPP && errno != ENOLCK)) {
        snprintf(err, errlen, "%s: %s", lock_path, strerror(errno));
        goto done;
    }
    if (merge_add_source(dir, &src) != 0 || (rc = shard_each_dir(dir, merge_add_source, &src, err, errlen)) != 0) {
        if (rc == 0) snprintf(err, errlen, "out of memory");
        rc = -1;
        goto done;
    }
    paths = calloc((size_t)src.n * 2, sizeof *paths);
    stamps = calloc((size_t)src.n * 2, sizeof *stamps);
    if (!paths || !stamps || merge_set_init(&runs, "runs.csv", runs_header, n_runs_cols, 1, err, errlen) ||
        merge_set_init(&curves, "curves.csv", curves_header, n_curves_cols, 2, err, errlen)) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    merge_stamp_sources(&src, stamps);
    if ((rc = merge_read(&runs, &src, paths)) != 0 || (rc = merge_read(&curves, &src, paths + src.n)) != 0) goto done;
    rc = -1;
    if (src.n == 1) {
        if (!quiet) fprintf(stderr, "sweep merge: %s: no shard files; nothing to do\n", dir);
        rc = 0;
        goto done;
    }
    merge_warn_provenance(dir, &runs);
    if ((runs.n_new || curves.n_new) && merge_commit(dir, &runs, &curves, err, errlen) != 0) goto done;
    int kept = 0;
    for (int i = 1; i < src.n; i++) kept += merge_remove_shard(src.v[i], &stamps[2 * i]);
    char shards[4200];
    snprintf(shards, sizeof shards, "%s/shards", dir);
    rmdir(shards);                                          /* if empty */
    if (!quiet)
        fprintf(stderr, "sweep merge: %s: %d shard director%s, %d new runs (%d rows already present); %d runs in "
                "runs.csv%s\n", dir, src.n - 1, src.n == 2 ? "y" : "ies", runs.n_new, runs.n_dup, runs.n,
                kept ? "; shards still being written were left in place, merge again when they finish" : "");
    rc = 0;
done:
    if (lock >= 0) close(lock);
    for (int i = 0; paths && i < 2 * src.n; i++) free(paths[i]);
    free(paths);
    free(stamps);
    merge_set_free(&runs);
    merge_set_free(&curves);
    strlist_free(&src);
    free(runs_header);
    return rc;
}

int cmd_merge(int argc, char **argv) {
    const char *dir = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            merge_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
        else if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "sweep merge: unexpected '%s' (see sweep merge --help)\n", argv[i]);
            return 2;
        } else dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "sweep merge: no results directory given (see sweep merge --help)\n");
        return 2;
    }
    char err[8192];
    int rc = merge_dir(dir, quiet, err, sizeof err);
    if (rc != 0) fprintf(stderr, "sweep merge: %s\n", err);
    return rc == 0 ? 0 : rc == -2 ? 2 : 1;
}
