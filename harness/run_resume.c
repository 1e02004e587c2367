/* run_resume: what `sweep run` does with the results already in its directory: brings an older runs.csv to
   today's columns, opens the store, counts the stored runs in the progress and warns about other kernels. */
#include "run_resume.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "provenance.h"
#include "results.h"
#include "results_upgrade.h"
#include "run_plan.h"

runset *run_resume_read(const char *dir) {
    char err[1024];
    runset *rs = NULL;
    return runset_open(&rs, dir, err, sizeof err) == 0 ? rs : NULL;
}

/* Bring an older results directory to today's columns, open the store, and tell what resuming means: runs
   done, kernels that differ. Returns 0 or -1 with err. */
int run_resume_open(store **st, const char *dir, int flags, int quiet, char *err, size_t errlen) {
    char msg[2048];
    int up = (flags & STORE_FRESH) ? 0 : results_upgrade_dir(dir, msg, sizeof msg, err, errlen);
    if (up < 0) return -1;
    if (up > 0 && !quiet) fprintf(stderr, "sweep run: upgraded to the current columns (defaults filled): %s\n", msg);
    int nruns = results_runs_ncols(), ncurve;
    const char **runs_header = calloc((size_t)nruns, sizeof *runs_header);
    if (!runs_header) return snprintf(err, errlen, "out of memory"), -1;
    results_runs_header(runs_header);
    const char *const *curves_header = results_curves_header(&ncurve);
    int rc = store_open(st, dir, runs_header, nruns, curves_header, ncurve, flags, err, errlen);
    free(runs_header);
    return rc;
}

/* Stored runs of this experiment count as done in the progress, and join their configurations' means; runs
   trained with other kernels are warned about. */
void run_resume_stored(const experiment *e, const int *sorted, const int *group_of, const char *dir, progress *prog) {
    runset *rs = run_resume_read(dir);
    table none = {0};
    const table *t = rs ? runset_runs(rs) : &none;
    int id = table_col(t, "run_id"), val = table_col(t, "val_acc");
    for (int r = 0; id >= 0 && val >= 0 && r < t->nrows; r++) {
        int k = run_plan_find(e, sorted, table_cell(t, r, id));
        if (k >= 0) progress_record(prog, group_of[k], table_num(t, r, val));
    }
    provenance p;
    char msg[2048];
    provenance_get(&p);
    if (t->nrows && provenance_check_table(t, &p, msg, sizeof msg) && *msg)
        fprintf(stderr, "sweep run: warning: resuming: %s\n", msg);
    else if (t->nrows && *msg)
        fprintf(stderr, "sweep run: note: %s\n", msg);
    runset_close(rs);
}

