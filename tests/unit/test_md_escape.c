/* Markdown injection (#14 item 8): text from results files (variant names, cell values) must reach
   report.md and sweep check's Markdown (meant for $GITHUB_STEP_SUMMARY) as text, never as HTML, links,
   images or broken tables. The results here are hostile: each variant name is an attack. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "mdesc.h"

#define HDR "run_id,status,variant,seed,hidden,dropout,data,epochs_run,train_acc,val_acc,test_acc\n"

static const char *const attacks[] = {
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![i](https://evil.example/x.png)",
};

/* A results dir whose variants are the attacks, plus one with a newline and a pipe, 2 seeds each. */
static void write_hostile(const char *dir) {
    char path[256];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(HDR, f);
    int id = 0;
    for (int v = 0; v < 5; v++)
        for (int seed = 1; seed <= 2; seed++) {
            fprintf(f, "r%d,ok,\"", id++);
            if (v < 4)
                for (const char *s = attacks[v]; *s; s++) fputs(*s == '"' ? "\"\"" : (char[]){*s, 0}, f);
            else
                fputs("two\nlines | pipe", f);
            fprintf(f, "\",%d,8,0,d,3,0.9,0.8%d,0.8%d\n", seed, v, v + seed);
        }
    fclose(f);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* 1 when pat occurs in s not preceded by a backslash (a Markdown escape). */
static int unescaped(const char *s, const char *pat) {
    for (const char *p = strstr(s, pat); p; p = strstr(p + 1, pat))
        if (p == s || p[-1] != '\\') return 1;
    return 0;
}

static void assert_inert(const char *md) {
    cr_expect_null(strstr(md, "<script"), "raw <script> in:\n%s", md);
    cr_expect_null(strstr(md, "<img"), "raw <img> in:\n%s", md);
    cr_expect_not(unescaped(md, "](javascript"), "javascript: link in:\n%s", md);
    cr_expect_not(unescaped(md, "](https://evil"), "remote image in:\n%s", md);
    /* every table line has as many unescaped '|' as its header line */
    const char *line = md;
    int want = -1;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len && line[0] == '|') {
            int bars = 0;
            for (size_t i = 0; i < len; i++) bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
            if (want < 0) want = bars;
            cr_expect_eq(bars, want, "table row broken: %.*s", (int)len, line);
        } else {
            want = -1;
        }
        if (!end) break;
        line = end + 1;
    }
}

Test(md_escape, report_md_shows_hostile_names_as_text) {
    char dir[] = "/tmp/test_md_escape_XXXXXX", out[300];
    cr_assert_not_null(mkdtemp(dir));
    write_hostile(dir);
    snprintf(out, sizeof out, "%s/rep", dir);
    const char *argv[] = {"report", "--no-plots", "-o", out, dir, NULL};
    fflush(stdout);
    cr_assert_eq(cmd_report(5, (char **)argv), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/report.md", out);
    const char *md = slurp(path);
    assert_inert(md);
    cr_expect(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is still shown, as text");
    cr_expect(strstr(md, "two lines \\| pipe"), "newline as a space, pipe escaped");
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(md_escape, check_markdown_shows_hostile_names_as_text) {
    char dir[] = "/tmp/test_md_escape_XXXXXX", runs[300], out[300];
    cr_assert_not_null(mkdtemp(dir));
    write_hostile(dir);
    snprintf(runs, sizeof runs, "%s/runs.csv", dir);
    snprintf(out, sizeof out, "%s/out.md", dir);
    FILE *f = fopen(out, "w");
    cr_assert_not_null(f);
    fflush(stdout);
    int saved = dup(1);
    dup2(fileno(f), 1);
    const char *argv[] = {"check", "--baseline", runs, dir, NULL};
    int rc = cmd_check(4, (char **)argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fclose(f);
    cr_expect_eq(rc, 0);
    const char *md = slurp(out);
    cr_expect(strstr(md, "| configuration |"), "%s", md);
    assert_inert(md);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(md_escape, escaper) {
    char *buf;
    size_t n;
    FILE *m = open_memstream(&buf, &n);
    mdesc_write(m, "a<b>&c|d[e](f)\n`g`**h**", 1);
    fclose(m);
    cr_expect_str_eq(buf, "a&lt;b&gt;&amp;c\\|d\\[e\\](f) \\`g\\`**h**");
    free(buf);
}
