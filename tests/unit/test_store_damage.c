/* store: damage that is not a crash (issue #14): lone CR line endings, an unterminated quote before the last
   line, results files replaced by symbolic links, directories or FIFOs. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "table.h"

#define N_RUNS_COLS 3
#define N_CURVES_COLS 3
static const char *const runs_header[N_RUNS_COLS] = {"run_id", "status", "hidden"};
static const char *const curves_header[N_CURVES_COLS] = {"run_id", "epoch", "val_loss"};
#define EPOCHS 3

static void make_dir(char *dir, size_t n) {
    char tmpl[] = "/tmp/test_store_damage_XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    snprintf(dir, n, "%s/results/exp", tmpl);
}

static store *open_store(const char *dir) {
    char err[512] = "";
    store *s = NULL;
    int rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err);
    cr_assert_eq(rc, 0, "store_open: %s", err);
    return s;
}

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

static void read_table(table *t, const char *dir, const char *name) {
    char path[512], err[512] = "";
    file_path(path, sizeof path, dir, name);
    cr_assert_eq(table_read(t, path, err, sizeof err), 0, "%s", err);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

#define CR_ROWS 200
Test(store, curves_with_lone_cr_line_endings_are_read_record_by_record) {
    /* libcsv ends a record at a lone \r too; each record must be copied with its own bytes, not the line's. */
    char dir[256], curves[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    store_close(s);
    file_path(curves, sizeof curves, dir, "curves.csv");
    static char text[CR_ROWS * 40 + 64];
    size_t n = (size_t)snprintf(text, sizeof text, "run_id,epoch,val_loss\r");
    for (int i = 0; i < CR_ROWS; i++)      /* the orphans (c3) force the rewrite that copies each record */
        n += (size_t)snprintf(text + n, sizeof text - n, "%s,%d,0.5\r", i % 2 ? "00000000000000a1" : "00000000000000c3",
                              i + 1);
    write_text(curves, text);
    s = open_store(dir);
    cr_assert_eq(store_count(s), 1);
    store_close(s);
    table t;
    read_table(&t, dir, "curves.csv");
    cr_assert_eq(t.nrows, CR_ROWS / 2, "the orphan rows dropped, every other row kept");
    for (int i = 0; i < t.nrows; i++) {
        cr_assert_str_eq(table_cell(&t, i, 0), "00000000000000a1");
        cr_assert_eq(atoi(table_cell(&t, i, 1)), 2 * i + 2);
    }
    table_free(&t);
}

/* An unterminated quote before the last line is corruption, not a crash: store_open fails naming file:line and
   changes nothing. */
static void assert_open_refuses(const char *dir, const char *name, const char *text, const char *where) {
    char path[512], err[512] = "";
    file_path(path, sizeof path, dir, name);
    write_text(path, text);
    store *s = NULL;
    int rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err);
    cr_assert_eq(rc, -2, "store_open must refuse (bad input), got %d: %s", rc, err);
    cr_assert_null(s);
    char want[600];
    snprintf(want, sizeof want, "%s:%s", path, where);
    cr_assert(strstr(err, want) == err, "err '%s' should start with '%s'", err, want);
    size_t len;
    char *now = slurp(path, &len);
    cr_assert_str_eq(now, text, "%s was changed", name);
    free(now);
}

Test(store, unterminated_quote_before_the_last_line_is_an_error_not_a_torn_tail) {
    char dir[256];
    make_dir(dir, sizeof dir);
    store_close(open_store(dir));
    assert_open_refuses(dir, "runs.csv",
                        "run_id,status,hidden\n00000000000000a1,ok,\"256\n00000000000000b2,ok,1\n"
                        "00000000000000c3,ok,1\n",
                        "2:");
    assert_open_refuses(dir, "runs.csv", "\"run_id,status,hidden\n00000000000000a1,ok,1\n", "1:");
}

Test(store, unterminated_quote_in_curves_before_the_last_line_is_an_error) {
    char dir[256], runs[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    store_close(s);
    file_path(runs, sizeof runs, dir, "runs.csv");
    assert_open_refuses(dir, "curves.csv",
                        "run_id,epoch,val_loss\n00000000000000a1,\"1,0.5\n00000000000000a1,2,0.5\n"
                        "00000000000000a1,3,0.5\n",
                        "2:");
}

Test(store, a_torn_last_line_with_an_open_quote_is_still_a_torn_tail) {
    char dir[256], runs[512];
    make_dir(dir, sizeof dir);
    store *s = open_store(dir);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    store_close(s);
    file_path(runs, sizeof runs, dir, "runs.csv");
    append_text(runs, "00000000000000b2,ok,\"25");
    s = open_store(dir);
    cr_assert_eq(store_count(s), 1);
    store_close(s);
    table t;
    read_table(&t, dir, "runs.csv");
    cr_assert_eq(t.nrows, 1, "the torn row is dropped, the complete one kept");
    cr_assert_str_eq(table_cell(&t, 0, 0), "00000000000000a1");
    table_free(&t);
}

Test(store, results_files_are_not_followed_through_symlinks) {
    char dir[256], runs[512], curves[512], victim[512], outside[512], err[512] = "";
    make_dir(dir, sizeof dir);
    store_close(open_store(dir));
    file_path(runs, sizeof runs, dir, "runs.csv");
    file_path(curves, sizeof curves, dir, "curves.csv");
    file_path(victim, sizeof victim, dir, "../victim.txt");
    file_path(outside, sizeof outside, dir, "../outside.csv");
    write_text(victim, "keep me\n");

    /* a link to another file must not truncate or append to it */
    cr_assert_eq(unlink(runs), 0);
    cr_assert_eq(symlink(victim, runs), 0);
    store *s = NULL;
    int rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err);
    cr_assert_eq(rc, -2, "rc %d: %s", rc, err);
    cr_assert(strstr(err, runs) == err && strstr(err, "regular file"), "err was: %s", err);
    size_t len;
    char *now = slurp(victim, &len);
    cr_assert_str_eq(now, "keep me\n");
    free(now);

    /* a dangling link must not create a file outside the directory */
    cr_assert_eq(unlink(runs), 0);
    cr_assert_eq(unlink(curves), 0);
    cr_assert_eq(symlink(outside, curves), 0);
    rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err);
    cr_assert_eq(rc, -2, "rc %d: %s", rc, err);
    cr_assert(strstr(err, curves) == err, "err was: %s", err);
    cr_assert_eq(access(outside, F_OK), -1, "no file created through the dangling link");

    /* a directory in place of runs.csv */
    cr_assert_eq(unlink(curves), 0);
    cr_assert_eq(unlink(runs), 0);
    cr_assert_eq(mkdir(runs, 0755), 0);
    rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err);
    cr_assert_eq(rc, -2, "rc %d: %s", rc, err);
    cr_assert(strstr(err, "regular file"), "err was: %s", err);

    /* a FIFO must be refused, not block the open */
    cr_assert_eq(rmdir(runs), 0);
    cr_assert_eq(mkfifo(runs, 0644), 0);
    rc = store_open(&s, dir, runs_header, N_RUNS_COLS, curves_header, N_CURVES_COLS, 0, err, sizeof err);
    cr_assert_eq(rc, -2, "rc %d: %s", rc, err);
}

/* ---------- store_read_rows: another writer's file, read without locks ---------- */

typedef struct {
    char ids[8][32];
    long lines[8];
    int n;
} seen_rows;

static int collect(const char *const *fields, int n, long line, void *ctx) {
    seen_rows *s = ctx;
    cr_assert_eq(n, N_RUNS_COLS);
    if (s->n < 8) {
        snprintf(s->ids[s->n], sizeof s->ids[0], "%s", fields[0]);
        s->lines[s->n++] = line;
    }
    return 0;
}

Test(store, read_rows_skips_a_torn_tail_and_refuses_damage) {
    char dir[256], runs[512], err[512] = "";
    make_dir(dir, sizeof dir);
    store *s = open_store(dir);
    cr_assert_eq(append_run(s, "00000000000000a1"), 0);
    cr_assert_eq(append_run(s, "00000000000000b2"), 0);
    store_close(s);
    file_path(runs, sizeof runs, dir, "runs.csv");
    append_text(runs, "00000000000000c3,ok,\"25");          /* a writer mid-append */
    seen_rows seen = {0};
    cr_assert_eq(store_read_rows(runs, runs_header, N_RUNS_COLS, collect, &seen, err, sizeof err), 0, "%s", err);
    cr_assert_eq(seen.n, 2);
    cr_assert_str_eq(seen.ids[1], "00000000000000b2");
    cr_assert_eq(seen.lines[1], 3);

    append_text(runs, "6\"\n00000000000000d4,ok,\"1\n00000000000000e5,ok,1\n");   /* an open quote mid-file */
    memset(&seen, 0, sizeof seen);
    cr_assert_eq(store_read_rows(runs, runs_header, N_RUNS_COLS, collect, &seen, err, sizeof err), -2);
    char want[600];
    snprintf(want, sizeof want, "%s:5:", runs);
    cr_assert(strstr(err, want) == err, "err '%s' should start with '%s'", err, want);

    char missing[512];
    file_path(missing, sizeof missing, dir, "nonesuch.csv");
    memset(&seen, 0, sizeof seen);
    cr_assert_eq(store_read_rows(missing, runs_header, N_RUNS_COLS, collect, &seen, err, sizeof err), 0);
    cr_assert_eq(seen.n, 0, "a missing file has no rows");
}
