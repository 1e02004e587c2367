/* store internals shared by store.c (open, claims, append, close) and store_repair.c (reading runs.csv,
   torn-line repair, orphan curves rows, backups). Not part of the store.h API. */
#ifndef SWEEP_STORE_INTERNAL_H
#define SWEEP_STORE_INTERNAL_H
#include "store.h"

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/* A set of run ids: open addressing, linear probing. */
typedef struct {
    char **slots;   /* (cap) NULL = empty */
    size_t cap, n;
} store_idset;

typedef struct {
    char *run_id;
    int fd;         /* holds the flock on dir/.claims/<run_id> */
    int stale;      /* the claim file was left by a process that died: maybe orphan curves rows */
} store_claim_slot;

struct store {
    pthread_mutex_t mu;
    char *dir, *runs_path, *curves_path, *lock_path, *claims_dir;
    char **runs_header, **curves_header;   /* (n_runs_cols), (n_curves_cols) */
    int n_runs_cols, n_curves_cols;
    int runs_id_col, curves_id_col;         /* index of "run_id" in each header */
    store_idset ids;                        /* run ids in runs.csv */
    int n_rows;                             /* rows in runs.csv */
    ino_t runs_ino;                         /* runs.csv as last read; a new inode means re-read from 0 */
    off_t runs_seen;                        /* bytes of runs.csv read so far (a record boundary) */
    long runs_line;                         /* line number at runs_seen */
    store_claim_slot *claims;               /* (n_claims) held by this process */
    int n_claims, cap_claims;
    int bad_input;                          /* the last failure was a file's content or type, not the system */
    int single_writer;                      /* STORE_SINGLE_WRITER: no flock is fine */
};

/* ---- store.c ---- */

/* Format into err; returns -1, so that `return store_fail(...)` reports an error. */
int store_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 1 if id is in the set, else 0. */
int store_idset_has(const store_idset *set, const char *id);
/* Add a copy of id: 0 added or present, -1 out of memory. */
int store_idset_add(store_idset *set, const char *id);
/* Free the ids and empty the set. */
void store_idset_free(store_idset *set);
/* write(2) all n bytes, retrying on EINTR: 0 or -1 (errno set). */
int store_write_all(int fd, const char *buf, size_t n);
/* open(2) path with flags (plus O_NOFOLLOW, O_CLOEXEC; mode 0644 on create) and check it is a regular file:
   the fd, or -1 with err (*bad set when path is a symbolic link, directory, device or FIFO). */
int store_open_regular(const char *path, int flags, int *bad, char *err, size_t errlen);
/* fsync a directory so that a rename or create in it is durable; best effort. */
void store_fsync_dir(const char *dir);

/* ---- store_repair.c ---- */

/* Read rows appended to runs.csv since the last refresh. Caller holds s->mu and the directory lock; with
   repair (exclusive lock held) a torn tail is truncated and a missing header written. 0 or -1 with err. */
int store_refresh_runs(store *s, int repair, char *err, size_t errlen);
/* Under the exclusive lock, with runs refreshed: truncate a torn tail of curves.csv, write a missing header, and
   drop rows whose run_id has no runs row (atomic rewrite). 0 or -1 with err. */
int store_sweep_curves(store *s, char *err, size_t errlen);
/* 1 if curves.csv does not end in '\n' (a torn last line), 0 if it does or is empty, -1 with err. */
int store_curves_torn(store *s, char *err, size_t errlen);
/* Move existing runs.csv/curves.csv to <name>.bak-YYYYmmdd-HHMMSS[-k], the same suffix for both. 0 or -1. */
int store_backup_existing(store *s, char *err, size_t errlen);

#endif
