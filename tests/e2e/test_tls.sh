#!/usr/bin/env bash
# TLS, on top of what test_client.sh (API: unknown CA, --cacert, --insecure, another name) and
# test_drift.sh (git: unknown CA, --cacert, --insecure) check: certificates made here by a
# private CA with the openssl CLI (`openssl ca` for one whose validity ended in 2020).
#   API (libcurl): an expired certificate is refused even with --cacert, in words; --insecure
#     goes through with its warning; the messages are sentences, not libcurl's bare codes.
#   git (libgit2, --state git:https://...): expired, another host name, unknown CA each get
#     their own sentence on one line. The local server does not serve git, so a verified
#     connection ends in "no git repository" (404): that is the proof TLS passed.
. "$(dirname "$0")/lib.sh"

if ! command -v openssl >/dev/null; then
    ok "openssl not installed: TLS cases skipped"
    exit 0
fi
export XDG_CACHE_HOME=$T_TMP/cache
FILE=$ROOT/examples/host-and-virtual-deployment.yaml
P=$T_TMP/pki
mkdir -p "$P/db"
: >"$P/db/index.txt"
echo 1000 >"$P/db/serial"
cat >"$P/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $P/db/index.txt
serial = $P/db/serial
new_certs_dir = $P/db
certificate = $P/ca.crt
private_key = $P/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
commonName = supplied
EOF
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nautes TLS test CA" \
    -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
# cert NAME SAN [openssl ca validity options...]
cert() {
    local name=$1 san=$2
    shift 2
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -addext "subjectAltName=$san" \
        -keyout "$P/$name.key" -out "$P/$name.csr" 2>/dev/null &&
        openssl ca -batch -config "$P/ca.cnf" "$@" -in "$P/$name.csr" -out "$P/$name.crt" \
            >/dev/null 2>&1
}
# libgit2's mbedTLS matches IP addresses as text: a DNS entry 127.0.0.1 too
LOCAL=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost
cert good "$LOCAL" -days 2
cert expired "$LOCAL" -startdate 20200101000000Z -enddate 20200102000000Z
cert other DNS:apiserver.example.com -days 2
if openssl x509 -in "$P/expired.crt" -noout -checkend 0 >/dev/null 2>&1 || [ ! -s "$P/good.crt" ]; then
    fail "the test certificates were made (an expired one and a good one)"
    exit 1
fi
ok "a private CA issued a good, an expired and another host's certificate"

# the error without the progress line a slow answer adds ("nautes: still reading ... (2 s, no
# answer yet)": under valgrind on a busy machine the handshake alone can take that long)
without_progress() { grep -v '^nautes: still ' <<<"$ERR"; }

# one line, a sentence: no libcurl "SSL certificate problem" / "(60)" / "curl:" codes
one_sentence() { # NAME
    [ -n "${TLS_SHOW:-}" ] && echo "  stderr: $ERR"
    local lines
    lines=$(without_progress | grep -c .)
    if [ "$lines" = 1 ] && ! grep -Eqi 'curl|SSL certificate problem|\(6[0-9]\)|errno' <<<"$ERR"; then
        ok "$1"
    else
        fail "$1"
        echo "$ERR" | sed 's/^/  | /'
    fi
}

# ---- the API over HTTPS: an expired certificate -----------------------------------------------
start_server --tls-cert "$P/expired.crt" --tls-key "$P/expired.key" || exit 1
check_rc "API: an expired certificate is refused even with its CA given" 1 plan "$FILE" --cacert "$P/ca.crt"
assert_eq "API: which is said" "$(without_progress)" \
    "error: GET $SERVER_URL/api/v1/clusters: the server's TLS certificate has expired"
one_sentence "API: the expiry is one sentence, not libcurl's code"
check_rc "API: an expired certificate from an unknown CA is refused" 1 plan "$FILE"
one_sentence "API: one sentence there too"
check_rc "API: --insecure goes through" 0 plan "$FILE" --insecure
assert_contains "API: with its warning" "$ERR" \
    "warning: --insecure: the server's TLS certificate is not verified; anyone on the path can read the token"

# ---- git over HTTPS: expired ----------------------------------------------------------------
U=$SERVER_URL/tenant/config.git
check_rc "git: an expired certificate is refused with its CA given" 1 plan "$FILE" --state "git:$U" --cacert "$P/ca.crt"
assert_contains "git: which is said" "$ERR" \
    "error: the TLS certificate of $U has expired (it must be renewed on the server): "
one_sentence "git: one line"
check_rc "git: --insecure goes through (to the server's 404)" 1 plan "$FILE" --state "git:$U" --insecure
assert_contains "git: past TLS" "$ERR" "error: no git repository at $U"
stop_server

# ---- another host's certificate ---------------------------------------------------------------
start_server --tls-cert "$P/other.crt" --tls-key "$P/other.key" || exit 1
U=$SERVER_URL/tenant/config.git
check_rc "git: a certificate for another host is refused" 1 plan "$FILE" --state "git:$U" --cacert "$P/ca.crt"
assert_contains "git: the name mismatch is said" "$ERR" \
    "error: the host name in $U does not match the repository's TLS certificate"
one_sentence "git: one line"
check_rc "git: without the CA, the unknown CA comes first" 1 plan "$FILE" --state "git:$U"
assert_contains "git: which is said" "$ERR" "error: the TLS certificate of $U is not trusted (give its CA with --cacert FILE, or --insecure)"
one_sentence "git: on one line (libgit2 gives one reason per line)"
check_rc "API: another host's certificate is refused" 1 plan "$FILE" --cacert "$P/ca.crt"
one_sentence "API: one sentence"
stop_server

# ---- a good certificate: verified with --cacert, both ways ----------------------------------
start_server --tls-cert "$P/good.crt" --tls-key "$P/good.key" || exit 1
U=$SERVER_URL/tenant/config.git
check_rc "API: --cacert verifies the private CA" 0 plan "$FILE" --cacert "$P/ca.crt"
assert_eq "API: silently" "$(without_progress)" ""
check_rc "API: a directory given as --cacert is refused" 1 \
    plan "$FILE" --cacert "$P/db"
one_sentence "API: in one sentence"
check_rc "API: without --cacert the private CA is unknown" 1 plan "$FILE"
assert_contains "API: which is said with what to do" "$ERR" "TLS certificate signed by an unknown CA: pass --cacert FILE"
check_rc "git: --cacert verifies it (then the server's 404)" 1 plan "$FILE" --state "git:$U" --cacert "$P/ca.crt"
assert_eq "git: past TLS" "$(without_progress)" \
    "error: no git repository at $U (check the URL, and that the token can read the project): unexpected http status code: 404"
# the connection flags' environment variables: flag > environment > default
NAUTES_CACERT=$P/ca.crt check_rc "API: NAUTES_CACERT verifies the private CA like --cacert" 0 plan "$FILE"
assert_eq "API: NAUTES_CACERT: silently" "$(without_progress)" ""
NAUTES_CACERT=$P/db check_rc "API: --cacert wins over NAUTES_CACERT" 0 plan "$FILE" --cacert "$P/ca.crt"
NAUTES_CACERT=$P/ca.crt NAUTES_STATE=git:$U check_rc "git: NAUTES_CACERT and NAUTES_STATE are used by a git read" 1 plan "$FILE"
assert_contains "git: NAUTES_STATE read the repository (past TLS, the server's 404)" "$ERR" "error: no git repository at $U"
NAUTES_INSECURE=1 check_rc "API: NAUTES_INSECURE=1 is --insecure" 0 plan "$FILE"
assert_contains "API: NAUTES_INSECURE warns like --insecure" "$ERR" "--insecure: the server's TLS certificate is not verified"
NAUTES_INSECURE=0 check_rc "API: NAUTES_INSECURE=0 verifies" 1 plan "$FILE"
NAUTES_INSECURE=maybe check_rc "API: NAUTES_INSECURE=maybe is refused" 1 plan "$FILE"
assert_contains "API: NAUTES_INSECURE=maybe: which values are accepted" "$ERR" \
    "NAUTES_INSECURE (the environment variable for --insecure) is 1, true, yes, 0, false or no, not 'maybe'"
printf 'not a certificate\n' >"$P/garbage.pem"
check_rc "API: a --cacert file that holds no certificate" 1 plan "$FILE" --cacert "$P/garbage.pem"
one_sentence "API: is one sentence"
stop_server
