#!/usr/bin/env bash
# A tenant with no cluster yet: its configuration repository has no
# nautes/overlays/production/clusters directory, and the real API Server answers the list with
# 500 (v0.3 "the cluster resource is empty", v0.4 "lstat .../clusters: no such file or
# directory"). `nautes-devserver --fresh-tenant` starts that way. The first registration must
# work with the tool, against each generation: plan shows the creates (a note, no error),
# apply creates, plan again shows no changes (from the API and from the repository); import
# of the empty tenant is an empty file; a saved plan of it applies. Another 500 on the list
# stays an error.
source "$(dirname "$0")/lib.sh"

DIR=nautes/overlays/production/clusters
t_host_and_virtual "$T_TMP"
F=$T_TMP/clusters.yaml

for GEN in v0.3 v0.4; do
    echo "# $GEN"
    start_server --api-version "$GEN" --fresh-tenant || exit 1
    if [ -e "$SERVER_REPO/$DIR" ]; then fail "$GEN: --fresh-tenant leaves out the clusters directory"
    else ok "$GEN: --fresh-tenant leaves out the clusters directory"; fi
    LIST=$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $TOKEN" "$SERVER_URL/api/v1/clusters")
    if [ "$GEN" = v0.3 ]; then
        assert_eq "$GEN: the list answers the real server's 500" "$LIST" \
            '{"code":500,"reason":"","message":"the cluster resource is empty","metadata":{}} 500'
        MSG='the cluster resource is empty'
    else
        assert_contains "$GEN: the list answers the real server's 500" "$LIST" \
            "/nautes/overlays/production/clusters: no such file or directory\",\"metadata\":{}} 500"
        MSG='/nautes/overlays/production/clusters: no such file or directory'
    fi

    check_rc "$GEN: plan of a fresh tenant" 2 plan "$F" --detailed-exitcode
    assert_contains "$GEN: plan shows both creates" "$OUT" "Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy."
    assert_contains "$GEN: one note says the list was read as empty" "$ERR" \
        "note: the tenant repository has no clusters yet (the API Server answered 500 \""
    assert_contains "$GEN: quoting the server" "$ERR" "$MSG"
    assert_eq "$GEN: in one line, not an error" "$(grep -c . <<<"$ERR")" 1
    assert_not_contains "$GEN: no error" "$ERR" "error:"

    check_rc "$GEN: the repository before the first save, as --state git:" 2 \
        plan "$F" --state "git:$SERVER_REPO" --detailed-exitcode
    assert_contains "$GEN: --state git: plans both creates" "$OUT" "Plan: 2 to add"
    assert_contains "$GEN: with a note" "$ERR" "note: no $DIR directory at main"
    check_rc "$GEN: the same through a file:// URL (cached clone)" 2 \
        plan "$F" --state "git:file://$SERVER_REPO" --detailed-exitcode
    assert_contains "$GEN: file:// plans both creates" "$OUT" "Plan: 2 to add"

    check_rc "$GEN: import of a fresh tenant" 0 import
    assert_contains "$GEN: import says there is nothing" "$ERR" "note: the tenant repository has no clusters yet"

    check_rc "$GEN: the first apply creates both clusters" 0 apply "$F" --auto-approve
    assert_contains "$GEN: apply summary" "$OUT" "Apply complete: 2 created, 0 updated, 0 replaced, 0 deleted, 0 failed"
    if [ -f "$SERVER_REPO/$DIR/kustomization.yaml" ]; then ok "$GEN: the first save created the clusters directory"
    else fail "$GEN: the first save created the clusters directory"; fi

    check_rc "$GEN: plan again: no changes" 0 plan "$F" --detailed-exitcode
    assert_contains "$GEN: no changes" "$OUT" "No changes."
    assert_not_contains "$GEN: and no more note" "$ERR" "no clusters yet"
    check_rc "$GEN: plan again from the repository: no changes" 0 \
        plan "$F" --state "git:file://$SERVER_REPO" --detailed-exitcode
    stop_server
done

# CI plans in one job and applies the saved plan in another: the fresh tenant observed twice
start_server --api-version v0.4 --fresh-tenant || exit 1
check_rc "a saved plan of a fresh tenant" 0 plan "$F" --out "$T_TMP/fresh.plan"
check_rc "applies" 0 apply "$T_TMP/fresh.plan"
assert_contains "creating both clusters" "$OUT" "Apply complete: 2 created"
check_rc "and the tenant then has them" 0 plan "$F" --detailed-exitcode
stop_server

# any other 500 on the list stays an error, even one that names the clusters directory
start_server --fault "status=500,method=GET,path=/api/v1/clusters,message=lstat /tmp/product1/tenant-config/templates: no such file or directory" || exit 1
check_rc "another 500 on the list is an error" 1 plan "$F"
assert_contains "which is shown" "$ERR" \
    "error: GET $SERVER_URL/api/v1/clusters: HTTP 500: lstat /tmp/product1/tenant-config/templates: no such file or directory"
assert_not_contains "not read as empty" "$ERR" "no clusters yet"
stop_server
start_server --fault "status=500,method=GET,path=/api/v1/clusters,message=failed to get current user: 401 Unauthorized" || exit 1
check_rc "a bad token on a fresh tenant is still an error" 1 plan "$F"
assert_not_contains "not read as empty either" "$ERR" "no clusters yet"
