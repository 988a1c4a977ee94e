#!/usr/bin/env bash
# One file, both server generations: every cluster file in examples/ (the seed's scenarios,
# the Go CLI formats of v0.3.9 and v0.4.2, the demo) is applied to a fresh local server of
# each generation (v0.3, v0.4), then planned from the API and from the tenant repository the
# server wrote: no change either way. Then each field the file declares that the repository
# holds (in the spelling that generation stores: the Cluster file, or the rendered Traefik,
# Argo CD, Tekton and vcluster files) is edited by hand and committed: `plan --state git:` must
# report it as drift (exit 2, naming the field). A summary line per generation closes the run.
source "$(dirname "$0")/lib.sh"

GIT=(git -c user.name=e2e -c user.email=e2e@example.com)
CDIR=nautes/overlays/production/clusters
W=$T_TMP/examples
cp -r "$ROOT/examples" "$W"
# the Go CLI files carry their kubeconfig inline through ${VAR:-default}
unset GO_HOST_KUBECONFIG V04_HOST_KUBECONFIG V04_PHYSICAL_KUBECONFIG

FILES=()
for f in "$W"/*.yaml "$W"/demo/clusters.yaml; do FILES+=("${f#"$W"/}"); done

# What must exist on the server before a file can be applied (its virtual clusters name a
# host declared elsewhere; its absent entries need something to delete).
prereqs() {
    case "$1" in
    virtual-pipeline-worker.yaml) echo host-and-virtual-deployment.yaml ;;
    delete-clusters.yaml) echo host-and-virtual-deployment.yaml physical-worker-deployment.yaml ;;
    esac
}

# yaml_set FILE PATH VALUE: replace the scalar at a dotted key path of a block-style YAML
# file as the server writes it ("spec.rules.host": the first sequence item's key; "a.b.#0":
# the first item of a list of scalars; keys inside a literal block such as Helm values are
# followed too). Fails when the path is not there, so a test can never edit nothing.
yaml_set() {
    local file=$1 path=$2 value=$3
    [ -f "$file" ] || return 1
    awk -v path="$path" -v new="$value" '
        function cur(   i, p) { p = skey[1]; for (i = 2; i <= n; i++) p = p "." skey[i]; return p }
        done { print; next }
        {
            line = $0
            match(line, /^ */); ind = RLENGTH
            rest = substr(line, ind + 1); prefix = substr(line, 1, ind); item = 0
            if (rest ~ /^- /) { rest = substr(rest, 3); prefix = prefix "- "; ind += 2; item = 1 }
            if (rest ~ /^[^ #"][^: ]*:( |$)/) {
                key = rest; sub(/:.*/, "", key)
                while (n > 0 && sind[n] >= ind) n--
                n++; skey[n] = key; sind[n] = ind
                if (cur() == path) { print prefix key ": " new; done = 1; next }
            } else if (item) {
                while (n > 0 && sind[n] >= ind) n--
                if (cur() ".#0" == path) { print prefix new; done = 1; next }
            }
            print
        }
        END { if (!done) exit 3 }' "$file" >"$file.new" && mv "$file.new" "$file"
}

# Where the repository holds PATH of cluster NAME (kind from the plan), as "FILE YAMLPATH
# NEWVALUE"; nothing when this generation does not store it.
locate() {
    local gen=$1 name=$2 path=$3 usage=$4 host=$5 cf=$CDIR/$name.yaml
    case "$path" in
    api_server) echo "$cf spec.apiServer https://10.99.99.99:6443" ;;
    primary_domain) echo "$cf spec.primaryDomain drifted.example.com" ;;
    host_cluster) echo "$cf spec.hostCluster drifted-host" ;;
    worker_type) echo "$cf spec.workerType $([ "$WT" = pipeline ] && echo deployment || echo pipeline)" ;;
    components_list.*)
        local rest=${path#components_list.} cat camel
        cat=${rest%%.*}
        [ "$gen" = v0.3 ] && [ "$cat" = gateway ] && return # v0.3 has no gateway category
        case "$rest" in *.additions.*) [ "$gen" = v0.3 ] && return ;; esac # nor additions
        camel=$(sed -E 's/_([a-z])/\U\1/g' <<<"$cat")
        local sub=${rest#"$cat".} val=drifted-value
        case "$sub" in *NodePort) val='"31999"' ;; *host) val=drifted.example.com ;; esac
        echo "$cf spec.componentsList.$camel.$sub $val"
        ;;
    reserved_namespaces_allowed_products.*)
        echo "$cf spec.reservedNamespacesAllowedProducts.${path#*.}.#0 drifted-product" ;;
    product_allowed_cluster_resources.*)
        echo "$cf spec.productAllowedClusterResources.${path#*.}.kind DriftedKind" ;;
    traefik.http_node_port | traefik.https_node_port)
        local app=runtimes/$name-runtime/production/traefik-app.yaml port=web
        [ "$usage" = host ] && app=host-clusters/$name/production/traefik-app.yaml
        [ "$path" = traefik.https_node_port ] && port=websecure
        echo "$app spec.source.helm.values.ports.$port.nodePort 31999"
        ;;
    argocd_host)
        echo "runtimes/$name-runtime/argocd/overlays/production/ingress-argocd-server.yaml spec.rules.host drifted.example.com" ;;
    tekton_host)
        echo "runtimes/$name-runtime/tekton/overlays/production/ingress-tekton-dashboard.yaml spec.rules.host drifted.example.com" ;;
    vcluster.https_node_port)
        echo "host-clusters/$host/vclusters/$name/vcluster-initial/svc.yaml spec.ports.nodePort 31999" ;;
    esac
}

# The other spelling of a seed field (both are stored by v0.4: the Cluster file's additions
# and the rendered file; v0.3 stores only the seed spelling, locate drops the additions).
counterpart() {
    case "$1" in
    traefik.http_node_port) echo components_list.gateway.additions.httpNodePort ;;
    traefik.https_node_port) echo components_list.gateway.additions.httpsNodePort ;;
    argocd_host) echo components_list.deployment.additions.host ;;
    tekton_host) echo components_list.pipeline.additions.host ;;
    components_list.gateway.additions.httpNodePort) echo traefik.http_node_port ;;
    components_list.gateway.additions.httpsNodePort) echo traefik.https_node_port ;;
    components_list.deployment.additions.host) echo argocd_host ;;
    components_list.pipeline.additions.host) echo tekton_host ;;
    esac
}

cd "$W" || exit 1
SUMMARY=()
for GEN in v0.3 v0.4; do
    n_files=0 n_clean=0 n_edits=0 n_drift=0
    for F in "${FILES[@]}"; do
        n_files=$((n_files + 1))
        start_server --api-version "$GEN" || { fail "$GEN $F: server starts"; continue; }
        for p in $(prereqs "$F"); do
            check_rc "$GEN $F: apply the prerequisite $p" 0 apply "$p" --auto-approve
        done
        # the declared fields, as the plan of the first apply lists them: "NAME PATH"
        nautes plan "$F" --no-color
        DECL=$(awk '/^\+ create /{name=$3; next} /^[^ ]/{name=""} name && /^    \+ /{
            p=$2; sub(/:$/, "", p); print name, p }' <<<"$OUT")
        KINDS=$(awk '/^\+ create /{name=$3; next} /^[^ ]/{name=""}
            name && /^    \+ (usage|host_cluster|worker_type): /{ gsub(/"/, "", $3); print name, $2, $3 }' <<<"$OUT")
        check_rc "$GEN $F: apply" 0 apply "$F" --auto-approve
        check_rc "$GEN $F: then plan from the API: no change" 0 plan "$F" --detailed-exitcode
        api_rc=$RC
        check_rc "$GEN $F: and from the tenant repository: no change" 0 \
            plan "$F" --state "git:$SERVER_REPO" --detailed-exitcode
        [ "$api_rc" = 0 ] && [ "$RC" = 0 ] && n_clean=$((n_clean + 1))
        CLEAN=$("${GIT[@]}" -C "$SERVER_REPO" rev-parse HEAD)

        # every declared field (and its other spelling) the repository holds, edited by hand
        EDITS=$(while read -r name path; do
            [ -n "$name" ] || continue
            echo "$name $path"
            c=$(counterpart "$path") && [ -n "$c" ] && echo "$name $c"
        done <<<"$DECL" | sort -u)
        while read -r name path; do
            [ -n "$name" ] || continue
            usage=$(awk -v n="$name" '$1 == n && $2 == "usage:" {print $3}' <<<"$KINDS")
            host=$(awk -v n="$name" '$1 == n && $2 == "host_cluster:" {print $3}' <<<"$KINDS")
            WT=$(awk -v n="$name" '$1 == n && $2 == "worker_type:" {print $3}' <<<"$KINDS")
            loc=$(locate "$GEN" "$name" "$path" "$usage" "$host")
            [ -n "$loc" ] || continue
            read -r file ypath value <<<"$loc"
            n_edits=$((n_edits + 1))
            if ! yaml_set "$SERVER_REPO/$file" "$ypath" "$value"; then
                fail "$GEN $F: $name $path: $ypath is in $file"
                "${GIT[@]}" -C "$SERVER_REPO" reset -q --hard "$CLEAN"
                continue
            fi
            "${GIT[@]}" -C "$SERVER_REPO" commit -qam "hand edit of $name $path"
            nautes plan "$F" --state "git:$SERVER_REPO" --detailed-exitcode --no-color
            if [ "$RC" = 2 ] && sed -n "s/^    [-~+] //p" <<<"$OUT" | grep -qF -- "$path: "; then
                n_drift=$((n_drift + 1))
                ok "$GEN $F: a hand edit of $name $path ($file) is drift"
            else
                fail "$GEN $F: a hand edit of $name $path ($file) is drift (exit $RC)"
                sed 's/^/  | /' <<<"$OUT$ERR" | head -20
            fi
            "${GIT[@]}" -C "$SERVER_REPO" reset -q --hard "$CLEAN"
        done <<<"$EDITS"
        stop_server
    done
    SUMMARY+=("$GEN: $n_clean/$n_files files plan no change from the API and from the repository; $n_drift/$n_edits hand edits reported as drift")
    [ "$n_edits" -gt 20 ] && ok "$GEN: the matrix edited $n_edits fields" ||
        fail "$GEN: the matrix edited only $n_edits fields"
done

# The fixes the matrix stands on, shown where a user meets them.
start_server --api-version v0.3 || exit 1
check_rc "v0.3: the Go CLI v0.4.2 file applies (traefik derived from the gateway additions)" 0 \
    apply go-cli-v0.4.yaml --auto-approve
assert_contains "v0.3: its ports reach the rendered Traefik application" \
    "$(cat "$SERVER_REPO/host-clusters/v04-host/production/traefik-app.yaml")" "nodePort: 30081"
assert_contains "v0.3: its Argo CD host reaches the rendered ingress" \
    "$(cat "$SERVER_REPO/runtimes/v04-physical-runtime/argocd/overlays/production/ingress-argocd-server.yaml")" \
    "host: argocd.physical.8.217.50.118.nip.io"
check_rc "v0.3: plan from the API" 0 plan go-cli-v0.4.yaml
assert_contains "v0.3: 'Not compared' names the way to compare and repair" "$OUT" \
    'compare them with `nautes plan --state git:REPO`, and repair them with `nautes apply --state git:REPO`'
cat >nohost.yaml <<'EOF'
clusters:
  - name: bare-host
    api_server: https://8.217.50.119:6443
    cluster_type: physical
    usage: host
    kubeconfig_file: kubeconfigs/host.yaml
EOF
check_rc "v0.3 known: a physical cluster without traefik in either spelling is an error" 1 \
    apply nohost.yaml --auto-approve
assert_contains "v0.3: the error says why" "$ERR" "the API Server is v0.3, which refuses a physical cluster without them"
if [ -e "$SERVER_REPO/$CDIR/bare-host.yaml" ]; then fail "v0.3: nothing was saved"; else ok "v0.3: nothing was saved"; fi
cat >conflict.yaml <<'EOF'
clusters:
  - name: two-hosts
    api_server: https://8.217.50.119:31460
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: v04-host
    argocd_host: argocd.one.example.com
    components_list:
      deployment: {name: argocd, additions: {host: argocd.two.example.com}}
EOF
check_rc "two spellings with different values are an error" 1 validate conflict.yaml
assert_contains "the error names both" "$ERR" \
    "components_list.deployment.additions.host is 'argocd.two.example.com' but argocd_host (line 8) is 'argocd.one.example.com'"

# A save after an import from a v0.3 API: the hosts it could not show are reset, and the plan
# says so on the cluster; import from the repository keeps them.
sed 's/argocd.vcluster-pipeline.8.217.50.114.nip.io/argocd.custom.example.com/' \
    virtual-pipeline-worker.yaml | sed 's/host_cluster: cluster-host/host_cluster: v04-host/' >custom.yaml
check_rc "v0.3: a virtual worker with a custom Argo CD host" 0 apply custom.yaml --auto-approve
check_rc "v0.3: import from the API" 0 import --name vcluster-pipeline --out imported.yaml
assert_contains "import says what it could not import and what a save does" "$ERR" \
    "not imported: argocd_host, tekton_host"
assert_contains "... and how to read them" "$ERR" "import with --state git:REPO"
printf '  primary_domain: other.example.com\n' >>imported.yaml
check_rc "v0.3: plan of the imported file with one change" 0 plan imported.yaml
assert_contains "the plan says the save resets the hosts it cannot see" "$OUT" \
    "note: this save resets argocd_host, tekton_host to the server's defaults"
check_rc "v0.3: import from the tenant repository" 0 \
    import --name vcluster-pipeline --state "git:$SERVER_REPO" --out from-git.yaml
assert_contains "it keeps the custom host" "$(cat from-git.yaml)" "argocd_host: argocd.custom.example.com"
assert_not_contains "and warns about nothing" "$ERR" "not imported"
stop_server

for s in "${SUMMARY[@]}"; do echo "matrix: $s"; done
