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

.PHONY: all test unit cli check install clean demo bench fuzz fuzz-run fuzz-merge fuzz-merge-run valgrind
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

# libFuzzer harnesses (fuzz/fuzz_*.c: databrickscfg, CSV maps, JSONL, HTTP
# error replies, HTTP replies with NUL escapes, JSON -> Lua -> JSON, the
# comparer, rule files), built with clang + ASan + UBSan in build/fuzz/ and
# run by fuzz/run.sh FUZZ_TIME seconds each, FUZZ_JOBS at a time, from
# fuzz/corpus/<name>/ and fuzz/regress/<name>/. New inputs go to
# build/fuzz-corpus/<name>/, a crashing input to build/fuzz-artifacts/<name>/;
# any crash, leak, hang or UB fails the run naming the target and the input.
# `make fuzz-merge` then folds the new inputs into a minimal fuzz/corpus/.
FUZZ      := $(patsubst fuzz/%.c,$(B)/f/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_MAKE  = $(MAKE) B=build/fuzz CC=clang WARN="-Wall -Wextra" OPT="-O1 -g" \
	SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"

$(B)/f/%: $(B)/fuzz/%.o $(B)/libdbx.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-run: $(FUZZ)
	@fuzz/run.sh -j $(FUZZ_JOBS) $(FUZZ_TIME) $(FUZZ)

fuzz-merge-run: $(FUZZ)
	@fuzz/run.sh -m $(FUZZ)

fuzz:
	@./scripts/deps.sh fuzz
	$(FUZZ_MAKE) fuzz-run

fuzz-merge:
	@./scripts/deps.sh fuzz
	$(FUZZ_MAKE) fuzz-merge-run

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
