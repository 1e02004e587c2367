/* results_upgrade: results written by an older sweep (an older runs.csv schema) read and resumed as today's.
   A column added since (a setting whose default reproduces the old behaviour, or a result column such as the
   provenance) is filled: the setting's default, or "" (unknown). Run ids do not change (settings_run_id hashes a
   later setting only when it differs from its default), so every stored run stays done. */
#include "results.h"
#include "results_upgrade.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

const char *results_fill_value(const char *name, char *buf, size_t n) {
    int s = settings_find(name);
    if (s >= 0 && settings_table[s].since > 1 && !strcmp(settings_table[s].name, name)) {
        run_config d;
        settings_defaults(&d);
        settings_format(s, &d, buf, n);
        return buf;
    }
    const results_column *c = results_find(name);
    if (c && c->since > 1) {
        buf[0] = 0;
        return buf;
    }
    return NULL;
}

int results_upgrade_table(table *t, int *added, char *err, size_t errlen) {
    int n = results_runs_ncols(), fill = 0, ncols = 0, rc = -1, nrows = t->nrows;
    const char **want = malloc((size_t)n * sizeof *want);
    int *from = malloc(((size_t)n + (size_t)t->ncols + 1) * sizeof *from);
    const char **names = malloc(((size_t)n + (size_t)t->ncols + 1) * sizeof *names);    /* borrowed */
    char **cols = NULL, **cells = NULL, buf[RESULTS_CELL];
    if (added) *added = 0;
    if (!want || !from || !names) goto oom;
    results_runs_header(want);
    for (int k = 0; k < n; k++) {                   /* today's columns the file has or can take */
        int j = table_col(t, want[k]);
        if (j < 0 && !results_fill_value(want[k], buf, sizeof buf)) continue;   /* missing: readers say so */
        from[ncols] = j;
        names[ncols++] = want[k];
        fill += j < 0;
    }
    for (int j = 0; j < t->ncols; j++) {            /* columns this build does not know stay, after today's */
        int k = 0;
        while (k < n && strcmp(want[k], t->cols[j])) k++;
        if (k == n) from[ncols] = j, names[ncols++] = t->cols[j];
    }
    int same = ncols == t->ncols;
    for (int k = 0; same && k < ncols; k++) same = from[k] == k;
    if (added) *added = fill;
    if (same) { rc = 0; goto done; }
    cols = calloc((size_t)ncols + 1, sizeof *cols);
    cells = calloc((size_t)nrows * (size_t)ncols + 1, sizeof *cells);
    if (!cols || !cells) goto oom;
    for (int k = 0; k < ncols; k++) {
        if (!(cols[k] = strdup(names[k]))) goto oom;
        const char *v = from[k] < 0 ? results_fill_value(names[k], buf, sizeof buf) : NULL;
        for (int r = 0; r < nrows; r++)
            if (!(cells[(size_t)r * ncols + k] = strdup(v ? v : table_cell(t, r, from[k])))) goto oom;
    }
    char *path = t->path;
    t->path = NULL;
    table_free(t);
    *t = (table){ncols, nrows, cols, cells, path};
    cols = cells = NULL;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "%s: out of memory", t->path ? t->path : "runs.csv");
done:
    for (size_t i = 0; cells && i < (size_t)nrows * (size_t)ncols; i++) free(cells[i]);
    for (int k = 0; cols && k < ncols; k++) free(cols[k]);
    free(cells);
    free(cols);
    free(names);
    free(from);
    free((void *)want);
    return rc;
}

/* Rewrite one runs.csv in today's columns (temporary file, fsync, rename). 1 rewritten, 0 already current or
   unreadable (the store then says why), -1 with err. */
/* Read path as a table, leaving out a torn last line (a crash mid-write: the store drops it too). 0 or -1. */
static int read_complete(table *t, const char *path, const char *tmp) {
    char rerr[512];
    if (table_read(t, path, rerr, sizeof rerr) == 0) return 0;
    FILE *in = fopen(path, "r"), *out = in ? fopen(tmp, "w") : NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int ok = out != NULL;
    while (ok && (len = getline(&line, &cap, in)) > 0 && line[len - 1] == '\n') ok = fputs(line, out) >= 0;
    free(line);
    if (in) fclose(in);
    if (out) ok = fclose(out) == 0 && ok;
    ok = ok && table_read(t, tmp, rerr, sizeof rerr) == 0;
    unlink(tmp);
    if (ok) {                                       /* messages name the real file */
        free(t->path);
        t->path = strdup(path);
    }
    return ok && t->path ? 0 : -1;
}

static int upgrade_file(const char *path, char *err, size_t errlen) {
    table t;
    char tmp_read[4200];
    snprintf(tmp_read, sizeof tmp_read, "%s.upgrade-read", path);
    if (access(path, F_OK) != 0 || read_complete(&t, path, tmp_read) != 0) return 0;
    int added = 0, rc = 0, before = t.ncols;
    if (results_upgrade_table(&t, &added, err, errlen)) { table_free(&t); return -1; }
    int n = results_runs_ncols();
    const char **want = malloc((size_t)n * sizeof *want);
    if (!want) { table_free(&t); return snprintf(err, errlen, "out of memory"), -1; }
    results_runs_header(want);
    /* Rewritten only when it becomes exactly today's columns: an older file. A file with columns this build does
       not know (a newer sweep's, or not a runs.csv) is left alone, and the store says what does not match. */
    int current = before == t.ncols && added == 0, older = t.ncols == n;
    for (int k = 0; older && k < n; k++) older = !strcmp(t.cols[k], want[k]);
    free((void *)want);
    if (current || !older) { table_free(&t); return 0; }
    char *tmp = NULL;
    FILE *f = asprintf(&tmp, "%s.upgrade-tmp", path) < 0 ? NULL : fopen(tmp, "w");
    int ok = f != NULL;
    for (int r = -1; ok && r < t.nrows; r++) {
        char *line = table_format_row(r < 0 ? (const char *const *)t.cols : (const char *const *)t.cells + (size_t)r * t.ncols, t.ncols);
        ok = line && fputs(line, f) >= 0;
        free(line);
    }
    if (f) ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok, ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) == 0) rc = 1;
    else {
        snprintf(err, errlen, "%s: cannot rewrite it in the current format: %s", path, strerror(errno));
        if (tmp) unlink(tmp);
        rc = -1;
    }
    free(tmp);
    table_free(&t);
    return rc;
}

int results_upgrade_dir(const char *dir, char *msg, size_t msglen, char *err, size_t errlen) {
    msg[0] = 0;
    char *lock_path = NULL, *pattern = NULL, *runs = NULL;
    if (asprintf(&lock_path, "%s/.lock", dir) < 0 || asprintf(&pattern, "%s/shards/*/runs.csv", dir) < 0 ||
        asprintf(&runs, "%s/runs.csv", dir) < 0) {
        free(lock_path), free(pattern), free(runs);
        return snprintf(err, errlen, "out of memory"), -1;
    }
    int rc = 0, fd = -1;
    if (access(runs, F_OK) == 0 && (fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
        snprintf(err, errlen, "%s: %s", lock_path, strerror(errno));
        rc = -1;
    }
    while (fd >= 0 && flock(fd, LOCK_EX) != 0 && errno == EINTR) {}
    glob_t g = {0};
    int have_glob = fd >= 0 && glob(pattern, 0, NULL, &g) == 0;
    size_t used = 0;
    for (size_t i = 0; fd >= 0 && rc >= 0 && i < 1 + (have_glob ? g.gl_pathc : 0); i++) {
        const char *p = i ? g.gl_pathv[i - 1] : runs;
        int u = upgrade_file(p, err, errlen);
        if (u < 0) rc = -1;
        else if (u > 0 && used < msglen) {
            used += (size_t)snprintf(msg + used, msglen - used, "%s%s", used ? ", " : "", p);
            rc++;
        }
    }
    if (have_glob) globfree(&g);
    if (fd >= 0) close(fd);
    free(lock_path), free(pattern), free(runs);
    return rc;
}
