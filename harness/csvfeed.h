/* csvfeed: a buffer fed to libcsv one physical line at a time, so that every record knows the line it starts on
   and its raw byte range (a quoted field may span lines). A line ends at "\n", "\r\n" or a lone "\r", as a
   record does in libcsv, so a record never shares a line with another. Internal to the harness (table.c, store_repair.c). */
#ifndef SWEEP_CSVFEED_H
#define SWEEP_CSVFEED_H
#include <csv.h>
#include <stddef.h>

typedef struct csvfeed csvfeed;

/* Called per complete record. Returns 0 to go on, nonzero to stop the feed after the current line. The fields
   are freed when it returns; to keep the strings, take them and set f->n_fields = 0. */
typedef int (*csvfeed_record_fn)(csvfeed *f, void *ctx);

struct csvfeed {
    /* the record being delivered to the callback */
    char **fields;              /* (n_fields) NUL-terminated, owned by the feed */
    int n_fields;
    long rec_line;              /* line it starts on */
    size_t rec_start, rec_end;  /* its raw bytes [rec_start, rec_end): up to the end of the line that ends it */
    /* progress */
    long line;                  /* physical line being fed */
    long bad_line;              /* after CSVFEED_BAD_CSV: the line to name in the message */
    int bad_torn;               /* after CSVFEED_BAD_CSV: the rejected line is the last and has no '\n' */
    int oom;                    /* a field could not be stored; no record is delivered after it */
    size_t good_end;            /* end of the last complete record fed (a record boundary) */
    long good_line;             /* line number at good_end */
    /* private */
    struct csv_parser parser;
    csvfeed_record_fn fn;
    void *ctx;
    int cap, in_record, stop;
    size_t chunk_end;
};

enum {
    CSVFEED_DONE = 0,           /* all fed; a record without its final newline may be pending (see good_end) */
    CSVFEED_STOPPED = 1,        /* the callback returned nonzero */
    CSVFEED_NOMEM = -1,         /* out of memory (f->oom) */
    CSVFEED_BAD_CSV = -2,       /* libcsv rejected bad_line: csv_strerror(csv_error(&f->parser)) says why */
};

/* Set up a feed whose first byte is on line first_line; options as for csv_init (CSV_STRICT, ...).
   Returns 0, or -1 if csv_init fails (nothing to free then). */
int csvfeed_init(csvfeed *f, unsigned char options, long first_line, csvfeed_record_fn fn, void *ctx);
/* Feed buf[0, len) line by line (one buffer per feed: rec_start, rec_end and good_end are offsets into it).
   Returns CSVFEED_DONE, or the first of BAD_CSV, NOMEM, STOPPED met after a line. */
int csvfeed_feed(csvfeed *f, const char *buf, size_t len);
/* End of input: csv_fini, which with CSV_STRICT_FINI rejects an unterminated quoted field (bad_line is then the
   line the record starts on) and delivers a last record that lacks its newline. Returns as csvfeed_feed. */
int csvfeed_finish(csvfeed *f);
/* Free the parser and any fields still held. */
void csvfeed_free(csvfeed *f);

#endif
