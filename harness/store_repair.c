/* store_repair: reading runs.csv incrementally and the repairs a crash can call for (see store.h): a torn last
   line in runs.csv or curves.csv, curves rows whose run has no runs row (orphans), and --fresh backups.
   Called by store.c with the directory lock held, as each function's comment in store_internal.h says. */
#include "store_internal.h"
#include "csvfeed.h"
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------- record scanner: one pass of csvfeed over a buffer ---------- */

/* 1 if buf[from, len) holds no line terminator: it can be the torn tail of one interrupted write. */
static int one_line(const char *buf, size_t from, size_t len) {
    for (size_t i = from; i < len; i++)
        if (buf[i] == '\n' || buf[i] == '\r') return 0;
    return 1;
}

/* Scan buf[0, len) whose first byte is on line `line`, calling fn per complete record. A trailing record without
   its newline is left out (torn), but only when it is the last line: a crash tears at most the line being
   written, so an incomplete record spanning lines (an unterminated quote) is damage, reported with *bad set.
   Sets *good_end to the end of the last complete record and *good_line to the line after it. Returns 0, or -1
   with err (the callback's, malformed CSV, out of memory). */
static int scan(const char *path, const char *buf, size_t len, long line, csvfeed_record_fn fn, void *ctx,
                size_t *good_end, long *good_line, int *bad, char *err, size_t errlen) {
    csvfeed f;
    *good_end = 0;
    *good_line = line;
    if (csvfeed_init(&f, CSV_STRICT, line, fn, ctx) != 0)
        return store_fail(err, errlen, "%s: csv_init failed", path);
    int rc = 0;
    switch (csvfeed_feed(&f, buf, len)) {
    case CSVFEED_BAD_CSV:
        if (!f.bad_torn || !one_line(buf, f.good_end, len)) {  /* a malformed torn tail is still a torn tail */
            *bad = 1;
            rc = store_fail(err, errlen, "%s:%ld: %s, and it is not the last line, so no crash tore it: the file is damaged; "
                            "nothing was changed (see README, 'Repairing a damaged results file')", path, f.bad_line,
                            csv_strerror(csv_error(&f.parser)));
        }
        break;
    case CSVFEED_NOMEM: rc = store_fail(err, errlen, "%s: out of memory", path); break;
    case CSVFEED_STOPPED: rc = -1; break;      /* the callback set err */
    case CSVFEED_DONE:
        if (f.good_end < len && !one_line(buf, f.good_end, len)) {
            *bad = 1;
            rc = store_fail(err, errlen,
                            "%s:%ld: unterminated quoted field, and it is not the last line, so no crash tore it: "
                            "the file is damaged; nothing was changed (see README, 'Repairing a damaged results file')",
                            path, f.rec_line);
        }
        break;
    }
    *good_end = f.good_end;
    *good_line = f.good_line;
    csvfeed_free(&f);
    return rc;
}

/* ---------- file helpers ---------- */

/* Read fd from offset to its end into a malloc'd buffer (NUL-terminated); *len its size. */
static char *read_from(int fd, off_t offset, size_t *len) {
    struct stat st;
    if (fstat(fd, &st) != 0) return NULL;
    size_t n = st.st_size > offset ? (size_t)(st.st_size - offset) : 0;
    char *buf = malloc(n + 1);
    if (!buf) return NULL;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, offset + (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { free(buf); return NULL; }
        if (r == 0) break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* Write header into an empty (or emptied) file at path. */
static int write_header(int fd, const char *path, char **header, int n, char *err, size_t errlen) {
    char *line = table_format_row((const char *const *)header, n);
    if (!line) return store_fail(err, errlen, "%s: out of memory", path);
    int rc = ftruncate(fd, 0) == 0 && store_write_all(fd, line, strlen(line)) == 0 && fsync(fd) == 0;
    free(line);
    return rc ? 0 : store_fail(err, errlen, "%s: writing header: %s", path, strerror(errno));
}

/* Check one record of a file whose first record is its header (*header_pending until it is seen) against the
   expected header. Returns 1 for the header, 0 for a row with as many fields as the header, -1 with err. */
static int check_header_or_row(const char *path, const csvfeed *rec, int *header_pending, char **want,
                               int n_want, char *err, size_t errlen) {
    char **got = rec->fields;
    int n = rec->n_fields;
    if (!*header_pending) {
        if (n == n_want) return 0;
        return store_fail(err, errlen, "%s:%ld: row has %d fields, header has %d", path, rec->rec_line, n, n_want);
    }
    *header_pending = 0;
    for (int j = 0; j < n && j < n_want; j++)
        if (strcmp(got[j], want[j]) != 0)
            return store_fail(err, errlen, "%s:1: header column %d is '%s', expected '%s'", path, j + 1,
                              got[j], want[j]);
    if (n < n_want) return store_fail(err, errlen, "%s:1: header lacks column %d '%s'", path, n + 1, want[n]);
    if (n > n_want)
        return store_fail(err, errlen, "%s:1: header has extra column %d '%s'", path, n_want + 1, got[n_want]);
    return 1;
}

/* check_header_or_row, setting *bad on a failure: each is the file's content, not the system's. */
static int check_record(const char *path, const csvfeed *rec, int *header_pending, char **want, int n_want,
                        int *bad, char *err, size_t errlen) {
    int kind = check_header_or_row(path, rec, header_pending, want, n_want, err, errlen);
    if (kind < 0) *bad = 1;
    return kind;
}

/* ---------- runs.csv: incremental refresh ---------- */

typedef struct {
    store *s;
    int header_pending;     /* the first record is the header */
    char *err;
    size_t errlen;
} runs_ctx;

static int on_runs_record(csvfeed *rec, void *ctx) {
    runs_ctx *c = ctx;
    store *s = c->s;
    int kind = check_record(s->runs_path, rec, &c->header_pending, s->runs_header, s->n_runs_cols,
                            &s->bad_input, c->err, c->errlen);
    if (kind != 0) return kind < 0 ? -1 : 0;
    if (store_idset_add(&s->ids, rec->fields[s->runs_id_col]) != 0)
        return store_fail(c->err, c->errlen, "out of memory");
    s->n_rows++;
    return 0;
}

/* Read rows appended to runs.csv since the last refresh. Caller holds s->mu and the directory lock; with
   repair (exclusive lock held) a torn tail is truncated and a missing header written. */
int store_refresh_runs(store *s, int repair, char *err, size_t errlen) {
    int fd = store_open_regular(s->runs_path, repair ? O_RDWR : O_RDONLY, &s->bad_input, err, errlen);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) { close(fd); return store_fail(err, errlen, "%s: %s", s->runs_path, strerror(errno)); }
    if (st.st_ino != s->runs_ino || st.st_size < s->runs_seen) {    /* replaced or cut: start over */
        store_idset_free(&s->ids);
        s->n_rows = 0;
        s->runs_ino = st.st_ino;
        s->runs_seen = 0;
        s->runs_line = 1;
    }
    size_t len;
    char *buf = read_from(fd, s->runs_seen, &len);
    if (!buf) { close(fd); return store_fail(err, errlen, "%s: read: %s", s->runs_path, strerror(errno)); }
    runs_ctx c = {s, s->runs_seen == 0, err, errlen};
    size_t good;
    long good_line;
    int rc = scan(s->runs_path, buf, len, s->runs_line, on_runs_record, &c, &good, &good_line, &s->bad_input,
                  err, errlen);
    free(buf);
    if (rc != 0) { close(fd); return -1; }
    s->runs_seen += (off_t)good;
    s->runs_line = good_line;
    if (repair && c.header_pending) {                       /* empty, or even the header was torn */
        rc = write_header(fd, s->runs_path, s->runs_header, s->n_runs_cols, err, errlen);
        if (rc == 0) { s->runs_seen = lseek(fd, 0, SEEK_END); s->runs_line = 2; }
    } else if (repair && (size_t)good < len) {              /* a crash mid-write: drop the partial line */
        if (ftruncate(fd, s->runs_seen) != 0 || fsync(fd) != 0)
            rc = store_fail(err, errlen, "%s: truncating torn line: %s", s->runs_path, strerror(errno));
    }
    close(fd);
    return rc;
}

/* ---------- curves.csv: repair and orphan sweep ---------- */

typedef struct {
    store *s;
    int header_pending;
    const char *buf;
    char *out;              /* kept records, byte for byte */
    size_t out_n, out_cap;
    int dropped;
    char *err;
    size_t errlen;
} curves_ctx;

static int on_curves_record(csvfeed *rec, void *ctx) {
    curves_ctx *c = ctx;
    store *s = c->s;
    int kind = check_record(s->curves_path, rec, &c->header_pending, s->curves_header, s->n_curves_cols,
                            &s->bad_input, c->err, c->errlen);
    if (kind < 0) return -1;
    if (kind == 0 && !store_idset_has(&s->ids, rec->fields[s->curves_id_col])) {   /* an orphan row */
        c->dropped++;
        return 0;
    }
    size_t n = rec->rec_end - rec->rec_start;
    if (rec->rec_end < rec->rec_start || n > c->out_cap - c->out_n)   /* records are disjoint: cannot happen */
        return store_fail(c->err, c->errlen, "%s:%ld: record out of bounds", s->curves_path, rec->rec_line);
    memcpy(c->out + c->out_n, c->buf + rec->rec_start, n);
    c->out_n += n;
    return 0;
}

/* Under the exclusive lock, with runs refreshed: truncate a torn tail, write a missing header, and drop rows whose
   run_id has no runs row (a crash between the two appends) by rewriting curves.csv through a tmp file + rename. */
int store_sweep_curves(store *s, char *err, size_t errlen) {
    int fd = store_open_regular(s->curves_path, O_RDWR | O_CREAT, &s->bad_input, err, errlen);
    if (fd < 0) return -1;
    size_t len, good;
    long good_line;
    char *buf = read_from(fd, 0, &len);
    char *out = buf ? malloc(len + 1) : NULL;
    if (!out) {
        free(buf);
        close(fd);
        return store_fail(err, errlen, "%s: read: %s", s->curves_path, buf ? "out of memory" : strerror(errno));
    }
    curves_ctx c = {.s = s, .header_pending = 1, .buf = buf, .out = out, .out_cap = len, .err = err, .errlen = errlen};
    int rc = scan(s->curves_path, buf, len, 1, on_curves_record, &c, &good, &good_line, &s->bad_input, err,
                  errlen);
    if (rc != 0) {
        rc = -1;
    } else if (c.header_pending) {
        rc = write_header(fd, s->curves_path, s->curves_header, s->n_curves_cols, err, errlen);
    } else if (c.dropped) {
        char *tmp;
        if (asprintf(&tmp, "%s.tmp", s->curves_path) < 0) {
            rc = store_fail(err, errlen, "out of memory");
        } else {
            int tfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (tfd < 0 || store_write_all(tfd, c.out, c.out_n) != 0 || fsync(tfd) != 0 ||
                rename(tmp, s->curves_path) != 0)
                rc = store_fail(err, errlen, "%s: rewriting without orphan rows: %s", tmp, strerror(errno));
            if (tfd >= 0) close(tfd);
            if (rc != 0) unlink(tmp);
            else store_fsync_dir(s->dir);
            free(tmp);
        }
    } else if (good < len) {
        if (ftruncate(fd, (off_t)good) != 0 || fsync(fd) != 0)
            rc = store_fail(err, errlen, "%s: truncating torn line: %s", s->curves_path, strerror(errno));
    }
    free(out);
    free(buf);
    close(fd);
    return rc;
}

/* 1 if curves.csv does not end in '\n' (a torn last line), 0 if it does or is empty, -1 with err. */
int store_curves_torn(store *s, char *err, size_t errlen) {
    int fd = store_open_regular(s->curves_path, O_RDONLY, &s->bad_input, err, errlen);
    if (fd < 0) return -1;
    struct stat st;
    char last = '\n';
    int rc = fstat(fd, &st) == 0 && (st.st_size == 0 || pread(fd, &last, 1, st.st_size - 1) == 1)
                 ? last != '\n'
                 : store_fail(err, errlen, "%s: %s", s->curves_path, strerror(errno));
    close(fd);
    return rc;
}

/* Move existing runs.csv/curves.csv to <name>.bak-YYYYmmdd-HHMMSS[-k], the same suffix for both. */
int store_backup_existing(store *s, char *err, size_t errlen) {
    char stamp[32], suffix[48], *dst[2] = {NULL, NULL};
    const char *src[2] = {s->runs_path, s->curves_path};
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
    int rc = 0;
    for (int k = 1;; k++) {
        if (k == 1) snprintf(suffix, sizeof suffix, ".bak-%s", stamp);
        else snprintf(suffix, sizeof suffix, ".bak-%s-%d", stamp, k);
        int taken = 0;
        for (int i = 0; i < 2; i++) {
            free(dst[i]);
            if (asprintf(&dst[i], "%s%s", src[i], suffix) < 0) {
                dst[i] = NULL;
                rc = store_fail(err, errlen, "out of memory");
            } else {
                taken |= access(dst[i], F_OK) == 0;
            }
        }
        if (rc != 0 || !taken) break;
    }
    for (int i = 0; rc == 0 && i < 2; i++)
        if (rename(src[i], dst[i]) != 0 && errno != ENOENT)
            rc = store_fail(err, errlen, "%s: backup to %s: %s", src[i], dst[i], strerror(errno));
    char *shards = NULL, *shards_bak = NULL;           /* shard files are results of the directory too */
    if (rc == 0 && (asprintf(&shards, "%s/shards", s->dir) < 0 || asprintf(&shards_bak, "%s%s", shards, suffix) < 0))
        rc = store_fail(err, errlen, "out of memory");
    if (rc == 0 && rename(shards, shards_bak) != 0 && errno != ENOENT)
        rc = store_fail(err, errlen, "%s: backup to %s: %s", shards, shards_bak, strerror(errno));
    free(shards);
    free(shards_bak);
    free(dst[0]);
    free(dst[1]);
    if (rc == 0) store_fsync_dir(s->dir);
    return rc;
}

/* ---------- reading any results file (store_read_rows) ---------- */

typedef struct {
    const char *path;
    char **header;
    int n_cols, header_pending, bad;
    store_row_fn fn;
    void *ctx;
    char *err;
    size_t errlen;
} rows_ctx;

static int on_any_record(csvfeed *rec, void *ctx) {
    rows_ctx *c = ctx;
    int kind = check_record(c->path, rec, &c->header_pending, c->header, c->n_cols, &c->bad, c->err, c->errlen);
    if (kind != 0) return kind < 0 ? -1 : 0;
    return c->fn((const char *const *)rec->fields, rec->n_fields, rec->rec_line, c->ctx) != 0 ? -1 : 0;
}

int store_read_rows(const char *path, const char *const *header, int n_cols, store_row_fn fn, void *ctx,
                    char *err, size_t errlen) {
    int bad = 0;
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT) return 0;
    int fd = store_open_regular(path, O_RDONLY, &bad, err, errlen);
    if (fd < 0) return bad ? -2 : -1;
    size_t len, good;
    long good_line;
    char *buf = read_from(fd, 0, &len);
    close(fd);
    if (!buf) return store_fail(err, errlen, "%s: read: %s", path, strerror(errno));
    rows_ctx c = {path, (char **)header, n_cols, 1, 0, fn, ctx, err, errlen};
    int rc = scan(path, buf, len, 1, on_any_record, &c, &good, &good_line, &c.bad, err, errlen);
    free(buf);
    if (rc != 0) return c.bad ? -2 : -1;
    return 0;
}
