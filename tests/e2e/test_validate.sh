#!/usr/bin/env bash
# nautes validate: every testdata/invalid/NAME.yaml gives exactly NAME.expected on stderr and
# exit 1; every example and every testdata/valid file validates (exit 0).
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
unset NAUTES_TEST_UNSET_IP NAUTES_TEST_UNSET_PORT NAUTES_TEST_UNSET_KUBECONFIG \
    NAUTES_TEST_UNSET_DOMAIN NAUTES_TEST_UNSET_KUBECONFIG_FILE GO_HOST_KUBECONFIG

for f in testdata/invalid/*.yaml; do
    name=$(basename "$f" .yaml)
    nautes validate --no-color "$f"
    want=$(cat "testdata/invalid/$name.expected")
    if [ "$RC" = 1 ] && [ "$ERR" = "$want" ] && [ -z "$OUT" ]; then
        ok "invalid/$name is reported exactly"
    else
        fail "invalid/$name (exit $RC)"
        diff <(echo "$want") <(echo "$ERR") | head -20 | sed 's/^/  | /'
    fi
done

for f in examples/*.yaml testdata/valid/*.yaml testdata/valid/*.yml; do
    [ -f "$f" ] || continue
    check_rc "$f validates" 0 validate --no-color "$f"
    assert_not_contains "$f has no error" "$ERR" "error:"
done

nautes validate --no-color testdata/valid
assert_eq "a directory is read as one set" "$OUT" \
    "4 files, 7 clusters: valid (2 hosts, 4 workers, 1 to delete)"

nautes validate examples/host-and-virtual-deployment.yaml
assert_eq "the summary counts hosts, workers and deletions" "$OUT" \
    "1 file, 2 clusters: valid (1 host, 1 worker, 0 to delete)"

nautes validate --no-color examples/virtual-pipeline-worker.yaml
assert_contains "an undeclared host is a note, not an error" "$ERR" \
    "note: host_cluster 'cluster-host' is not declared in these files; it must already exist on the server (cluster vcluster-pipeline)"

nautes validate --api-version v0.3 examples/go-cli-v0.4.yaml
assert_eq "traefik in the v0.4 spelling (gateway additions) satisfies a v0.3 server" "$RC" 0
nautes validate --no-color testdata/valid/physical-without-traefik.yaml
assert_contains "traefik is a v0.3 warning by default" "$ERR" "required by v0.3 API servers"
check_rc "with --api-version v0.3 a missing traefik is an error" 1 validate --no-color \
    --api-version v0.3 testdata/valid/physical-without-traefik.yaml
check_rc "with --api-version v0.4 traefik is not needed" 0 validate --no-color \
    --api-version v0.4 testdata/valid/physical-without-traefik.yaml
assert_eq "and nothing is printed" "$ERR" ""

NAUTES_TEST_UNSET_IP=10.9.9.9 nautes validate --no-color testdata/invalid/env-var-unset.yaml
assert_not_contains "a set variable is no longer reported" "$ERR" "NAUTES_TEST_UNSET_IP"

check_rc "validate without files is a usage error" 1 validate
assert_contains "and prints the usage" "$ERR" "usage: nautes validate"
check_rc "an unknown flag is a usage error" 1 validate --frobnicate examples/delete-clusters.yaml

# ---- findings for machines: --json and a GitLab Code Quality report ---------------------------
printf 'clusters:\n  - name: Bad_Name\n    api_server: ftp://x\n    cluster_type: physical\n    usage: host\n' >"$T_TMP/bad.yaml"
check_rc "--json of an invalid file exits 1" 1 validate --json --codequality "$T_TMP/cq.json" "$T_TMP/bad.yaml"
flat=$("$NT_TOOLS/nt-json" <<<"$OUT")
assert_contains "--json: not valid" "$flat" $'.valid\tfalse'
assert_contains "--json: a finding with its rule" "$flat" $'.diagnostics[0].rule\t"name-invalid"'
assert_contains "--json: its position" "$flat" $'.diagnostics[0].line\t2'
assert_contains "--json: the text still on stderr" "$ERR" "bad.yaml:2:11: error: cluster name 'Bad_Name'"
cq=$("$NT_TOOLS/nt-json" <"$T_TMP/cq.json")
assert_contains "Code Quality: the check's name" "$cq" $'[0].check_name\t"nautes/name-invalid"'
assert_contains "Code Quality: an error is major" "$cq" $'[0].severity\t"major"'
assert_contains "Code Quality: the path and line" "$cq" $'[0].location.lines.begin\t2'
assert_contains "Code Quality: a fingerprint" "$cq" '[0].fingerprint'
fp1=$(grep -o '"fingerprint": "[0-9a-f]*"' "$T_TMP/cq.json" | head -1)
printf '\n' | cat - "$T_TMP/bad.yaml" >"$T_TMP/bad2.yaml" && mv "$T_TMP/bad2.yaml" "$T_TMP/bad.yaml"
check_rc "--codequality after a line was added above" 1 validate --codequality "$T_TMP/cq.json" "$T_TMP/bad.yaml"
assert_eq "Code Quality: a finding that moved keeps its fingerprint" \
    "$(grep -o '"fingerprint": "[0-9a-f]*"' "$T_TMP/cq.json" | head -1)" "$fp1"
check_rc "--json of a valid file" 0 validate --json --codequality "$T_TMP/cq.json" examples/delete-clusters.yaml
assert_contains "--json: valid" "$("$NT_TOOLS/nt-json" <<<"$OUT")" $'.valid\ttrue'
assert_eq "Code Quality: an empty array when nothing is found" "$(cat "$T_TMP/cq.json")" "[]"
check_rc "--help prints usage and succeeds" 0 validate --help
assert_contains "--help lists --no-color" "$OUT" "--no-color"

check_rc "a missing file is an error" 1 validate --no-color "$T_TMP/none.yaml"
assert_contains "naming the file" "$ERR" "$T_TMP/none.yaml: error: cannot read: No such file or directory"
mkdir -p "$T_TMP/noyaml"
touch "$T_TMP/noyaml/readme.txt"
check_rc "a directory without YAML is an error" 1 validate --no-color "$T_TMP/noyaml"
assert_contains "saying so" "$ERR" "the directory holds no *.yaml or *.yml file"

# a file just over the size limit, generated here (never committed)
big=$T_TMP/big.yaml
{ echo "clusters:"; echo "  - name: big"; printf '    api_server: "'; } >"$big"
head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >>"$big"
echo '"' >>"$big"
check_rc "a file over 64 MiB is refused" 1 validate --no-color "$big"
assert_contains "with the limit in the message" "$ERR" "larger than the 64 MiB limit"
rm -f "$big"

# the kubeconfig never appears in any message
secret=$T_TMP/secret.yaml
cat >"$secret" <<'YAML'
clusters:
  - name: leaky
    api_server: https://10.0.0.1:6443
    cluster_type: physical
    usage: host
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig: "TOPSECRET-kubeconfig-text"
YAML
nautes validate --no-color "$secret"
assert_not_contains "a bad kubeconfig is never quoted" "$ERR" "TOPSECRET"

# kubeconfig_file: missing is a note (no command but apply needs the contents); a named pipe
# or a device is an error found without opening it, so no command blocks on it
K=$T_TMP/kc
mkdir -p "$K"
sed 's|kubeconfig_file: .*|kubeconfig_file: kubeconfigs/host.yaml|' \
    testdata/invalid/kubeconfig-file-empty.yaml >"$K/clusters.yaml"
nautes validate --no-color "$K/clusters.yaml"
assert_eq "a missing kubeconfig_file validates" "$RC" 0
assert_eq "with a note at the value naming the file" "$ERR" \
    "$K/clusters.yaml:7:22: note: not read: kubeconfig_file 'kubeconfigs/host.yaml' ($K/kubeconfigs/host.yaml: No such file or directory); apply needs it to save this cluster (cluster cluster-host)"
mkdir -p "$K/kubeconfigs"
mkfifo "$K/kubeconfigs/host.yaml"
for cmd in validate graph plan; do
    timeout 20 "$NAUTES" "$cmd" --no-color "$K/clusters.yaml" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
    RC=$?
    assert_eq "$cmd of a kubeconfig_file that is a named pipe exits 1 at once" "$RC" 1
    assert_contains "$cmd: saying what it is, at the value" "$(cat "$T_TMP/err")" \
        "$K/clusters.yaml:7:22: error: kubeconfig_file 'kubeconfigs/host.yaml' ($K/kubeconfigs/host.yaml) is a named pipe, not a regular file"
done
rm -f "$K/kubeconfigs/host.yaml"
ln -s /dev/zero "$K/kubeconfigs/host.yaml"
check_rc "a device (through a symbolic link) is refused" 1 validate --no-color "$K/clusters.yaml"
assert_contains "as a character device" "$ERR" "is a character device, not a regular file"
rm -f "$K/kubeconfigs/host.yaml"
: >"$K/kubeconfigs/host.yaml"
for cmd in validate graph plan "apply --auto-approve"; do
    # shellcheck disable=SC2086 # the command and its flag
    check_rc "$cmd of an empty (0-byte) kubeconfig_file fails" 1 $cmd --no-color "$K/clusters.yaml"
    assert_contains "$cmd: at the value that names it" "$ERR" \
        "$K/clusters.yaml:7:22: error: kubeconfig_file 'kubeconfigs/host.yaml' ($K/kubeconfigs/host.yaml) is empty (0 bytes)"
done
