/* search_rungs: see search_rungs.h. */
#include "search_rungs.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "results.h"
#include "table.h"

static const char *const rungs_cols[RUNGS_NCOLS] = {"ladder", "configuration", "rung", "epochs", "metric",
                                                    "value", "rank", "promoted", "description"};

static int rungs_add(rungs_file *f, const rungs_row *r) {
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 64;
        rungs_row *p = realloc(f->rows, (size_t)cap * sizeof *p);
        if (!p) return -1;
        f->rows = p;
        f->cap = cap;
    }
    f->rows[f->n++] = *r;
    return 0;
}

int rungs_read(rungs_file *f, const char *dir, char *err, size_t errlen) {
    memset(f, 0, sizeof *f);
    char path[4096];
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    if (access(path, F_OK)) return 0;
    table t;
    if (table_read(&t, path, err, errlen)) return -1;
    int col[RUNGS_NCOLS];
    for (int c = 0; c < RUNGS_NCOLS; c++)
        if ((col[c] = table_col(&t, rungs_cols[c])) < 0) {
            snprintf(err, errlen, "%s:1: no column '%s'", path, rungs_cols[c]);
            table_free(&t);
            return -1;
        }
    for (int i = 0; i < t.nrows; i++) {
        rungs_row r;
        memset(&r, 0, sizeof r);
        snprintf(r.ladder, sizeof r.ladder, "%s", table_cell(&t, i, col[0]));
        snprintf(r.config, sizeof r.config, "%s", table_cell(&t, i, col[1]));
        r.rung = atoi(table_cell(&t, i, col[2]));
        r.epochs = atoi(table_cell(&t, i, col[3]));
        snprintf(r.metric, sizeof r.metric, "%s", table_cell(&t, i, col[4]));
        r.value = table_num(&t, i, col[5]);
        r.rank = atoi(table_cell(&t, i, col[6]));
        const char *pr = table_cell(&t, i, col[7]);
        r.promoted = !*pr ? -1 : atoi(pr);
        snprintf(r.desc, sizeof r.desc, "%s", table_cell(&t, i, col[8]));
        if (strlen(r.config) != 16 || r.rung < 0 || r.epochs < 1 || r.rank < 1) {
            snprintf(err, errlen, "%s:%d: not a rung decision (configuration, rung, epochs, rank)", path, i + 2);
            table_free(&t);
            rungs_free(f);
            return -1;
        }
        if (rungs_add(f, &r)) {
            snprintf(err, errlen, "%s: out of memory", path);
            table_free(&t);
            return -1;
        }
    }
    table_free(&t);
    return 0;
}

const rungs_row *rungs_find(const rungs_file *f, const char *ladder, int rung, int *n) {
    int first = -1;
    *n = 0;
    for (int i = 0; i < f->n; i++)
        if (f->rows[i].rung == rung && !strcmp(f->rows[i].ladder, ladder)) {
            if (first < 0) first = i;
            (*n)++;
        }
    return first < 0 ? NULL : f->rows + first; /* a rung's rows are written together, so they are contiguous */
}

static int rungs_write_line(FILE *out, const char *const *cells) {
    char *line = table_format_row(cells, RUNGS_NCOLS);
    if (!line) return -1;
    int rc = fputs(line, out) < 0 ? -1 : 0;
    free(line);
    return rc;
}

int rungs_append(rungs_file *f, const char *dir, const rungs_row *rows, int n, char *err, size_t errlen) {
    for (int i = 0; i < n; i++)
        if (rungs_add(f, &rows[i])) {
            snprintf(err, errlen, "rungs: out of memory");
            return -1;
        }
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    int bad = rungs_write_line(out, rungs_cols);
    for (int i = 0; i < f->n && !bad; i++) {
        const rungs_row *r = &f->rows[i];
        char rung[16], epochs[16], value[64], rank[16], promoted[16];
        snprintf(rung, sizeof rung, "%d", r->rung);
        snprintf(epochs, sizeof epochs, "%d", r->epochs);
        results_num(value, sizeof value, r->value, 6);
        snprintf(rank, sizeof rank, "%d", r->rank);
        if (r->promoted < 0) promoted[0] = 0;
        else snprintf(promoted, sizeof promoted, "%d", r->promoted);
        const char *cells[RUNGS_NCOLS] = {r->ladder, r->config, rung, epochs, r->metric, value, rank, promoted, r->desc};
        bad = rungs_write_line(out, cells);
    }
    if (bad || fflush(out) || fsync(fileno(out))) {
        snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
        fclose(out);
        unlink(tmp);
        return -1;
    }
    fclose(out);
    if (rename(tmp, path)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void rungs_free(rungs_file *f) {
    free(f->rows);
    memset(f, 0, sizeof *f);
}
