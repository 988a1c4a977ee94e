#!/usr/bin/env bash
# bench/git.sh [BUILD] [N]: the git state source at scale (a benchmark, not a test).
#
# Builds a tenant configuration repository holding N (default 10000) Cluster files in the
# API Server's v0.4 shape (docs/api-server.md §7.4) with the git CLI (files written, `git add`,
# one commit), a clusters.yaml declaring the same N clusters, and times
# `nautes plan clusters.yaml --state git:...` (no drift: exit 0):
#   - in place on the working tree (loose objects, as a local server leaves them),
#   - through a file:// URL into an empty cache (the first run of a CI job: a clone),
#   - through the same URL again (a fetch with nothing new: the usual scheduled run).
# "observe" is the time nautes spends reading the repository (from `--verbose`); the goal is
# under 1 s for 10,000 files. Results go to docs/benchmarks.md, section "git state".
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-10000}
case $BUILD in /*) NAUTES=$BUILD/nautes ;; *) NAUTES=$PWD/$BUILD/nautes ;; esac
[ -x "$NAUTES" ] || { echo "bench/git.sh: build $NAUTES first (make)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nautes-bench-git.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/tenant
dir=$repo/nautes/overlays/production/clusters
mkdir -p "$dir"
cp examples/demo/kubeconfigs/host.yaml "$tmp/kubeconfig.yaml"

t0=$(date +%s.%N)
awk -v n="$N" -v dir="$dir" -v desired="$tmp/clusters.yaml" 'BEGIN {
    print "clusters:" > desired
    print "resources:" > (dir "/kustomization.yaml")
    for (i = 0; i < n; i++) {
        name = sprintf("host-%05d", i)
        ip = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
        f = dir "/" name ".yaml"
        printf "apiVersion: nautes.resource.nautes.io/v1alpha1\nkind: Cluster\nmetadata:\n" > f
        printf "  creationTimestamp: null\n  name: %s\n  namespace: nautes\nspec:\n", name > f
        printf "  apiServer: https://%s:6443\n  clusterKind: kubernetes\n", ip > f
        printf "  clusterType: physical\n  componentsList:\n    gateway:\n" > f
        printf "      additions:\n        httpNodePort: \"30080\"\n" > f
        printf "        httpsNodePort: \"30443\"\n      name: traefik\n" > f
        printf "      namespace: traefik\n    oauthProxy:\n      name: oauth2-proxy\n" > f
        printf "      namespace: oauth2-proxy\n    secretManagement:\n      name: vault\n" > f
        printf "      namespace: vault\n  primaryDomain: %s.nip.io\n  usage: host\n", ip > f
        printf "status:\n  productIDMap: null\n  warnings: null\n" > f
        close(f)
        print "- " name ".yaml" > (dir "/kustomization.yaml")
        printf "  - name: %s\n    api_server: https://%s:6443\n", name, ip > desired
        printf "    cluster_type: physical\n    usage: host\n" > desired
        printf "    primary_domain: %s.nip.io\n    kubeconfig_file: kubeconfig.yaml\n", ip > desired
    }
}'
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c gc.auto=0 -c user.name=bench -c user.email=bench@example.com commit -q -m "[API] Save_Cluster"
sync # write the new files and objects out now, not during the measurements (bench/plan.sh)
t1=$(date +%s.%N)

# run NAME SPEC: one plan; prints a table row
run() {
    local name=$1 spec=$2 rc=0
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" \
        "$NAUTES" plan "$tmp/clusters.yaml" --state "$spec" --detailed-exitcode --verbose \
        --no-color >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "bench/git.sh: $name: exit $rc" >&2
        head -5 "$tmp/err" "$tmp/out" >&2
        exit 1
    fi
    local observe
    observe=$(sed -n 's/.*observe \([0-9.]*s\) (\([0-9]*\) clusters).*/\1 (\2 clusters)/p' "$tmp/err")
    read -r wall user sys rss <"$tmp/time"
    printf '| %s | %ss | %s | %ss | %ss | %d MB |\n' "$name" "$wall" "${observe:-?}" "$user" \
        "$sys" "$((rss / 1024))"
}

export XDG_CACHE_HOME=$tmp/cache
printf 'Repository: %d Cluster files + kustomization, one commit (written in %.1fs).\n\n' \
    "$N" "$(echo "$t1 - $t0" | bc)"
echo "| nautes plan --state ... (no drift) | wall | observe | user | sys | max RSS |"
echo "|---|---|---|---|---|---|"
run "git:PATH (in place, loose objects)" "git:$repo"
run "git:file://URL, empty cache (clone)" "git:file://$repo"
run "git:file://URL, cached (fetch, nothing new)" "git:file://$repo"
git -C "$repo" gc -q
run "git:PATH (in place, packed)" "git:$repo#main"
