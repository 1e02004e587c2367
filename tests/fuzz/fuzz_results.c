/* Fuzz target: reading results for `sweep report` (table_read, grouping runs into configurations, the
   experiment's sections, report.md/html) and `sweep check` (both tables, grouping, comparison, JUnit).
   Input: one character picking the experiment's name ('0'..'7': the report's named sections, anything else:
   the generic table), runs.csv, then after FUZZ_SEP lines curves.csv and check's baseline CSV (each optional). */
#include "commands.h"
#include "fuzz.h"
#include <stdio.h>
#include <unistd.h>

static const char *const names[] = { "rate_table", "combinations", "batch_size", "network_size",
                                     "output_dropout", "eval_mode", "convergence", "ensemble" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned pick = (unsigned)(data[0] - '0');
    const char *name = pick < sizeof names / sizeof names[0] ? names[pick] : "generic";
    fuzz_part parts[3];
    int n = fuzz_split(data + 1, size - 1, parts, 3);
    char rel[256], path[4096], dir[4096], out[4096], base[4096], junit[4096];
    fuzz_remove("r");
    snprintf(rel, sizeof rel, "r/%s/runs.csv", name);
    fuzz_write(rel, &parts[0], path, sizeof path);
    if (n >= 2) {
        snprintf(rel, sizeof rel, "r/%s/curves.csv", name);
        fuzz_write(rel, &parts[1], path, sizeof path);
    }
    snprintf(dir, sizeof dir, "%s/r/%s", fuzz_dir(), name);
    snprintf(out, sizeof out, "%s/r/out", fuzz_dir());

    char *report_argv[] = { "report", "--no-plots", "-o", out, dir, NULL };
    optind = 0;
    cmd_report(5, report_argv);

    if (n == 3) {
        fuzz_write("r/baseline.csv", &parts[2], base, sizeof base);
        snprintf(junit, sizeof junit, "%s/r/check.xml", fuzz_dir());
        char *check_argv[] = { "check", "--baseline", base, dir, "--junit", junit, NULL };
        optind = 0;
        cmd_check(6, check_argv);
    }
    return 0;
}
