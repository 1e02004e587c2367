/* report_files: the images a report owns in its output directory. Each report lists the plots it wrote in
   DIR/.report-files (one base name per line: base.dat, .png and .svg); the next report into DIR removes those
   of the old list it did not write again, so a plot the data no longer supports (a slice left with one point,
   say) does not stay beside a report that no longer shows it. Files a report never wrote are never touched. */
#include "report.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RPT_FILES_LIST ".report-files"

int rpt_files_note(rpt_plotter *p, const char *base)
{
    return strlist_find(&p->owned, base) >= 0 ? 0 : strlist_add(&p->owned, base);
}

/* Remove the three files of an old plot; only plain names (no '/', not hidden) are taken from the list. */
static int remove_plot(const char *outdir, const char *base)
{
    if (!*base || base[0] == '.' || strchr(base, '/')) return 0;
    static const char *const ext[] = { "dat", "png", "svg" };
    int removed = 0;
    char path[4608];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s.%s", outdir, base, ext[i]);
        removed += remove(path) == 0;
    }
    return removed > 0;
}

int rpt_files_prune(const rpt_plotter *p, char *err, size_t errlen)
{
    if (p->disabled) return 0;   /* --no-plots: the earlier plots and their list stay as they are */
    char path[4352], tmp[4400], line[512];
    snprintf(path, sizeof path, "%s/%s", p->outdir, RPT_FILES_LIST);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int removed = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (strlist_find(&p->owned, line) < 0) removed += remove_plot(p->outdir, line);
        }
        fclose(f);
    }
    FILE *o = fopen(tmp, "w");
    if (!o) { snprintf(err, errlen, "%s: cannot write (%s)", tmp, strerror(errno)); return -1; }
    for (int i = 0; i < p->owned.n; i++) fprintf(o, "%s\n", p->owned.v[i]);
    if (fclose(o) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write (%s)", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return removed;
}

void rpt_files_free(rpt_plotter *p) { strlist_free(&p->owned); }
