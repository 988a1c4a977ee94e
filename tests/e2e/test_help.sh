#!/usr/bin/env bash
# Every flag a command's parser knows is in its --help, in the man page (in that command's
# section, or under COMMON OPTIONS) and in docs/cli.md; the same for nautes-devserver.
# The flags are read from `nautes help CMD` (printed from the declaration the parser reads)
# and each is then given to the parser, so a flag that --help shows but the parser refuses
# fails here too.
source "$(dirname "$0")/lib.sh"

COMMANDS=(validate plan apply show graph import version)
MAN=$ROOT/docs/man/nautes.1
MAN_DEV=$ROOT/docs/man/nautes-devserver.1
CLI_MD=$ROOT/docs/cli.md

# render_man FILE: the page as plain text, wide enough that no flag is broken across lines.
render_man() {
    if command -v man >/dev/null; then
        MANWIDTH=200 man -l "$1" 2>/dev/null | col -b
    elif command -v groff >/dev/null; then
        groff -man -Tascii -rLL=200n "$1" 2>/dev/null | col -b
    fi
}

# flags_of HELP_TEXT: the "  --flag ..." lines of an options table.
flags_of() { sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' <<<"$1"; }

# arg_of HELP_TEXT FLAG: the argument name of a flag ("" for a boolean flag).
arg_of() { sed -n "s/^  $2 \([A-Z][A-Z_]*\) .*/\1/p" <<<"$1" | head -1; }

# A value each argument name accepts, so that parsing succeeds.
value_for() {
    case $1 in
    N | SEC | MS) echo 1 ;;
    GEN) echo v0.4 ;;
    *) echo x ;;
    esac
}

# man_section TEXT CMD: the rendered subsection "nautes CMD ..." up to the next one.
man_section() {
    awk -v cmd="$2" '
        $0 ~ "^   nautes " cmd "( |$)" { on = 1; next }
        on && (/^   nautes / || /^[A-Z]/) { on = 0 }
        on' <<<"$1"
}

PAGE=$(render_man "$MAN")
if [ -z "$PAGE" ]; then
    fail "cannot render $MAN (neither man nor groff works)"
    exit 1
fi
COMMON=$(awk '/^COMMON OPTIONS/ { on = 1; next } on && /^[A-Z]/ { on = 0 } on' <<<"$PAGE")
CLI=$(cat "$CLI_MD")

for cmd in "${COMMANDS[@]}"; do
    nautes help "$cmd"
    if [ "$RC" != 0 ]; then
        fail "nautes help $cmd exits $RC"
        continue
    fi
    help=$OUT
    section=$(man_section "$PAGE" "$cmd")
    [ -n "$section" ] || fail "man page has no section for nautes $cmd"
    missing_man=() missing_md=() refused=()
    for flag in $(flags_of "$help"); do
        arg=$(arg_of "$help" "$flag")
        if [ -n "$arg" ]; then
            nautes "$cmd" "$flag=$(value_for "$arg")" --help
        else
            nautes "$cmd" "$flag" --help
        fi
        [ "$RC" = 0 ] || refused+=("$flag (exit $RC: $ERR)")
        if ! grep -qF -- "$flag" <<<"$section" && ! grep -qF -- "$flag" <<<"$COMMON"; then
            missing_man+=("$flag")
        fi
        grep -qF -- "\`$flag" <<<"$CLI" || missing_md+=("$flag")
    done
    assert_eq "nautes $cmd: the parser accepts every flag its --help lists" "${refused[*]}" ""
    assert_eq "nautes $cmd: every flag is in the man page" "${missing_man[*]}" ""
    assert_eq "nautes $cmd: every flag is in docs/cli.md" "${missing_md[*]}" ""
done

# The check can fail: an unknown flag is refused, and a made-up flag is not in the page.
nautes plan --no-such-flag --help
assert_eq "an unknown flag is refused" "$RC" 1
assert_contains "an unknown flag is named" "$ERR" "--no-such-flag"
assert_eq "a made-up flag is not found in the man page" \
    "$(grep -cF -- '--no-such-flag' <<<"$PAGE")" 0

# Every command of `nautes help` has a man page section and a cli.md section.
nautes help
for cmd in $(sed -n 's/^  \([a-z]*\)  .*/\1/p' <<<"$OUT"); do
    [ "$cmd" = help ] && continue
    if [ -n "$(man_section "$PAGE" "$cmd")" ] && grep -q "^### $cmd\$" "$CLI_MD"; then
        ok "command $cmd is documented in the man page and cli.md"
    else
        fail "command $cmd is missing from the man page or docs/cli.md"
    fi
done

# nautes-devserver: its --help against its own man page.
if [ -x "$NAUTES_DEVSERVER" ]; then
    DEV_HELP=$("$NAUTES_DEVSERVER" --help 2>&1)
    DEV_PAGE=$(render_man "$MAN_DEV")
    missing=()
    for flag in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$DEV_HELP" | sort -u); do
        grep -qF -- "$flag" <<<"$DEV_PAGE" || missing+=("$flag")
    done
    assert_eq "nautes-devserver: every flag of --help is in its man page" "${missing[*]}" ""
    for flag in --listen --repo --token --api-version; do
        assert_contains "nautes-devserver --help shows $flag" "$DEV_HELP" "$flag"
    done
fi
