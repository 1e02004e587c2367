/* commands: the sweep subcommands. Each takes the arguments after its name (argv[0] is the command name)
   and returns the process exit code; only main() exits. Each prints its own --help. */
#ifndef SWEEP_COMMANDS_H
#define SWEEP_COMMANDS_H

int cmd_train(int argc, char **argv);   /* harness/cmd_train.c: train one model, epochs as CSV on stdout */
int cmd_run(int argc, char **argv);     /* harness/cmd_run.c: run an experiment file */
int cmd_report(int argc, char **argv);  /* harness/report.c: tables, verdicts and plots from results */
int cmd_check(int argc, char **argv);   /* harness/check.c: CI accuracy gate against a baseline */
int cmd_merge(int argc, char **argv);   /* harness/cmd_merge.c: fold shard results into the directory's files */
int cmd_ls(int argc, char **argv);      /* harness/cmd_ls.c: what a results directory holds, per configuration */
int cmd_compare(int argc, char **argv); /* harness/cmd_compare.c: two result sets, configuration by configuration */

#endif
