/* check_output: what sweep check writes (see check_internal.h): the Markdown table and summary on stdout,
   JUnit XML, and the new baseline for --update-baseline. */
#include "check_internal.h"
#include "mdesc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const verdict_name[] = {"ok", "REGRESSED", "improved", "skipped"};

static void print_num(FILE *f, const char *fmt, double v) {
    if (isnan(v)) fputs("n/a", f);
    else fprintf(f, fmt, v);
}

static void print_escaped_md(FILE *f, const char *s) { mdesc_write(f, s, 1); }
void check_print_table(const check_state *s, const check_opts *o, FILE *f) {
    fprintf(f, "| configuration | n (baseline/current) | baseline %s | current %s | difference |%s verdict |\n",
            o->metric, o->metric, o->seed_aware ? " 95% CI of difference |" : "");
    fprintf(f, "|---|---|---|---|---|%s---|\n", o->seed_aware ? "---|" : "");
    for (int i = 0; i < s->nconf; i++) {
        const check_config *c = &s->conf[i];
        fputs("| ", f);
        print_escaped_md(f, c->label);
        fprintf(f, " | %d/%d | ", c->n[BASE], c->n[CUR]);
        print_num(f, "%.4f", c->mean[BASE]);
        fputs(" | ", f);
        print_num(f, "%.4f", c->mean[CUR]);
        fputs(" | ", f);
        print_num(f, "%+.4f", c->diff);
        if (o->seed_aware) {
            if (c->has_ci) fprintf(f, " | [%+.4f, %+.4f] %s", c->ci_lo, c->ci_hi, c->paired ? "paired" : "Welch");
            else fputs(" | n/a", f);
        }
        fprintf(f, " | %s%s", c->verdict == V_REGRESSED ? "**REGRESSED**" : verdict_name[c->verdict], *c->note ? " (" : "");
        print_escaped_md(f, c->note);
        fprintf(f, "%s |\n", *c->note ? ")" : "");
    }
}

void check_print_summary(const check_state *s, const check_opts *o, const int count[4], FILE *f) {
    if (count[V_SKIPPED] == s->nconf) {
        fprintf(f, "\n**FAIL**: nothing compared: no configuration has %s values on both sides.\n", o->metric);
        return;
    }
    fprintf(f, "\n%s: ", count[V_REGRESSED] ? "**FAIL**" : "**PASS**");
    if (count[V_REGRESSED]) fprintf(f, "%d of %d configurations regressed", count[V_REGRESSED], s->nconf);
    else fprintf(f, "no configuration regressed (%d compared)", s->nconf - count[V_SKIPPED]);
    fprintf(f, " on %s (%s is better, atol %g, %s)", o->metric, s->higher_better ? "higher" : "lower", o->atol,
            o->seed_aware ? "seed-aware: 95% CI of the difference" : "plain rule: difference of means");
    if (count[V_IMPROVED]) fprintf(f, "; %d improved", count[V_IMPROVED]);
    if (count[V_SKIPPED]) fprintf(f, "; %d skipped (no values to compare)", count[V_SKIPPED]);
    fputs(".\n", f);
}

static void xml_escaped(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' ? '?' : *s, f);  /* not legal in XML 1.0 */
        }
    }
}

int check_write_junit(const check_state *s, const check_opts *o, const int count[4]) {
    FILE *f = fopen(o->junit, "w");
    if (!f) { fprintf(stderr, "sweep check: cannot write %s: %s\n", o->junit, strerror(errno)); return 2; }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuite name=\"sweep-check\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n",
            s->nconf, count[V_REGRESSED], count[V_SKIPPED]);
    for (int i = 0; i < s->nconf; i++) {
        const check_config *c = &s->conf[i];
        fputs("  <testcase classname=\"sweep-check\" name=\"", f);
        xml_escaped(f, c->label);
        fputs("\"", f);
        if (c->verdict != V_REGRESSED && c->verdict != V_SKIPPED) { fputs("/>\n", f); continue; }
        char msg[512];
        int len = snprintf(msg, sizeof msg, "%s: baseline %.4f, current %.4f, difference %+.4f", o->metric,
                           c->mean[BASE], c->mean[CUR], c->diff);
        if (c->has_ci && len < (int)sizeof msg)
            len += snprintf(msg + len, sizeof msg - (size_t)len, ", 95%% CI [%+.4f, %+.4f] (%s)", c->ci_lo, c->ci_hi,
                            c->paired ? "paired" : "Welch");
        if (len < (int)sizeof msg)
            snprintf(msg + len, sizeof msg - (size_t)len, ", atol %g%s%s", o->atol, *c->note ? "; " : "", c->note);
        fprintf(f, ">\n    <%s message=\"", c->verdict == V_SKIPPED ? "skipped" : "failure");
        xml_escaped(f, msg);
        fprintf(f, "\"/>\n  </testcase>\n");
    }
    fputs("</testsuite>\n", f);
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "sweep check: cannot write %s: %s\n", o->junit, strerror(errno));
        return 2;
    }
    return 0;
}

/* Copies the current table to the baseline path through a temporary file and rename, so an interrupted
   update never leaves a half-written baseline. */
/* Create the directory of path (mkdir -p) so that a new baseline can go there; 0, or 2 naming it. */
static int check_make_parent(const char *path) {
    char *dir = strdup(path);
    if (!dir) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = 0;
        for (char *p = dir + 1; !rc && *p; p++) {
            if (*p != '/') continue;
            *p = 0;
            rc = mkdir(dir, 0777) != 0 && errno != EEXIST;
            *p = '/';
        }
        if (!rc) rc = mkdir(dir, 0777) != 0 && errno != EEXIST;
        if (rc) fprintf(stderr, "sweep check: cannot create the baseline's directory %s: %s\n", dir, strerror(errno));
    }
    free(dir);
    return rc ? 2 : 0;
}

int check_update_baseline(const check_state *s, const check_opts *o) {
    const table *t = &s->side[CUR].t;
    char *tmp;
    if (check_make_parent(o->baseline)) return 2;
    if (asprintf(&tmp, "%s.XXXXXX", o->baseline) < 0) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "sweep check: cannot write the baseline %s: %s\n", o->baseline, strerror(errno));
        if (fd >= 0) { close(fd); unlink(tmp); }
        free(tmp);
        return 2;
    }
    fchmod(fd, 0644);                                   /* mkstemp makes 0600; a baseline is a shared file */
    int bad = 0;
    for (int r = -1; r < t->nrows && !bad; r++) {
        char *line = table_format_row((const char *const *)(r < 0 ? t->cols : t->cells + (size_t)r * t->ncols), t->ncols);
        bad = !line || fputs(line, f) == EOF;
        free(line);
    }
    int err = bad ? (errno ? errno : ENOMEM) : 0;
    if (fflush(f) || fsync(fd)) err = err ? err : errno;
    if (fclose(f) && !err) err = errno;
    if (!err && rename(tmp, o->baseline)) err = errno;
    if (err) {
        fprintf(stderr, "sweep check: cannot write baseline %s: %s\n", o->baseline, strerror(err));
        unlink(tmp);
        free(tmp);
        return 2;
    }
    free(tmp);
    int not_ok = 0;
    for (int r = 0; r < t->nrows; r++) not_ok += strcmp(table_cell(t, r, s->side[CUR].status), "ok") != 0;
    if (not_ok) fprintf(stderr, "sweep check: warning: %d runs in the new baseline are not ok (diverged)\n", not_ok);
    printf("Baseline %s updated: %d runs in %d configurations from %s.\n", o->baseline, t->nrows, s->nconf, t->path);
    return 0;
}
