/* fuzz_common: see fuzz.h. */
#include "fuzz.h"
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The one piece of process state of a fuzz target: its scratch directory. */
static char scratch[PATH_MAX];

int fuzz_split(const uint8_t *data, size_t size, fuzz_part *parts, int max)
{
    const size_t seplen = sizeof FUZZ_SEP - 1;
    int n = 0;
    while (n < max - 1) {
        const uint8_t *at = memmem(data, size, FUZZ_SEP, seplen);
        if (!at) break;
        parts[n++] = (fuzz_part){ data, (size_t)(at - data) };
        size -= (size_t)(at - data) + seplen;
        data = at + seplen;
    }
    parts[n++] = (fuzz_part){ data, size };
    return n;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path) != 0 && errno != ENOENT;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_scratch(void)
{
    if (scratch[0]) remove_tree(scratch);
}

const char *fuzz_dir(void)
{
    if (scratch[0]) return scratch;
    const char *base = getenv("TMPDIR");
    struct stat st;
    if (!base || !*base) base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(scratch, sizeof scratch, "%s/sweep-fuzz.XXXXXX", base);
    if (!mkdtemp(scratch)) { perror(scratch); abort(); }
    atexit(remove_scratch);
    return scratch;
}

static void mkdirs_for(char *path)
{
    size_t base = strlen(fuzz_dir());
    for (char *s = path + base + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        if (mkdir(path, 0700) != 0 && errno != EEXIST) { perror(path); abort(); }
        *s = '/';
    }
}

void fuzz_write(const char *name, const fuzz_part *p, char *path, size_t len)
{
    if (snprintf(path, len, "%s/%s", fuzz_dir(), name) >= (int)len) abort();
    mkdirs_for(path);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p->data, 1, p->size, f) != p->size || fclose(f) != 0) { perror(path); abort(); }
}

void fuzz_remove(const char *name)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name) >= (int)sizeof path) abort();
    remove_tree(path);
}
