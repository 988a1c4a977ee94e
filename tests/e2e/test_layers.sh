#!/usr/bin/env bash
# The structure, checked from outside: every #include in core/ points down a floor
# (tests/layers.sh, docs/architecture.md §2), and the client binary holds none of the local
# server's code (devserver/ is linked into nautes-devserver only).
. "$(dirname "$0")/lib.sh"

if out=$("$ROOT/tests/layers.sh" 2>&1); then ok "every include in core/ points down"; else
    fail "an include in core/ points up"
    echo "$out" | sed 's/^  | /'
fi

# a floor that is not one fails the check (it can fail)
mkdir -p "$T_TMP/tree/core/base" "$T_TMP/tree/core/plan" "$T_TMP/tree/tests"
cp "$ROOT/tests/layers.sh" "$T_TMP/tree/tests/"
printf '#include "core/plan/plan.h"\n' >"$T_TMP/tree/core/base/x.c"
: >"$T_TMP/tree/core/plan/plan.h"
if out=$("$T_TMP/tree/tests/layers.sh" 2>&1); then fail "an upward include is not caught"; else
    assert_contains "an upward include is named with its file" "$out" \
        "layers: core/base/x.c includes core/plan/plan.h: core/plan/ is above core/base/"
fi

lib=$(dirname "$NAUTES")/libdevserver.a
[ -f "$lib" ] || lib=$(dirname "$NAUTES")/rel/libdevserver.a
if [ ! -f "$lib" ] || ! command -v nm >/dev/null; then
    fail "no $lib or no nm to compare the binaries with"
else
    server=$(nm --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u)
    client=$(nm --defined-only "$NAUTES" | awk '{print $3}' | sort -u)
    both=$(comm -12 <(echo "$server") <(echo "$client"))
    assert_eq "nautes defines none of the local server's symbols" "$both" ""
    [ -n "$server" ] && ok "the local server's library defines $(wc -l <<<"$server") symbols" ||
        fail "the local server's library defines nothing"
    devserver_has=$(nm --defined-only "$NAUTES_DEVSERVER" | awk '{print $3}' | grep -cx 'nt_tenant_write_cluster')
    assert_eq "nautes-devserver holds the tenant repository writer" "$devserver_has" 1
fi
