#!/usr/bin/env bash
# docs/user-guide.md, walked in order against nautes-devserver: every YAML file and every
# command is taken from the guide itself (awk/sed below), so this test breaks when the guide
# changes; each output line the guide shows is looked for in what the tool prints.
# Substitutions, each named where it is made: the real server's address becomes the local
# server's; `~` is a HOME made for the test (so ~/.nautes-token and ~/nautes-ca.crt are files
# made here, the CA by openssl); /tmp/tenant a temporary directory; the tenant repository
# on gitlab.example.com the local server's repository (a path). Timings "(8.1s)" are not
# compared. Not run (no real GitLab or no command to run): `make && sudo make install`,
# `make demo`, `nautes plan --prune` and the import variations (named in prose only, without a
# whole command). Section 5's deletes are planned, not applied (the guide shows no apply).
. "$(dirname "$0")/lib.sh"

GUIDE=$ROOT/docs/user-guide.md
REAL=https://apiserver.8.217.50.114.nip.io:31443
export HOME=$T_TMP/home
mkdir -p "$HOME"

# block N: the Nth fenced block of the guide, without its fences
block() {
    awk -v n="$1" '/^```/ { if (o) { o = 0; p = 0 } else { o = 1; c++; p = (c == n) } next } p' \
        "$GUIDE"
}
# cmds N: the commands ("$ nautes ...") of output block N; outs N I: the lines shown after the
# I-th command of block N, without the "..." and "(the same plan)" elisions.
cmds() { block "$1" | sed -n 's/^\$ //p'; }
outs() {
    block "$1" | awk -v i="$2" '/^\$ / { c++; next } c == i && $0 !~ /^ *\.\.\.$/ && $0 != "(the same plan)"'
}
# expect NAME BLOCK I TEXT: every line the guide shows after command I of BLOCK is in TEXT
# (timings like "(8.1s)" left out on both sides, the real server's address made the local one)
expect() {
    local name=$1 text line miss=0
    text=$(sed -E 's/ \([0-9.]+s\)$//' <<<"$4")
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        line=$(sed -E 's/ \([0-9.]+s\)$//' <<<"${line//$REAL/$NAUTES_API_SERVER}")
        if ! grep -qxF -- "$line" <<<"$text"; then
            miss=1
            echo "  missing: $line"
        fi
    done < <(outs "$2" "$3")
    if [ "$miss" = 0 ]; then ok "$name"; else
        fail "$name"
        sed 's/^/  | /' <<<"$text" | head -40
    fi
}
# run_cmd NAME RC LINE: run a guide command line exactly as written (the lib's `nautes`
# function captures it); the line may end in a comment.
run_cmd() {
    local name=$1 want=$2
    eval "$3"
    if [ "$RC" = "$want" ]; then ok "$name: $3"; else
        fail "$name: $3 (exit $RC, want $want)"
        echo "  stdout: $OUT" | head -20
        echo "  stderr: $ERR" | head -20
    fi
}
# on_tty LINE ANSWER: run LINE (a guide command) on a terminal (script(1)), answering ANSWER
# (NO_COLOR: the guide shows no colours);
# output in $OUT, status in $RC.
on_tty() {
    printf '%s\n' "$2" | NO_COLOR=1 script -qec "${1/#nautes/$NAUTES}" /dev/null >"$T_TMP/tty"
    RC=$?
    # a terminal shows the answer after the question; script(1) echoes it on a line of its own
    OUT=$(tr -d '\r' <"$T_TMP/tty" | sed -e "1{/^$2\$/d}" -e "s/^Apply these changes? Only 'yes' is accepted: \$/&$2/")
}
KUBE=$ROOT/examples/kubeconfigs/host.yaml

# ---- 1. Before you start: the real server's setup, against a local https server ---------------
# Substitutions: the server's address (the export line); ~ is $HOME made above, where
# ~/nautes-ca.crt is a CA made here. The guide's token is the local server's token.
S1=$(block 1)
[ -n "$S1" ] || fail "the guide has no block 1"
W1=$T_TMP/w1
mkdir -p "$W1/kubeconfigs"
block 3 >"$W1/clusters.yaml"
if command -v openssl >/dev/null; then
    P=$T_TMP/pki
    mkdir -p "$P"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=guide CA" \
        -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$P/s.key" \
        -out "$P/s.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >"$P/s.ext"
    openssl x509 -req -in "$P/s.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
        -days 2 -extfile "$P/s.ext" -out "$P/s.crt" 2>/dev/null
    cp "$P/ca.crt" "$HOME/nautes-ca.crt"
    TOKEN=$(sed -n "s/^printf '%s\\\\n' '\([^']*\)'.*/\1/p" <<<"$S1")
    [ -n "$TOKEN" ] || fail "section 1: the token of the printf line was not found"
    start_server --tls-cert "$P/s.crt" --tls-key "$P/s.key"
    unset NAUTES_TOKEN
    cd "$W1" || exit 1
    L=$(grep '^export NAUTES_API_SERVER=' <<<"$S1")
    eval "${L//$REAL/$SERVER_URL}" # substitution: the local https server for the real one
    assert_eq "section 1: NAUTES_API_SERVER is the server" "$NAUTES_API_SERVER" "$SERVER_URL"
    L=$(grep '^printf ' <<<"$S1")
    eval "$L"
    assert_eq "section 1: the token file is mode 600" "$(stat -c %a "$HOME/.nautes-token")" 600
    run_cmd "section 1" 0 "$(grep '^nautes plan ' <<<"$S1")"
    assert_contains "section 1: the plan is made" "$OUT" "Plan: 1 to add, 0 to change"
    stop_server
    unset TOKEN
else
    ok "openssl not installed: section 1 (https with --cacert) not run"
fi

# ---- 1. Trying it without a Nautes installation: the devserver of the guide --------------------
# Substitutions: the binary under test for `nautes-devserver`, a temporary directory for
# /tmp/tenant; PORT is the port the server printed.
S2=$(block 2)
L=$(grep '^nautes-devserver ' <<<"$S2")
L=${L/#nautes-devserver/\"\$NAUTES_DEVSERVER\"}
L=${L//\/tmp\/tenant/$T_TMP/tenant}
eval "${L%&} >$T_TMP/dev.out 2>$T_TMP/dev.err &"
T_SERVER_PIDS+=($!)
for _ in $(seq 1 200); do
    URL=$(head -n1 "$T_TMP/dev.out" 2>/dev/null)
    [ -n "$URL" ] && break
    sleep 0.05
done
if [[ "$URL" =~ ^http://127\.0\.0\.1:([0-9]+)$ ]]; then ok "the devserver prints its URL first"; else
    fail "the devserver prints its URL first ($URL)"
    cat "$T_TMP/dev.err"
    exit 1
fi
L=$(grep '^export ' <<<"$S2")
eval "${L//PORT/${BASH_REMATCH[1]}}" # substitution: the port printed
assert_eq "NAUTES_API_SERVER from the guide's export" "$NAUTES_API_SERVER" "$URL"
TENANT=$T_TMP/tenant

# ---- 2. Register a physical cluster ------------------------------------------------------------
W=$T_TMP/work
mkdir -p "$W/kubeconfigs"
cd "$W" || exit 1
cp "$KUBE" kubeconfigs/cluster-physical.yaml # the user's kubeconfig, where the file says
block 3 >clusters.yaml
# the first validate is of the file with the guide's typo
sed -i 's/^\(    usage: \)worker/\1wroker/' clusters.yaml
C=$(cmds 4)
run_cmd "section 2: the typo" 1 "$(sed -n 1p <<<"$C")"
expect "section 2: the typo's error as the guide shows it" 4 1 "$ERR"
block 3 >clusters.yaml
run_cmd "section 2: fixed" 0 "$(sed -n 2p <<<"$C")"
expect "section 2: validate's summary" 4 2 "$OUT"

run_cmd "section 2" 0 "$(cmds 5)"
expect "section 2: the plan as the guide shows it" 5 1 "$OUT"

# The saved-plan steps, on a server of their own (on this one the apply below made them moot).
# No substitution.
W7=$T_TMP/w7
mkdir -p "$W7/kubeconfigs"
cp clusters.yaml "$W7/"
cp "$KUBE" "$W7/kubeconfigs/cluster-physical.yaml"
SAVE_URL=$NAUTES_API_SERVER SAVE_TOKEN=$NAUTES_TOKEN
start_server
cd "$W7" || exit 1
while IFS= read -r L; do
    run_cmd "section 2: saved plan" 0 "$L"
    case "$L" in
    *show*) assert_contains "show prints the plan" "$OUT" "Plan: 1 to add, 0 to change" ;;
    *apply*) assert_contains "apply PLAN applies it" "$OUT" "Apply complete: 1 created" ;;
    esac
done < <(block 7 | grep '^nautes ')
stop_server
# "another job can apply it from another directory": the plan made in artifacts/, applied from
# its parent with the command the guide names
L=$(grep -o '`nautes apply artifacts/[^`]*`' "$GUIDE" | tr -d '`')
mkdir -p "$T_TMP/job/artifacts"
cp -r "$W7/clusters.yaml" "$W7/kubeconfigs" "$T_TMP/job/artifacts/"
start_server
cd "$T_TMP/job/artifacts" || exit 1
run_cmd "section 2: saved plan in artifacts/" 0 "$(block 7 | grep '^nautes plan ')"
cd "$T_TMP/job" || exit 1
run_cmd "section 2: from another directory" 0 "$L"
assert_contains "the plan found its files" "$OUT" "Apply complete: 1 created"
stop_server
export NAUTES_API_SERVER=$SAVE_URL NAUTES_TOKEN=$SAVE_TOKEN
cd "$W" || exit 1

# apply asks on a terminal
if command -v script >/dev/null; then
    on_tty "$(cmds 6)" yes
    assert_eq "section 2: $(cmds 6) (answered yes)" "$RC" 0
    expect "section 2: apply as the guide shows it" 6 1 "$OUT"
    expect "section 2: \"(the same plan)\" is the plan above" 5 1 "$OUT"
else
    run_cmd "section 2 (no script(1): --auto-approve added)" 0 "$(cmds 6) --auto-approve"
fi

run_cmd "section 2: again" 0 "$(cmds 8)"
expect "section 2: nothing to do, and what was not compared" 8 1 "$OUT"

# ---- 3. A host and a virtual cluster ----------------------------------------------------------
# the guide's "# ... as in section 2" is the entry of section 2
{
    block 9 | sed '/^  - name: cluster-physical$/,$d'
    block 3 | sed -n '/^  - name: cluster-physical$/,$p'
} >clusters.yaml
cp "$KUBE" kubeconfigs/cluster-host.yaml
C=$(cmds 10)
run_cmd "section 3" 0 "$(sed -n 1p <<<"$C")"
expect "section 3: the plan as the guide shows it" 10 1 "$OUT"
run_cmd "section 3" 0 "$(sed -n 2p <<<"$C")"
expect "section 3: the apply as the guide shows it" 10 2 "$OUT"
L=$(grep -o '`nautes graph[^`]*`' "$GUIDE" | tr -d '`')
if command -v dot >/dev/null; then
    eval "${L/#nautes/\"\$NAUTES\"}"
    assert_contains "section 3: $L" "$(head -c 200 clusters.svg)" "<svg"
else
    eval "${L%%|*}" # without Graphviz: the graph itself
    assert_contains "section 3: nautes graph (dot not installed)" "$OUT" "cluster-host"
fi

# ---- 4. Change a cluster: the guide's two edits, planned one after the other -------------------
cp clusters.yaml applied.yaml
sed -i '/name: cluster-virtual/,/name: cluster-physical/s/primary_domain: .*/primary_domain: apps.example.com/' \
    clusters.yaml
nautes plan clusters.yaml
expect "section 4: an update shows old and new values" 11 0 "$OUT"
cp applied.yaml clusters.yaml
sed -i '/name: cluster-physical/,$s/worker_type: deployment/worker_type: pipeline/' clusters.yaml
nautes plan clusters.yaml
expect "section 4: a worker_type change is a replace, with its reason" 12 0 "$OUT"
cp applied.yaml clusters.yaml
L=$(grep -o '`nautes apply clusters.yaml --force-update [^`]*`' "$GUIDE" | tr -d '`')
if command -v script >/dev/null; then
    on_tty "$L" yes
    assert_eq "section 4: $L (answered yes)" "$RC" 0
    assert_contains "section 4: the kubeconfig is sent again" "$OUT" "cluster-physical: updated"
fi

# ---- 5. Delete clusters (planned; the clusters stay for section 6) ----------------------------
block 13 >clusters.yaml
run_cmd "section 5 (--detailed-exitcode added: a change is exit 2)" 2 "$(cmds 14) --detailed-exitcode"
run_cmd "section 5" 0 "$(cmds 14)"
expect "section 5: the deletes, virtual before host" 14 1 "$OUT"

# ---- 7 (before 6 rewrites the file). Drift: the file of section 5 differs from the server ------
# Substitution: the tenant repository is the local server's (a path) for the gitlab.example.com URL
L=$(block 17 | sed -e ':a' -e '/\\$/N; s/\\\n *//; ta' | grep '^nautes ')
L=${L//https:\/\/gitlab.example.com\/tenant\/config.git/$TENANT}
run_cmd "section 7: drift is exit 2" 2 "$L"

# ---- 6. import ---------------------------------------------------------------------------------
# Against a v0.4 server (the guide's example is from one; `--api-version v0.4` as section 1
# says) holding the clusters of section 3. No substitution but the address in the output.
WALK_URL=$NAUTES_API_SERVER WALK_TOKEN=$NAUTES_TOKEN
start_server --api-version v0.4
nautes apply applied.yaml --auto-approve
assert_eq "section 6: the clusters are registered" "$RC" 0
W6=$T_TMP/w6
mkdir -p "$W6"
cd "$W6" || exit 1
run_cmd "section 6" 0 "$(cmds 15)"
expect "section 6: import's summary" 15 1 "$ERR"
# every line of the guide's imported file is in the file written
MISS=$(block 16 | while IFS= read -r l; do
    l=${l//$REAL/$NAUTES_API_SERVER}
    grep -qxF -- "$l" clusters.yaml || echo "$l"
done)
assert_eq "section 6: the file is as the guide shows it" "$MISS" ""
run_cmd "section 6: then plan (no kubeconfig files yet)" 0 "nautes plan clusters.yaml"
assert_contains "section 6: it shows no changes" "$OUT" "No changes."
mkdir -p kubeconfigs
cp "$KUBE" kubeconfigs/cluster-host.yaml
cp "$KUBE" kubeconfigs/cluster-physical.yaml
run_cmd "section 6: with the kubeconfig files" 0 "nautes plan clusters.yaml"
assert_contains "section 6: still no changes" "$OUT" "No changes."

# ---- 7. Drift: the imported file matches the repository ----------------------------------------
L=$(block 17 | sed -e ':a' -e '/\\$/N; s/\\\n *//; ta' | grep '^nautes ')
L=${L//https:\/\/gitlab.example.com\/tenant\/config.git/$SERVER_REPO} # substitution as above
run_cmd "section 7: as declared is exit 0" 0 "$L"

# ---- 6. the warning of an import from a v0.3 API (the devserver of section 1) -------------------
# The guide writes the address as "https://..."; here it is the local server's.
WARN=$(grep -A1 'warns: `warning: ' "$GUIDE" | tr '\n' ' ' | sed -E 's/.*warns: `([^`]*)`.*/\1/; s/  +/ /g')
WARN=${WARN//https:\/\/.../$WALK_URL}
NAUTES_API_SERVER=$WALK_URL NAUTES_TOKEN=$WALK_TOKEN nautes import
assert_eq "section 6: import from a v0.3 API" "$RC" 0
assert_contains "section 6: the v0.3 warning as the guide shows it" "$ERR" "$WARN"
