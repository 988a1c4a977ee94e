#!/usr/bin/env bash
# The CI drift jobs of examples/ci, run as written: the CronJob's container args
# (examples/ci/cronjob.yaml) and the drift job's script (examples/ci/.gitlab-ci.yml) are read
# from those files here, not copied, so this test breaks when they change. Each runs in a
# directory holding only what the job mounts (clusters.yaml and a CA; no kubeconfig), against
# the local server, with `--state git:` on its tenant repository and with the API:
#   exit 0 when the clusters match, exit 2 (--detailed-exitcode) after a change on the server,
#   a JUnit report with every cluster, the note that the kubeconfigs were not read;
# and apply without the kubeconfigs refuses to save a physical cluster and sends nothing.
source "$(dirname "$0")/lib.sh"

CRONJOB=$ROOT/examples/ci/cronjob.yaml
GITLAB=$ROOT/examples/ci/.gitlab-ci.yml
DEMO=$ROOT/examples/demo

# `nautes` on PATH, as in the jobs' image (under valgrind when the suite runs under it)
mkdir -p "$T_TMP/bin"
{
    echo '#!/usr/bin/env bash'
    printf 'exec'
    printf ' %q' "${WRAP[@]}" "$NAUTES"
    echo ' "$@"'
} >"$T_TMP/bin/nautes"
chmod +x "$T_TMP/bin/nautes"
export PATH=$T_TMP/bin:$PATH

# ---- the server, over https with a private CA when openssl is there -------------------------
CA=$T_TMP/pki/ca.crt
mkdir -p "$T_TMP/pki"
if command -v openssl >/dev/null; then
    P=$T_TMP/pki
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nautes journeys CA" \
        -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$P/server.key" \
        -out "$P/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >"$P/server.ext"
    openssl x509 -req -in "$P/server.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
        -days 2 -extfile "$P/server.ext" -out "$P/server.crt" 2>/dev/null
    start_server --tls-cert "$P/server.crt" --tls-key "$P/server.key" || exit 1
else
    ok "openssl not installed: the API is served over http (the CA file is still mounted)"
    printf 'not used: the repository is a local path\n' >"$CA"
    start_server || exit 1
fi

# The platform team's workspace: the demo tenant with its kubeconfigs, applied once.
W=$T_TMP/workspace
mkdir -p "$W"
cp -r "$DEMO/clusters.yaml" "$DEMO/kubeconfigs" "$W/"
check_rc "the demo tenant is applied from the workspace (kubeconfigs at hand)" 0 \
    apply "$W/clusters.yaml" --auto-approve --cacert "$CA"
NAMES=$(sed -n 's/^  - name: //p' "$W/clusters.yaml")
N_CLUSTERS=$(echo "$NAMES" | wc -l)

# every cluster of the file is a test case of the JUnit report REPORT
junit_has_every_cluster() {
    local what=$1 report=$2 x name
    x=$(cat "$report" 2>/dev/null)
    assert_contains "$what: the JUnit report counts every cluster" "$x" \
        "<testsuite name=\"nautes drift\" tests=\"$N_CLUSTERS\""
    for name in $NAMES; do
        assert_contains "$what: the JUnit report holds $name" "$x" \
            "<testcase classname=\"nautes drift\" name=\"$name\""
    done
    assert_not_contains "$what: no error test case" "$x" "<error"
}

# ---- the CronJob: its container args, env and mounts, from cronjob.yaml ---------------------
CJ=$T_TMP/cronjob # the pod's file system: each mountPath below this directory
mapfile -t MOUNTS < <(sed -n 's/^ *mountPath: //p' "$CRONJOB")
mapfile -t ARGS < <(sed -n '/^ *args:$/,/^ *env:$/p' "$CRONJOB" | sed -n 's/^ *- //p')
mapfile -t ENVS < <(awk '/^ *env:$/ {e = 1; next} e && /^ *volumeMounts:$/ {e = 0}
    e && /- name:/ {n = $3} e && /^ *value:/ {print n "=" $2}' "$CRONJOB")
[ "${#ARGS[@]}" -ge 4 ] && [ "${ARGS[0]}" = plan ] && ok "cronjob.yaml: the args are read" ||
    fail "cronjob.yaml: the args are read (${ARGS[*]})"
assert_eq "cronjob.yaml: the mounts are read" "${MOUNTS[*]}" "/config /ca /cache /tmp"
for m in "${MOUNTS[@]}"; do mkdir -p "$CJ$m"; done
# the ConfigMaps: clusters.yaml (nothing else: no kubeconfig in a drift check) and ca.crt
cp "$W/clusters.yaml" "$CJ/config/clusters.yaml"
cp "$CA" "$CJ/ca/ca.crt"

# in_pod VALUE: VALUE with a mounted path moved below $CJ
in_pod() {
    local v=$1 m
    for m in "${MOUNTS[@]}"; do
        case "$v" in "$m" | "$m"/*)
            printf '%s' "$CJ$v"
            return
            ;;
        esac
    done
    printf '%s' "$v"
}

# run_cronjob STATE_ARG: the container's command with Kubernetes' $(VAR) expansion, the env of
# the manifest (TENANT_REPO_URL pointing at the local tenant repository) and the token Secret.
# STATE_ARG replaces the --state value (to run the same command against the API).
run_cronjob() {
    local state=${1:-} a e envs=() args=()
    envs+=("NAUTES_TOKEN=$TOKEN")
    for e in "${ENVS[@]}"; do
        case "$e" in
        TENANT_REPO_URL=*) e="TENANT_REPO_URL=$SERVER_REPO" ;;
        *=*) e="${e%%=*}=$(in_pod "${e#*=}")" ;;
        esac
        envs+=("$e")
    done
    local prev=
    for a in "${ARGS[@]}"; do
        a=${a//'$(TENANT_REPO_URL)'/$SERVER_REPO}
        [ "$prev" = --state ] && [ -n "$state" ] && a=$state
        args+=("$(in_pod "$a")")
        prev=$a
    done
    rm -f "$CJ/tmp/drift.xml"
    (cd "$CJ" && env -u NAUTES_API_SERVER "${envs[@]}" ${API:+NAUTES_API_SERVER=$API} \
        nautes "${args[@]}") >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
    RC=$?
    OUT=$(cat "$T_TMP/out")
    ERR=$(cat "$T_TMP/err")
}
JUNIT_CJ=$(in_pod "$(printf '%s\n' "${ARGS[@]}" | sed -n '/^--junit$/{n;p}')")
API=

NOTE="note: not read: kubeconfig_file 'kubeconfigs/host.yaml' ($CJ/config/kubeconfigs/host.yaml: No such file or directory); apply needs it to save this cluster (cluster cluster-host)"

run_cronjob
assert_eq "CronJob, --state git: on the tenant repository: no drift, exit 0" "$RC" 0
assert_contains "CronJob (git): the plan says so" "$OUT" "No changes. The clusters match the files."
assert_contains "CronJob (git): the unread kubeconfig is a note" "$ERR" "$NOTE"
assert_contains "CronJob (git): ... of the other physical cluster too" "$ERR" \
    "not read: kubeconfig_file 'kubeconfigs/worker.yaml'"
assert_not_contains "CronJob (git): no error" "$ERR" "error:"
junit_has_every_cluster "CronJob (git), no drift" "$JUNIT_CJ"
CJ_GIT_CLEAN_OUT=$OUT CJ_GIT_CLEAN_ERR=$ERR

API=$SERVER_URL
run_cronjob api
assert_eq "CronJob, same command with --state api: no drift, exit 0" "$RC" 0
assert_contains "CronJob (api): the note" "$ERR" "$NOTE"
junit_has_every_cluster "CronJob (api), no drift" "$JUNIT_CJ"
API=

# ---- the GitLab drift job: its variables and script, from .gitlab-ci.yml --------------------
GL=$T_TMP/gitlab # $CI_PROJECT_DIR: the repository that holds clusters.yaml, and nothing else
mkdir -p "$GL"
cp "$W/clusters.yaml" "$GL/clusters.yaml"
# job_script JOB: the job's script as the runner runs it, one command a line: each "- " item
# is a command, a folded "- >" item's lines joined with spaces; comments dropped
job_script() {
    awk -v job="$1:" '$0 == job {d = 1; next} d && /^[^ ]/ {d = 0}
        d && /^  script:/ {s = 1; next} s && /^  [^ ]/ {s = 0} !(d && s) {next}
        /^ *#/ {next}
        /^ *- >$/ {if (cmd != "") print cmd; cmd = ""; next}
        /^ *- / {if (cmd != "") print cmd; sub(/^ *- /, ""); cmd = $0; next}
        {sub(/^ */, ""); cmd = cmd == "" ? $0 : cmd " " $0}
        END {if (cmd != "") print cmd}' "$GITLAB"
}
DRIFT_SCRIPT=$(job_script drift)
PLAN_JOB_SCRIPT=$(job_script plan)
APPLY_JOB_SCRIPT=$(job_script apply)
BEFORE=$(sed -n '/^\.nautes:/,/^$/p' "$GITLAB" | sed -n '/before_script:/,$p' | sed -n 's/^ *- //p')
assert_contains "the drift job's script is read" "$DRIFT_SCRIPT" "nautes plan"
mapfile -t GL_VARS < <(sed -n '/^variables:/,/^$/p' "$GITLAB" | sed -n 's/^  \([A-Z_]*\): \(.*\)/\1=\2/p' |
    sed -e 's/ *#.*//' -e 's/="\(.*\)"$/=\1/')

# run_gitlab_job: the job's variables (CI/CD variables: the repository's path, the token, the
# CA as a File variable), then before_script and script in $CI_PROJECT_DIR, as the runner does
run_gitlab_job() { # [SCRIPT] (default: the drift job's)
    local script=${1:-$DRIFT_SCRIPT}
    (
        cd "$GL" || exit 1
        export CI_PROJECT_DIR=$GL TENANT_REPO_URL=$SERVER_REPO NAUTES_TOKEN=$TOKEN \
            NAUTES_CA_FILE=$CA
        unset NAUTES_API_SERVER
        [ -z "${GL_API:-}" ] || export NAUTES_API_SERVER=$GL_API # the apply job's variable
        for v in "${GL_VARS[@]}"; do eval "export ${v%%=*}=\"${v#*=}\""; done
        # the runner's `nautes` is the program on PATH ($T_TMP/bin), not lib.sh's function
        # (which always returns 0 and would hide the job's exit status)
        unset -f nautes
        set -e
        eval "$BEFORE" >/dev/null
        eval "$script"
    ) >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
    RC=$?
    OUT=$(cat "$T_TMP/out")
    ERR=$(cat "$T_TMP/err")
}

run_gitlab_job
assert_eq "GitLab drift job: no drift, exit 0" "$RC" 0
assert_contains "GitLab drift job: the note" "$ERR" \
    "note: not read: kubeconfig_file 'kubeconfigs/host.yaml' (No such file or directory); apply needs it to save this cluster"
junit_has_every_cluster "GitLab drift job, no drift" "$GL/drift.xml"

# ---- drift: someone saves cluster-virtual with another primary_domain -----------------------
# (a virtual cluster: apply needs no kubeconfig for it, so it runs in a directory without any)
O=$T_TMP/someone
mkdir -p "$O"
sed '/name: cluster-virtual/,/vcluster:/ s/primary_domain: .*/primary_domain: drifted.example.com/' \
    "$W/clusters.yaml" >"$O/clusters.yaml"
check_rc "apply of a virtual cluster needs no kubeconfig file" 0 \
    apply "$O/clusters.yaml" --auto-approve --target cluster-virtual --cacert "$CA"
assert_contains "and it was saved" "$OUT" "cluster-virtual: updated"

run_cronjob
assert_eq "CronJob (git): drift, exit 2" "$RC" 2
assert_contains "CronJob (git): the drift is shown" "$OUT" \
    'primary_domain: "drifted.example.com" -> "8.217.50.114.nip.io"'
assert_contains "CronJob (git): the note still" "$ERR" "$NOTE"
junit_has_every_cluster "CronJob (git), drift" "$JUNIT_CJ"
assert_contains "CronJob (git): the drifted cluster is a failure" "$(cat "$JUNIT_CJ")" \
    '<failure type="update" message="would be updated: primary_domain">~ update cluster-virtual'

# the merge-request plan job, as written: its report for GitLab's widget and its text
assert_contains "the plan job's script is read" "$PLAN_JOB_SCRIPT" "--gitlab-report plan.json"
run_gitlab_job "$PLAN_JOB_SCRIPT"
assert_eq "GitLab plan job: a change, exit 2 (allowed by the job)" "$RC" 2
assert_eq "GitLab plan job: the widget's counts" "$(cat "$GL/plan.json")" \
    "$(printf '{\n  "create": 0,\n  "update": 1,\n  "delete": 0\n}')"
assert_contains "GitLab plan job: the plan is printed" "$OUT" "~ update cluster-virtual"
assert_contains "GitLab plan job: the JUnit report" "$(cat "$GL/drift.xml")" "cluster-virtual"
CJ_GIT_DRIFT_OUT=$OUT CJ_GIT_DRIFT_ERR=$ERR

API=$SERVER_URL
run_cronjob api
assert_eq "CronJob (api): drift, exit 2" "$RC" 2
junit_has_every_cluster "CronJob (api), drift" "$JUNIT_CJ"
API=

run_gitlab_job
assert_eq "GitLab drift job: drift, exit 2" "$RC" 2
assert_contains "GitLab drift job: the drift is shown" "$OUT" "~ update cluster-virtual"
junit_has_every_cluster "GitLab drift job, drift" "$GL/drift.xml"

# ---- apply without the kubeconfigs: refused before the first request ------------------------
posts() { grep -c 'POST /api/v1/clusters/' "$SERVER_LOG" 2>/dev/null; }
before=$(posts)
[ "$before" -ge 4 ] && ok "the server logs each POST ($before so far)" ||
    fail "the server logs each POST ($before so far)"
cp "$W/clusters.yaml" "$O/clusters.yaml"
check_rc "apply that would save a physical cluster without its kubeconfig fails" 1 \
    apply "$O/clusters.yaml" --auto-approve --force-update cluster-host --cacert "$CA"
assert_contains "naming the cluster and the file" "$ERR" \
    "$O/clusters.yaml:10:22: error: apply would save physical cluster cluster-host, which needs its kubeconfig on every save, but kubeconfig_file 'kubeconfigs/host.yaml' was not read ($O/kubeconfigs/host.yaml: No such file or directory); nothing was sent (cluster cluster-host)"
assert_eq "and nothing was sent" "$(posts)" "$before"
cp "$W/clusters.yaml" "$O/clusters.yaml"
check_rc "a saved plan is made without the kubeconfigs" 0 \
    plan "$O/clusters.yaml" --out "$O/t.plan" --force-update cluster-host --cacert "$CA"
check_rc "applied without them, it is refused" 1 apply "$O/t.plan" --cacert "$CA"
assert_contains "naming the cluster" "$ERR" "apply would save physical cluster cluster-host"
assert_eq "and nothing was sent" "$(posts)" "$before"
cp -r "$W/kubeconfigs" "$O/"
check_rc "with the kubeconfigs in place, the same saved plan applies" 0 \
    apply "$O/t.plan" --cacert "$CA"
assert_contains "saving cluster-host, and restoring cluster-virtual" "$OUT" \
    "Apply complete: 0 created, 2 updated"
run_cronjob
assert_eq "CronJob (git): no drift after the repair" "$RC" 0

# ---- the GitLab apply job, as written: someone drifts cluster-virtual again, the job repairs it
sed '/name: cluster-virtual/,/vcluster:/ s/primary_domain: .*/primary_domain: drifted.example.com/' \
    "$W/clusters.yaml" >"$O/clusters.yaml"
check_rc "someone drifts cluster-virtual again" 0 \
    apply "$O/clusters.yaml" --auto-approve --target cluster-virtual --cacert "$CA"
assert_contains "the apply job's script is read" "$APPLY_JOB_SCRIPT" "--junit apply.xml"
GL_API=$SERVER_URL run_gitlab_job "$APPLY_JOB_SCRIPT"
assert_eq "GitLab apply job: exit 0" "$RC" 0
assert_contains "GitLab apply job: the repair" "$OUT" "cluster-virtual: updated"
if xmllint --noout "$GL/apply.xml" 2>/dev/null; then ok "GitLab apply job: apply.xml is well-formed"; else
    fail "GitLab apply job: apply.xml is well-formed"
fi
assert_contains "GitLab apply job: its JUnit report says what was done" "$(cat "$GL/apply.xml")" \
    '<testcase classname="nautes apply" name="cluster-virtual"'
assert_contains "GitLab apply job: and that it succeeded" "$(cat "$GL/apply.xml")" \
    'failures="0" errors="0" skipped="0"'
run_cronjob
assert_eq "CronJob (git): no drift after the apply job" "$RC" 0

# for the record (tests/run-tests.sh shows it with -v): the CronJob's two answers
if [ -n "${NAUTES_JOURNEYS_SHOW:-}" ]; then
    printf '%s\n' "--- CronJob, no drift: exit 0" "$CJ_GIT_CLEAN_OUT" "$CJ_GIT_CLEAN_ERR" \
        "--- CronJob, drift: exit 2" "$CJ_GIT_DRIFT_OUT" "$CJ_GIT_DRIFT_ERR"
fi
