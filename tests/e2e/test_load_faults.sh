#!/usr/bin/env bash
# Load and faults together: `nautes apply` of 1,000 clusters (10 hosts, 990 virtual workers)
# at --parallelism 32 (no start interval: the local server has no same-second rule) while the
# local server drops 5% of the connections (after doing the work) and answers 10% of the
# requests with 503. It must end with every cluster applied exactly once, proved from the
# repository: one `[API] Save_Cluster: NAME.` commit per cluster (a retried save whose first answer was dropped sends identical content, which makes
# no commit), and the summary must count the retries it took: exactly the number of requests
# the server logged beyond one per cluster. A second apply changes nothing.
# NAUTES_LOAD_CLUSTERS (default 1000) scales it down for a quick look.
. "$(dirname "$0")/lib.sh"

if [ "${NAUTES_VALGRIND:-}" = 1 ]; then
    ok "skipped under valgrind (1,000 clusters at parallelism 32: minutes under valgrind)"
    exit 0
fi
export NAUTES_RETRY_BASE_MS=5
N=${NAUTES_LOAD_CLUSTERS:-1000}
HOSTS=10
VIRTUALS=$((N - HOSTS))
cp "$ROOT/examples/kubeconfigs/host.yaml" "$T_TMP/kubeconfig.yaml"
F=$T_TMP/clusters.yaml
{
    echo "clusters:"
    per=$(((VIRTUALS + HOSTS - 1) / HOSTS))
    i=0
    for h in $(seq 1 $HOSTS); do
        printf '  - {name: host-%s, api_server: "https://10.0.%s.1:6443", cluster_type: physical, usage: host, primary_domain: 10.0.%s.1.nip.io, traefik: {http_node_port: "30080", https_node_port: "30443"}, kubeconfig_file: kubeconfig.yaml}\n' "$h" "$h" "$h"
    done
    for h in $(seq 1 $HOSTS); do
        for v in $(seq 1 $per); do
            [ $i -lt $VIRTUALS ] || break
            i=$((i + 1))
            printf '  - {name: vc-%s-%s, api_server: "https://10.0.%s.1:%s", cluster_type: virtual, usage: worker, worker_type: deployment, host_cluster: host-%s, primary_domain: 10.0.%s.1.nip.io, vcluster: {https_node_port: "%s"}}\n' \
                "$h" "$v" "$h" $((31000 + v)) "$h" "$h" $((31000 + v))
        done
    done
} >"$F"

start_server --fault 'drop,share=0.05' --fault 'status=503,share=0.10' || exit 1
START=$(date +%s)
nautes apply "$F" --auto-approve --parallelism 32 --start-interval 0 --retries 10
ELAPSED=$(($(date +%s) - START))
assert_eq "the apply succeeds despite the faults" "$RC" 0
SUMMARY=$(grep '^Apply complete: ' <<<"$OUT")
assert_contains "every cluster is created" "$SUMMARY" "Apply complete: $N created, 0 updated, 0 replaced, 0 deleted, 0 failed, 0 skipped"
RETRIES=$(sed -n 's/.*(\([0-9]*\) retr[a-z]*)\.$/\1/p' <<<"$SUMMARY")
echo "  summary: $SUMMARY (${ELAPSED}s)"

# the server's log: one line per request; dropped answers and 503s are what was retried
POSTS=$(grep -c '^POST /api/v1/clusters/' "$SERVER_LOG")
DROPPED=$(grep -c '^POST .* (dropped)$' "$SERVER_LOG")
UNAVAILABLE=$(grep -c '^POST .* 503 ' "$SERVER_LOG")
GETS=$(grep -c '^GET /api/v1/clusters ' "$SERVER_LOG")
echo "  server: $POSTS POSTs ($DROPPED dropped, $UNAVAILABLE answered 503), $GETS GETs"
if [ "$DROPPED" -gt 0 ] && [ "$UNAVAILABLE" -gt 0 ]; then ok "the faults did hit (drops and 503s)"; else
    fail "the faults did hit (drops and 503s): $DROPPED dropped, $UNAVAILABLE 503"
fi
# every request beyond the first per cluster (and beyond the one list) is a retry
assert_eq "the summary's retry count is what the server saw" "${RETRIES:-none}" \
    "$((POSTS - N + GETS - 1))"

# exactly once, from the repository: one Save_Cluster commit per cluster, none twice
git -C "$SERVER_REPO" log --format=%s >"$T_TMP/subjects"
grep '^\[API\] Save_Cluster: ' "$T_TMP/subjects" | sed 's/^\[API\] Save_Cluster: \(.*\)\.$/\1/' | sort >"$T_TMP/saved"
sed -n 's/^  - {name: \([^,]*\),.*/\1/p' "$F" | sort >"$T_TMP/declared"
assert_eq "one Save_Cluster commit per cluster ($N)" "$(wc -l <"$T_TMP/saved")" "$N"
assert_eq "no cluster saved twice" "$(uniq -d "$T_TMP/saved" | head -5)" ""
assert_eq "the saved clusters are the declared ones" "$(comm -3 "$T_TMP/saved" "$T_TMP/declared" | head -5)" ""
assert_eq "no other commit but the first" "$(grep -vc '^\[API\] Save_Cluster: ' "$T_TMP/subjects")" "1"
assert_eq "as many Cluster files" \
    "$(ls "$SERVER_REPO/nautes/overlays/production/clusters" | grep -vc '^kustomization.yaml$')" "$N"

# converged: the same apply again sends no write (faults still on: the GET is retried)
nautes apply "$F" --auto-approve --parallelism 32 --start-interval 0 --retries 10
assert_eq "a second apply succeeds" "$RC" 0
assert_contains "and has nothing to do" "$OUT" "No changes."
assert_eq "and makes no commit" "$(git -C "$SERVER_REPO" rev-list --count HEAD)" "$((N + 1))"
stop_server
