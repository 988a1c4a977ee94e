# nautes — build, test, demo, bench, fuzz, install.
#
#   make            build build/nautes and build/nautes-devserver (release flags)
#   make test       install missing -dev packages, build under ASan+UBSan, run every test
#   make demo       the whole story against the local API server
#   make bench      benchmarks (results recorded in docs/benchmarks.md)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make memcheck   the end-to-end suite under valgrind
#   make install    PREFIX=/usr/local DESTDIR=
#
# Every library comes from pkg-config; flags are expanded lazily (recursive variables) so
# that `make deps` can install the packages before the first compile needs them.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
BUILD ?= build
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

CC ?= cc
PKGS = yaml-0.1 libcurl libcjson libgit2 libmicrohttpd libcrypto
DEB_PKGS = pkg-config libyaml-dev libcurl4-openssl-dev libcjson-dev libgit2-dev libcmocka-dev \
           libmicrohttpd-dev libssl-dev curl git openssl

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
       -Wno-format-nonliteral -Wundef -Wvla
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -I. -MMD -MP
REL_CFLAGS = $(BASE_CFLAGS) -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
SAN_CFLAGS = $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
             -fno-sanitize-recover=undefined -DNT_TEST_BUILD
SAN_LDFLAGS = -fsanitize=address,undefined,float-cast-overflow

CORE_SRC = $(sort $(wildcard core/*.c))
NAUTES_SRC = $(sort $(wildcard cmd/nautes/*.c))
DEVSERVER_SRC = $(sort $(wildcard cmd/nautes-devserver/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c))

REL = $(BUILD)/rel
SAN = $(BUILD)/san
obj = $(patsubst %.c,$(1)/%.o,$(2))

.PHONY: all deps test unit e2e demo bench fuzz memcheck install uninstall clean format lint check-deps
PROGRAMS = $(BUILD)/nautes $(if $(DEVSERVER_SRC),$(BUILD)/nautes-devserver)
SAN_PROGRAMS = $(SAN)/nautes $(if $(DEVSERVER_SRC),$(SAN)/nautes-devserver) \
               $(SAN)/git-http-server
# test helpers the end-to-end scripts run next to the programs (not installed)
TEST_HELPERS = $(BUILD)/git-http-server

all: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROGRAMS)

# Install the Debian -dev packages when pkg-config cannot find them (as root, or with sudo).
deps:
	@if ! pkg-config --exists $(PKGS) cmocka 2>/dev/null || ! command -v git >/dev/null \
	    || ! command -v curl >/dev/null || ! command -v openssl >/dev/null; then \
	    echo "make deps: installing $(DEB_PKGS)"; \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        $(DEB_PKGS) >/dev/null || { echo "make deps: apt-get failed" >&2; exit 1; }; \
	fi

# ---- release build ------------------------------------------------------------------------
$(REL)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(REL)/libnautes.a: $(call obj,$(REL),$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/nautes: $(call obj,$(REL),$(NAUTES_SRC)) $(REL)/libnautes.a
	$(CC) -o $@ $^ $(PKG_LIBS)

$(BUILD)/nautes-devserver: $(call obj,$(REL),$(DEVSERVER_SRC)) $(REL)/libnautes.a
	$(CC) -o $@ $^ $(PKG_LIBS)

# ---- sanitizer (test) build ---------------------------------------------------------------
$(SAN)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) -c $< -o $@

$(SAN)/libnautes.a: $(call obj,$(SAN),$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(SAN)/nautes: $(call obj,$(SAN),$(NAUTES_SRC)) $(SAN)/libnautes.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/nautes-devserver: $(call obj,$(SAN),$(DEVSERVER_SRC)) $(SAN)/libnautes.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# tests/helpers/git_http_server.c: git over http(s) with basic auth, for test_git_https.sh
$(SAN)/git-http-server: $(SAN)/tests/helpers/git_http_server.o
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/git-http-server: $(REL)/tests/helpers/git_http_server.o
	$(CC) -o $@ $^ $(PKG_LIBS)

$(SAN)/tests/%: $(SAN)/tests/%.o $(SAN)/libnautes.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

UNIT_BINS = $(patsubst tests/%.c,$(SAN)/tests/%,$(TEST_SRC))
.SECONDARY:

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(UNIT_BINS) $(SAN_PROGRAMS) $(PROGRAMS)
	@tests/run-tests.sh $(SAN)

unit: deps
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@tests/run-tests.sh $(SAN) unit

e2e: deps
	@$(MAKE) --no-print-directory $(SAN_PROGRAMS)
	@tests/run-tests.sh $(SAN) e2e

memcheck: all
	@$(MAKE) --no-print-directory $(TEST_HELPERS)
	@command -v valgrind >/dev/null || { apt-get install -y -qq valgrind >/dev/null; }
	@NAUTES_VALGRIND=1 tests/run-tests.sh $(BUILD) e2e

demo: all
	@examples/demo.sh $(BUILD)

bench: all
	@bench/run.sh $(BUILD)

fuzz: deps
	@fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0755 $(BUILD)/nautes $(BUILD)/nautes-devserver $(DESTDIR)$(BINDIR)/
	@for m in docs/man/*.1; do [ -f "$$m" ] && install -m 0644 "$$m" $(DESTDIR)$(MANDIR)/man1/; done; true
	@[ -f completion/nautes.bash ] && install -m 0644 completion/nautes.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nautes; true
	@[ -f completion/_nautes ] && install -m 0644 completion/_nautes \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_nautes; true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nautes $(DESTDIR)$(BINDIR)/nautes-devserver \
	    $(DESTDIR)$(MANDIR)/man1/nautes.1 $(DESTDIR)$(MANDIR)/man1/nautes-devserver.1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nautes \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_nautes

clean:
	rm -rf $(BUILD)

format:
	clang-format -i core/*.c core/*.h cmd/*/*.c cmd/*/*.h tests/*.c tests/helpers/*.c fuzz/*.c 2>/dev/null; true

lint: deps
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
	    --suppress=missingIncludeSystem --inline-suppr -I. --include=/usr/include/cjson/cJSON.h \
	    core cmd
	clang-tidy --quiet $(CORE_SRC) -- $(BASE_CFLAGS) $(PKG_CFLAGS) 2>/dev/null | \
	    grep -E 'warning|error' && exit 1 || true

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
