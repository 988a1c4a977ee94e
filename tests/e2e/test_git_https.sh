#!/usr/bin/env bash
# The CI drift job's real path: the tenant repository served the way GitLab serves it, over
# https with basic authentication (user `oauth2`, the token as the password) and a private CA,
# by `git http-backend` behind tests/helpers/git_http_server.c on a loopback port the kernel
# chooses. The job's command (examples/ci/.gitlab-ci.yml, drift) is run against it:
#   clone, cached fetch (nothing downloaded again), a new commit seen as drift, a wrong or
#   missing token refused in one sentence, the token never written to the cache, the JUnit
#   report or any output;
#   secrets written in the URL (user:password@, a token as user name, ?private_token=) never
#   shown; plain http:// to a host that is not loopback warned about;
#   a redirect to another origin never receives the token (the server there logs every
#   Authorization it gets);
#   a damaged cached clone is fetched again once, with a note naming its path.
source "$(dirname "$0")/lib.sh"

GIT_HTTP_SERVER=${GIT_HTTP_SERVER:-$(dirname "$NAUTES")/git-http-server}
if [ ! -x "$GIT_HTTP_SERVER" ]; then
    fail "the test helper $GIT_HTTP_SERVER is built (make $(dirname "$NAUTES")/git-http-server)"
    exit 1
fi
if ! command -v openssl >/dev/null; then
    ok "openssl not installed: https git cases skipped"
    exit 0
fi
export XDG_CACHE_HOME=$T_TMP/cache
GIT=(git -c user.name=e2e -c user.email=e2e@example.com -c init.defaultBranch=main
    -c advice.detachedHead=false)
DIR=nautes/overlays/production/clusters

# ---- a private CA and the server's certificate ----------------------------------------------
P=$T_TMP/pki
mkdir -p "$P"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nautes git test CA" \
    -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost" \
    -keyout "$P/git.key" -out "$P/git.csr" 2>/dev/null
openssl x509 -req -in "$P/git.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 2 \
    -copy_extensions copy -out "$P/git.crt" 2>/dev/null

# git_server NAME ARGS...: start the helper; sets GURL_<NAME> and remembers its pid
git_server() {
    local name=$1 out=$T_TMP/git-$1.out i url=
    shift
    "${WRAP[@]}" "$GIT_HTTP_SERVER" --listen 127.0.0.1:0 "$@" >"$out" 2>"$out.err" &
    T_SERVER_PIDS+=($!)
    for i in $(seq 1 200); do
        url=$(head -n1 "$out" 2>/dev/null)
        case "$url" in http*://*) break ;; esac
        sleep 0.05
    done
    case "$url" in http*://*) ;; *) echo "git-http-server did not start:"; cat "$out.err"; return 1 ;; esac
    printf -v "GURL_$name" '%s' "$url"
}

# ---- the tenant repository, as the API Server wrote it ---------------------------------------
start_server || exit 1
t_host_and_virtual "$T_TMP"
check_rc "apply creates the clusters through the local API server" 0 \
    apply "$T_TMP/clusters.yaml" --auto-approve
stop_server
unset NAUTES_API_SERVER
mkdir -p "$T_TMP/srv/tenant"
"${GIT[@]}" clone -q --bare "$SERVER_REPO" "$T_TMP/srv/tenant/config.git"

GL_TOKEN=glpat-e2e-$RANDOM$RANDOM$RANDOM
LOG=$T_TMP/git-requests.log
git_server gitlab --root "$T_TMP/srv" --token "$GL_TOKEN" \
    --tls-cert "$P/git.crt" --tls-key "$P/git.key" --log "$LOG" || exit 1

# The drift job's variables and command, as in examples/ci/.gitlab-ci.yml
CLUSTERS_FILE=$T_TMP/clusters.yaml
TENANT_REPO_URL=$GURL_gitlab/tenant/config.git
NAUTES_CA_FILE=$P/ca.crt
ALL_OUTPUT=$T_TMP/all-output
: >"$ALL_OUTPUT"
drift_job() {
    (cd "$T_TMP" && nautes plan "$CLUSTERS_FILE" --state "git:$TENANT_REPO_URL" --detailed-exitcode \
        --junit drift.xml ${NAUTES_CA_FILE:+--cacert "$NAUTES_CA_FILE"}
    echo "$RC" >"$T_TMP/rc"
    printf '%s\n%s\n' "$OUT" "$ERR" >"$T_TMP/last")
    RC=$(cat "$T_TMP/rc")
    OUT=$(cat "$T_TMP/out")
    ERR=$(cat "$T_TMP/err")
    cat "$T_TMP/last" "$T_TMP/drift.xml" >>"$ALL_OUTPUT" 2>/dev/null
}
expect_rc() { if [ "$RC" = "$2" ]; then ok "$1"; else
    fail "$1 (exit $RC, want $2)"
    echo "  stdout: $OUT" | head -20
    echo "  stderr: $ERR" | head -20
fi; }
uploads() { grep -c "^POST /tenant/config.git/git-upload-pack auth=good" "$LOG"; }

# ---- clone, cached fetch, a new commit --------------------------------------------------------
export NAUTES_TOKEN=$GL_TOKEN
drift_job
expect_rc "the drift job clones over https with the token and the private CA: no drift" 0
assert_contains "no changes" "$OUT" "No changes."
assert_eq "the first request has no credentials, the next ones the token (GitLab's 401 dance)" \
    "$(head -2 "$LOG" | cut -d' ' -f3 | tr '\n' ' ')" "auth=none auth=good "
assert_eq "one download (the clone)" "$(uploads)" 1
CACHE=$(ls -d "$XDG_CACHE_HOME"/nautes/*/ | head -1)
assert_eq "the cache is private (0700)" "$(stat -c %a "$CACHE")" 700

drift_job
expect_rc "the second run fetches into the cache: no drift" 0
assert_eq "and downloads nothing (the cache is up to date)" "$(uploads)" 1

"${GIT[@]}" clone -q "$T_TMP/srv/tenant/config.git" "$T_TMP/work"
sed -i 's/primaryDomain: .*/primaryDomain: changed.example.com/' "$T_TMP/work/$DIR/cluster-virtual.yaml"
"${GIT[@]}" -C "$T_TMP/work" commit -qam "edit behind the tool's back"
"${GIT[@]}" -C "$T_TMP/work" push -q origin main
drift_job
expect_rc "a new commit in the repository is seen: drift, exit 2" 2
assert_contains "the drift is the edited field" "$OUT" \
    'primary_domain: "changed.example.com" -> "8.217.50.114.nip.io"'
assert_contains "the JUnit report has the failure" "$(cat "$T_TMP/drift.xml")" "<failure"
assert_eq "the new commit was downloaded (a second fetch)" "$(uploads)" 2

# ---- refused tokens ---------------------------------------------------------------------------
export NAUTES_TOKEN=glpat-wrong-$RANDOM$RANDOM
drift_job
expect_rc "a wrong token is refused" 1
assert_eq "in one clear sentence" "$ERR" \
    "error: $TENANT_REPO_URL refused the access token (expired, revoked, or without read_repository on this project)"
assert_contains "which the server saw as bad credentials" "$(tail -1 "$LOG")" "auth=bad"
unset NAUTES_TOKEN
drift_job
expect_rc "no token is refused" 1
assert_eq "with what to do" "$ERR" \
    "error: $TENANT_REPO_URL needs authentication: set NAUTES_TOKEN or --token-file to a GitLab access token with read_repository"
export NAUTES_TOKEN=$GL_TOKEN
echo "$GL_TOKEN" >"$T_TMP/token"
chmod 600 "$T_TMP/token"
unset NAUTES_TOKEN
check_rc "--token-file works as NAUTES_TOKEN does" 2 \
    plan "$CLUSTERS_FILE" --state "git:$TENANT_REPO_URL" --detailed-exitcode \
    --cacert "$NAUTES_CA_FILE" --token-file "$T_TMP/token"
printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"

# ---- secrets in the URL are never shown ----------------------------------------------------------
HOSTPORT=${GURL_gitlab#https://}
for form in "https://oauth2:$GL_TOKEN@$HOSTPORT/tenant/nope.git" \
    "https://$GL_TOKEN@$HOSTPORT/tenant/nope.git" \
    "https://$HOSTPORT/tenant/nope.git?private_token=$GL_TOKEN"; do
    check_rc "a missing repository, with the token in the URL, is an error" 1 \
        plan "$CLUSTERS_FILE" --state "git:$form" --cacert "$NAUTES_CA_FILE"
    assert_not_contains "the token in the URL is not shown" "$ERR" "$GL_TOKEN"
    assert_contains "the URL is, redacted" "$ERR" "[REDACTED]"
    printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
done

# ---- the token never written or printed --------------------------------------------------------
if grep -rqF -- "$GL_TOKEN" "$XDG_CACHE_HOME"; then fail "the token is written nowhere in the cache"
else ok "the token is written nowhere in the cache"; fi
if grep -qF -- "$GL_TOKEN" "$ALL_OUTPUT"; then fail "the token is in no output and no JUnit report"
else ok "the token is in no output and no JUnit report"; fi
assert_not_contains "nor in the server's request log" "$(cat "$LOG")" "$GL_TOKEN"

# ---- plain http ------------------------------------------------------------------------------
export NAUTES_TOKEN=$GL_TOKEN
check_rc "git:http:// to a host that is not loopback: an error here (no such host)" 1 \
    plan "$CLUSTERS_FILE" --state "git:http://nautes-git.invalid/tenant/config.git" --timeout 5
assert_contains "but first a warning that the token would go in clear" "$ERR" \
    "warning: the token is sent unencrypted to http://nautes-git.invalid/tenant/config.git (http://): use https://"
check_rc "the same with user:password@ in the URL" 1 \
    plan "$CLUSTERS_FILE" --state "git:http://oauth2:hunter2@nautes-git.invalid/t.git#main" --timeout 5
assert_contains "warned about, the password redacted" "$ERR" \
    "warning: the token is sent unencrypted to http://oauth2:[REDACTED]@nautes-git.invalid/t.git (http://)"
git_server plain --root "$T_TMP/srv" --token "$GL_TOKEN" || exit 1
check_rc "git:http:// on loopback works" 2 \
    plan "$CLUSTERS_FILE" --state "git:$GURL_plain/tenant/config.git" --detailed-exitcode
assert_not_contains "with no warning" "$ERR" "unencrypted"
unset NAUTES_TOKEN
check_rc "without a token, http:// to another host" 1 \
    plan "$CLUSTERS_FILE" --state "git:http://nautes-git.invalid/tenant/config.git" --timeout 5
assert_not_contains "is not warned about (no token to send)" "$ERR" "unencrypted"
export NAUTES_TOKEN=$GL_TOKEN

# ---- a redirect to another origin never gets the token -----------------------------------------
ELSE_LOG=$T_TMP/elsewhere.log
git_server elsewhere --root "$T_TMP/srv" --token "$GL_TOKEN" --log "$ELSE_LOG" || exit 1
git_server moved --root "$T_TMP/srv" --redirect "$GURL_elsewhere" || exit 1
check_rc "a repository redirected to another host and port is refused" 1 \
    plan "$CLUSTERS_FILE" --state "git:$GURL_moved/tenant/config.git"
assert_eq "naming both origins" "$ERR" \
    "error: $GURL_moved/tenant/config.git redirected to $GURL_elsewhere, which asks for credentials: nautes gives the token only to $GURL_moved (if the repository has moved, name its new URL in --state git:)"
assert_contains "the redirect was followed" "$(cat "$ELSE_LOG" 2>/dev/null)" "auth=none"
assert_not_contains "but the other host never received credentials" "$(cat "$ELSE_LOG" 2>/dev/null)" "auth=good"
assert_not_contains "not even wrong ones" "$(cat "$ELSE_LOG" 2>/dev/null)" "auth=bad"
check_rc "its new URL, named in --state, works" 2 \
    plan "$CLUSTERS_FILE" --state "git:$GURL_elsewhere/tenant/config.git" --detailed-exitcode

# ---- a damaged cached clone --------------------------------------------------------------------
CACHE=${CACHE%/}
PACKS=$(ls "$CACHE"/objects/pack/*.pack)
for pack in $PACKS; do
    chmod u+w "$pack"
    for off in $(git show-index <"${pack%.pack}.idx" | awk '{print $1}'); do
        printf 'ZZZZ' | dd of="$pack" bs=1 seek=$((off + 6)) conv=notrunc 2>/dev/null
    done
done
if git --git-dir="$CACHE" cat-file -p refs/remotes/origin/main >/dev/null 2>&1; then
    fail "every object of the cached clone is damaged (git cannot read it)"
else ok "every object of the cached clone is damaged (git cannot read it)"; fi
drift_job
expect_rc "the drift job still works: the damaged cache is fetched again" 2
assert_contains "a note names the cache and says what was done" "$ERR" \
    "note: the cached clone $CACHE is damaged ("
assert_contains "that it was removed and fetched again" "$ERR" "): removed it and fetched $TENANT_REPO_URL again"
assert_not_contains "not an error" "$ERR" "error:"
assert_contains "and the plan is the same drift" "$OUT" 'primary_domain: "changed.example.com"'
if git --git-dir="$CACHE" cat-file -p refs/remotes/origin/main >/dev/null 2>&1; then
    ok "the cache is sound again"
else fail "the cache is sound again"; fi
drift_job
expect_rc "the next run uses the new cache quietly" 2
assert_not_contains "without a note" "$ERR" "damaged"

# ---- a slow git server: a fetch longer than 2 s is said once (every 10 s on a terminal) -------
git_server slow --root "$T_TMP/srv" --delay 1300 || exit 1
nautes plan "$CLUSTERS_FILE" --state "git:$GURL_slow/tenant/config.git" --cacert "$P/ca.crt"
assert_contains "a slow fetch says it is still fetching, with the objects so far" "$ERR" \
    "nautes: still fetching $GURL_slow/tenant/config.git ("
assert_eq "once: stderr is not a terminal" "$(grep -c 'still fetching' <<<"$ERR")" 1
assert_contains "and the plan is still made" "$OUT" "Plan: "
