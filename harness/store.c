/* store: crash-safe, concurrent-safe, resumable results for one experiment directory (see store.h).

   Locking: s->mu guards the in-process state (threads); dir/.lock is flock()ed per operation (processes):
   exclusive to write or repair, shared to re-read. Files are opened by path inside each locked operation and
   never held open, because store_open may replace curves.csv (rename) and --fresh may move runs.csv away. */
#include "store.h"
#include "table.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------- a set of run ids: open addressing, linear probing ---------- */

typedef struct {
    char **slots;   /* (cap) NULL = empty */
    size_t cap, n;
} idset;

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull;                  /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t idset_find(const idset *set, const char *id) {
    size_t i = hash_str(id) & (set->cap - 1);
    while (set->slots[i] && strcmp(set->slots[i], id) != 0) i = (i + 1) & (set->cap - 1);
    return i;
}

static int idset_has(const idset *set, const char *id) {
    return set->cap && set->slots[idset_find(set, id)] != NULL;
}

/* 0 added or present, -1 out of memory. */
static int idset_add(idset *set, const char *id) {
    if (2 * (set->n + 1) > set->cap) {
        idset bigger = {calloc(set->cap ? 2 * set->cap : 64, sizeof(char *)), set->cap ? 2 * set->cap : 64, 0};
        if (!bigger.slots) return -1;
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i]) bigger.slots[idset_find(&bigger, set->slots[i])] = set->slots[i];
        bigger.n = set->n;
        free(set->slots);
        *set = bigger;
    }
    size_t i = idset_find(set, id);
    if (set->slots[i]) return 0;
    if (!(set->slots[i] = strdup(id))) return -1;
    set->n++;
    return 0;
}

static void idset_free(idset *set) {
    for (size_t i = 0; i < set->cap; i++) free(set->slots[i]);
    free(set->slots);
    memset(set, 0, sizeof *set);
}

/* ---------- the store object ---------- */

typedef struct {
    char *run_id;
    int fd;         /* holds the flock on dir/.claims/<run_id> */
    int stale;      /* the claim file was left by a process that died: maybe orphan curves rows */
} claim;

struct store {
    pthread_mutex_t mu;
    char *dir, *runs_path, *curves_path, *lock_path, *claims_dir;
    char **runs_header, **curves_header;   /* (n_runs_cols), (n_curves_cols) */
    int n_runs_cols, n_curves_cols;
    int runs_id_col, curves_id_col;         /* index of "run_id" in each header */
    idset ids;                              /* run ids in runs.csv */
    int n_rows;                             /* rows in runs.csv */
    ino_t runs_ino;                         /* runs.csv as last read; a new inode means re-read from 0 */
    off_t runs_seen;                        /* bytes of runs.csv read so far (a record boundary) */
    long runs_line;                         /* line number at runs_seen */
    claim *claims;                          /* (n_claims) held by this process */
    int n_claims, cap_claims;
};

static int fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static char *path_join(const char *dir, const char *name) {
    char *p;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* ---------- record scanner: libcsv fed one physical line at a time, raw byte range per record ---------- */

/* Called per complete record with its fields and raw bytes [start, end); nonzero stops the scan. */
typedef int (*record_fn)(void *ctx, char **fields, int n, size_t start, size_t end, long line);

typedef struct {
    record_fn fn;
    void *ctx;
    char **f;
    int n, cap;
    int in_record, stop, oom;
    size_t rec_start, chunk_end;
    long line, rec_line;
} scanner;

static void scan_field(void *s, size_t len, void *data) {
    scanner *sc = data;
    if (sc->stop || sc->oom) return;
    if (sc->n == sc->cap) {
        int cap = sc->cap ? 2 * sc->cap : 64;
        char **p = realloc(sc->f, (size_t)cap * sizeof *p);
        if (!p) { sc->oom = 1; return; }
        sc->f = p;
        sc->cap = cap;
    }
    if (!(sc->f[sc->n] = strndup(s, len))) { sc->oom = 1; return; }
    sc->n++;
}

static void scan_record(int c, void *data) {
    (void)c;
    scanner *sc = data;
    sc->in_record = 0;
    if (!sc->stop && !sc->oom) sc->stop = sc->fn(sc->ctx, sc->f, sc->n, sc->rec_start, sc->chunk_end, sc->rec_line);
    for (int i = 0; i < sc->n; i++) free(sc->f[i]);
    sc->n = 0;
}

/* Scan buf[0, len) whose first byte is on line `line`. A trailing record without its newline is left out (torn).
   Sets *good_end to the end of the last complete record and *good_line to the line after it.
   Returns 0, the callback's nonzero value, or -1 with err (malformed CSV, out of memory). */
static int scan(const char *path, const char *buf, size_t len, long line, record_fn fn, void *ctx,
                size_t *good_end, long *good_line, char *err, size_t errlen) {
    scanner sc = {.fn = fn, .ctx = ctx, .line = line};
    struct csv_parser p;
    *good_end = 0;
    *good_line = line;
    if (csv_init(&p, CSV_STRICT) != 0) return fail(err, errlen, "%s: csv_init failed", path);
    int rc = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        int blank = (n == 1 && buf[pos] == '\n') || (n == 2 && buf[pos] == '\r' && buf[pos + 1] == '\n');
        if (!sc.in_record && !blank) { sc.in_record = 1; sc.rec_start = pos; sc.rec_line = sc.line; }
        sc.chunk_end = pos + n;
        if (csv_parse(&p, buf + pos, n, scan_field, scan_record, &sc) != n) {
            if (!nl) break;     /* a malformed torn tail is still just a torn tail */
            rc = fail(err, errlen, "%s:%ld: %s", path, sc.line, csv_strerror(csv_error(&p)));
            break;
        }
        if (sc.oom) { rc = fail(err, errlen, "%s: out of memory", path); break; }
        if (sc.stop) { rc = sc.stop; break; }
        pos += n;
        if (nl) sc.line++;
        if (!sc.in_record) { *good_end = pos; *good_line = sc.line; }
    }
    for (int i = 0; i < sc.n; i++) free(sc.f[i]);
    free(sc.f);
    csv_free(&p);
    return rc;
}

/* ---------- file helpers ---------- */

static int write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

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

static void fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) { fsync(fd); close(fd); }
}

static int mkdir_p(const char *dir) {
    char *p = strdup(dir);
    if (!p) return -1;
    for (char *q = p + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) { free(p); return -1; }
        *q = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

/* Open dir/.lock and flock it (LOCK_EX or LOCK_SH). Returns the fd (close it to unlock) or -1 with err. */
static int lock_dir(store *s, int how, char *err, size_t errlen) {
    int fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return fail(err, errlen, "%s: %s", s->lock_path, strerror(errno));
    while (flock(fd, how) != 0) {
        if (errno == EINTR) continue;
        fail(err, errlen, "%s: flock: %s", s->lock_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Write header into an empty (or emptied) file at path. */
static int write_header(int fd, const char *path, char **header, int n, char *err, size_t errlen) {
    char *line = table_format_row((const char *const *)header, n);
    if (!line) return fail(err, errlen, "%s: out of memory", path);
    int rc = ftruncate(fd, 0) == 0 && write_all(fd, line, strlen(line)) == 0 && fsync(fd) == 0;
    free(line);
    return rc ? 0 : fail(err, errlen, "%s: writing header: %s", path, strerror(errno));
}

/* Check a header record against the expected one. */
static int check_header(const char *path, char **got, int n, char **want, int n_want, char *err, size_t errlen) {
    for (int j = 0; j < n && j < n_want; j++)
        if (strcmp(got[j], want[j]) != 0)
            return fail(err, errlen, "%s:1: header column %d is '%s', expected '%s'", path, j + 1, got[j],
                        want[j]);
    if (n < n_want) return fail(err, errlen, "%s:1: header lacks column %d '%s'", path, n + 1, want[n]);
    if (n > n_want) return fail(err, errlen, "%s:1: header has extra column %d '%s'", path, n_want + 1, got[n_want]);
    return 0;
}

/* ---------- runs.csv: incremental refresh ---------- */

typedef struct {
    store *s;
    int header_pending;     /* the first record is the header */
    char *err;
    size_t errlen;
} runs_ctx;

static int on_runs_record(void *ctx, char **f, int n, size_t start, size_t end, long line) {
    (void)start;
    (void)end;
    runs_ctx *c = ctx;
    store *s = c->s;
    if (c->header_pending) {
        c->header_pending = 0;
        return check_header(s->runs_path, f, n, s->runs_header, s->n_runs_cols, c->err, c->errlen);
    }
    if (n != s->n_runs_cols)
        return fail(c->err, c->errlen, "%s:%ld: row has %d fields, header has %d", s->runs_path, line, n,
                    s->n_runs_cols);
    if (idset_add(&s->ids, f[s->runs_id_col]) != 0) return fail(c->err, c->errlen, "out of memory");
    s->n_rows++;
    return 0;
}

/* Read rows appended to runs.csv since the last refresh. Caller holds s->mu and the directory lock; with
   repair (exclusive lock held) a torn tail is truncated and a missing header written. */
static int refresh_runs(store *s, int repair, char *err, size_t errlen) {
    int fd = open(s->runs_path, (repair ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return fail(err, errlen, "%s: %s", s->runs_path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) { close(fd); return fail(err, errlen, "%s: %s", s->runs_path, strerror(errno)); }
    if (st.st_ino != s->runs_ino || st.st_size < s->runs_seen) {    /* replaced or cut: start over */
        idset_free(&s->ids);
        s->n_rows = 0;
        s->runs_ino = st.st_ino;
        s->runs_seen = 0;
        s->runs_line = 1;
    }
    size_t len;
    char *buf = read_from(fd, s->runs_seen, &len);
    if (!buf) { close(fd); return fail(err, errlen, "%s: read: %s", s->runs_path, strerror(errno)); }
    runs_ctx c = {s, s->runs_seen == 0, err, errlen};
    size_t good;
    long good_line;
    int rc = scan(s->runs_path, buf, len, s->runs_line, on_runs_record, &c, &good, &good_line, err, errlen);
    free(buf);
    if (rc != 0) { close(fd); return -1; }
    s->runs_seen += (off_t)good;
    s->runs_line = good_line;
    if (repair && c.header_pending) {                       /* empty, or even the header was torn */
        rc = write_header(fd, s->runs_path, s->runs_header, s->n_runs_cols, err, errlen);
        if (rc == 0) { s->runs_seen = lseek(fd, 0, SEEK_END); s->runs_line = 2; }
    } else if (repair && (size_t)good < len) {              /* a crash mid-write: drop the partial line */
        if (ftruncate(fd, s->runs_seen) != 0 || fsync(fd) != 0)
            rc = fail(err, errlen, "%s: truncating torn line: %s", s->runs_path, strerror(errno));
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
    size_t out_n;
    int dropped;
    char *err;
    size_t errlen;
} curves_ctx;

static int on_curves_record(void *ctx, char **f, int n, size_t start, size_t end, long line) {
    curves_ctx *c = ctx;
    store *s = c->s;
    if (c->header_pending) {
        c->header_pending = 0;
        if (check_header(s->curves_path, f, n, s->curves_header, s->n_curves_cols, c->err, c->errlen) != 0)
            return -1;
    } else if (n != s->n_curves_cols) {
        return fail(c->err, c->errlen, "%s:%ld: row has %d fields, header has %d", s->curves_path, line, n,
                    s->n_curves_cols);
    } else if (!idset_has(&s->ids, f[s->curves_id_col])) {
        c->dropped++;
        return 0;
    }
    memcpy(c->out + c->out_n, c->buf + start, end - start);
    c->out_n += end - start;
    return 0;
}

/* Under the exclusive lock, with runs refreshed: truncate a torn tail, write a missing header, and drop rows whose
   run_id has no runs row (a crash between the two appends) by rewriting curves.csv through a tmp file + rename. */
static int sweep_curves(store *s, char *err, size_t errlen) {
    int fd = open(s->curves_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return fail(err, errlen, "%s: %s", s->curves_path, strerror(errno));
    size_t len, good;
    long good_line;
    char *buf = read_from(fd, 0, &len);
    char *out = buf ? malloc(len + 1) : NULL;
    if (!out) {
        free(buf);
        close(fd);
        return fail(err, errlen, "%s: read: %s", s->curves_path, buf ? "out of memory" : strerror(errno));
    }
    curves_ctx c = {.s = s, .header_pending = 1, .buf = buf, .out = out, .err = err, .errlen = errlen};
    int rc = scan(s->curves_path, buf, len, 1, on_curves_record, &c, &good, &good_line, err, errlen);
    if (rc != 0) {
        rc = -1;
    } else if (c.header_pending) {
        rc = write_header(fd, s->curves_path, s->curves_header, s->n_curves_cols, err, errlen);
    } else if (c.dropped) {
        char *tmp;
        if (asprintf(&tmp, "%s.tmp", s->curves_path) < 0) {
            rc = fail(err, errlen, "out of memory");
        } else {
            int tfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (tfd < 0 || write_all(tfd, c.out, c.out_n) != 0 || fsync(tfd) != 0 || rename(tmp, s->curves_path) != 0)
                rc = fail(err, errlen, "%s: rewriting without orphan rows: %s", tmp, strerror(errno));
            if (tfd >= 0) close(tfd);
            if (rc != 0) unlink(tmp);
            else fsync_dir(s->dir);
            free(tmp);
        }
    } else if (good < len) {
        if (ftruncate(fd, (off_t)good) != 0 || fsync(fd) != 0)
            rc = fail(err, errlen, "%s: truncating torn line: %s", s->curves_path, strerror(errno));
    }
    free(out);
    free(buf);
    close(fd);
    return rc;
}

/* 1 if curves.csv does not end in '\n' (a torn last line), 0 if it does or is empty, -1 with err. */
static int curves_torn(store *s, char *err, size_t errlen) {
    int fd = open(s->curves_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(err, errlen, "%s: %s", s->curves_path, strerror(errno));
    struct stat st;
    char last = '\n';
    int rc = fstat(fd, &st) == 0 && (st.st_size == 0 || pread(fd, &last, 1, st.st_size - 1) == 1)
                 ? last != '\n'
                 : fail(err, errlen, "%s: %s", s->curves_path, strerror(errno));
    close(fd);
    return rc;
}

/* ---------- open / close ---------- */

static char **copy_strings(const char *const *v, int n) {
    char **c = calloc((size_t)n, sizeof *c);
    for (int i = 0; c && i < n; i++)
        if (!(c[i] = strdup(v[i]))) {
            while (i--) free(c[i]);
            free(c);
            return NULL;
        }
    return c;
}

static int index_of(const char *const *v, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0) return i;
    return -1;
}

/* Move existing runs.csv/curves.csv to <name>.bak-YYYYmmdd-HHMMSS[-k], the same suffix for both. */
static int backup_existing(store *s, char *err, size_t errlen) {
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
            if (asprintf(&dst[i], "%s%s", src[i], suffix) < 0) { dst[i] = NULL; rc = fail(err, errlen, "out of memory"); }
            else taken |= access(dst[i], F_OK) == 0;
        }
        if (rc != 0 || !taken) break;
    }
    for (int i = 0; rc == 0 && i < 2; i++)
        if (rename(src[i], dst[i]) != 0 && errno != ENOENT)
            rc = fail(err, errlen, "%s: backup to %s: %s", src[i], dst[i], strerror(errno));
    free(dst[0]);
    free(dst[1]);
    if (rc == 0) fsync_dir(s->dir);
    return rc;
}

int store_open(store **out, const char *dir, const char *const *runs_header, int n_runs_cols,
               const char *const *curves_header, int n_curves_cols, int fresh, char *err, size_t errlen) {
    *out = NULL;
    if (n_runs_cols < 1 || n_curves_cols < 1) return fail(err, errlen, "%s: store needs column headers", dir);
    int runs_id = index_of(runs_header, n_runs_cols, "run_id");
    int curves_id = index_of(curves_header, n_curves_cols, "run_id");
    if (runs_id < 0 || curves_id < 0)
        return fail(err, errlen, "%s: %s header has no run_id column", dir, runs_id < 0 ? "runs" : "curves");
    store *s = calloc(1, sizeof *s);
    if (!s) return fail(err, errlen, "out of memory");
    pthread_mutex_init(&s->mu, NULL);
    s->n_runs_cols = n_runs_cols;
    s->n_curves_cols = n_curves_cols;
    s->runs_id_col = runs_id;
    s->curves_id_col = curves_id;
    s->runs_line = 1;
    s->dir = strdup(dir);
    s->runs_path = path_join(dir, "runs.csv");
    s->curves_path = path_join(dir, "curves.csv");
    s->lock_path = path_join(dir, ".lock");
    s->claims_dir = path_join(dir, ".claims");
    s->runs_header = copy_strings(runs_header, n_runs_cols);
    s->curves_header = copy_strings(curves_header, n_curves_cols);
    if (!s->dir || !s->runs_path || !s->curves_path || !s->lock_path || !s->claims_dir || !s->runs_header ||
        !s->curves_header) {
        store_close(s);
        return fail(err, errlen, "out of memory");
    }
    if (mkdir_p(dir) != 0 || mkdir_p(s->claims_dir) != 0) {
        fail(err, errlen, "%s: mkdir: %s", dir, strerror(errno));
        store_close(s);
        return -1;
    }
    int lock = lock_dir(s, LOCK_EX, err, errlen);
    if (lock < 0) { store_close(s); return -1; }
    int rc = fresh ? backup_existing(s, err, errlen) : 0;
    for (int i = 0; rc == 0 && i < 2; i++) {
        const char *path = i ? s->curves_path : s->runs_path;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) rc = fail(err, errlen, "%s: %s", path, strerror(errno));
        else close(fd);
    }
    if (rc == 0) rc = refresh_runs(s, 1, err, errlen);
    if (rc == 0) rc = sweep_curves(s, err, errlen);
    if (rc == 0) fsync_dir(dir);
    close(lock);
    if (rc != 0) { store_close(s); return -1; }
    *out = s;
    return 0;
}

void store_close(store *s) {
    if (!s) return;
    while (s->n_claims > 0) store_release(s, s->claims[s->n_claims - 1].run_id);
    free(s->claims);
    idset_free(&s->ids);
    for (int i = 0; s->runs_header && i < s->n_runs_cols; i++) free(s->runs_header[i]);
    for (int i = 0; s->curves_header && i < s->n_curves_cols; i++) free(s->curves_header[i]);
    free(s->runs_header);
    free(s->curves_header);
    free(s->dir);
    free(s->runs_path);
    free(s->curves_path);
    free(s->lock_path);
    free(s->claims_dir);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* ---------- queries ---------- */

int store_has(store *s, const char *run_id) {
    pthread_mutex_lock(&s->mu);
    int has = idset_has(&s->ids, run_id);
    pthread_mutex_unlock(&s->mu);
    return has;
}

int store_count(store *s) {
    pthread_mutex_lock(&s->mu);
    int n = s->n_rows;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* ---------- claims ---------- */

/* run ids become file names: allow [A-Za-z0-9_.-], not starting with '.'. */
static int valid_run_id(const char *id) {
    size_t n = strlen(id);
    if (n == 0 || n > 200 || id[0] == '.') return 0;
    return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static claim *find_claim(store *s, const char *run_id) {
    for (int i = 0; i < s->n_claims; i++)
        if (strcmp(s->claims[i].run_id, run_id) == 0) return &s->claims[i];
    return NULL;
}

/* Take the flock on dir/.claims/<run_id>. Returns the fd, -2 if another process or thread holds it, -1 with err.
   *stale is set when the file was already there unlocked: its last holder died without releasing. */
static int lock_claim_file(const char *path, int *stale, char *err, size_t errlen) {
    for (;;) {
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        *stale = 0;
        if (fd < 0 && errno == EEXIST) {
            fd = open(path, O_RDWR | O_CLOEXEC);
            if (fd < 0 && errno == ENOENT) continue;        /* released meanwhile */
            *stale = 1;
        }
        if (fd < 0) return fail(err, errlen, "%s: %s", path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK) return -2;
            return fail(err, errlen, "%s: flock: %s", path, strerror(e));
        }
        /* The holder unlinks before unlocking: if the name now points elsewhere, we locked a dead file. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return fd;
        close(fd);
    }
}

int store_claim(store *s, const char *run_id, char *err, size_t errlen) {
    if (!valid_run_id(run_id)) return fail(err, errlen, "run_id '%s' is not a valid file name", run_id);
    char *path = path_join(s->claims_dir, run_id);
    if (!path) return fail(err, errlen, "out of memory");
    pthread_mutex_lock(&s->mu);
    int rc = 0, stale = 0, fd = -1;
    if (find_claim(s, run_id)) goto done;                   /* another thread of ours runs it */
    fd = lock_claim_file(path, &stale, err, errlen);
    if (fd < 0) { rc = fd == -2 ? 0 : -1; goto done; }
    int lock = lock_dir(s, LOCK_SH, err, errlen);
    if (lock < 0) { rc = -1; goto done; }
    rc = refresh_runs(s, 0, err, errlen);
    close(lock);
    if (rc != 0) goto done;
    if (idset_has(&s->ids, run_id)) { unlink(path); goto done; }   /* done already: nothing to claim */
    if (s->n_claims == s->cap_claims) {
        int cap = s->cap_claims ? 2 * s->cap_claims : 8;
        claim *c = realloc(s->claims, (size_t)cap * sizeof *c);
        if (!c) { rc = fail(err, errlen, "out of memory"); goto done; }
        s->claims = c;
        s->cap_claims = cap;
    }
    claim c = {strdup(run_id), fd, stale};
    if (!c.run_id) { rc = fail(err, errlen, "out of memory"); goto done; }
    s->claims[s->n_claims++] = c;
    fd = -1;
    rc = 1;
done:
    if (fd >= 0) {
        if (rc < 0) unlink(path);
        close(fd);
    }
    pthread_mutex_unlock(&s->mu);
    free(path);
    return rc;
}

void store_release(store *s, const char *run_id) {
    pthread_mutex_lock(&s->mu);
    claim *c = find_claim(s, run_id);
    if (c) {
        char *path = path_join(s->claims_dir, run_id);
        if (path) unlink(path);                             /* unlink while still locked; see lock_claim_file */
        free(path);
        close(c->fd);
        free(c->run_id);
        *c = s->claims[--s->n_claims];
    }
    pthread_mutex_unlock(&s->mu);
}

/* ---------- append ---------- */

/* Concatenate formatted rows into one malloc'd block. */
static char *format_block(const char *const *const *rows, int n_rows, int n_cols, size_t *len) {
    size_t cap = 256, n = 0;
    char *block = malloc(cap);
    for (int i = 0; block && i < n_rows; i++) {
        char *line = table_format_row(rows[i], n_cols);
        if (!line) { free(block); return NULL; }
        size_t l = strlen(line);
        if (n + l + 1 > cap) {
            while (n + l + 1 > cap) cap *= 2;
            char *p = realloc(block, cap);
            if (!p) { free(line); free(block); return NULL; }
            block = p;
        }
        memcpy(block + n, line, l + 1);
        n += l;
        free(line);
    }
    if (block) block[n] = '\0';
    *len = n;
    return block;
}

static int append_file(const char *path, const char *buf, size_t len, char *err, size_t errlen) {
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return fail(err, errlen, "%s: %s", path, strerror(errno));
    int rc = write_all(fd, buf, len) == 0 && fsync(fd) == 0 ? 0 : fail(err, errlen, "%s: append: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int store_append(store *s, const char *const *run_row, const char *const *const *curve_rows, int n_curve_rows,
                 char *err, size_t errlen) {
    const char *run_id = run_row[s->runs_id_col];
    for (int i = 0; i < n_curve_rows; i++)
        if (strcmp(curve_rows[i][s->curves_id_col], run_id) != 0)
            return fail(err, errlen, "%s: curves row %d has run_id '%s', expected '%s'", s->curves_path, i + 1,
                        curve_rows[i][s->curves_id_col], run_id);
    size_t curves_len = 0, runs_len;
    char *curves = format_block(curve_rows, n_curve_rows, s->n_curves_cols, &curves_len);
    char *runs = format_block(&run_row, 1, s->n_runs_cols, &runs_len);
    if (!curves || !runs) {
        free(curves);
        free(runs);
        return fail(err, errlen, "out of memory");
    }
    pthread_mutex_lock(&s->mu);
    int rc, lock = lock_dir(s, LOCK_EX, err, errlen);
    if (lock < 0) { rc = -1; goto unlock; }
    if ((rc = refresh_runs(s, 1, err, errlen)) != 0) goto done;
    if (idset_has(&s->ids, run_id)) { rc = 1; goto done; }
    claim *c = find_claim(s, run_id);
    int torn = curves_torn(s, err, errlen);
    if (torn < 0) { rc = -1; goto done; }
    if (torn || (c && c->stale)) {      /* a crashed writer may have left a partial line or orphan rows */
        if ((rc = sweep_curves(s, err, errlen)) != 0) goto done;
        if (c) c->stale = 0;
    }
    if (curves_len && (rc = append_file(s->curves_path, curves, curves_len, err, errlen)) != 0) goto done;
    if ((rc = append_file(s->runs_path, runs, runs_len, err, errlen)) != 0) goto done;
    if (idset_add(&s->ids, run_id) != 0) { rc = fail(err, errlen, "out of memory"); goto done; }
    s->n_rows++;
    s->runs_seen += (off_t)runs_len;
    for (size_t i = 0; i < runs_len; i++) s->runs_line += runs[i] == '\n';
done:
    close(lock);
unlock:
    pthread_mutex_unlock(&s->mu);
    free(curves);
    free(runs);
    return rc;
}
