# sweep: dropout and regularization experiments in C. `make run` and `make test` are the two entry points.
# CFLAGS/LDFLAGS/LDLIBS given on the command line (make CFLAGS=-O0) add to the flags the build needs, which
# live in SWEEP_CFLAGS/SWEEP_LIBS and are always used. BUILD is where objects go (test-asan uses its own).
CC      ?= gcc
CFLAGS  ?= -O2 -g
BUILD   ?= build
JOBS    ?= $(shell nproc)
override SWEEP_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp -Imodels -Iharness -I$(BUILD) \
                         -I/usr/include/x86_64-linux-gnu
override SWEEP_LIBS   := -lopenblas -lcsv -linih -lz -lm
override ALL_CFLAGS    = $(SWEEP_CFLAGS) $(CFLAGS)
override ALL_LIBS      = $(LDLIBS) $(SWEEP_LIBS)

MODELS_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(wildcard models/*.c))
HARNESS_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out harness/main.c,$(wildcard harness/*.c)))
UNIT_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c))

TUTORIAL := rate_table combinations batch_size network_size output_dropout eval_mode convergence ensemble

.PHONY: all deps deps-all run test unit integration test-slurm ci-check browser bench reproduce clean test-asan fuzz FORCE

all: sweep

sweep $(BUILD)/sweep: $(BUILD)/harness/main.o $(HARNESS_OBJ) $(MODELS_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The version recorded with every run (provenance.c): git describe, else the VERSION file; rewritten only
# when it changes, so it rebuilds one object.
$(BUILD)/version.h: FORCE
	@mkdir -p $(BUILD); v=$$(git describe --always --dirty 2>/dev/null || cat VERSION); \
	echo "#define SWEEP_VERSION \"$$v\"" > $@.tmp; cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/harness/provenance.o: $(BUILD)/version.h
FORCE:

$(BUILD)/unit_tests: $(UNIT_OBJ) $(HARNESS_OBJ) $(MODELS_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LIBS) -lcriterion

# A libFuzzer target: tests/fuzz/NAME.c with everything but main (tests/fuzz/run.sh passes clang's flags).
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.c $(HARNESS_OBJ) $(MODELS_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

deps:
	@sh .ci/install-deps

# make test also installs the packages of the optional suites (each says "skipped" where they are missing).
deps-all:
	@sh .ci/install-deps --all

# The main job: the tutorial's rate table, trained and reported. It trains into build/results (results/
# holds the committed reproduction); interrupted, it resumes where it stopped.
run: deps sweep
	./sweep run --out build/results experiments/rate_table.ini
	./sweep report build/results/rate_table
	@echo "report: build/results/rate_table/report.md (and report.html, images)"

# Each suite prints one line "SUITE: N passed, N failed"; the output of a failing suite is shown in full.
unit: deps $(BUILD)/unit_tests
	@sh tests/run_suite.sh unit $(BUILD)/unit_tests --jobs $(JOBS)

integration: deps sweep
	@for t in tests/integration/*.sh; do \
	    sh tests/run_suite.sh $$(basename $$t .sh) sh $$t || exit 1; done

# The project checks its own accuracy: the CI experiment against the committed baseline.
ci-check: deps sweep
	@rm -rf build/ci-results build/ci-check.xml
	@sh tests/run_suite.sh --junit build/ci-check.xml ci-check sh -c '\
	    ./sweep run -q --out build/ci-results experiments/ci.ini && \
	    ./sweep check --baseline tests/baseline/ci.csv build/ci-results/ci --junit build/ci-check.xml'

# Shards on a real one-node Slurm started in a temp dir (root, slurm-wlm, munge); "skipped" without them.
test-slurm: deps sweep
	@sh tests/run_suite.sh slurm sh tests/slurm/run.sh

# the HTML report in a real browser (Debian's chromium, headless); prints one "skipped" line without it
browser: deps sweep
	@sh tests/browser/run.sh

test: deps-all unit ci-check test-slurm integration browser
	@echo "make test: every suite passed (full output in build/test-logs/)"

# Unit and integration tests built with clang under AddressSanitizer and UndefinedBehaviorSanitizer
# (tests/asan.sh: build-asan/, its own flags and runtime options).
test-asan:
	@sh tests/asan.sh

# libFuzzer targets in tests/fuzz/, FUZZ_SECONDS each (default 60); FUZZ_TARGETS picks some.
fuzz:
	@sh tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60) $(FUZZ_TARGETS)

# Every tutorial experiment, then one combined report under results/reproduction (committed).
# Then the science at full size (#13): the rate and comparison tables on all 55,000 training images (5 seeds,
# into results/full/), the rate x data-size grid and the best-MLP search, with their own report in
# results/full/reproduction. About 2 hours of training on 2 cores; each command resumes where it stopped.
FULL := --out results/full --set train_size=0 --set seeds=1-5
reproduce: deps sweep
	for e in $(TUTORIAL); do ./sweep run experiments/$$e.ini || exit 1; done
	./sweep report -o results/reproduction $(addprefix results/,$(TUTORIAL))
	./sweep run $(FULL) --set epochs=30 experiments/rate_table.ini
	./sweep run $(FULL) --set epochs=100 experiments/combinations.ini
	./sweep run experiments/rate_size.ini
	./sweep run experiments/best_mlp.ini
	./sweep run experiments/best_mlp_aug.ini
	./sweep run experiments/best_mlp_long.ini
	./sweep report -o results/full/reproduction results/rate_size results/full/rate_table \
	    results/full/combinations results/best_mlp results/best_mlp_aug results/best_mlp_long

bench: deps sweep
	CC="$(CC)" CFLAGS="$(ALL_CFLAGS)" LDLIBS="$(ALL_LIBS)" sh bench/run.sh

clean:
	rm -rf build build-asan build-fuzz sweep

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
