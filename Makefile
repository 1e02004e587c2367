# sweep: dropout and regularization experiments in C. `make run` and `make test` are the two entry points.
CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp -Imodels -Iharness -I/usr/include/x86_64-linux-gnu
LDLIBS  := -lopenblas -lcsv -linih -lz -lm
JOBS    ?= $(shell nproc)

MODELS_OBJ  := $(patsubst %.c,build/%.o,$(wildcard models/*.c))
HARNESS_OBJ := $(patsubst %.c,build/%.o,$(filter-out harness/main.c,$(wildcard harness/*.c)))
UNIT_OBJ    := $(patsubst %.c,build/%.o,$(wildcard tests/unit/*.c))

TUTORIAL := rate_table combinations batch_size network_size output_dropout eval_mode convergence ensemble

.PHONY: all deps run test unit integration ci-check browser bench reproduce clean

all: sweep

sweep: build/harness/main.o $(HARNESS_OBJ) $(MODELS_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The version recorded with every run (provenance.c): git describe, else the VERSION file; rewritten only
# when it changes, so it rebuilds one object.
build/version.h: FORCE
	@mkdir -p build; v=$$(git describe --always --dirty 2>/dev/null || cat VERSION); \
	echo "#define SWEEP_VERSION \"$$v\"" > $@.tmp; cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
build/harness/provenance.o: build/version.h
build/harness/provenance.o: CFLAGS += -Ibuild
FORCE:

build/unit_tests: $(UNIT_OBJ) $(HARNESS_OBJ) $(MODELS_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

deps:
	@sh .ci/install-deps

# The main job: the tutorial's rate table, trained and reported. It trains into build/results (results/
# holds the committed reproduction); interrupted, it resumes where it stopped.
run: deps sweep
	./sweep run --out build/results experiments/rate_table.ini
	./sweep report build/results/rate_table
	@echo "report: build/results/rate_table/report.md (and report.html, images)"

unit: deps build/unit_tests
	build/unit_tests --jobs $(JOBS)

integration: deps sweep
	@for t in tests/integration/*.sh; do echo "== $$t"; sh $$t || exit 1; done

# The project checks its own accuracy: the CI experiment against the committed baseline.
ci-check: deps sweep
	rm -rf build/ci-results
	./sweep run -q --out build/ci-results experiments/ci.ini
	./sweep check --baseline tests/baseline/ci.csv build/ci-results/ci --junit build/ci-check.xml

# the HTML report in a real browser (Debian's chromium, headless); prints one "skipped" line without it
browser: deps sweep
	@sh tests/browser/run.sh

test: unit ci-check integration browser

# Every tutorial experiment, then one combined report under results/reproduction (committed).
reproduce: deps sweep
	for e in $(TUTORIAL); do ./sweep run experiments/$$e.ini || exit 1; done
	./sweep report -o results/reproduction $(addprefix results/,$(TUTORIAL))

bench: deps sweep
	CC="$(CC)" CFLAGS="$(CFLAGS)" LDLIBS="$(LDLIBS)" sh bench/run.sh

clean:
	rm -rf build sweep

-include $(shell find build -name '*.d' 2>/dev/null)
