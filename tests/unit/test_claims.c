/* Declared claims and tables in the report (experiment.ini beside runs.csv), on results written by the test
   itself. Run from the repository root, like `make unit`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t k = fread(s, 1, (size_t)n, f);
    s[k] = 0;
    fclose(f);
    return s;
}

static const char header[] =
    "run_id,status,variant,seed,hidden,activation,dropout,input_dropout,output_dropout,batchnorm,optimizer,lr,"
    "momentum,l2,batch_size,epochs,early_stopping,train_size,val_size,augment,mc_samples,data,epochs_run,"
    "best_epoch,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,test_acc_dropout_on,pred_change,"
    "test_acc_mc,seconds,sec_per_epoch\n";

/* One ok run with dropout p, batch size b and test accuracy acc (fraction). */
static void put_run(FILE *f, int id, int seed, double p, int b, double acc)
{
    fprintf(f, "%016x,ok,base,%d,\"256,256\",relu,%g,0,0,0,adam,0.001,0.9,0,%d,5,0,1000,500,none,0,/data,5,3,"
            "0.3,%.5f,0.35,%.5f,0.36,%.5f,,,,1,0.2\n", id, seed, p, b, acc + 0.05, acc, acc);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static int report(const char *dir, char *out)
{
    snprintf(out, 512, "%s/out", dir);
    const char *argv[] = { "report", "--no-plots", "-o", out, dir };
    return cmd_report(5, (char **)argv);
}

/* #14 item 3: 71 rates, 70 of them above 0.5. The old rate-table section kept the comparisons of the high
   rates in a stack array of 64 and read past its end when printing them (caught by -fsanitize=address),
   and its fixed buffer cut the numbers after a dozen rates. Every comparison must be listed. */
Test(claims, seventy_high_rates_are_all_compared)
{
    char dir[] = "/tmp/sweep_claims_XXXXXX", sub[512], out[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/rate_table", dir);
    cr_assert_eq(mkdir(sub, 0777), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/runs.csv", sub);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(header, f);
    int id = 1;
    static const double jitter[] = { 0.001, -0.002, 0.0005 };
    for (int k = 0; k <= 70; k++) {
        double p = k == 0 ? 0 : 0.5 + 0.005 * k;
        for (int s = 1; s <= 3; s++)   /* 2 + k/100 pp below p = 0 at each seed, plus a little jitter */
            put_run(f, id++, s, p, 64, 0.85 + 0.01 * (s - 2) - (k ? 0.02 + 0.0001 * k + jitter[s - 1] * 0.1 : 0));
    }
    fclose(f);
    write_file(sub, "experiment.ini",
               "[sweep]\nname = rate_table\ndropout = 0, 0.505, 0.51\nseeds = 1-3\nreference = dropout=0\n\n"
               "[claim p > 0.5 often hurts more than helps]\nquote = Too high dropout rate.\nmetric = test_acc\n"
               "compare = dropout>0.5\nagainst = dropout=0\ndirection = less\nquantifier = majority\n");
    cr_assert_eq(report(sub, out), 0);
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    cr_assert_not_null(md);
    cr_assert_not_null(strstr(md, "**Verdict on \"p > 0.5 often hurts more than helps\": supported.**"));
    /* the last of the 70 comparisons is there, with its own difference: -(2 + 0.7) pp */
    cr_assert_not_null(strstr(md, "| dropout=0.85 | dropout=0 |"), "the 70th rate is listed");
    cr_assert_not_null(strstr(md, "-2.70 ["), "and its difference");
    cr_assert_not_null(strstr(md, "70 of 70"), "every comparison counted");
    free(md);
}
