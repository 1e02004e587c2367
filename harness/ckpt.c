/* ckpt: see ckpt.h. */
#include "ckpt.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* dir/.checkpoints[/run_id[suffix]] into buf; -1 if it does not fit. */
static int ckpt_path(char *buf, size_t n, const char *dir, const char *run_id, const char *suffix) {
    int k = run_id ? snprintf(buf, n, "%s/.checkpoints/%s%s", dir, run_id, suffix)
                   : snprintf(buf, n, "%s/.checkpoints", dir);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

static int ckpt_write_all(int fd, const unsigned char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int ckpt_save(const char *dir, const char *run_id, const train_session *s, char *err, size_t errlen) {
    char folder[4096], tmp[4096], path[4096];
    if (ckpt_path(folder, sizeof folder, dir, NULL, "") || ckpt_path(tmp, sizeof tmp, dir, run_id, ".tmp") ||
        ckpt_path(path, sizeof path, dir, run_id, "")) {
        snprintf(err, errlen, "%s: path too long for a checkpoint", dir);
        return -1;
    }
    if (mkdir(folder, 0777) && errno != EEXIST) {
        snprintf(err, errlen, "%s: mkdir: %s", folder, strerror(errno));
        return -1;
    }
    size_t n = train_state_size(s);
    unsigned char *buf = malloc(n);
    if (!buf) {
        snprintf(err, errlen, "checkpoint: out of memory (%zu bytes)", n);
        return -1;
    }
    train_state_save(s, buf, n);
    int rc = -1, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    else if (ckpt_write_all(fd, buf, n) || fsync(fd)) snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
    else if (close(fd) || (fd = -1, rename(tmp, path))) snprintf(err, errlen, "%s: %s", path, strerror(errno));
    else {
        int dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        rc = 0;
    }
    if (fd >= 0) close(fd);
    if (rc) unlink(tmp);
    free(buf);
    return rc;
}

int ckpt_load(const char *dir, const char *run_id, train_session *s, char *err, size_t errlen) {
    char path[4096];
    if (ckpt_path(path, sizeof path, dir, run_id, "")) return 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    unsigned char *buf = NULL;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) snprintf(err, errlen, "%s: not a regular file", path);
    else if (!(buf = malloc((size_t)st.st_size + 1))) snprintf(err, errlen, "%s: out of memory", path);
    else {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        char why[512];
        if (got != (size_t)st.st_size) snprintf(err, errlen, "%s: short read", path);
        else if (train_state_load(s, buf, got, why, sizeof why)) snprintf(err, errlen, "%s: %s", path, why);
        else rc = 1;
    }
    free(buf);
    close(fd);
    return rc;
}

void ckpt_remove(const char *dir, const char *run_id) {
    char path[4096];
    if (!ckpt_path(path, sizeof path, dir, run_id, "")) unlink(path);
}

int ckpt_exists(const char *dir, const char *run_id) {
    char path[4096];
    struct stat st;
    return !ckpt_path(path, sizeof path, dir, run_id, "") && lstat(path, &st) == 0;
}

static double ckpt_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int ckpt_train(const ckpt_plan *p, const train_config *cfg, const data_bundle *data, train_result *res,
               train_epoch *curve, int *ncurve, char *err, size_t errlen) {
    train_session *s;
    if (train_begin(&s, cfg, data, err, errlen)) return -1;
    char why[1024];
    if (ckpt_load(p->dir, p->run_id, s, why, sizeof why) < 0 && p->warn)
        fprintf(p->warn, "sweep: run %s: checkpoint refused, training from scratch: %s\n", p->run_id, why);
    int outcome = CKPT_DONE, more = 1;
    double last = ckpt_now();
    train_epoch e;
    while (more) {
        if (p->stop_at > 0 && train_epochs_done(s) >= p->stop_at) {
            outcome = CKPT_PAUSED;
            break;
        }
        int before = train_epochs_done(s);
        more = train_step(s, &e);
        if (train_epochs_done(s) == before) break; /* diverged mid-epoch: nothing to report */
        if (p->on_epoch && p->on_epoch(&e, p->user)) {
            outcome = CKPT_STOPPED;
            break;
        }
        int at_pause = p->stop_at > 0 && train_epochs_done(s) >= p->stop_at;
        if (more && !at_pause && p->every >= 0 && ckpt_now() - last >= p->every) {
            if (ckpt_save(p->dir, p->run_id, s, err, errlen)) goto fail;
            last = ckpt_now();
        }
    }
    if (outcome != CKPT_DONE && !train_ended(s)) {
        if (ckpt_save(p->dir, p->run_id, s, err, errlen)) goto fail;
    } else outcome = CKPT_DONE;
    int n;
    const train_epoch *c = train_curve(s, &n);
    memcpy(curve, c, sizeof(train_epoch) * (size_t)n);
    *ncurve = n;
    if (outcome == CKPT_DONE) train_finish(s, res);
    else train_free(s);
    return outcome;
fail:
    train_free(s);
    return -1;
}
