#!/usr/bin/env bash
# tests/layers.sh [--graph] — every #include "core/..." in core/ points down or sideways: a
# module includes headers of its own floor and of the floors below it, never above
# (docs/architecture.md §2). Fails naming each file and include that points up. --graph prints
# which floors each floor includes (for the docs and closing notes).
set -u
cd "$(dirname "$0")/.."
FLOORS=(base model load observe plan render apply session)
rank() {
    local i
    for i in "${!FLOORS[@]}"; do [ "${FLOORS[$i]}" = "$1" ] && { echo "$i"; return; }; done
    echo -1
}
bad=0
declare -A uses
for f in core/*/*.[ch]; do
    floor=${f#core/}
    floor=${floor%%/*}
    r=$(rank "$floor")
    if [ "$r" = -1 ]; then
        echo "layers: $f: core/$floor/ is not a floor of docs/architecture.md §2 (${FLOORS[*]})"
        bad=1
        continue
    fi
    while IFS= read -r inc; do
        to=${inc#core/}
        to=${to%%/*}
        t=$(rank "$to")
        uses[$floor]+=" $to"
        if [ "$t" -gt "$r" ]; then
            echo "layers: $f includes $inc: core/$to/ is above core/$floor/"
            bad=1
        fi
    done < <(sed -n 's/^#include "\(core\/[^"]*\)".*/\1/p' "$f")
done
if [ "${1:-}" = --graph ]; then
    for fl in "${FLOORS[@]}"; do
        below=$(tr ' ' '\n' <<<"${uses[$fl]:-}" | grep -vx "$fl" | grep -v '^$' | sort -u |
            while read -r x; do echo "$(rank "$x") $x"; done | sort -n | cut -d' ' -f2 | tr '\n' ' ')
        printf '%-8s -> %s\n' "$fl" "${below:-(nothing)}"
    done
fi
[ "$bad" = 0 ] && echo "layers: every include in core/ points down"
exit "$bad"
