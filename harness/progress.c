/* progress: a live line on a terminal, a log line per run elsewhere. */
#include "progress.h"
#include <math.h>
#include <string.h>
#include <unistd.h>

void progress_init(progress *p, FILE *out, int total, long total_epochs, int quiet) {
    memset(p, 0, sizeof *p);
    p->out = out;
    p->quiet = quiet;
    p->live = isatty(fileno(out));
    p->total = total;
    p->total_epochs = total_epochs;
    p->start = omp_get_wtime();
    p->best_val = NAN;
    omp_init_lock(&p->lock);
}

static void format_duration(char *buf, size_t n, double s) {
    if (!isfinite(s) || s < 0) snprintf(buf, n, "?");
    else if (s < 60) snprintf(buf, n, "%.0fs", s);
    else if (s < 3600) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

/* The live line; the caller holds the lock. */
static void progress_draw(progress *p, double elapsed) {
    char el[32], eta[32];
    format_duration(el, sizeof el, elapsed);
    format_duration(eta, sizeof eta, p->done_epochs ? elapsed / p->done_epochs * (p->total_epochs - p->done_epochs) : NAN);
    fprintf(p->out, "\r\033[K[%d/%d runs] %s elapsed, ETA %s", p->done, p->total, el, eta);
    if (isfinite(p->best_val)) fprintf(p->out, " | best val acc %.4f: %.60s", p->best_val, p->best_desc);
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
    if (isfinite(val_acc) && (!isfinite(p->best_val) || val_acc > p->best_val)) {
        p->best_val = val_acc;
        snprintf(p->best_desc, sizeof p->best_desc, "%s", desc);
    }
    double elapsed = omp_get_wtime() - p->start;
    if (!p->quiet && p->live) {
        progress_draw(p, elapsed);
    } else if (!p->quiet) {
        char el[32], eta[32];
        format_duration(el, sizeof el, elapsed);
        format_duration(eta, sizeof eta, elapsed / p->done_epochs * (p->total_epochs - p->done_epochs));
        fprintf(p->out, "[%d/%d] %s %s: test acc %.4f, val acc %.4f, %.1fs (elapsed %s, ETA %s)\n", p->done, p->total,
                status, desc, test_acc, val_acc, seconds, el, eta);
        fflush(p->out);
    }
    omp_unset_lock(&p->lock);
}

void progress_finish(progress *p) {
    if (!p->quiet && p->live && p->done) fputc('\n', p->out);
    omp_destroy_lock(&p->lock);
}
