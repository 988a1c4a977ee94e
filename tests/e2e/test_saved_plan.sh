#!/usr/bin/env bash
# Saved plans that can be moved and cannot be misused: `nautes plan --out` in one directory,
# `nautes apply PLAN` from another and after moving the whole directory; refused against
# another server, after a hand edit (show and apply alike); `--out` and `--junit` never
# replace an input, a file that is not a plan, a directory or a device; a full disk (ulimit -f)
# keeps the previous report and plan.
. "$(dirname "$0")/lib.sh"

W=$T_TMP/work
mkdir -p "$W/A/kubeconfigs" "$W/elsewhere"
cp "$ROOT/examples/kubeconfigs/host.yaml" "$W/A/kubeconfigs/host.yaml"
cat >"$W/A/clusters.yaml" <<'EOF'
clusters:
  - name: cluster-host
    api_server: https://10.1.0.1:6443
    cluster_type: physical
    usage: host
    primary_domain: 10.1.0.1.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/host.yaml
  - name: cluster-virtual
    api_server: https://10.1.0.1:31456
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: cluster-host
    vcluster: {https_node_port: "31456"}
EOF
summary() { grep -E '^Apply (complete|failed|interrupted):' <<<"$OUT"; }

start_server --api-version v0.4
FIRST_URL=$SERVER_URL FIRST_TOKEN=$TOKEN FIRST_REPO=$SERVER_REPO

# ---- a plan made in A applies from another directory, and after moving A -------------------
cd "$W/A"
check_rc "plan --out in the files' directory" 0 plan clusters.yaml --out t.plan
assert_not_contains "the plan records no absolute path" "$(cat t.plan)" "$W"
# a saved plan where a clusters file is expected, and the reverse: which command takes it
for cmd in plan validate graph; do
    check_rc "$cmd of a saved plan is refused" 1 $cmd t.plan
    assert_contains "$cmd of a saved plan: which commands take one" "$ERR" \
        "nautes: t.plan is a saved plan, not a clusters file: 'nautes show t.plan' prints it and 'nautes apply t.plan' applies it"
    assert_not_contains "$cmd of a saved plan: not a list of unknown keys" "$ERR" "unknown key"
done
check_rc "show of a clusters file is refused" 1 show clusters.yaml
assert_eq "show of a clusters file: which command takes one" "$ERR" \
    "error: clusters.yaml: not a saved nautes plan: 'nautes plan clusters.yaml' shows the plan of a clusters file, and 'nautes plan clusters.yaml --out PLAN' saves one"
cd "$W/elsewhere"
check_rc "show of A/t.plan from another directory" 0 show ../A/t.plan
cp ../A/t.plan ../A/t.plan.orig
mv "$W/A" "$W/moved"
check_rc "apply of the moved plan from another directory" 0 apply ../moved/t.plan
assert_not_contains "no false 'stale' error" "$ERR" "stale"
assert_contains "the plan's clusters are created" "$(summary)" "Apply complete: 2 created"
cd "$W"
check_rc "apply of it again: the server changed, so it is stale" 1 apply moved/t.plan
assert_contains "... saying which clusters" "$ERR" "cluster-host appeared"

# ---- a plan is tied to the server it observed --------------------------------------------------
cd "$W/moved"
check_rc "a new plan (a change of the virtual cluster's domain)" 0 plan clusters.yaml --out t.plan
sed -i 's/https_node_port: "31456"}/https_node_port: "31456"}\n    primary_domain: apps.example.com/' \
    clusters.yaml
check_rc "... refused once the file changed" 1 apply t.plan
assert_contains "... naming the file" "$ERR" "clusters.yaml changed since the plan was made"
check_rc "plan --out replaces a plan saved before" 0 plan clusters.yaml --out t.plan
start_server --api-version v0.4
check_rc "applying it to another server is refused" 1 apply t.plan
assert_contains "... naming the server it was made against" "$ERR" "made against api $FIRST_URL (v0.4)"
assert_contains "... and the one it would go to" "$ERR" "this apply observes api $SERVER_URL"
git -C "$SERVER_REPO" log --format=%s >"$T_TMP/log2"
assert_eq "... and nothing was sent to it" "$(wc -l <"$T_TMP/log2")" 1
export NAUTES_API_SERVER=$FIRST_URL NAUTES_TOKEN=$FIRST_TOKEN
check_rc "plan --state git: --out" 0 plan clusters.yaml --out git.plan --state "git:$SERVER_REPO"
check_rc "a git plan applied while observing the API is refused" 1 apply git.plan
assert_contains "... naming the repository" "$ERR" "made against git:$SERVER_REPO#"

# ---- an edited plan is refused by show and apply ------------------------------------------------
cp t.plan edited.plan
sed -i 's/apps.example.com/evil.example.com/' edited.plan
check_rc "show refuses a plan edited by hand" 1 show edited.plan
assert_contains "... saying so" "$ERR" "the saved plan was changed after nautes plan wrote it"
check_rc "apply refuses it too" 1 apply edited.plan
assert_not_contains "... before sending anything" "$OUT" "Apply"
cp t.plan edited.plan
sed -i '0,/"method": "POST"/s//"method": "DELETE"/' edited.plan
check_rc "a changed method is refused" 1 apply edited.plan
check_rc "the unedited plan still applies" 0 apply t.plan
assert_contains "... with its one change" "$(summary)" "Apply complete: 0 created, 1 updated"

# ---- --out and --junit never replace an input, another file, a directory or a device ------------
cp clusters.yaml clusters.before
check_rc "--out onto the input file is refused" 1 plan clusters.yaml --out clusters.yaml
assert_contains "... saying it is an input" "$ERR" "it is an input of this plan"
assert_eq "... and the input is untouched" "$(cmp clusters.yaml clusters.before && echo same)" same
check_rc "--out onto the kubeconfig is refused" 1 plan clusters.yaml --out kubeconfigs/host.yaml
ln -s clusters.yaml link.plan
check_rc "--out onto a link to the input is refused" 1 plan clusters.yaml --out link.plan
check_rc "--junit onto the input is refused" 1 plan clusters.yaml --junit clusters.yaml
assert_eq "... the input is still untouched" "$(cmp clusters.yaml clusters.before && echo same)" same
echo "notes" >notes.txt
check_rc "--out onto a file that is not a saved plan is refused" 1 plan clusters.yaml --out notes.txt
assert_contains "... saying so" "$ERR" "the file exists and is not a saved plan"
assert_eq "... and it is untouched" "$(cat notes.txt)" notes
mkdir adir
check_rc "--out onto a directory is refused" 1 plan clusters.yaml --out adir
assert_contains "... saying so" "$ERR" "it is a directory, not a regular file"
mkfifo pipe
check_rc "--junit onto a named pipe is refused (and does not hang)" 1 plan clusters.yaml \
    --junit pipe
if mknod dev c 1 3 2>/dev/null; then
    check_rc "--out onto a device node is refused" 1 plan clusters.yaml --out dev
    assert_contains "... saying so" "$ERR" "it is a device, not a regular file"
    assert_eq "... and it is still a device" "$(stat -c %F dev)" "character special file"
    check_rc "import --out --force onto a device node is refused" 1 import --out dev --force
else
    ok "(no device node test: mknod is not permitted here)"
fi
echo '<previous/>' >report.xml
check_rc "--junit replaces a previous report" 0 plan clusters.yaml --junit report.xml
assert_contains "... with the new one" "$(cat report.xml)" "<testsuite"
ls -a >"$T_TMP/ls"
assert_not_contains "no temporary file is left behind" "$(cat "$T_TMP/ls")" ".tmp-"

# ---- a plan of the tenant repository applies with the same repository, however spelled ------
cd "$W/moved"
check_rc "plan --state git: (an absolute path) --out" 0 plan clusters.yaml --out repo.plan \
    --state "git:$FIRST_REPO"
cd "$W/elsewhere"
check_rc "... applies from elsewhere with the repository as a relative path" 0 \
    apply ../moved/repo.plan --state "git:../../$(basename "$FIRST_REPO")"
check_rc "... but not with another repository" 1 apply ../moved/repo.plan --state "git:$SERVER_REPO"
assert_contains "... naming both" "$ERR" "made against git:$FIRST_REPO#"
assert_contains "... naming both" "$ERR" "this apply observes git:$SERVER_REPO#"
cd "$W/moved"

# ---- an absolute kubeconfig_file outside the plan's directory stays where it is ----------------
mkdir -p "$T_TMP/secrets" "$W/C"
cp "$ROOT/examples/kubeconfigs/host.yaml" "$T_TMP/secrets/kc.yaml"
cat >"$W/C/abs.yaml" <<YAML
clusters:
  - name: abs-host
    api_server: https://10.9.0.1:6443
    cluster_type: physical
    usage: host
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: $T_TMP/secrets/kc.yaml
YAML
cd "$W/C"
check_rc "plan --out with an absolute kubeconfig_file" 0 plan abs.yaml --out abs.plan
mkdir -p "$W/deeper/still"
mv "$W/C" "$W/deeper/still/C"
cd "$W/elsewhere"
check_rc "... applies after moving its directory one level deeper" 0 apply ../deeper/still/C/abs.plan
assert_contains "... creating the cluster" "$(summary)" "Apply complete: 1 created"
cd "$W/moved"

# ---- a full disk (a file size limit) keeps the previous report and plan ------------------------
# limited(ARGS...): nautes with files limited to 1 KiB, as on a full disk; sets RC and ERR.
limited() {
    (ulimit -f 1 && "$NAUTES" "$@" >"$T_TMP/fs.out" 2>"$T_TMP/fs.err")
    RC=$?
    ERR=$(cat "$T_TMP/fs.err")
}
echo '<previous/>' >report.xml
limited plan clusters.yaml --junit report.xml --api-server "$SERVER_URL" # two creates: > 1 KiB
assert_eq "a report write failing part-way fails the run" "$RC" 1
assert_contains "... saying why" "$ERR" "cannot write the JUnit report report.xml: File too large"
assert_eq "... the previous report is kept whole" "$(cat report.xml)" "<previous/>"
cp t.plan t.plan.before
limited plan clusters.yaml --out t.plan --api-server "$SERVER_URL"
assert_eq "a plan write failing part-way fails the run" "$RC" 1
assert_contains "... saying why" "$ERR" "cannot write the plan t.plan: File too large"
assert_eq "... and the previous plan is kept" "$(cmp t.plan t.plan.before && echo same)" same
ls -a >"$T_TMP/ls"
assert_not_contains "... and no temporary file is left" "$(cat "$T_TMP/ls")" ".tmp-"
