/* store: crash-safe, concurrent-safe, resumable results for one experiment directory (see store.h).
   This file: open, claims, append, close. Reading runs.csv and the repairs (torn lines, orphan curves rows,
   --fresh backups) are in store_repair.c; the struct and the helpers both use are in store_internal.h.

   Locking: s->mu guards the in-process state (threads); dir/.lock is flock()ed per operation (processes):
   exclusive to write or repair, shared to re-read. Files are opened by path inside each locked operation and
   never held open, because store_open may replace curves.csv (rename) and --fresh may move runs.csv away. */
#include "store_internal.h"
#include "table.h"

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
#include <unistd.h>

/* ---------- a set of run ids: open addressing, linear probing ---------- */

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull;                  /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t idset_find(const store_idset *set, const char *id) {
    size_t i = hash_str(id) & (set->cap - 1);
    while (set->slots[i] && strcmp(set->slots[i], id) != 0) i = (i + 1) & (set->cap - 1);
    return i;
}

int store_idset_has(const store_idset *set, const char *id) {
    return set->cap && set->slots[idset_find(set, id)] != NULL;
}

int store_idset_add(store_idset *set, const char *id) {
    if (2 * (set->n + 1) > set->cap) {
        store_idset bigger = {calloc(set->cap ? 2 * set->cap : 64, sizeof(char *)), set->cap ? 2 * set->cap : 64, 0};
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

void store_idset_free(store_idset *set) {
    for (size_t i = 0; i < set->cap; i++) free(set->slots[i]);
    free(set->slots);
    memset(set, 0, sizeof *set);
}

/* ---------- helpers shared with store_repair.c ---------- */

int store_fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int store_write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

void store_fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) { fsync(fd); close(fd); }
}

int store_open_regular(const char *path, int flags, int *bad, char *err, size_t errlen) {
    /* O_NONBLOCK: a FIFO in a file's place must not hang the open; it is refused just below. */
    int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    struct stat st;
    if (fd < 0 && errno != ELOOP && errno != EISDIR && errno != ENXIO)
        return store_fail(err, errlen, "%s: %s", path, strerror(errno));
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        *bad = 1;
        return store_fail(err, errlen, "%s: not a regular file (a symbolic link, directory or device); results "
                          "files are never followed through links", path);
    }
    return fd;
}

/* ---------- local helpers ---------- */

static char *path_join(const char *dir, const char *name) {
    char *p;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
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
    int fd = store_open_regular(s->lock_path, O_RDWR | O_CREAT, &s->bad_input, err, errlen);
    if (fd < 0) return -1;
    while (flock(fd, how) != 0) {
        if (errno == EINTR) continue;
        if (s->single_writer && (errno == ENOSYS || errno == EOPNOTSUPP || errno == ENOLCK)) break;
        store_fail(err, errlen, "%s: flock: %s", s->lock_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
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

int store_open(store **out, const char *dir, const char *const *runs_header, int n_runs_cols,
               const char *const *curves_header, int n_curves_cols, int flags, char *err, size_t errlen) {
    *out = NULL;
    if (n_runs_cols < 1 || n_curves_cols < 1) return store_fail(err, errlen, "%s: store needs column headers", dir);
    int runs_id = index_of(runs_header, n_runs_cols, "run_id");
    int curves_id = index_of(curves_header, n_curves_cols, "run_id");
    if (runs_id < 0 || curves_id < 0)
        return store_fail(err, errlen, "%s: %s header has no run_id column", dir, runs_id < 0 ? "runs" : "curves");
    store *s = calloc(1, sizeof *s);
    if (!s) return store_fail(err, errlen, "out of memory");
    pthread_mutex_init(&s->mu, NULL);
    s->n_runs_cols = n_runs_cols;
    s->n_curves_cols = n_curves_cols;
    s->runs_id_col = runs_id;
    s->curves_id_col = curves_id;
    s->runs_line = 1;
    s->single_writer = (flags & STORE_SINGLE_WRITER) != 0;
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
        return store_fail(err, errlen, "out of memory");
    }
    if (mkdir_p(dir) != 0 || mkdir_p(s->claims_dir) != 0) {
        store_fail(err, errlen, "%s: mkdir: %s", dir, strerror(errno));
        store_close(s);
        return -1;
    }
    int lock = lock_dir(s, LOCK_EX, err, errlen);
    if (lock < 0) {
        int bad = s->bad_input;
        store_close(s);
        return bad ? -2 : -1;
    }
    int rc = flags & STORE_FRESH ? store_backup_existing(s, err, errlen) : 0;
    for (int i = 0; rc == 0 && i < 2; i++) {
        const char *path = i ? s->curves_path : s->runs_path;
        int fd = store_open_regular(path, O_RDWR | O_CREAT, &s->bad_input, err, errlen);
        if (fd < 0) rc = -1;
        else close(fd);
    }
    if (rc == 0) rc = store_refresh_runs(s, 1, err, errlen);
    if (rc == 0) rc = store_sweep_curves(s, err, errlen);
    if (rc == 0) store_fsync_dir(dir);
    close(lock);
    if (rc != 0) {
        rc = s->bad_input ? -2 : -1;
        store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void store_close(store *s) {
    if (!s) return;
    while (s->n_claims > 0) store_release(s, s->claims[s->n_claims - 1].run_id);
    free(s->claims);
    store_idset_free(&s->ids);
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
    int has = store_idset_has(&s->ids, run_id);
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

static store_claim_slot *find_claim(store *s, const char *run_id) {
    for (int i = 0; i < s->n_claims; i++)
        if (strcmp(s->claims[i].run_id, run_id) == 0) return &s->claims[i];
    return NULL;
}

/* Take the flock on dir/.claims/<run_id>. Returns the fd, -2 if another process or thread holds it, -1 with err.
   *stale is set when the file was already there unlocked: its last holder died without releasing. */
static int lock_claim_file(const char *path, int *stale, char *err, size_t errlen) {
    for (;;) {
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        *stale = 0;
        if (fd < 0 && errno == EEXIST) {
            fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0 && errno == ENOENT) continue;        /* released meanwhile */
            *stale = 1;
        }
        if (fd < 0) return store_fail(err, errlen, "%s: %s", path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK) return -2;
            return store_fail(err, errlen, "%s: flock: %s", path, strerror(e));
        }
        /* The holder unlinks before unlocking: if the name now points elsewhere, we locked a dead file. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return fd;
        close(fd);
    }
}

int store_claim(store *s, const char *run_id, char *err, size_t errlen) {
    if (!valid_run_id(run_id)) return store_fail(err, errlen, "run_id '%s' is not a valid file name", run_id);
    char *path = path_join(s->claims_dir, run_id);
    if (!path) return store_fail(err, errlen, "out of memory");
    pthread_mutex_lock(&s->mu);
    int rc = 0, stale = 0, fd = -1;
    if (find_claim(s, run_id)) goto done;                   /* another thread of ours runs it */
    fd = lock_claim_file(path, &stale, err, errlen);
    if (fd < 0) { rc = fd == -2 ? 0 : -1; goto done; }
    int lock = lock_dir(s, LOCK_SH, err, errlen);
    if (lock < 0) { rc = -1; goto done; }
    rc = store_refresh_runs(s, 0, err, errlen);
    close(lock);
    if (rc != 0) goto done;
    if (store_idset_has(&s->ids, run_id)) { unlink(path); goto done; }   /* done already: nothing to claim */
    if (s->n_claims == s->cap_claims) {
        int cap = s->cap_claims ? 2 * s->cap_claims : 8;
        store_claim_slot *c = realloc(s->claims, (size_t)cap * sizeof *c);
        if (!c) { rc = store_fail(err, errlen, "out of memory"); goto done; }
        s->claims = c;
        s->cap_claims = cap;
    }
    store_claim_slot c = {strdup(run_id), fd, stale};
    if (!c.run_id) { rc = store_fail(err, errlen, "out of memory"); goto done; }
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
    store_claim_slot *c = find_claim(s, run_id);
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

static int append_file(store *s, const char *path, const char *buf, size_t len, char *err, size_t errlen) {
    int fd = store_open_regular(path, O_WRONLY | O_APPEND, &s->bad_input, err, errlen);
    if (fd < 0) return -1;
    int rc = store_write_all(fd, buf, len) == 0 && fsync(fd) == 0
                 ? 0
                 : store_fail(err, errlen, "%s: append: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int store_append(store *s, const char *const *run_row, const char *const *const *curve_rows, int n_curve_rows,
                 char *err, size_t errlen) {
    const char *run_id = run_row[s->runs_id_col];
    for (int i = 0; i < n_curve_rows; i++)
        if (strcmp(curve_rows[i][s->curves_id_col], run_id) != 0)
            return store_fail(err, errlen, "%s: curves row %d has run_id '%s', expected '%s'", s->curves_path,
                              i + 1, curve_rows[i][s->curves_id_col], run_id);
    size_t curves_len = 0, runs_len;
    char *curves = format_block(curve_rows, n_curve_rows, s->n_curves_cols, &curves_len);
    char *runs = format_block(&run_row, 1, s->n_runs_cols, &runs_len);
    if (!curves || !runs) {
        free(curves);
        free(runs);
        return store_fail(err, errlen, "out of memory");
    }
    pthread_mutex_lock(&s->mu);
    int rc, lock = lock_dir(s, LOCK_EX, err, errlen);
    if (lock < 0) { rc = -1; goto unlock; }
    if ((rc = store_refresh_runs(s, 1, err, errlen)) != 0) goto done;
    if (store_idset_has(&s->ids, run_id)) { rc = 1; goto done; }
    store_claim_slot *c = find_claim(s, run_id);
    int torn = store_curves_torn(s, err, errlen);
    if (torn < 0) { rc = -1; goto done; }
    if (torn || (c && c->stale)) {      /* a crashed writer may have left a partial line or orphan rows */
        if ((rc = store_sweep_curves(s, err, errlen)) != 0) goto done;
        if (c) c->stale = 0;
    }
    if (curves_len && (rc = append_file(s, s->curves_path, curves, curves_len, err, errlen)) != 0) goto done;
    if ((rc = append_file(s, s->runs_path, runs, runs_len, err, errlen)) != 0) goto done;
    if (store_idset_add(&s->ids, run_id) != 0) { rc = store_fail(err, errlen, "out of memory"); goto done; }
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
