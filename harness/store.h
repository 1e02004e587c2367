/* store: crash-safe, concurrent-safe, resumable results (runs.csv + curves.csv) for one experiment directory.

   Several processes may share a directory, and several threads a store. Writers append whole blocks under an
   exclusive flock on dir/.lock; a run is "done" once its runs.csv row exists, and its curves rows are written
   just before it. A crash can leave a torn last line or curves rows without a runs row (orphans): the next
   store_open repairs both, and store_append repairs them when it meets them. Both files need a "run_id" column. */
#ifndef SWEEP_STORE_H
#define SWEEP_STORE_H
#include <stddef.h>

typedef struct store store;

/* Open (mkdir -p) dir under its lock: create runs.csv/curves.csv with these headers if absent, else check the
   headers; repair torn last lines; drop orphan curves rows (atomic rewrite); load the run ids present.
   flags: STORE_FRESH first moves existing files to <name>.bak-YYYYmmdd-HHMMSS; STORE_SINGLE_WRITER, below. Results files are opened without following
   symbolic links and must be regular files. Only a torn LAST line is repaired: damage elsewhere (an unterminated
   quote before the last line, a row with the wrong number of fields, a wrong header) changes nothing.
   Returns 0; -2 with one line "file:line: what" in err when a file's content or type is bad (bad input);
   -1 with one line in err on a system error. */
enum {
    STORE_FRESH = 1,            /* start over: move the files (and dir/shards) to .bak-YYYYmmdd-HHMMSS names */
    STORE_SINGLE_WRITER = 2,    /* one process writes this directory (a shard): where the file system has no
                                   flock (Lustre noflock: ENOSYS), go on without it */
};
int store_open(store **out, const char *dir, const char *const *runs_header, int n_runs_cols,
               const char *const *curves_header, int n_curves_cols, int flags, char *err, size_t errlen);
/* 1 if run_id has a row in runs.csv as of the last refresh (open, claim or append), else 0. */
int store_has(store *s, const char *run_id);
/* Claim run_id for this process (flock on dir/.claims/<run_id>, freed by the kernel if the process dies) after
   re-reading runs.csv: 1 claimed, 0 already done or held by another process or thread, -1 with err. */
int store_claim(store *s, const char *run_id, char *err, size_t errlen);
/* Give back a claim taken by store_claim; no-op if not held. */
void store_release(store *s, const char *run_id);
/* Append one finished run: its curve rows (each n_curves_cols strings, same run_id) in one write, then its runs
   row in one write, under the directory lock, each fsync'ed. 0 written, 1 run_id already present (nothing
   written), -1 with err. */
int store_append(store *s, const char *const *run_row, const char *const *const *curve_rows, int n_curve_rows,
                 char *err, size_t errlen);
/* Rows in runs.csv as of the last refresh. */
int store_count(store *s);
/* Called by store_read_rows per complete row (fields as in the header's order, n of them) starting on `line`.
   Returns 0 to go on, nonzero to stop (store_read_rows then returns -1; the callback fills err). */
typedef int (*store_row_fn)(const char *const *fields, int n, long line, void *ctx);
/* Read a results file written by a store (runs.csv or curves.csv, in any directory) without locks or changes,
   as a reader on another node must: its header must be `header`; a torn last line (a writer died or is
   mid-append) is skipped; damage elsewhere is an error naming file:line. A missing file has no rows.
   Returns 0; -2 with err when the file's content or type is bad; -1 with err otherwise. */
int store_read_rows(const char *path, const char *const *header, int n_cols, store_row_fn fn, void *ctx,
                    char *err, size_t errlen);
/* Release all claims still held and free the store; safe on NULL. */
void store_close(store *s);

#endif
