/* csvfeed: a buffer fed to libcsv one physical line at a time (see csvfeed.h). */
#include "csvfeed.h"

#include <stdlib.h>
#include <string.h>

static void feed_field(void *s, size_t len, void *data) {
    csvfeed *f = data;
    if (f->stop || f->oom) return;
    if (f->n_fields == f->cap) {
        int cap = f->cap ? 2 * f->cap : 16;
        char **p = realloc(f->fields, (size_t)cap * sizeof *p);
        if (!p) { f->oom = 1; return; }
        f->fields = p;
        f->cap = cap;
    }
    char *field = malloc(len + 1);
    if (!field) { f->oom = 1; return; }
    if (len) memcpy(field, s, len);
    field[len] = '\0';
    f->fields[f->n_fields++] = field;
}

static void feed_record(int c, void *data) {
    (void)c;
    csvfeed *f = data;
    f->in_record = 0;
    if (!f->stop && !f->oom) {
        f->rec_end = f->chunk_end;
        f->stop = f->fn(f, f->ctx) != 0;
    }
    for (int i = 0; i < f->n_fields; i++) free(f->fields[i]);
    f->n_fields = 0;
}

static int is_blank_line(const char *s, size_t n) {
    return (n == 1 && (s[0] == '\n' || s[0] == '\r')) || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

int csvfeed_init(csvfeed *f, unsigned char options, long first_line, csvfeed_record_fn fn, void *ctx) {
    memset(f, 0, sizeof *f);
    f->fn = fn;
    f->ctx = ctx;
    f->line = f->good_line = first_line;
    return csv_init(&f->parser, options) != 0 ? -1 : 0;
}

/* The next physical line of buf[pos, len): up to and including its terminator, which is "\n", "\r\n" or a lone
   "\r" (libcsv ends a record at each). Returns its length; *terminated says whether it has a terminator. */
static size_t next_line(const char *buf, size_t pos, size_t len, int *terminated) {
    for (size_t i = pos; i < len; i++) {
        if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n'))) {
            *terminated = 1;
            return i + 1 - pos;
        }
    }
    *terminated = 0;
    return len - pos;
}

int csvfeed_feed(csvfeed *f, const char *buf, size_t len) {
    for (size_t pos = 0; pos < len;) {
        int nl;
        size_t n = next_line(buf, pos, len, &nl);
        if (!f->in_record && !is_blank_line(buf + pos, n)) {
            f->in_record = 1;
            f->rec_start = pos;
            f->rec_line = f->line;
        }
        f->chunk_end = pos + n;
        if (csv_parse(&f->parser, buf + pos, n, feed_field, feed_record, f) != n) {
            f->bad_line = f->line;
            f->bad_torn = !nl;
            return CSVFEED_BAD_CSV;
        }
        if (f->oom) return CSVFEED_NOMEM;
        if (f->stop) return CSVFEED_STOPPED;
        pos += n;
        if (nl) f->line++;
        if (!f->in_record) {
            f->good_end = pos;
            f->good_line = f->line;
        }
    }
    return CSVFEED_DONE;
}

int csvfeed_finish(csvfeed *f) {
    if (csv_fini(&f->parser, feed_field, feed_record, f) != 0) {
        f->bad_line = f->rec_line;
        f->bad_torn = 0;
        return CSVFEED_BAD_CSV;
    }
    if (f->oom) return CSVFEED_NOMEM;
    return f->stop ? CSVFEED_STOPPED : CSVFEED_DONE;
}

void csvfeed_free(csvfeed *f) {
    for (int i = 0; i < f->n_fields; i++) free(f->fields[i]);
    free(f->fields);
    f->fields = NULL;
    f->n_fields = f->cap = 0;
    csv_free(&f->parser);
}
