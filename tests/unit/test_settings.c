/* The settings table: defaults, round trips, names, validation. */
#include <criterion/criterion.h>
#include <string.h>
#include "settings.h"

Test(settings, every_default_parses_and_formats_back) {
    run_config c;
    settings_defaults(&c);
    char err[512], text[600];
    for (int i = 0; i < settings_count; i++) {
        cr_assert_eq(settings_parse(i, &c, settings_table[i].defval, err, sizeof err), 0, "%s: %s",
                     settings_table[i].name, err);
        settings_format(i, &c, text, sizeof text);
        run_config d = c;
        cr_assert_eq(settings_parse(i, &d, text, err, sizeof err), 0, "%s: %s", settings_table[i].name, err);
        cr_assert_eq(memcmp(&c, &d, sizeof c), 0, "%s does not round-trip through '%s'", settings_table[i].name, text);
    }
    cr_assert_eq(c.train.n_hidden, 2);
    cr_assert_eq(c.train.hidden[0], 256);
    cr_assert_float_eq(c.train.dropout, 0.3f, 1e-7);
    cr_assert_eq(c.train.optim.kind, OPTIM_ADAM);
    cr_assert_eq(c.train.batch_size, 64);
    cr_assert_float_eq(c.train.optim.lr, 0.001f, 1e-9);
}

Test(settings, hyphens_and_underscores_are_the_same_name) {
    cr_assert_geq(settings_find("batch-size"), 0);
    cr_assert_eq(settings_find("batch-size"), settings_find("batch_size"));
    cr_assert_eq(settings_find("no-such"), -1);
}

Test(settings, bad_values_name_the_setting_and_value) {
    run_config c;
    settings_defaults(&c);
    char err[512];
    cr_assert_eq(settings_apply(&c, "dropout", "1", err, sizeof err), -1);
    cr_assert(strstr(err, "dropout: 1 is out of range"), "%s", err);
    cr_assert_eq(settings_apply(&c, "batch_size", "6.5", err, sizeof err), -1);
    cr_assert(strstr(err, "batch_size: '6.5' is not a whole number"), "%s", err);
    cr_assert_eq(settings_apply(&c, "optimizer", "rmsprop", err, sizeof err), -1);
    cr_assert(strstr(err, "sgd, nesterov, adam, adamw"), "%s", err);
    cr_assert_eq(settings_apply(&c, "lr", "0", err, sizeof err), -1);
    cr_assert_eq(settings_apply(&c, "augment", "shift0", err, sizeof err), -1);
    cr_assert_eq(settings_apply(&c, "frobnicate", "1", err, sizeof err), -1);
    cr_assert(strstr(err, "unknown setting 'frobnicate'"), "%s", err);
}

Test(settings, augment_and_optimizer_forms) {
    run_config c;
    settings_defaults(&c);
    char err[256], text[64];
    int i = settings_find("augment");
    cr_assert_eq(settings_parse(i, &c, "shift2+flip", err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.train.augment.shift, 2);
    cr_assert_eq(c.train.augment.flip, 1);
    settings_format(i, &c, text, sizeof text);
    cr_assert_str_eq(text, "shift2+flip");
    cr_assert_eq(settings_apply(&c, "optimizer", "nesterov", err, sizeof err), 0);
    cr_assert_eq(c.train.optim.kind, OPTIM_SGD);
    cr_assert_eq(c.train.optim.nesterov, 1);
}

Test(settings, run_id_changes_with_any_setting_and_the_variant) {
    run_config a, b;
    settings_defaults(&a);
    b = a;
    char ida[17], idb[17], err[256];
    settings_run_id(&a, "base", ida);
    settings_run_id(&b, "base", idb);
    cr_assert_str_eq(ida, idb);
    cr_assert_eq(strlen(ida), 16);
    settings_run_id(&b, "other", idb);
    cr_assert_str_neq(ida, idb);
    for (int i = 0; i < settings_count; i++) {
        b = a;
        const char *alt = settings_table[i].kind == SETTING_HIDDEN ? "7" : settings_table[i].kind == SETTING_PATH ? "/x"
                        : settings_table[i].kind == SETTING_ACTIVATION ? "tanh" : settings_table[i].kind == SETTING_OPTIMIZER ? "sgd"
                        : settings_table[i].kind == SETTING_AUGMENT ? "flip" : settings_table[i].kind == SETTING_BOOL ? "1"
                        : settings_table[i].kind == SETTING_SCHEDULE ? "cosine" : "0.5";
        if (settings_table[i].kind == SETTING_INT || settings_table[i].kind == SETTING_SEED) alt = "3";
        cr_assert_eq(settings_parse(i, &b, alt, err, sizeof err), 0, "%s: %s", settings_table[i].name, err);
        settings_run_id(&b, "base", idb);
        cr_assert_str_neq(ida, idb, "run id ignores %s", settings_table[i].name);
    }
}
