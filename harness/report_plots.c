/* report_plots: the numbers behind each image as a .dat file, and one gnuplot run per image on a template
   from plots/. This file passes variables and nothing else: the plot itself is the template's business. */
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void rpt_plotter_init(rpt_plotter *p, const char *outdir, const char *argv0)
{
    (void)argv0;
    memset(p, 0, sizeof *p);
    p->outdir = outdir;
    const char *env = getenv("SWEEP_GNUPLOT");
    snprintf(p->gnuplot, sizeof p->gnuplot, "%s", env && *env ? env : "gnuplot");
    env = getenv("SWEEP_PLOTS");
    if (env && *env) { snprintf(p->plotdir, sizeof p->plotdir, "%s", env); return; }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            if (snprintf(p->plotdir, sizeof p->plotdir, "%s/plots", exe) < (int)sizeof p->plotdir &&
                is_dir(p->plotdir))
                return;
        }
    }
    snprintf(p->plotdir, sizeof p->plotdir, "plots");
}

static void plot_fail(rpt_plotter *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plot_fail(rpt_plotter *p, const char *fmt, ...)
{
    if (p->nfailed++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->first_error, sizeof p->first_error, fmt, ap);
        va_end(ap);
    }
}

FILE *rpt_dat_open(rpt_plotter *p, const char *base)
{
    char path[4352];
    snprintf(path, sizeof path, "%s/%s.dat", p->outdir, base);
    if (rpt_files_note(p, base) != 0) { plot_fail(p, "out of memory"); return NULL; }
    FILE *f = fopen(path, "w");
    if (!f) plot_fail(p, "%s: cannot write (%s)", path, strerror(errno));
    return f;
}

/* Append name='value' to the -e string, quotes doubled as gnuplot's single-quoted strings want. */
static void add_var(char *buf, size_t cap, const char *name, const char *value)
{
    size_t len = strlen(buf);
    len += snprintf(buf + len, len < cap ? cap - len : 0, "%s='", name);
    for (const char *s = value; *s && len + 3 < cap; s++) {
        if (*s == '\'') buf[len++] = '\'';
        buf[len++] = *s;
    }
    if (len + 3 < cap) { buf[len++] = '\''; buf[len++] = ';'; buf[len] = 0; }
}

static int nonempty(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

int rpt_plot(rpt_plotter *p, const char *tmpl, const char *base, int nkv, const char *const *kv)
{
    if (p->disabled) return -1;
    if (p->unavailable) { plot_fail(p, "gnuplot unavailable"); return -1; }
    char script[4352], outbase[4352], datafile[4400], png[4400], svg[4400];
    snprintf(script, sizeof script, "%s/%s.gp", p->plotdir, tmpl);
    snprintf(outbase, sizeof outbase, "%s/%s", p->outdir, base);
    snprintf(datafile, sizeof datafile, "%s.dat", outbase);
    snprintf(png, sizeof png, "%s.png", outbase);
    snprintf(svg, sizeof svg, "%s.svg", outbase);
    if (access(script, R_OK) != 0) {
        plot_fail(p, "%s: template not found (set SWEEP_PLOTS to the plots/ directory)", script);
        return -1;
    }
    remove(png);
    remove(svg);
    enum { VARS_CAP = 16384 };
    char *vars = calloc(1, VARS_CAP);
    if (!vars) { plot_fail(p, "out of memory"); return -1; }
    add_var(vars, VARS_CAP, "datafile", datafile);
    add_var(vars, VARS_CAP, "outbase", outbase);
    add_var(vars, VARS_CAP, "plotdir", p->plotdir);
    for (int i = 0; i + 1 < 2 * nkv; i += 2) add_var(vars, VARS_CAP, kv[i], kv[i + 1]);

    int errpipe[2];
    if (pipe(errpipe) != 0) { free(vars); plot_fail(p, "pipe: %s", strerror(errno)); return -1; }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { free(vars); close(errpipe[0]); close(errpipe[1]); plot_fail(p, "fork: %s", strerror(errno)); return -1; }
    if (pid == 0) {
        dup2(errpipe[1], 2);
        close(errpipe[0]);
        close(errpipe[1]);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        char *args[] = { p->gnuplot, "-e", vars, script, NULL };
        execvp(p->gnuplot, args);
        _exit(127);
    }
    close(errpipe[1]);
    free(vars);
    char msg[1024] = "";
    size_t mlen = 0;
    char chunk[4096];
    ssize_t k;
    while ((k = read(errpipe[0], chunk, sizeof chunk)) > 0)
        for (ssize_t i = 0; i < k && mlen + 1 < sizeof msg; i++) msg[mlen++] = chunk[i] == '\n' ? ' ' : chunk[i];
    msg[mlen] = 0;
    close(errpipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && mlen == 0) {
        p->unavailable = 1;
        plot_fail(p, "gnuplot not found (tried \"%s\"; install gnuplot-nox or set SWEEP_GNUPLOT)", p->gnuplot);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        plot_fail(p, "gnuplot failed on %s for %s: %.300s", script, base, msg);
        return -1;
    }
    if (!nonempty(png) || !nonempty(svg)) {
        plot_fail(p, "gnuplot ran %s but %s.png/.svg are missing or empty", script, outbase);
        return -1;
    }
    p->nmade++;
    return 0;
}

/* ---- data files in the layouts the templates read ---- */

/* A label: as is when it is a number (so a template can use it as x), else quoted. */
static void dat_label(FILE *f, const char *s)
{
    char *end;
    if (*s && (strtod(s, &end), *end == 0)) { fputs(s, f); return; }
    fputc('"', f);
    for (; *s; s++) fputc(*s == '"' ? '\'' : *s, f);
    fputc('"', f);
}

static void dat_num(FILE *f, double v) { if (v != v) fputs(" NaN", f); else fprintf(f, " %.6g", v); }

int rpt_plot_series(rpt_plotter *p, const char *tmpl, const char *base, const char *xname,
                    const char *const *rows, int nrows, const char *const *names, int nseries,
                    const stats_summary *v, int nkv, const char *const *kv)
{
    if (p->disabled) return -1;
    FILE *f = rpt_dat_open(p, base);
    if (!f) return -1;
    dat_label(f, xname);
    for (int s = 0; s < nseries; s++) {
        fputc(' ', f);
        dat_label(f, names[s]);
        fputs(" \"ci_lo\" \"ci_hi\"", f);
    }
    fputc('\n', f);
    for (int r = 0; r < nrows; r++) {
        dat_label(f, rows[r]);
        for (int s = 0; s < nseries; s++) {
            const stats_summary *x = &v[(size_t)s * nrows + r];
            int has_ci = x->n >= 2 && x->ci_lo == x->ci_lo;
            dat_num(f, x->n ? x->mean : NAN);
            dat_num(f, has_ci ? x->ci_lo : x->n ? x->mean : NAN);
            dat_num(f, has_ci ? x->ci_hi : x->n ? x->mean : NAN);
        }
        fputc('\n', f);
    }
    fclose(f);
    char ns[16];
    snprintf(ns, sizeof ns, "%d", nseries);
    const char *all[2 * 16];
    int k = 0;
    for (int i = 0; i < nkv && k + 2 < 2 * 16; i++) { all[k++] = kv[2 * i]; all[k++] = kv[2 * i + 1]; }
    all[k++] = "nseries";
    all[k++] = ns;
    return rpt_plot(p, tmpl, base, k / 2, all);
}

int rpt_plot_heatmap(rpt_plotter *p, const char *base, const char *const *rows, int nrows,
                     const char *const *cols, int ncols, const double *v, int nkv, const char *const *kv)
{
    if (p->disabled) return -1;
    FILE *f = rpt_dat_open(p, base);
    if (!f) return -1;
    fputs("\"\"", f);
    for (int c = 0; c < ncols; c++) { fputc(' ', f); dat_label(f, cols[c]); }
    fputc('\n', f);
    for (int r = 0; r < nrows; r++) {
        dat_label(f, rows[r]);
        for (int c = 0; c < ncols; c++) dat_num(f, v[(size_t)r * ncols + c]);
        fputc('\n', f);
    }
    fclose(f);
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < nrows * ncols; i++)
        if (v[i] == v[i]) { lo = fmin(lo, v[i]); hi = fmax(hi, v[i]); }
    char span[160] = "";
    if (lo <= hi) snprintf(span, sizeof span, "colours span %.4g to %.4g (a range of %.3g)", lo, hi, hi - lo);
    const char *all[2 * 16];
    int k = 0;
    for (int i = 0; i < nkv && k + 2 < 2 * 16; i++) { all[k++] = kv[2 * i]; all[k++] = kv[2 * i + 1]; }
    all[k++] = "span";
    all[k++] = span;
    return rpt_plot(p, "heatmap", base, k / 2, all);
}

/* Mean/min/max over the runs of g of a curves.csv column per epoch (the runset's index of curve rows). */
static int curve_stats(const rpt_exp *e, const rpt_group *g, int col, double scale, int maxep,
                       double *mean, double *lo, double *hi)
{
    const table *c = &e->curves;
    int c_ep = table_col(c, "epoch");
    int *cnt = calloc((size_t)maxep + 1, sizeof *cnt);
    if (!cnt || c_ep < 0) { free(cnt); return -1; }
    for (int ep = 0; ep <= maxep; ep++) { mean[ep] = 0; lo[ep] = INFINITY; hi[ep] = -INFINITY; }
    for (int i = 0; i < g->n; i++) {
        const int *rows;
        int nr = runset_curve_rows(e->rs, g->rows[i], &rows);
        for (int k = 0; k < nr; k++) {
            double epd = table_num(c, rows[k], c_ep), v = table_num(c, rows[k], col) * scale;
            if (!(epd >= 1 && epd <= maxep) || v != v) continue;
            int ep = (int)epd;
            mean[ep] += v;
            cnt[ep]++;
            if (v < lo[ep]) lo[ep] = v;
            if (v > hi[ep]) hi[ep] = v;
        }
    }
    for (int ep = 0; ep <= maxep; ep++)
        if (cnt[ep]) mean[ep] /= cnt[ep];
        else mean[ep] = lo[ep] = hi[ep] = NAN;
    free(cnt);
    return 0;
}

/* The last epoch of the curves of the groups. */
static int curves_maxep(const rpt_exp *e, rpt_group *const *gs, int ng)
{
    int c_ep = table_col(&e->curves, "epoch"), maxep = 0;
    for (int i = 0; i < ng; i++)
        for (int j = 0; j < gs[i]->n; j++) {
            const int *rows;
            int nr = runset_curve_rows(e->rs, gs[i]->rows[j], &rows);
            for (int k = 0; k < nr; k++) {
                double ep = table_num(&e->curves, rows[k], c_ep);
                if (ep == ep && ep > maxep && ep < 100000) maxep = (int)ep;
            }
        }
    return maxep;
}

static void curves_plot(rpt_ctx *x, const rpt_exp *e, const char *prefix, const char *title_name, rpt_group *const *gs,
                        const char *const *names, int ng);

void rpt_curves(rpt_ctx *x, const rpt_exp *e, rpt_group *const *gs, const char *const *names, int ng)
{
    rpt_curves_named(x, e, e->name, e->title[0] ? e->title : e->name, gs, names, ng);
}

void rpt_curves_named(rpt_ctx *x, const rpt_exp *e, const char *prefix, const char *title_name, rpt_group *const *gs,
                      const char *const *names, int ng)
{
    const table *c = &e->curves;
    if (c->nrows == 0) { doc_text(&x->d, "No curves.csv for %s: no learning curves.", e->label); return; }
    if (x->plot.disabled || ng <= 0) return;
    rpt_group **with = malloc((size_t)ng * sizeof *with);
    const char **wnames = malloc((size_t)ng * sizeof *wnames);
    if (!with || !wnames) { perror("report"); abort(); }
    int nw = 0;
    for (int i = 0; i < ng; i++)   /* a configuration without curve rows (every run diverged) draws nothing */
        if (curves_maxep(e, &gs[i], 1) >= 1) { with[nw] = gs[i]; wnames[nw++] = names[i]; }
    curves_plot(x, e, prefix, title_name, with, wnames, nw);
    free(with);
    free(wnames);
}

static void curves_plot(rpt_ctx *x, const rpt_exp *e, const char *prefix, const char *title_name, rpt_group *const *gs,
                        const char *const *names, int ng)
{
    const table *c = &e->curves;
    int maxep = curves_maxep(e, gs, ng);
    if (maxep < 1) { doc_text(&x->d, "No curve rows for these configurations: no learning curves."); return; }
    static const struct { const char *col, *suffix, *ylabel, *what; double scale; } which[] = {
        { "val_acc", "curves_acc", "validation accuracy (%)", "Validation accuracy", 100 },
        { "val_loss", "curves_loss", "validation loss (cross-entropy, nats)", "Validation loss", 1 },
    };
    size_t sz = (size_t)(maxep + 1) * sizeof(double);
    double *mean = malloc(sz * ng), *lo = malloc(sz * ng), *hi = malloc(sz * ng);
    if (!mean || !lo || !hi) { perror("report"); abort(); }
    int grid = ng > 4;   /* more lines with overlapping bands cannot be read: a panel each */
    for (int w = 0; w < 2; w++) {
        int col = table_col(c, which[w].col);
        char base[512], title[512], caption[512];
        snprintf(base, sizeof base, "%s_%s", prefix, which[w].suffix);
        for (int i = 0; i < ng; i++)
            curve_stats(e, gs[i], col, which[w].scale, maxep, mean + i * (maxep + 1), lo + i * (maxep + 1),
                        hi + i * (maxep + 1));
        FILE *f = rpt_dat_open(&x->plot, base);
        if (!f) continue;
        fputs("\"epoch\"", f);
        for (int i = 0; i < ng; i++) { fputc(' ', f); dat_label(f, names[i]); fputs(" \"min\" \"max\"", f); }
        fputc('\n', f);
        for (int ep = 1; ep <= maxep; ep++) {
            fprintf(f, "%d", ep);
            for (int i = 0; i < ng; i++) {
                dat_num(f, mean[i * (maxep + 1) + ep]);
                dat_num(f, lo[i * (maxep + 1) + ep]);
                dat_num(f, hi[i * (maxep + 1) + ep]);
            }
            fputc('\n', f);
        }
        fclose(f);
        char ns[16];
        snprintf(ns, sizeof ns, "%d", ng);
        snprintf(title, sizeof title, "%s: %s per epoch (mean over seeds, band = min-max)", title_name, which[w].what);
        char panels[4096] = "";
        for (int i = 0, len = 0; i < ng && len < (int)sizeof panels; i++)
            len += snprintf(panels + len, sizeof panels - (size_t)len, "%s%s", i ? "\t" : "", names[i]);
        for (char *p = panels; *p; p++)
            if ((unsigned char)*p < 0x20 && *p != '\t') *p = ' ';
        const char *kv[] = { "title", title, "xlabel", "epoch", "ylabel", which[w].ylabel, "nseries", ns,
                             "names", panels };
        if (rpt_plot(&x->plot, grid ? "curves_grid" : "curves", base, 5, kv) == 0) {
            snprintf(caption, sizeof caption, "%s per epoch: line = mean over seeds, band = min-max over seeds%s.",
                     which[w].what, grid ? "; one panel per configuration, same axes in every panel" : "");
            doc_image(&x->d, base, caption);
        }
    }
    free(mean); free(lo); free(hi);
}

void rpt_zoom_range(const stats_summary *v, int n, char *ymin, char *ymax, size_t len) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double a = v[i].n >= 2 ? v[i].ci_lo : v[i].mean, b = v[i].n >= 2 ? v[i].ci_hi : v[i].mean;
        if (a == a && a < lo) lo = a;
        if (b == b && b > hi) hi = b;
    }
    ymin[0] = ymax[0] = 0;
    if (lo < hi) {   /* accuracies differ by a few points: an axis from 0 would hide them */
        snprintf(ymin, len, "%g", floor(lo - 0.15 * (hi - lo) - 0.5));
        snprintf(ymax, len, "%g", fmin(100.0, ceil(hi + 0.15 * (hi - lo) + 0.5)));
    }
}
