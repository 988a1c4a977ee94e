#!/usr/bin/env bash
# Drift detection from the tenant configuration repository: apply through the local server,
# then `nautes plan --state git:...` on the repository the server writes (in place, through a
# file:// URL, at a past commit) shows no changes; an edit committed behind the tool's back is
# drift (exit 2, text and JUnit); a repository without the clusters directory is a tenant with
# no cluster yet (a note, every cluster to create); a missing REF, a corrupt
# Cluster file and an unreachable URL are clear errors (exit 1).
source "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$T_TMP/cache
GIT=(git -c user.name=e2e -c user.email=e2e@example.com -c init.defaultBranch=main
    -c advice.detachedHead=false)
DIR=nautes/overlays/production/clusters

start_server || exit 1
t_host_and_virtual "$T_TMP"
F=$T_TMP/clusters.yaml

check_rc "apply creates both clusters through the local server" 0 apply "$F" --auto-approve
BRANCH=$(git -C "$SERVER_REPO" symbolic-ref --short HEAD)
CLEAN=$(git -C "$SERVER_REPO" rev-parse HEAD)

# ---- no drift ---------------------------------------------------------------------------
check_rc "the repository opened in place shows no changes" 0 \
    plan "$F" --state "git:$SERVER_REPO" --detailed-exitcode
assert_contains "the plan says there is nothing to do" "$OUT" "No changes."
check_rc "a file:// URL cloned into the cache shows no changes" 0 \
    plan "$F" --state "git:file://$SERVER_REPO" --detailed-exitcode
CACHE_DIR=$(ls -d "$XDG_CACHE_HOME"/nautes/*/ 2>/dev/null | head -1)
assert_eq "the cache is private (0700)" "$(stat -c %a "$CACHE_DIR" 2>/dev/null)" "700"
if grep -rqF -- "$TOKEN" "$XDG_CACHE_HOME"; then fail "the token is written nowhere in the cache"
else ok "the token is written nowhere in the cache"; fi

# two runs sharing a cold cache: one clones while the other waits for the lock
PIDS=()
for i in 1 2; do
    XDG_CACHE_HOME=$T_TMP/shared "${WRAP[@]}" "$NAUTES" plan "$F" --detailed-exitcode \
        --state "git:file://$SERVER_REPO" >"$T_TMP/par$i.out" 2>&1 </dev/null &
    PIDS+=($!)
done
wait "${PIDS[0]}"; r1=$?
wait "${PIDS[1]}"; r2=$?
assert_eq "two runs sharing one cache both succeed" "$r1 $r2" "0 0"

# ---- drift: an edit committed behind the tool's back -------------------------------------
sed -i 's/^  primaryDomain: .*/  primaryDomain: drifted.example.com/' \
    "$SERVER_REPO/$DIR/cluster-host.yaml"
"${GIT[@]}" -C "$SERVER_REPO" commit -qam "hand edit" || fail "commit the hand edit"
check_rc "an edit made with git is drift (exit 2)" 2 \
    plan "$F" --state "git:$SERVER_REPO" --detailed-exitcode --junit "$T_TMP/drift.xml"
assert_contains "the drift names the field, the repository's value and the file's" "$OUT" \
    'primary_domain: "drifted.example.com" -> "8.217.50.114.nip.io"'
assert_contains "the drift is an update of the host" "$OUT" "~ update cluster-host"
assert_contains "the summary counts it" "$OUT" "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy."
J=$(cat "$T_TMP/drift.xml" 2>/dev/null)
assert_contains "the JUnit report counts one failure of two" "$J" \
    '<testsuite name="nautes drift" tests="2" failures="1" errors="0" skipped="0" time="0">'
# (grep -F would match a multi-line needle line by line: compare the whole text instead)
NEEDLE='<testcase classname="nautes drift" name="cluster-host" time="0">
      <failure type="update" message="would be updated: primary_domain">~ update cluster-host'
if [[ "$J" == *"$NEEDLE"* ]]; then ok "the JUnit failure is the drifted cluster's"
else fail "the JUnit failure is the drifted cluster's"; echo "$J" | sed 's/^/  | /'; fi
assert_contains "the JUnit failure holds the plan's line" "$J" \
    'primary_domain: "drifted.example.com" -&gt; "8.217.50.114.nip.io"'
assert_contains "the unchanged cluster passes" "$J" \
    '<testcase classname="nautes drift" name="cluster-virtual" time="0"/>'
if xmllint --noout "$T_TMP/drift.xml" 2>/dev/null; then ok "the JUnit report is well-formed XML"
else fail "the JUnit report is well-formed XML"; fi
check_rc "the URL's cache fetches the new commit and sees the drift" 2 \
    plan "$F" --state "git:file://$SERVER_REPO" --detailed-exitcode
check_rc "a past commit as REF shows no changes" 0 \
    plan "$F" --state "git:$SERVER_REPO#${CLEAN:0:10}" --detailed-exitcode
check_rc "a past commit as REF through the URL shows no changes" 0 \
    plan "$F" --state "git:file://$SERVER_REPO#$CLEAN" --detailed-exitcode
check_rc "the branch as REF is the current state" 2 \
    plan "$F" --state "git:file://$SERVER_REPO#$BRANCH" --detailed-exitcode

# ---- clear errors ------------------------------------------------------------------------
mkdir -p "$T_TMP/other" && echo "not a tenant repository" >"$T_TMP/other/README.md"
"${GIT[@]}" -C "$T_TMP/other" init -q && "${GIT[@]}" -C "$T_TMP/other" add README.md &&
    "${GIT[@]}" -C "$T_TMP/other" commit -qm init
check_rc "a repository without the clusters directory is a tenant with no cluster yet" 2 \
    plan "$F" --state "git:$T_TMP/other" --detailed-exitcode
assert_contains "which says so in a note" "$ERR" \
    "note: no $DIR directory at main ($(git -C "$T_TMP/other" rev-parse --short=7 HEAD)) in $T_TMP/other: a tenant without clusters yet, read as an empty list"
assert_not_contains "and not as an error" "$ERR" "error:"
assert_contains "and plans to create every cluster" "$OUT" "Plan: 2 to add, 0 to change"

check_rc "a missing REF is an error" 1 \
    plan "$F" --state "git:file://$SERVER_REPO#no-such-branch" --junit "$T_TMP/error.xml"
assert_eq "which names it" "$ERR" \
    "error: no branch, tag or commit 'no-such-branch' in file://$SERVER_REPO"
assert_contains "and the JUnit report carries the error" "$(cat "$T_TMP/error.xml")" \
    "<error type=\"error\" message=\"no branch, tag or commit &apos;no-such-branch&apos;"

"${GIT[@]}" clone -q "$SERVER_REPO" "$T_TMP/corrupt"
printf 'apiVersion: nautes.resource.nautes.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: cluster-virtual\nspec: [unclosed\n' \
    >"$T_TMP/corrupt/$DIR/cluster-virtual.yaml"
"${GIT[@]}" -C "$T_TMP/corrupt" commit -qam "corrupt"
CORRUPT=$(git -C "$T_TMP/corrupt" rev-parse --short=7 HEAD)
check_rc "a corrupt Cluster file is an error" 1 plan "$F" --state "git:$T_TMP/corrupt"
assert_contains "at its position in the repository at that commit" "$ERR" \
    "git:$T_TMP/corrupt#main@$CORRUPT/$DIR/cluster-virtual.yaml:"

check_rc "an unreachable URL is an error" 1 plan "$F" --state "git:file:///nonexistent/tenant.git"
assert_contains "which says it cannot reach it" "$ERR" \
    "error: cannot reach file:///nonexistent/tenant.git: "
check_rc "an unreachable https URL is an error" 1 \
    plan "$F" --state "git:https://127.0.0.1:1/tenant.git"
assert_contains "which says it cannot reach it" "$ERR" "error: cannot reach https://127.0.0.1:1/tenant.git: "
assert_not_contains "and never shows the token" "$ERR" "$TOKEN"

# ---- TLS: --cacert and --insecure reach libgit2 (the local server speaks TLS, not git) ------
if ! command -v openssl >/dev/null; then
    ok "openssl not installed: TLS cases skipped"
else
    P=$T_TMP/pki
    mkdir -p "$P"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nautes drift test CA" \
        -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$P/srv.key" \
        -out "$P/srv.csr" 2>/dev/null
    # a DNS entry too: libgit2's mbedTLS 2 matches the host name as text, not IP addresses
    printf 'subjectAltName=DNS:127.0.0.1,IP:127.0.0.1\n' >"$P/ext"
    openssl x509 -req -in "$P/srv.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 2 \
        -extfile "$P/ext" -out "$P/srv.crt" 2>/dev/null
    start_server --tls-cert "$P/srv.crt" --tls-key "$P/srv.key" || exit 1
    U=$SERVER_URL/tenant/config.git
    check_rc "a private CA's certificate is refused by default" 1 plan "$F" --state "git:$U"
    assert_contains "with a hint" "$ERR" \
        "error: the TLS certificate of $U is not trusted (give its CA with --cacert FILE, or --insecure): "
    check_rc "--cacert trusts it (then the server has no such repository)" 1 \
        plan "$F" --state "git:$U" --cacert "$P/ca.crt"
    assert_eq "which is said" "$ERR" \
        "error: no git repository at $U (check the URL, and that the token can read the project): unexpected http status code: 404"
    check_rc "--insecure skips the check" 1 plan "$F" --state "git:$U" --insecure
    assert_contains "with a warning" "$ERR" "warning: --insecure: the repository's TLS certificate is not verified"
    assert_contains "and reaches the server" "$ERR" "error: no git repository at $U"
fi
