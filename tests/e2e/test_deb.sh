#!/usr/bin/env bash
# `make deb` (debian/, dpkg-buildpackage, lintian) builds build/deb/nautes_*.deb; unpacked with
# dpkg-deb -x into a temporary root, the packaged nautes runs `version` and `validate` on an
# example, and the man pages and completion are where Debian looks for them.
source "$(dirname "$0")/lib.sh"

B="$T_TMP/b"
if make --no-print-directory -C "$ROOT" deb BUILD="$B" >"$T_TMP/make.out" 2>&1; then
    ok "make deb builds the package and lintian passes"
else
    fail "make deb: $(tail -20 "$T_TMP/make.out")"
fi
deb=$(ls "$B"/deb/nautes_*_*.deb 2>/dev/null | head -1)
if [ -n "$deb" ] && [ -f "$deb" ]; then ok "the .deb is in BUILD/deb: $(basename "$deb")"; else
    fail "no nautes_*.deb in $B/deb"
fi
R="$T_TMP/root"
dpkg-deb -x "$deb" "$R" 2>/dev/null
v=$(cd "$ROOT" && dpkg-parsechangelog -S Version)
out=$("$R/usr/bin/nautes" version 2>&1)
case "$out" in "nautes $v "*) ok "packaged nautes version: $out" ;; *) fail "nautes version: $out (changelog: $v)" ;; esac
"$R/usr/bin/nautes" validate "$ROOT/examples/host-and-virtual-deployment.yaml" >"$T_TMP/v.out" 2>&1
rc=$?
if [ "$rc" = 0 ]; then ok "packaged nautes validate on an example exits 0"; else
    fail "validate exit $rc: $(cat "$T_TMP/v.out")"
fi
printf 'clusters:\n  - name: Bad_Name\n' >"$T_TMP/bad.yaml"
"$R/usr/bin/nautes" validate "$T_TMP/bad.yaml" >"$T_TMP/b.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q 'bad.yaml:2:' "$T_TMP/b.out"; then
    ok "packaged nautes validate reports a bad file with file:line (exit 1)"
else fail "validate on a bad file: exit $rc: $(cat "$T_TMP/b.out")"; fi
for f in usr/share/man/man1/nautes.1.gz usr/share/man/man1/nautes-devserver.1.gz \
    usr/share/bash-completion/completions/nautes usr/share/zsh/vendor-completions/_nautes \
    usr/share/doc/nautes/copyright usr/bin/nautes-devserver; do
    if [ -s "$R/$f" ]; then ok "packaged /$f"; else fail "missing /$f"; fi
done
if zcat "$R/usr/share/man/man1/nautes.1.gz" | grep -q '^\.TH NAUTES'; then ok "man page is nautes(1)"; else
    fail "nautes.1.gz is not the man page"
fi
dep=$(dpkg-deb -f "$deb" Depends)
case "$dep" in *libcurl4*libgit2*libyaml*) ok "Depends from shlibs: $dep" ;; *) fail "Depends: $dep" ;; esac
