#!/usr/bin/env bash
# nautes import: from the local API server (v0.3 and v0.4) and from its repository
# (--state git:DIR), the imported file plans with no changes once the kubeconfig files exist;
# --out refuses to overwrite without --force; --name globs. Onboarding: the man pages render
# without warnings, the bash completion completes, `make install` installs everything.
source "$(dirname "$0")/lib.sh"
export NAUTES_RETRY_BASE_MS=10

KUBECONFIG_TEXT='apiVersion: v1
kind: Config
clusters:
  - name: default
    cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ZHVtbXk=}
users:
  - name: default
    user: {token: dummy}
'

# The tenant of the seed document (a host with a virtual deployment worker, a physical
# pipeline worker), plus a physical worker whose values differ from the server's defaults
# everywhere the file format allows, so that import must write them.
write_tenant() {
    mkdir -p "$1/kubeconfigs"
    printf '%s' "$KUBECONFIG_TEXT" >"$1/kubeconfigs/any.yaml"
    cat >"$1/clusters.yaml" <<'EOF'
clusters:
  - name: cluster-host
    api_server: https://8.217.50.114:6443
    cluster_type: physical
    usage: host
    primary_domain: 8.217.50.114.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/any.yaml
  - name: cluster-virtual
    api_server: https://8.217.50.114:31456
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: cluster-host
    primary_domain: 8.217.50.114.nip.io
    argocd_host: argocd.cluster-virtual.8.217.50.114.nip.io
    vcluster: {https_node_port: "31456"}
  - name: physical-pipeline
    api_server: https://8.217.50.115:6443
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    tekton_host: tekton.physical-pipeline.8.217.50.115.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/any.yaml
EOF
    cat >"$1/custom.yaml" <<'EOF'
clusters:
  - name: custom-worker
    api_server: https://10.1.2.3:6443
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    primary_domain: apps.example.com
    argocd_host: argocd.apps.example.com
    tekton_host: tekton.apps.example.com
    traefik: {http_node_port: "31080", https_node_port: "31443"}
    components_list:
      multi_tenant: {name: hnc, namespace: hnc-custom}
    reserved_namespaces_allowed_products:
      hnc-custom: [product-a, product-b]
    product_allowed_cluster_resources:
      product-a:
        - {kind: Namespace, group: core}
    kubeconfig_file: kubeconfigs/any.yaml
EOF
}

# provide_kubeconfigs DIR: the files an import asks for.
provide_kubeconfigs() {
    mkdir -p "$1/kubeconfigs"
    local name
    for name in cluster-host physical-pipeline custom-worker; do
        printf '%s' "$KUBECONFIG_TEXT" >"$1/kubeconfigs/$name.yaml"
    done
}

round_trip() {
    local gen=$1 dir=$T_TMP/$1
    start_server --api-version "$gen" || { fail "$gen: server"; return; }
    write_tenant "$dir/tenant"
    check_rc "$gen: the tenant is created" 0 apply "$dir/tenant" --auto-approve

    mkdir -p "$dir/imp"
    check_rc "$gen: import --out" 0 import --out "$dir/imp/clusters.yaml"
    assert_contains "$gen: the summary names the kubeconfig files to create" "$ERR" \
        "create the kubeconfig files of its physical clusters: $dir/imp/kubeconfigs/cluster-host.yaml, $dir/imp/kubeconfigs/custom-worker.yaml, $dir/imp/kubeconfigs/physical-pipeline.yaml"
    assert_eq "$gen: the file has mode 0644" "$(stat -c %a "$dir/imp/clusters.yaml")" 644
    local yaml
    yaml=$(cat "$dir/imp/clusters.yaml")
    assert_contains "$gen: hosts come first" "$(grep '^- name:' <<<"$yaml" | head -1)" \
        "- name: cluster-host"
    assert_eq "$gen: clusters in order" "$(grep '^- name:' <<<"$yaml" | tr '\n' ' ')" \
        "- name: cluster-host - name: cluster-virtual - name: custom-worker - name: physical-pipeline "
    assert_contains "$gen: a comment above each kubeconfig_file" "$yaml" \
        "  # create this file with the kubeconfig of cluster-host before running \`nautes apply\` (plan works without it).
  kubeconfig_file: kubeconfigs/cluster-host.yaml"
    assert_not_contains "$gen: a default primary_domain is left out" \
        "$(sed -n '/^- name: cluster-host/,/^- name/p' <<<"$yaml")" "primary_domain"
    assert_not_contains "$gen: cluster_kind kubernetes is left out" "$yaml" "cluster_kind"
    assert_contains "$gen: a primary_domain that is not the default is kept" "$yaml" \
        "  primary_domain: apps.example.com"
    assert_contains "$gen: a changed component is kept" "$yaml" "  components_list:
    multi_tenant:
      name: hnc
      namespace: hnc-custom"
    assert_contains "$gen: maps are kept" "$yaml" "  reserved_namespaces_allowed_products:
    hnc-custom: [product-a, product-b]
  product_allowed_cluster_resources:
    product-a:
    - {kind: Namespace, group: core}"
    if [ "$gen" = v0.4 ]; then
        assert_contains "$gen: custom ports are read from the additions" "$yaml" \
            '  traefik: {http_node_port: "31080", https_node_port: "31443"}'
        assert_contains "$gen: a custom Argo CD host is read from the additions" "$yaml" \
            "  argocd_host: argocd.apps.example.com"
        assert_not_contains "$gen: default ports are left out" \
            "$(sed -n '/^- name: cluster-host/,/^- name/p' <<<"$yaml")" "traefik"
    else
        assert_contains "$gen: ports the v0.3 API hides are written as defaults, with a warning" \
            "$ERR" "warning: traefik node ports are not visible"
    fi

    check_rc "$gen: without the kubeconfig files, plan of the imported file shows no changes" 0 \
        plan "$dir/imp/clusters.yaml" --detailed-exitcode
    assert_contains "$gen: ... and a note names the missing file" "$ERR" \
        "note: not read: kubeconfig_file 'kubeconfigs/cluster-host.yaml'"
    provide_kubeconfigs "$dir/imp"
    check_rc "$gen: plan of the imported file shows no changes" 0 \
        plan "$dir/imp/clusters.yaml" --detailed-exitcode

    # stdout, --force, --name
    check_rc "$gen: import to stdout" 0 import
    assert_eq "$gen: stdout holds the same file" "$OUT" "$yaml"
    check_rc "$gen: an existing --out file is refused" 1 import --out "$dir/imp/clusters.yaml"
    assert_contains "$gen: ... saying how to overwrite it" "$ERR" \
        "$dir/imp/clusters.yaml already exists: pass --force to overwrite it"
    echo "# edited" >>"$dir/imp/clusters.yaml"
    check_rc "$gen: --force overwrites it" 0 import --out "$dir/imp/clusters.yaml" --force
    assert_not_contains "$gen: ... with the fresh import" "$(cat "$dir/imp/clusters.yaml")" \
        "# edited"
    assert_eq "$gen: no temporary file is left beside it" \
        "$(find "$dir/imp" -name '.nautes-import-*' | wc -l)" 0
    check_rc "$gen: --name imports a subset" 0 import --name 'cluster-*'
    assert_eq "$gen: ... the matching clusters" "$(grep '^- name:' <<<"$OUT" | tr '\n' ' ')" \
        "- name: cluster-host - name: cluster-virtual "
    check_rc "$gen: --name matching nothing fails" 1 import --name 'nothing-*'
    assert_contains "$gen: ... saying so" "$ERR" "matches --name: nothing to import"

    # from the repository the server writes: every field but the kubeconfig is visible
    mkdir -p "$dir/git"
    check_rc "$gen: import --state git:DIR" 0 import --state "git:$SERVER_REPO" \
        --out "$dir/git/clusters.yaml"
    assert_not_contains "$gen: no warning from the repository" "$ERR" "warning"
    provide_kubeconfigs "$dir/git"
    check_rc "$gen: plan of the git import against git: no changes" 0 \
        plan "$dir/git/clusters.yaml" --state "git:$SERVER_REPO" --detailed-exitcode
    check_rc "$gen: plan of the git import against the API: no changes" 0 \
        plan "$dir/git/clusters.yaml" --detailed-exitcode
    assert_contains "$gen: the git import has the custom ports" "$(cat "$dir/git/clusters.yaml")" \
        '  traefik: {http_node_port: "31080", https_node_port: "31443"}'
    stop_server
}

round_trip v0.3
round_trip v0.4

check_rc "import refuses a file argument" 1 import clusters.yaml
assert_contains "... and says to use --out" "$ERR" "write the result with --out FILE"
NAUTES_API_SERVER= check_rc "import without a server says how to name one" 1 import
assert_contains "... naming the flag and the variable" "$ERR" \
    "no API server: pass --api-server URL or set NAUTES_API_SERVER"

# ---- man pages ------------------------------------------------------------------------------
for page in "$ROOT"/docs/man/nautes.1 "$ROOT"/docs/man/nautes-devserver.1; do
    name=$(basename "$page")
    if command -v man >/dev/null; then
        warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        assert_eq "man -l $name renders without warnings" "$warn" ""
    fi
    if command -v groff >/dev/null; then
        warn=$(groff -ww -man -z "$page" 2>&1)
        assert_eq "groff -ww -man $name: no warnings" "$warn" ""
    fi
done

# ---- bash completion ------------------------------------------------------------------------
complete_line() { # WORDS...: COMPREPLY of the last word, as _nautes computes it
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             _nautes; printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completion/nautes.bash" "$@"
}
PATH=$(dirname "$NAUTES"):$PATH
assert_eq "bash completion: nautes pl -> plan" "$(complete_line nautes pl)" "plan"
assert_eq "bash completion: a command's flags" "$(complete_line nautes plan --det)" \
    "--detailed-exitcode"
assert_eq "bash completion: cluster names for --target from the files on the line" \
    "$(complete_line nautes plan "$T_TMP/v0.4/tenant" --target '')" \
    "cluster-host
cluster-virtual
custom-worker
physical-pipeline"
assert_eq "bash completion: --state" "$(complete_line nautes import --state a)" "api"
if command -v zsh >/dev/null; then
    assert_eq "zsh completion script parses" "$(zsh -n "$ROOT/completion/_nautes" 2>&1)" ""
fi

# ---- make install ---------------------------------------------------------------------------
# The install rule, with the binaries under test (-o all: build nothing, so the test neither
# waits for a release build nor touches build/ while other tests run).
DEST=$T_TMP/x
if make -s -C "$ROOT" -o all install DESTDIR="$DEST" PREFIX=/usr/local \
    BUILD="$(dirname "$NAUTES")" >"$T_TMP/install.log" 2>&1; then
    ok "make install DESTDIR=... succeeds"
else
    fail "make install DESTDIR=..."
    tail -20 "$T_TMP/install.log"
fi
for f in bin/nautes bin/nautes-devserver share/man/man1/nautes.1 \
    share/man/man1/nautes-devserver.1 share/bash-completion/completions/nautes \
    share/zsh/site-functions/_nautes; do
    if [ -f "$DEST/usr/local/$f" ]; then ok "installed $f"; else fail "not installed: $f"; fi
done
[ -x "$DEST/usr/local/bin/nautes" ] && "$DEST/usr/local/bin/nautes" version >/dev/null &&
    ok "the installed nautes runs" || fail "the installed nautes does not run"
