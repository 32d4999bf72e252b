# dbxmig: see README.md. `make` builds ./dbxmig and ./dbxmig-fakews,
# `make test` runs every test, `make check` runs them under ASan+UBSan.
PREFIX  ?= /usr/local
CC      ?= cc
PKGS     = lua5.4 libcurl libcjson libpcre2-8
FW_PKGS  = libcjson libmicrohttpd
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
OPT     ?= -O2 -g
SAN      =
B       ?= build

DEPS_OK := $(shell ./scripts/deps.sh >&2 && echo yes)
ifneq ($(DEPS_OK),yes)
$(error missing build dependencies (see the message above))
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(FW_PKGS) cmocka)
CFLAGS   += $(CSTD) $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) -Isrc -I$(B)/gen -MMD -MP
LDLIBS    = $(shell pkg-config --libs $(PKGS)) -lm
FW_LDLIBS = $(shell pkg-config --libs $(FW_PKGS)) -lpthread -lm
TEST_LIBS = $(shell pkg-config --libs cmocka)
LDFLAGS  += $(SAN)

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LUA_SRC  := $(wildcard src/*.lua)
GEN_SRC  := $(patsubst src/%.lua,$(B)/gen/embed_%.c,$(LUA_SRC))
LIB_OBJ  := $(patsubst %.c,$(B)/%.o,$(LIB_SRC)) $(patsubst %.c,%.o,$(GEN_SRC))
FW_OBJ   := $(patsubst %.c,$(B)/%.o,$(wildcard fakews/*.c))
UNIT     := $(patsubst tests/unit/%.c,$(B)/t/%,$(wildcard tests/unit/test_*.c))

BIN      := $(if $(filter build,$(B)),.,$(B))
DBXMIG   := $(BIN)/dbxmig
FAKEWS   := $(BIN)/dbxmig-fakews

.PHONY: all test unit cli check install clean demo bench fuzz fuzz-run valgrind
all: $(DBXMIG) $(FAKEWS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/gen/embed_%.c: src/%.lua scripts/embed.sh
	@mkdir -p $(dir $@)
	./scripts/embed.sh $< $@

$(B)/gen/embed_%.o: $(B)/gen/embed_%.c
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libdbx.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(DBXMIG): $(B)/src/main.o $(B)/libdbx.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(FAKEWS): $(FW_OBJ) $(B)/libdbx.a
	$(CC) $(LDFLAGS) -o $@ $^ $(FW_LDLIBS) $(LDLIBS)

# Keep intermediate objects (unit-test .o files) so a rebuild is incremental.
.SECONDARY:

$(B)/t/%: $(B)/tests/unit/%.o $(B)/libdbx.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(FW_LDLIBS) $(TEST_LIBS)

# Unit tests (cmocka) first, then the command-line tests (TAP, via prove).
test: all $(UNIT)
	@./tests/run-unit.sh $(UNIT)
	@DBXMIG=$(abspath $(DBXMIG)) FAKEWS=$(abspath $(FAKEWS)) ./tests/run-cli.sh

# The two halves of `make test`, one at a time.
unit: $(UNIT)
	@./tests/run-unit.sh $(UNIT)

cli: all
	@DBXMIG=$(abspath $(DBXMIG)) FAKEWS=$(abspath $(FAKEWS)) ./tests/run-cli.sh

# Benchmarks print ratios against a baseline measured in the same run;
# bench/run.sh writes them, with the machine described, to bench/RESULTS.md.
bench: all
	@DBXMIG=$(abspath $(DBXMIG)) FAKEWS=$(abspath $(FAKEWS)) bench/run.sh

# libFuzzer harnesses (fuzz/fuzz_*.c: databrickscfg, CSV maps, JSONL, HTTP error
# replies, JSON -> Lua -> JSON), built with clang in build/fuzz/ and run
# FUZZ_TIME seconds each from the seeds in fuzz/corpus/<name>/. New inputs
# go to build/fuzz-corpus/<name>/, crashes to build/fuzz/crash-*.
FUZZ      := $(patsubst fuzz/%.c,$(B)/f/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_TIME ?= 60

$(B)/f/%: $(B)/fuzz/%.o $(B)/libdbx.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-run: $(FUZZ)
	@for f in $(FUZZ); do n=$$(basename $$f); mkdir -p build/fuzz-corpus/$$n; \
		echo "fuzz: $$n for $(FUZZ_TIME) s"; \
		$$f -max_total_time=$(FUZZ_TIME) -max_len=8192 -print_final_stats=0 \
			-artifact_prefix=$(B)/ build/fuzz-corpus/$$n fuzz/corpus/$$n \
			2>build/fuzz-$$n.log || { tail -40 build/fuzz-$$n.log; exit 1; }; done

fuzz:
	$(MAKE) B=build/fuzz CC=clang WARN="-Wall -Wextra" OPT="-O1 -g" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined" fuzz-run

check:
	$(MAKE) B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

# The end-to-end test with dbxmig and the fake under valgrind memcheck:
# any error or definite leak in any process fails it.
valgrind: all
	@./tests/run-valgrind.sh

# The first thing to run on a fresh machine: migrates the fixture Azure
# workspace into an empty AWS fake (scripts/demo.sh), all on 127.0.0.1.
demo: all
	./scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/dbxmig/rules
	install -m 0755 dbxmig dbxmig-fakews $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 rules/*.lua $(DESTDIR)$(PREFIX)/share/dbxmig/rules/

clean:
	rm -rf build dbxmig dbxmig-fakews

-include $(shell find $(B) -name '*.d' 2>/dev/null)
