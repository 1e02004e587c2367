# sweep: dropout and regularization experiments in C. `make run` and `make test` are the two entry points.
CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp -Imodels -Iharness -I/usr/include/x86_64-linux-gnu
LDLIBS  := -lopenblas -lcsv -linih -lz -lm
JOBS    ?= $(shell nproc)

MODELS_OBJ  := $(patsubst %.c,build/%.o,$(wildcard models/*.c))
HARNESS_OBJ := $(patsubst %.c,build/%.o,$(filter-out harness/main.c,$(wildcard harness/*.c)))
UNIT_OBJ    := $(patsubst %.c,build/%.o,$(wildcard tests/unit/*.c))

.PHONY: all deps run test unit integration bench reproduce clean

all: sweep

sweep: build/harness/main.o $(HARNESS_OBJ) $(MODELS_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

build/unit_tests: $(UNIT_OBJ) $(HARNESS_OBJ) $(MODELS_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

deps:
	@sh .ci/install-deps

run: deps sweep
	./sweep train --epochs 20 --seed 1

unit: deps build/unit_tests
	build/unit_tests --jobs $(JOBS)

integration: deps sweep
	@for t in tests/integration/*.sh; do echo "== $$t"; sh $$t || exit 1; done

test: unit integration

bench: deps sweep
	sh bench/run.sh

clean:
	rm -rf build sweep

-include $(shell find build -name '*.d' 2>/dev/null)
