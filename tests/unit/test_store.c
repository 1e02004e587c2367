/* store: resumable results that survive crashes, other processes and other threads. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "table.h"

#define N_RUNS_COLS 3
#define N_CURVES_COLS 3
static const char *const runs_header[N_RUNS_COLS] = {"run_id", "status", "hidden"};
static const char *const curves_header[N_CURVES_COLS] = {"run_id", "epoch", "val_loss"};
#define EPOCHS 3

/* A fresh experiment directory under /tmp (not created: store_open must mkdir -p it). */
static void make_dir(char *dir, size_t n) {
    char tmpl[] = "/tmp/test_store_XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    snprintf(dir, n, "%s/results/exp", tmpl);
}

static store *open_store(const char *dir, int fresh) {
    char err[512] = "";
    store *s = NULL;
    int rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, fresh, err, sizeof err);
    cr_assert_eq(rc, 0, "store_open: %s", err);
    return s;
}

/* Append run `id` with EPOCHS curve rows; returns store_append's result. Safe to call from any thread/process. */
static int append_run(store *s, const char *id) {
    char epoch[EPOCHS][8];
    const char *rows[EPOCHS][N_CURVES_COLS];
    const char *const *curve_rows[EPOCHS];
    for (int e = 0; e < EPOCHS; e++) {
        snprintf(epoch[e], sizeof epoch[e], "%d", e + 1);
        rows[e][0] = id;
        rows[e][1] = epoch[e];
        rows[e][2] = "0.5";
        curve_rows[e] = rows[e];
    }
    const char *run_row[N_RUNS_COLS] = {id, "ok", "256,256"};
    char err[512];
    return store_append(s, run_row, curve_rows, EPOCHS, err, sizeof err);
}

static void file_path(char *out, size_t n, const char *dir, const char *name) {
    snprintf(out, n, "%s/%s", dir, name);
}

static void append_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_APPEND);
    cr_assert(fd >= 0, "%s", path);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static off_t file_size(const char *path) {
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return st.st_size;
}

static void read_table(table *t, const char *dir, const char *name) {
    char path[512], err[512] = "";
    file_path(path, sizeof path, dir, name);
    cr_assert_eq(table_read(t, path, err, sizeof err), 0, "%s", err);
}

/* Each run id in runs.csv exactly once, n of them, with EPOCHS curves rows each and nothing else. */
static void assert_complete(const char *dir, int n) {
    table runs, curves;
    read_table(&runs, dir, "runs.csv");
    read_table(&curves, dir, "curves.csv");
    cr_assert_eq(runs.nrows, n);
    cr_assert_eq(curves.nrows, n * EPOCHS);
    for (int i = 0; i < runs.nrows; i++) {
        cr_assert_str_eq(table_cell(&runs, i, 1), "ok");
        cr_assert_str_eq(table_cell(&runs, i, 2), "256,256");
        int same = 0, epochs = 0;
        for (int k = 0; k < runs.nrows; k++) same += strcmp(table_cell(&runs, k, 0), table_cell(&runs, i, 0)) == 0;
        for (int k = 0; k < curves.nrows; k++) epochs += strcmp(table_cell(&curves, k, 0), table_cell(&runs, i, 0)) == 0;
        cr_assert_eq(same, 1, "run %s appears %d times", table_cell(&runs, i, 0), same);
        cr_assert_eq(epochs, EPOCHS, "run %s has %d curve rows", table_cell(&runs, i, 0), epochs);
    }
    table_free(&runs);
    table_free(&curves);
}

Test(store, create_append_reopen) {
    char dir[256];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    cr_assert_eq(store_count(s), 0);
    cr_assert_eq(store_has(s, "00000000000000a1"), 0);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    cr_assert_eq(append_run(s, "00000000000000b2"), 0);
    cr_assert_eq(store_has(s, "00000000000000a1"), 1);
    cr_assert_eq(store_count(s), 2);
    store_close(s);

    s = open_store(dir, 0);
    cr_assert_eq(store_count(s), 2);
    cr_assert_eq(store_has(s, "00000000000000a1"), 1);
    cr_assert_eq(store_has(s, "00000000000000b2"), 1);
    cr_assert_eq(store_has(s, "00000000000000c3"), 0);
    store_close(s);
    assert_complete(dir, 2);
}

Test(store, header_mismatch_names_file_and_column) {
    char dir[256], err[512] = "", runs[512];
    make_dir(dir, sizeof dir);
    store_close(open_store(dir, 0));
    const char *other[N_RUNS_COLS] = {"run_id", "state", "hidden"};
    store *s = NULL;
    cr_assert_eq(store_open(&s, dir, other, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err), -2,
                 "a file's content is bad input (-2)");
    cr_assert_null(s);
    file_path(runs, sizeof runs, dir, "runs.csv");
    cr_assert(strstr(err, runs) == err, "err was: %s", err);
    cr_assert(strstr(err, "'status'") && strstr(err, "'state'"), "err was: %s", err);

    const char *longer[] = {"run_id", "status", "hidden", "seed"};
    cr_assert_eq(store_open(&s, dir, longer, 4, curves_header, N_CURVES_COLS, 0, err, sizeof err), -2);
    cr_assert(strstr(err, "'seed'"), "err was: %s", err);
}

Test(store, torn_last_line_is_repaired_on_open) {
    char dir[256], runs[512], curves[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    cr_assert_eq(append_run(s, "00000000000000b2"), 0);
    store_close(s);
    file_path(runs, sizeof runs, dir, "runs.csv");
    file_path(curves, sizeof curves, dir, "curves.csv");
    off_t runs_size = file_size(runs), curves_size = file_size(curves);
    append_text(runs, "00000000000000c3,ok,\"256,");        /* killed mid-write, inside a quoted field */
    append_text(curves, "00000000000000c3,1,0.");

    s = open_store(dir, 0);
    cr_assert_eq(store_count(s), 2);
    cr_assert_eq(store_has(s, "00000000000000c3"), 0);
    store_close(s);
    cr_assert_eq(file_size(runs), runs_size);
    cr_assert_eq(file_size(curves), curves_size);
    assert_complete(dir, 2);
}

Test(store, torn_line_left_by_a_live_peer_is_repaired_by_append) {
    char dir[256], runs[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    file_path(runs, sizeof runs, dir, "runs.csv");
    append_text(runs, "00000000000000zz,o");
    cr_assert_eq(append_run(s, "00000000000000b2"), 0);
    store_close(s);
    assert_complete(dir, 2);
}

Test(store, orphan_curve_rows_are_dropped_on_open) {
    char dir[256], curves[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    store_close(s);
    file_path(curves, sizeof curves, dir, "curves.csv");
    append_text(curves, "00000000000000c3,1,0.9\n00000000000000c3,2,0.8\n");   /* crash before its runs row */
    s = open_store(dir, 0);
    cr_assert_eq(append_run(s, "00000000000000b2"), 0);
    store_close(s);
    assert_complete(dir, 2);
}

Test(store, rerun_after_a_crash_between_the_appends_keeps_one_set_of_curves) {
    /* A peer wrote run c3's curves, then died before its runs row, leaving its claim file behind unlocked.
       We opened before that, so only the claim tells us; the rerun must not duplicate c3's epochs. */
    char dir[256], curves[512], claim[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    file_path(curves, sizeof curves, dir, "curves.csv");
    file_path(claim, sizeof claim, dir, ".claims/00000000000000c3");
    append_text(curves, "00000000000000c3,1,0.9\n00000000000000c3,2,0.8\n");
    close(open(claim, O_WRONLY | O_CREAT, 0644));
    char err[512] = "";
    cr_assert_eq(store_claim(s, "00000000000000c3", err, sizeof err), 1, "%s", err);
    cr_assert_eq(append_run(s, "00000000000000c3"), 0);
    store_release(s, "00000000000000c3");
    store_close(s);
    cr_assert_eq(access(claim, F_OK), -1, "release removes the claim file");
    assert_complete(dir, 1);
}

Test(store, append_of_existing_run_writes_nothing) {
    char dir[256], runs[512], curves[512];
    make_dir(dir, sizeof dir);
    store *a = open_store(dir, 0), *b = open_store(dir, 0);   /* b has not seen a's row */
    cr_assert_eq(append_run(a, "00000000000000a1"), 0);
    file_path(runs, sizeof runs, dir, "runs.csv");
    file_path(curves, sizeof curves, dir, "curves.csv");
    off_t runs_size = file_size(runs), curves_size = file_size(curves);
    cr_assert_eq(append_run(b, "00000000000000a1"), 1);
    cr_assert_eq(append_run(a, "00000000000000a1"), 1);
    cr_assert_eq(file_size(runs), runs_size);
    cr_assert_eq(file_size(curves), curves_size);
    cr_assert_eq(store_count(b), 1);
    store_close(a);
    store_close(b);
    assert_complete(dir, 1);
}

Test(store, fresh_keeps_a_backup_of_the_old_files) {
    char dir[256], runs[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    store_close(s);
    file_path(runs, sizeof runs, dir, "runs.csv");
    FILE *f = fopen(runs, "rb");
    char old[512] = "";
    size_t old_len = fread(old, 1, sizeof old - 1, f);
    fclose(f);

    s = open_store(dir, 1);
    cr_assert_eq(store_count(s), 0);
    cr_assert_eq(store_has(s, "00000000000000a1"), 0);
    store_close(s);
    assert_complete(dir, 0);

    char cmd[600], backup[512] = "";
    snprintf(cmd, sizeof cmd, "ls %s/runs.csv.bak-* %s/curves.csv.bak-* 2>/dev/null", dir, dir);
    FILE *ls = popen(cmd, "r");
    char curves_backup[512] = "";
    cr_assert(fgets(curves_backup, sizeof curves_backup, ls) != NULL, "curves.csv backup exists");
    cr_assert(fgets(backup, sizeof backup, ls) != NULL, "runs.csv backup exists");
    pclose(ls);
    backup[strcspn(backup, "\n")] = '\0';
    cr_assert(strstr(backup, "runs.csv.bak-2") != NULL, "%s", backup);
    f = fopen(backup, "rb");
    cr_assert_not_null(f, "%s", backup);
    char got[512] = "";
    size_t got_len = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    cr_assert_eq(got_len, old_len);
    cr_assert_str_eq(got, old);

    store_close(open_store(dir, 1));         /* a second --fresh within the same second must not clobber it */
    snprintf(cmd, sizeof cmd, "ls %s/runs.csv.bak-* | wc -l", dir);
    ls = popen(cmd, "r");
    int n = 0;
    cr_assert_eq(fscanf(ls, "%d", &n), 1);
    pclose(ls);
    cr_assert_eq(n, 2);
}

Test(store, claim_held_by_a_live_process_then_freed_by_its_death) {
    char dir[256], err[512] = "";
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    int up[2], down[2];
    cr_assert_eq(pipe(up), 0);
    cr_assert_eq(pipe(down), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        store *c = NULL;
        char e[512];
        if (store_open(&c, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, e, sizeof e) != 0) _exit(2);
        char ok = store_claim(c, "00000000000000a1", e, sizeof e) == 1 ? 'y' : 'n';
        if (write(up[1], &ok, 1) != 1) _exit(3);
        char go;
        if (read(down[0], &go, 1) != 1) _exit(4);
        _exit(0);                           /* no release, no close: as if killed */
    }
    char ok = 0;
    cr_assert_eq(read(up[0], &ok, 1), 1);
    cr_assert_eq(ok, 'y', "child claimed");
    cr_assert_eq(store_claim(s, "00000000000000a1", err, sizeof err), 0, "held by the child");
    cr_assert_eq(store_claim(s, "00000000000000b2", err, sizeof err), 1, "other runs are free");
    cr_assert_eq(store_claim(s, "00000000000000b2", err, sizeof err), 0, "held by us (another thread)");
    cr_assert_eq(write(down[1], "x", 1), 1);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    cr_assert_eq(store_claim(s, "00000000000000a1", err, sizeof err), 1, "free once the child died: %s", err);

    cr_assert_eq(append_run(s, "00000000000000b2"), 0);
    store_release(s, "00000000000000b2");
    cr_assert_eq(store_claim(s, "00000000000000b2", err, sizeof err), 0, "done runs cannot be claimed");
    cr_assert_eq(store_claim(s, "../x", err, sizeof err), -1, "run ids are file names");
    store_close(s);
}

Test(store, claim_sees_rows_appended_by_another_process) {
    char dir[256], err[512] = "";
    make_dir(dir, sizeof dir);
    store *a = open_store(dir, 0), *b = open_store(dir, 0);
    cr_assert_eq(append_run(a, "00000000000000a1"), 0);
    cr_assert_eq(store_has(b, "00000000000000a1"), 0, "not refreshed yet");
    cr_assert_eq(store_claim(b, "00000000000000a1", err, sizeof err), 0);
    cr_assert_eq(store_has(b, "00000000000000a1"), 1);
    cr_assert_eq(store_count(b), 1);
    store_close(a);
    store_close(b);
}

#define SHARED_RUNS 50
Test(store, two_processes_appending_the_same_runs_leave_each_once) {
    char dir[256];
    make_dir(dir, sizeof dir);
    store_close(open_store(dir, 0));
    pid_t pids[2];
    for (int p = 0; p < 2; p++) {
        pids[p] = fork();
        cr_assert(pids[p] >= 0);
        if (pids[p] == 0) {
            store *s = NULL;
            char e[512];
            if (store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, e, sizeof e) != 0)
                _exit(2);
            for (int i = 0; i < SHARED_RUNS; i++) {
                char id[32];
                snprintf(id, sizeof id, "%016x", i);
                int c = store_claim(s, id, e, sizeof e);
                if (c < 0) _exit(3);
                if (c == 1 && append_run(s, id) < 0) _exit(4);
                if (c == 1) store_release(s, id);
            }
            store_close(s);
            _exit(0);
        }
    }
    for (int p = 0; p < 2; p++) {
        int status;
        cr_assert_eq(waitpid(pids[p], &status, 0), pids[p]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d status %d", p, status);
    }
    assert_complete(dir, SHARED_RUNS);
    store *s = open_store(dir, 0);
    cr_assert_eq(store_count(s), SHARED_RUNS);
    store_close(s);
}

#define THREAD_RUNS 200
Test(store, four_threads_appending_different_runs) {
    char dir[256];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir, 0);
    int failures = 0;
#pragma omp parallel for num_threads(4) reduction(+ : failures) schedule(dynamic)
    for (int i = 0; i < THREAD_RUNS; i++) {
        char id[32], e[512];
        snprintf(id, sizeof id, "%016x", i);
        if (store_claim(s, id, e, sizeof e) != 1 || append_run(s, id) != 0) failures++;
        store_release(s, id);
    }
    cr_assert_eq(failures, 0);
    cr_assert_eq(store_count(s), THREAD_RUNS);
    store_close(s);
    assert_complete(dir, THREAD_RUNS);
}
