#!/usr/bin/env bash
# End-to-end tests of `nautes plan`, `nautes show` and `nautes graph` against nautes-devserver,
# for both API generations: no changes for a matching file, every action type, the order of
# operations, --prune, --target, unmanaged clusters, saved plans, --json, exit codes, and no
# secret (token, kubeconfig) anywhere in the output or the plan file.
source "$(dirname "$0")/lib.sh"

W=$T_TMP/work
mkdir -p "$W/kubeconfigs"
KC_MARK=kc-secret-$RANDOM$RANDOM
cat >"$W/kubeconfigs/host.yaml" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: default
    cluster: {server: 'https://10.1.0.1:6443'}
users:
  - name: default
    user: {token: $KC_MARK}
EOF
KC_JSON=$(sed ':a;N;$!ba;s/\n/\\n/g' "$W/kubeconfigs/host.yaml")

# post NAME JSON: seed the server through the API (as the real server takes it).
post() {
    local code
    code=$(curl -s -o "$T_TMP/post.out" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "$2" "$SERVER_URL/api/v1/clusters/$1")
    if [ "$code" != 200 ]; then
        echo "seeding $1 failed: $code $(cat "$T_TMP/post.out")"
        return 1
    fi
}

seed() {
    post cluster-host '{"api_server":"https://10.1.0.1:6443","cluster_kind":"kubernetes",
        "cluster_type":"physical","usage":"host","primary_domain":"10.1.0.1.nip.io",
        "traefik":{"http_node_port":"30080","https_node_port":"30443"},
        "components_list":{"gateway":{"name":"traefik","namespace":"traefik",
            "additions":{"httpNodePort":"30080","httpsNodePort":"30443"}}},
        "kubeconfig":"'"$KC_JSON"'"}' &&
        for v in cluster-virtual:31456 retired:31457 other:31458; do
            post "${v%%:*}" '{"api_server":"https://10.1.0.1:'"${v##*:}"'",
                "cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker",
                "worker_type":"deployment","host_cluster":"cluster-host",
                "argocd_host":"argocd.'"${v%%:*}"'.10.1.0.1.nip.io",
                "components_list":{"deployment":{"name":"argocd","namespace":"argocd",
                    "additions":{"host":"argocd.'"${v%%:*}"'.10.1.0.1.nip.io"}}},
                "vcluster":{"https_node_port":"'"${v##*:}"'"}}' || return 1
        done
}

# The seeded host and virtual cluster as a file declares them (a YAML number for a port, no
# primary_domain for the virtual cluster: the server's default).
cat >"$W/matching.yaml" <<'EOF'
clusters:
  - name: cluster-host
    api_server: https://10.1.0.1:6443
    cluster_type: physical
    usage: host
    primary_domain: 10.1.0.1.nip.io
    traefik: {http_node_port: 30080, https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/host.yaml
    prevent_destroy: true
  - name: cluster-virtual
    api_server: https://10.1.0.1:31456
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: cluster-host
    argocd_host: argocd.cluster-virtual.10.1.0.1.nip.io
    vcluster: {https_node_port: "31456"}
EOF

# One of each action: update (primary_domain), replace (worker_type), delete (state: absent),
# create (new-virtual).
cat >"$W/mixed.yaml" <<'EOF'
clusters:
  - name: cluster-host
    api_server: https://10.1.0.1:6443
    cluster_type: physical
    usage: host
    primary_domain: apps.example.com
    traefik: {http_node_port: 30080, https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/host.yaml
  - name: cluster-virtual
    api_server: https://10.1.0.1:31456
    cluster_type: virtual
    usage: worker
    worker_type: pipeline
    host_cluster: cluster-host
  - name: retired
    state: absent
  - name: new-virtual
    api_server: https://10.1.0.1:31459
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: cluster-host
EOF

cd "$W" || exit 1

for GEN in v0.3 v0.4; do
    start_server --api-version "$GEN" || { fail "$GEN: server starts"; continue; }
    seed || { fail "$GEN: seed the server"; stop_server; continue; }

    check_rc "$GEN: a matching file plans no change (exit 0 with --detailed-exitcode)" 0 \
        plan matching.yaml --detailed-exitcode
    assert_contains "$GEN: no-change summary" "$OUT" "No changes. The clusters match the files."
    assert_contains "$GEN: undeclared clusters are listed as unmanaged" "$OUT" \
        "Not managed by these files (left alone; --prune would delete them):
  other
  retired"
    if [ "$GEN" = v0.3 ]; then
        assert_contains "$GEN: v0.3 cannot show the seed fields" "$OUT" \
            "Not compared (the API does not return them): argocd_host, kubeconfig, traefik.http_node_port, traefik.https_node_port, vcluster.https_node_port"
    else
        assert_contains "$GEN: v0.4 shows the seed fields through additions" "$OUT" \
            "Not compared (the API does not return them): kubeconfig, vcluster.https_node_port"
    fi

    check_rc "$GEN: --state git: reads the tenant repository" 0 plan matching.yaml \
        --state "git:$SERVER_REPO" --detailed-exitcode
    assert_contains "$GEN: the repository matches the file too" "$OUT" \
        "No changes. The clusters match the files."
    assert_contains "$GEN: the repository shows all but the kubeconfig" "$OUT" \
        "Not compared (the tenant repository does not hold them): kubeconfig"

    check_rc "$GEN: changes exit 2 with --detailed-exitcode" 2 plan mixed.yaml --detailed-exitcode
    check_rc "$GEN: changes exit 0 without --detailed-exitcode" 0 plan mixed.yaml
    # a v0.3 API cannot show the Argo CD and Tekton hosts the file leaves out: the save resets them
    RESET_NOTE=
    [ "$GEN" = v0.3 ] && RESET_NOTE=$'\n'"    note: this save resets argocd_host, tekton_host to the server's defaults: the file does not declare them and the API cannot show the current values. See them with \`nautes plan --state git:REPO\` (the tenant configuration repository) and declare them to keep them."
    # what of the host the source cannot show, under the host (v0.3 does not return traefik)
    HOST_UNSEEN=kubeconfig
    [ "$GEN" = v0.3 ] && HOST_UNSEEN="kubeconfig, traefik.http_node_port, traefik.https_node_port"
    assert_eq "$GEN: the text plan of every action type" "$OUT" \
"-/+ replace cluster-virtual (virtual worker, pipeline)
    reason: worker_type changes from deployment to pipeline: the API Server accepts such a change and breaks later, so the cluster is deleted and created again
    ~ worker_type: \"deployment\" -> \"pipeline\"$RESET_NOTE
- destroy retired (virtual worker, deployment)
    reason: state: absent
~ update cluster-host (physical host)
    ~ primary_domain: \"10.1.0.1.nip.io\" -> \"apps.example.com\"
    not compared: $HOST_UNSEEN
+ create new-virtual (virtual worker, deployment)
    + api_server: \"https://10.1.0.1:31459\"
    + cluster_kind: \"kubernetes\"
    + cluster_type: \"virtual\"
    + host_cluster: \"cluster-host\"
    + usage: \"worker\"
    + worker_type: \"deployment\"

Not managed by these files (left alone; --prune would delete them):
  other

$(if [ "$GEN" = v0.3 ]; then echo "Not compared (the API does not return them): kubeconfig, traefik.http_node_port, traefik.https_node_port
  The tenant configuration repository holds them: compare them with \`nautes plan --state git:REPO\`, and repair them with \`nautes apply --state git:REPO\` (it still saves through the API)."; else echo "Not compared (the API does not return them): kubeconfig"; fi)

Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy."

    check_rc "$GEN: --json" 0 plan mixed.yaml --json
    # the plan's leaves (tests/tools/nt-json), the operations' id, method, cluster and
    # depends_on one line each
    flat=$("$NT_TOOLS/nt-json" <<<"$OUT")
    assert_contains "$GEN: --json is format_version 1" "$flat" $'.format_version\t1'
    assert_not_contains "$GEN: --json is indented with spaces, no tab" "$OUT" $'\t'
    assert_contains "$GEN: --json: two spaces a level, one after the colon" "$OUT" $'{\n  "format_version": 1,'
    assert_not_contains "$GEN: --json has no nautes_plan wrapper" "$flat" ".nautes_plan"
    ops=$(awk -F'\t' '
        $1 == ".server_generation" || $1 ~ /^\.summary\./ { sub(/^\./, "", $1); print $1 "=" $2 }
        match($1, /^\.operations\[[0-9]+\]\./) {
            i = substr($1, 13, RLENGTH - 14); f = substr($1, RLENGTH + 1)
            if (!(i in seen)) { seen[i] = 1; order[n++] = i }
            if (f == "id" || f == "method" || f == "cluster") line[i] = line[i] " " $2
            if (f == "depends_on") dep[i] = "[]"
            if (f ~ /^depends_on\[/) dep[i] = dep[i] (dep[i] == "" ? "" : ",") $2
        }
        END { for (k = 0; k < n; k++) print substr(line[order[k]], 2) " [" dep[order[k]] "]" }
    ' <<<"$flat" | sed 's/\[\[\]\]/[]/; s/"//g')
    assert_eq "$GEN: --json operations in dependency order with minimal dependencies" "$ops" \
"server_generation=$GEN
summary.add=1
summary.change=1
summary.replace=1
summary.destroy=1
0 DELETE cluster-virtual []
1 DELETE retired []
2 POST cluster-host []
3 POST cluster-virtual [0,2]
4 POST new-virtual [2]"

    check_rc "$GEN: --prune" 2 plan matching.yaml --prune --detailed-exitcode
    assert_contains "$GEN: --prune deletes the undeclared clusters" "$OUT" \
        "- destroy other (virtual worker, deployment)
    reason: not declared in these files (--prune)"
    assert_contains "$GEN: --prune summary" "$OUT" "Plan: 0 to add, 0 to change, 0 to replace, 2 to destroy."

    check_rc "$GEN: --target" 0 plan mixed.yaml --target new-virtual
    assert_contains "$GEN: --target takes the cluster and its host" "$OUT" \
        "Plan: 1 to add, 1 to change, 0 to replace, 0 to destroy."
    assert_not_contains "$GEN: --target leaves the others out" "$OUT" "retired"
    check_rc "$GEN: an unknown --target is an error" 1 plan mixed.yaml --target nope
    assert_contains "$GEN: unknown target message" "$ERR" "--target nope: no cluster of that name"
    assert_not_contains "$GEN: no guess for a name close to nothing" "$ERR" "did you mean"
    check_rc "$GEN: a misspelt --target is an error" 1 plan mixed.yaml --target new-virtaul
    assert_contains "$GEN: a misspelt --target: did you mean" "$ERR" \
        "--target new-virtaul: no cluster of that name in these files or on the server: did you mean new-virtual?"

    check_rc "$GEN: --out saves the plan" 0 plan mixed.yaml --out "$W/saved-$GEN.plan" --verbose
    assert_eq "$GEN: the plan file is mode 0600" "$(stat -c %a "$W/saved-$GEN.plan")" 600
    SAVED_TEXT=$(grep -v '^= no change' <<<"$OUT")
    check_rc "$GEN: show prints a saved plan" 0 show "$W/saved-$GEN.plan"
    assert_eq "$GEN: show prints what plan printed" "$OUT" "$SAVED_TEXT"
    check_rc "$GEN: show --markdown" 0 show "$W/saved-$GEN.plan" --markdown
    SHOW_MD=$OUT
    assert_contains "$GEN: show --markdown: the summary in bold" "$OUT" "**Plan: "
    assert_contains "$GEN: show --markdown: a table of the clusters" "$OUT" "| cluster | kind | action | changed fields |"
    assert_contains "$GEN: show --markdown: the plan in a collapsible block" "$OUT" "<details><summary>The plan</summary>"
    check_rc "$GEN: plan --markdown" 0 plan mixed.yaml --markdown
    assert_eq "$GEN: plan --markdown prints what show --markdown of its saved plan prints" "$OUT" "$SHOW_MD"
    check_rc "$GEN: --json and --markdown together are refused" 1 plan mixed.yaml --json --markdown
    check_rc "$GEN: show --json" 0 show "$W/saved-$GEN.plan" --json
    assert_contains "$GEN: show --json is the plan document" "$OUT" '"observed_fingerprint":'
    check_rc "$GEN: show of something else is an error" 1 show mixed.yaml
    assert_contains "$GEN: show names the problem" "$ERR" "not a saved nautes plan"

    # never a secret: not in stdout, stderr, --verbose traces, nor the plan file
    nautes plan mixed.yaml --verbose --out "$W/secret-$GEN.plan"
    all="$OUT$ERR$(cat "$W/secret-$GEN.plan")$(cat "$W/saved-$GEN.plan")"
    assert_not_contains "$GEN: the token never appears" "$all" "$TOKEN"
    assert_not_contains "$GEN: the kubeconfig never appears" "$all" "$KC_MARK"
    assert_contains "$GEN: --verbose reports the timing" "$ERR" "nautes: timing:"

    check_rc "$GEN: --force-update saves an unchanged cluster" 2 plan matching.yaml \
        --force-update cluster-virtual --detailed-exitcode
    assert_contains "$GEN: --force-update reason" "$OUT" "~ update cluster-virtual (virtual worker, deployment)
    reason: forced (--force-update)"
    check_rc "$GEN: --force-update of an undeclared cluster is an error" 1 plan matching.yaml \
        --force-update other
    check_rc "$GEN: a misspelt --force-update is an error" 1 plan matching.yaml \
        --force-update cluster-virtul
    assert_contains "$GEN: a misspelt --force-update: did you mean" "$ERR" \
        "--force-update cluster-virtul: no cluster of that name is declared (present) in these files: did you mean cluster-virtual?"
    printf 'clusters:\n  - name: never-was\n    state: absent\n' >gone.yaml
    check_rc "$GEN: absent and not on the server is nothing to do" 0 plan gone.yaml --detailed-exitcode
    assert_contains "$GEN: ... with a note" "$ERR" "state: absent, and the cluster does not exist"

    # colour only on a terminal, never with NO_COLOR or --no-color
    if command -v script >/dev/null; then
        # (TERM named: a CI job's TERM may be unset, or "dumb", which rightly means no colour)
        tty_out=$(cd "$W" && TERM=xterm script -qc "'$NAUTES' plan mixed.yaml" /dev/null </dev/null)
        assert_contains "$GEN: colour on a terminal" "$tty_out" $'\033[33m~ update\033[0m cluster-host'
        tty_out=$(cd "$W" && script -qc "'$NAUTES' plan mixed.yaml --no-color" /dev/null </dev/null)
        assert_not_contains "$GEN: no colour with --no-color" "$tty_out" $'\033['
        tty_out=$(cd "$W" && NO_COLOR=1 script -qc "'$NAUTES' plan mixed.yaml" /dev/null </dev/null)
        assert_not_contains "$GEN: no colour with NO_COLOR" "$tty_out" $'\033['
    fi
    assert_not_contains "$GEN: no colour into a pipe" "$(cat "$T_TMP/out")" $'\033['

    # errors: prevent_destroy, a physical save without its kubeconfig
    sed 's/^    kubeconfig_file: .*//' mixed.yaml >nokc.yaml
    check_rc "$GEN: a physical update without kubeconfig is an error" 1 plan nokc.yaml
    assert_contains "$GEN: kubeconfig message" "$ERR" "kubeconfig on every save"
    printf 'clusters:\n  - name: other\n    state: absent\n    prevent_destroy: true\n' >pd.yaml
    check_rc "$GEN: prevent_destroy refuses a delete" 1 plan pd.yaml
    assert_contains "$GEN: prevent_destroy message" "$ERR" "cluster other has prevent_destroy: true"
    printf 'clusters:\n  - name: orphan\n    api_server: https://10.1.0.1:31460\n    cluster_type: virtual\n    usage: worker\n    worker_type: deployment\n    host_cluster: ghost\n' >orphan.yaml
    check_rc "$GEN: a virtual cluster on a host that exists nowhere is an error" 1 plan orphan.yaml
    assert_contains "$GEN: the missing host is named" "$ERR" "ghost"
    stop_server
done

check_rc "graph works without a server" 0 graph mixed.yaml
assert_contains "graph has the virtual -> host edge" "$OUT" '"new-virtual" -> "cluster-host";'
assert_contains "graph styles absent clusters" "$OUT" '"retired" [label="retired\n(absent)", style=dashed'
check_rc "graph --format mermaid" 0 graph mixed.yaml --format mermaid
assert_contains "graph --format mermaid is a Mermaid flowchart" "$OUT" "flowchart BT"
assert_contains "graph --format mermaid: an absent cluster is dashed" "$OUT" '<br/>(absent)"]:::absent'
check_rc "graph --format svg is refused" 1 graph mixed.yaml --format svg
assert_contains "graph --format svg: which formats there are" "$ERR" "--format is dot or mermaid"

unset NAUTES_API_SERVER
check_rc "plan without a server URL is an error" 1 plan matching.yaml
assert_contains "plan says what to set" "$ERR" "NAUTES_API_SERVER"
