/* progress: a live line on a terminal, a log line per run elsewhere. */
#include "progress.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int progress_init(progress *p, FILE *out, int total, int done_before, long total_epochs, int n_groups,
                  const char *const *labels, int quiet) {
    memset(p, 0, sizeof *p);
    p->out = out;
    p->quiet = quiet;
    p->live = isatty(fileno(out));
    p->total = total;
    p->done = p->done_before = done_before;
    p->total_epochs = total_epochs;
    p->start = omp_get_wtime();
    p->n_groups = n_groups;
    p->labels = labels;
    p->best = -1;
    p->sum = calloc((size_t)n_groups + 1, sizeof *p->sum);
    p->count = calloc((size_t)n_groups + 1, sizeof *p->count);
    omp_init_lock(&p->lock);
    return p->sum && p->count ? 0 : -1;
}

static double group_mean(const progress *p, int g) { return p->count[g] ? p->sum[g] / p->count[g] : NAN; }

void progress_record(progress *p, int group, double val_acc) {
    if (group < 0 || group >= p->n_groups || !isfinite(val_acc)) return;
    omp_set_lock(&p->lock);
    double before = group_mean(p, group);
    p->sum[group] += val_acc;
    p->count[group]++;
    double now = group_mean(p, group);
    if (p->best < 0 || now > group_mean(p, p->best)) p->best = group;
    else if (group == p->best && now < before)          /* the leader fell: look again */
        for (int g = 0; g < p->n_groups; g++)
            if (p->count[g] && group_mean(p, g) > group_mean(p, p->best)) p->best = g;
    omp_unset_lock(&p->lock);
}

static void format_duration(char *buf, size_t n, double s) {
    if (!isfinite(s) || s < 0) snprintf(buf, n, "?");
    else if (s < 60) snprintf(buf, n, "%.0fs", s);
    else if (s < 3600) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

/* "best mean val acc 0.8512 (3 runs): dropout=0.3", or "" before any; the caller holds the lock. */
static void format_best(const progress *p, char *buf, size_t n) {
    buf[0] = 0;
    if (p->best < 0) return;
    snprintf(buf, n, " | best mean val acc %.4f (%d run%s): %.60s", group_mean(p, p->best), p->count[p->best],
             p->count[p->best] == 1 ? "" : "s", p->labels ? p->labels[p->best] : "");
}

/* The live line; the caller holds the lock. */
static void progress_draw(progress *p, double elapsed) {
    char el[32], eta[32], best[160];
    format_duration(el, sizeof el, elapsed);
    format_duration(eta, sizeof eta, p->done_epochs ? elapsed / p->done_epochs * (p->total_epochs - p->done_epochs) : NAN);
    format_best(p, best, sizeof best);
    fprintf(p->out, "\r\033[K[%d/%d runs] %s elapsed, ETA %s%s", p->done, p->total, el, eta, best);
    fflush(p->out);
    p->last_draw = elapsed;
}

void progress_epoch(progress *p) {
    omp_set_lock(&p->lock);
    p->done_epochs++;
    double elapsed = omp_get_wtime() - p->start;
    if (!p->quiet && p->live && elapsed - p->last_draw > 0.25) progress_draw(p, elapsed);
    omp_unset_lock(&p->lock);
}

void progress_run_done(progress *p, const char *desc, const char *status, int epochs_run, int epochs_planned,
                       double val_acc, double test_acc, double seconds) {
    omp_set_lock(&p->lock);
    p->done++;
    p->done_epochs += epochs_planned - epochs_run; /* early stopping or divergence: those epochs never come */
    if (strcmp(status, "ok") != 0) p->failed++;
    double elapsed = omp_get_wtime() - p->start;
    if (!p->quiet && p->live) {
        progress_draw(p, elapsed);
    } else if (!p->quiet) {
        char el[32], eta[32], best[160];
        format_duration(el, sizeof el, elapsed);
        format_duration(eta, sizeof eta, elapsed / p->done_epochs * (p->total_epochs - p->done_epochs));
        format_best(p, best, sizeof best);
        fprintf(p->out, "[%d/%d] %s %s: test acc %.4f, val acc %.4f, %.1fs (elapsed %s, ETA %s)%s\n", p->done,
                p->total, status, desc, test_acc, val_acc, seconds, el, eta, best);
        fflush(p->out);
    }
    omp_unset_lock(&p->lock);
}

void progress_finish(progress *p) {
    if (!p->quiet && p->live && p->done > p->done_before) fputc('\n', p->out);
    omp_destroy_lock(&p->lock);
    free(p->sum);
    free(p->count);
    p->sum = NULL;
    p->count = NULL;
}
