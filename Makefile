# nautes — build, test, demo, bench, fuzz, install.
#
#   make            build build/nautes and build/nautes-devserver (release flags)
#   make test       install missing -dev packages, build under ASan+UBSan, run every test
#   make demo       the whole story against the local API server
#   make bench      benchmarks (results recorded in docs/benchmarks.md)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make memcheck   the end-to-end suite under valgrind
#   make install    PREFIX=/usr/local DESTDIR=
#   make fresh-check  README's `make demo` and `make test` in a fresh minimal Debian 12 root
#
# On Debian, each target first installs with apt-get what it needs and is missing (as root,
# or with sudo): `make deps` the compiler, pkg-config and the -dev libraries; `make
# demo-deps` also curl and git; `make test-deps` also cmocka and the tests' tools.
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
# Debian packages: the build (compiler, pkg-config, -dev libraries), then what the demo
# adds (curl and git drive the local server), then what the tests add (cmocka; openssl makes
# test certificates; xmllint checks the JUnit report; groff and col render the man pages;
# ca-certificates is the system CA bundle the TLS tests trust without --cacert; time is the
# /usr/bin/time the benchmarks, which a test runs at a small size, measure with).
BUILD_DEBS = gcc libc6-dev pkg-config libyaml-dev libcurl4-openssl-dev libcjson-dev libgit2-dev \
             libmicrohttpd-dev libssl-dev
DEMO_DEBS = curl git
TEST_DEBS = libcmocka-dev openssl libxml2-utils groff-base bsdextrautils ca-certificates time \
            build-essential dpkg-dev debhelper fakeroot lintian

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

CORE_SRC = $(sort $(wildcard core/*/*.c))
NAUTES_SRC = $(sort $(wildcard cmd/nautes/*.c))
DEVSERVER_SRC = $(sort $(wildcard cmd/nautes-devserver/*.c))
# the local server's own library (server-only code: build/nautes never links it)
DEVSERVER_LIB_SRC = $(sort $(wildcard devserver/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))

REL = $(BUILD)/rel
SAN = $(BUILD)/san
obj = $(patsubst %.c,$(1)/%.o,$(2))

.PHONY: all deps demo-deps test-deps test unit e2e demo bench fuzz memcheck install uninstall clean \
        format lint check-deps fresh-check
PROGRAMS = $(BUILD)/nautes $(if $(DEVSERVER_SRC),$(BUILD)/nautes-devserver)
SAN_PROGRAMS = $(SAN)/nautes $(if $(DEVSERVER_SRC),$(SAN)/nautes-devserver) \
               $(SAN)/git-http-server
# test helpers the end-to-end scripts run next to the programs (not installed)
TEST_HELPERS = $(BUILD)/git-http-server

all: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROGRAMS)

# $(call need,CHECK,PACKAGES): when the shell command CHECK fails, apt-get install PACKAGES
# (as root, or with sudo). CHECK looks at what the packages provide, not at dpkg.
define need
@if ! { $(1); } >/dev/null 2>&1; then \
    echo "make $@: installing $(strip $(2))"; \
    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install \
        -y -qq --no-install-recommends $(2); } >/dev/null \
        || { echo "make $@: apt-get install $(strip $(2)) failed" >&2; exit 1; }; \
fi
endef

# The compiler with the C library's headers, pkg-config and every library's -dev package.
deps:
	$(call need,printf '#include <stdio.h>\n' | $(CC) -fsyntax-only -x c - && \
	    pkg-config --exists $(PKGS),$(BUILD_DEBS))

demo-deps: deps
	$(call need,command -v curl && command -v git,$(DEMO_DEBS))

test-deps: demo-deps
	$(call need,pkg-config --exists cmocka && command -v openssl && command -v xmllint && \
	    command -v groff && command -v col && test -r /etc/ssl/certs/ca-certificates.crt && \
	    test -x /usr/bin/time,$(TEST_DEBS))

# ---- release build ------------------------------------------------------------------------
$(REL)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(REL)/libnautes.a: $(call obj,$(REL),$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/nautes: $(call obj,$(REL),$(NAUTES_SRC)) $(REL)/libnautes.a
	$(CC) -o $@ $^ $(PKG_LIBS)

$(REL)/libdevserver.a: $(call obj,$(REL),$(DEVSERVER_LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/nautes-devserver: $(call obj,$(REL),$(DEVSERVER_SRC)) $(REL)/libdevserver.a $(REL)/libnautes.a
	$(CC) -o $@ $^ $(PKG_LIBS)

# ---- sanitizer (test) build ---------------------------------------------------------------
$(SAN)/%.o: %.c | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) -c $< -o $@

$(SAN)/libnautes.a: $(call obj,$(SAN),$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(SAN)/nautes: $(call obj,$(SAN),$(NAUTES_SRC)) $(SAN)/libnautes.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/libdevserver.a: $(call obj,$(SAN),$(DEVSERVER_LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

$(SAN)/nautes-devserver: $(call obj,$(SAN),$(DEVSERVER_SRC)) $(SAN)/libdevserver.a $(SAN)/libnautes.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# tests/helpers/git_http_server.c: git over http(s) with basic auth, for test_git_https.sh
$(SAN)/git-http-server: $(SAN)/tests/helpers/git_http_server.o
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/git-http-server: $(REL)/tests/helpers/git_http_server.o
	$(CC) -o $@ $^ $(PKG_LIBS)

$(SAN)/tests/%: $(SAN)/tests/%.o $(SAN)/libdevserver.a $(SAN)/libnautes.a
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

# The end-to-end tests' helpers (tests/tools/*.c: JSON and a free port, so no test needs python3),
# next to the binaries under test: $(SAN)/tools for the test build, $(BUILD)/tools for memcheck.
$(SAN)/tools/%: tests/tools/%.c | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(PKG_CFLAGS) $(SAN_LDFLAGS) -o $@ $< $(PKG_LIBS)

$(BUILD)/tools/%: tests/tools/%.c | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

UNIT_BINS = $(patsubst tests/%.c,$(SAN)/tests/%,$(TEST_SRC))
tools = $(patsubst tests/tools/%.c,$(1)/tools/%,$(TOOL_SRC))
.SECONDARY:

test: test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(UNIT_BINS) $(SAN_PROGRAMS) $(PROGRAMS) \
	    $(call tools,$(SAN))
	@tests/run-tests.sh $(SAN)

unit: test-deps
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@tests/run-tests.sh $(SAN) unit

e2e: test-deps
	@$(MAKE) --no-print-directory $(SAN_PROGRAMS) $(call tools,$(SAN))
	@tests/run-tests.sh $(SAN) e2e

memcheck: all test-deps
	@$(MAKE) --no-print-directory $(TEST_HELPERS) $(call tools,$(BUILD))
	$(call need,command -v valgrind,valgrind)
	@NAUTES_VALGRIND=1 tests/run-tests.sh $(BUILD) e2e

# README's two commands in a fresh minimal Debian 12 root (debootstrap), from a clean clone
# of the current commit; needs root. See tests/fresh-debian.sh.
fresh-check:
	@tests/fresh-debian.sh

# ---- Debian package (debian/, docs/packaging.md) ----------------------------------------
# `make deb`: build/deb/nautes_VERSION_ARCH.deb with dpkg-buildpackage and debhelper, from a copy
# of the tree in build/deb/nautes-VERSION (its outputs land next to it, not beside the
# checkout), then lintian. dpkg-buildflags' CPPFLAGS, CFLAGS and LDFLAGS (exported by dh;
# empty in a plain `make`) are added to the release build's.
# The package build runs without this make's variables (BUILD=... would reach its make).
# build-essential: dpkg-buildpackage refuses to build without it (an implicit build dependency)
DEB_DEBS = build-essential dpkg-dev debhelper fakeroot lintian
DEB_DIR = $(BUILD)/deb
REL_CFLAGS += $(CPPFLAGS) $(CFLAGS)
$(BUILD)/nautes $(BUILD)/nautes-devserver: PKG_LIBS += $(LDFLAGS)
.PHONY: deb deb-deps

deb-deps: deps
	$(call need,command -v dpkg-buildpackage && command -v dh && command -v fakeroot && \
	    command -v lintian && dpkg-query -W -f='$${Status}' build-essential 2>/dev/null | \
	    grep -q 'ok installed',$(DEB_DEBS))

deb: deb-deps
	@v=$$(dpkg-parsechangelog -S Version) && src=$(DEB_DIR)/nautes-$$v && \
	    rm -rf $(DEB_DIR) && mkdir -p $$src && \
	    tar --exclude=./$(BUILD) --exclude=./.git --exclude=./build -cf - . | tar -C $$src -xf - && \
	    cd $$src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD dpkg-buildpackage -us -uc -b -j$(JOBS) >../build.log 2>&1 \
	    || { tail -40 ../build.log >&2; exit 1; }
	@lintian --fail-on error,warning --suppress-tags-from-file debian/lintian-explained \
	    $(DEB_DIR)/nautes_*.changes
	@ls $(DEB_DIR)/*.deb

demo: demo-deps all
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
	clang-format -i core/*/*.c core/*/*.h devserver/*.c devserver/*.h cmd/*/*.c cmd/*/*.h tests/*.c tests/helpers/*.c fuzz/*.c 2>/dev/null; true

lint: deps
	tests/layers.sh
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
	    --suppress=missingIncludeSystem --inline-suppr -I. --include=/usr/include/cjson/cJSON.h \
	    core devserver cmd
	clang-tidy --quiet $(CORE_SRC) $(DEVSERVER_LIB_SRC) -- $(BASE_CFLAGS) $(PKG_CFLAGS) 2>/dev/null | \
	    grep -E 'warning|error' && exit 1 || true

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
