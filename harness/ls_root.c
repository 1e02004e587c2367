/* ls_root: `sweep ls results`: a results root holding several experiment directories, one line each (runs,
   configurations, statuses, the best configuration by mean validation accuracy). */
#include "ls_root.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "runset.h"

static int ls_root_has_runs(const char *dir, const char *name) {
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s/runs.csv", dir, name);
    if (stat(path, &st) == 0) return 1;
    snprintf(path, sizeof path, "%s/%s/shards", dir, name);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The best configuration of rs by mean of column m over ok runs, its label (varying columns) and mean. */
static int ls_root_best(const runset *rs, int m, char *label, size_t n, double *best) {
    const table *t = runset_runs(rs);
    int st = table_col(t, "status"), arg = -1;
    *best = NAN;
    for (int c = 0; m >= 0 && c < runset_nconfigs(rs); c++) {
        const int *rows;
        int nr = runset_config_rows(rs, c, &rows), k = 0;
        double sum = 0;
        for (int i = 0; i < nr; i++) {
            double v = table_num(t, rows[i], m);
            if ((st < 0 || !strcmp(table_cell(t, rows[i], st), "ok")) && !isnan(v)) sum += v, k++;
        }
        if (k && (arg < 0 || sum / k > *best)) *best = sum / k, arg = c;
    }
    label[0] = 0;
    if (arg < 0) return -1;
    const int *rows;
    runset_config_rows(rs, arg, &rows);
    size_t used = 0;
    for (int k = 0; k < runset_ncols(rs) && used < n; k++)
        if (runset_col_varies(rs, k))
            used += (size_t)snprintf(label + used, n - used, "%s%s=%s", used ? " " : "", t->cols[runset_col(rs, k)],
                                     table_cell(t, rows[0], runset_col(rs, k)));
    if (!used) snprintf(label, n, "(one configuration)");
    return 0;
}

int ls_root(const char *dir, tabout_format fmt) {
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort), found = 0, rc = 0;
    if (n < 0) return -1;
    tabout out;
    const char *cols[] = {"experiment", "runs", "configurations", "ok", "diverged", "pruned", "best", "by", "mean"};
    if (tabout_init(&out, cols, 9)) rc = 2;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (!rc && name[0] != '.' && ls_root_has_runs(dir, name)) {
            char path[4200], err[1024], label[512], cells[9][600];
            runset *rs;
            snprintf(path, sizeof path, "%s/%s", dir, name);
            if (runset_open(&rs, path, err, sizeof err)) {
                fprintf(stderr, "sweep ls: %s\n", err);
                rc = 2;
            } else {
                const table *t = runset_runs(rs);
                int st = table_col(t, "status"), count[3] = {0, 0, 0};
                for (int r = 0; st >= 0 && r < t->nrows; r++) {
                    const char *s = table_cell(t, r, st);
                    count[!strcmp(s, "ok") ? 0 : !strcmp(s, "diverged") ? 1 : 2] += !strcmp(s, "ok") ||
                        !strcmp(s, "diverged") || !strcmp(s, "pruned");
                }
                double best;
                const char *by = "val_acc";           /* test_acc when the runs had no validation set */
                if (ls_root_best(rs, table_col(t, by), label, sizeof label, &best))
                    ls_root_best(rs, table_col(t, by = "test_acc"), label, sizeof label, &best);
                snprintf(cells[0], 600, "%s", name);
                snprintf(cells[1], 600, "%d", t->nrows);
                snprintf(cells[2], 600, "%d", runset_nconfigs(rs));
                for (int k = 0; k < 3; k++) snprintf(cells[3 + k], 600, "%d", count[k]);
                snprintf(cells[6], 600, "%s", label);
                snprintf(cells[7], 600, "%s", isnan(best) ? "" : by);
                if (isnan(best)) cells[8][0] = 0;
                else snprintf(cells[8], 600, "%.4f", best);
                const char *ptr[9];
                for (int k = 0; k < 9; k++) ptr[k] = cells[k];
                if (tabout_add(&out, ptr)) rc = 2;
                runset_close(rs);
                found++;
            }
        }
        free(names[i]);
    }
    free(names);
    if (!rc && found) tabout_print(&out, fmt, stdout);
    if (!rc && !found) rc = -1;
    tabout_free(&out);
    return rc;
}
