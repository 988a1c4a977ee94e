#!/usr/bin/env bash
# The HTTP side of the client, through `nautes plan` (the observer's one GET): where the API
# server and the token come from, each failure in words with its hint, TLS (a CA generated
# here with openssl), and that the token never shows up in any output.
. "$(dirname "$0")/lib.sh"

FILE=$ROOT/examples/host-and-virtual-deployment.yaml

start_server
unset NAUTES_API_SERVER

# ---- where the server and the token come from ---------------------------------------------
check_rc "no API server is an error" 1 plan "$FILE"
assert_contains "no API server says what to do" "$ERR" \
    "no API server: pass --api-server URL or set NAUTES_API_SERVER"

check_rc "credentials in the URL are refused" 1 plan "$FILE" \
    --api-server "${SERVER_URL/:\/\//://user:pw-in-url@}"
assert_contains "credentials in the URL: what to do instead" "$ERR" \
    "the API server URL must not hold a user or password"
assert_not_contains "credentials in the URL are not echoed" "$ERR" "pw-in-url"

export NAUTES_API_SERVER=$SERVER_URL
unset NAUTES_TOKEN
check_rc "no token is an error" 1 plan "$FILE"
assert_contains "no token says what to do" "$ERR" "no token: pass --token-file FILE or set NAUTES_TOKEN"

printf '%s\n' "$TOKEN" >"$T_TMP/token"
chmod 644 "$T_TMP/token"
check_rc "a token file with a trailing newline works" 0 plan "$FILE" --token-file "$T_TMP/token"
assert_contains "a token file others can read gives a warning" "$ERR" \
    "can be read by other users: chmod 600"
chmod 600 "$T_TMP/token"
check_rc "a private token file gives no warning" 0 plan "$FILE" --token-file "$T_TMP/token"
assert_not_contains "no warning for a private token file" "$ERR" "warning"

check_rc "the token is never a command-line argument" 1 plan "$FILE" --token "$TOKEN"
assert_not_contains "the refused argument is not echoed" "$ERR$OUT" "$TOKEN"
assert_contains "--token says why and where the token goes instead" "$ERR" \
    "--token is not accepted: every user of this machine can read a command's arguments; set NAUTES_TOKEN or pass --token-file FILE (mode 0600)"
check_rc "--token=VALUE is refused the same way" 1 plan "$FILE" "--token=$TOKEN"
assert_not_contains "--token=VALUE is not echoed" "$ERR$OUT" "$TOKEN"
NAUTES_TOKEN_FILE=$T_TMP/token check_rc "NAUTES_TOKEN_FILE names the token file" 0 plan "$FILE"
NAUTES_TOKEN_FILE=$T_TMP/missing check_rc "--token-file wins over NAUTES_TOKEN_FILE" 0 plan "$FILE" --token-file "$T_TMP/token"
NAUTES_CACERT=$T_TMP/no-such-ca.pem check_rc "a missing NAUTES_CACERT is an error" 1 plan "$FILE" --token-file "$T_TMP/token"
assert_contains "a missing NAUTES_CACERT is named as the variable" "$ERR" \
    "NAUTES_CACERT $T_TMP/no-such-ca.pem: No such file or directory"
check_rc "a misspelt flag is unknown" 1 plan "$FILE" --detailed-exit-code
assert_contains "a misspelt flag: did you mean" "$ERR" \
    "unknown flag '--detailed-exit-code': did you mean --detailed-exitcode?"
NAUTES_API_SERVER= check_rc "an invalid --state without any API server" 1 plan "$FILE" --state bogus
assert_eq "an invalid --state is said as such, not as a missing API server" "$ERR" \
    "error: --state bogus: unknown state source; use api or git:URL_OR_PATH[#REF]"

export NAUTES_TOKEN=$TOKEN

# ---- failures in words ---------------------------------------------------------------------
NAUTES_TOKEN=wrong-token-1234 nautes plan "$FILE"
assert_eq "a wrong token fails" "$RC" 1
assert_contains "a wrong token gets the hint" "$ERR" "the token is invalid or expired"
assert_not_contains "the wrong token is not printed" "$ERR" "wrong-token-1234"

check_rc "a URL that is not the API fails" 1 plan "$FILE" --api-server "$SERVER_URL/not-here"
assert_contains "a plain 404 is explained" "$ERR" \
    "not the Nautes API (404 page not found): check --api-server"

PORT=$("$NT_TOOLS/nt-tcp" free-port) || fail "nt-tcp free-port gives a port nothing listens on"
check_rc "nothing listening fails" 1 plan "$FILE" --api-server "http://127.0.0.1:$PORT"
assert_contains "nothing listening is explained" "$ERR" \
    "connection refused: is the API server running at http://127.0.0.1:$PORT?"

check_rc "plain http to another host is warned about" 1 plan "$FILE" \
    --api-server "http://nautes-api.invalid:8000" --timeout 5
assert_contains "the token-over-http warning" "$ERR" \
    "the token is sent unencrypted to http://nautes-api.invalid:8000 (http://): use https://"

# ---- --verbose traces requests, never the token ------------------------------------------------
check_rc "plan --verbose works" 0 plan "$FILE" --verbose
assert_contains "the trace shows the request" "$ERR" "> GET /api/v1/clusters"
if grep -Eq '^< 200 \([0-9]+ ms, [0-9]+ bytes\)$' <<<"$ERR"; then ok "the trace shows status, time and size"; else
    fail "the trace shows status, time and size"
    echo "$ERR" | sed 's/^/  | /'
fi
assert_not_contains "the token is not in the trace" "$ERR$OUT" "$TOKEN"
assert_not_contains "no Authorization header in the trace" "$ERR" "Authorization"
stop_server

# ---- TLS with a private CA -----------------------------------------------------------------
if command -v openssl >/dev/null; then
    P=$T_TMP/pki
    mkdir -p "$P"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nautes test CA" \
        -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
    mkcert() { # name SAN
        openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$P/$1.key" \
            -out "$P/$1.csr" 2>/dev/null
        printf 'subjectAltName=%s\n' "$2" >"$P/$1.ext"
        openssl x509 -req -in "$P/$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
            -days 2 -extfile "$P/$1.ext" -out "$P/$1.crt" 2>/dev/null
    }
    mkcert server "IP:127.0.0.1,DNS:localhost"
    mkcert other "DNS:apiserver.example.com"

    start_server --tls-cert "$P/server.crt" --tls-key "$P/server.key"
    case "$SERVER_URL" in https://*) ok "the devserver serves https" ;; *) fail "the devserver serves https ($SERVER_URL)" ;; esac
    check_rc "a certificate from an unknown CA is refused" 1 plan "$FILE"
    assert_contains "the unknown CA is explained" "$ERR" \
        "TLS certificate signed by an unknown CA: pass --cacert FILE"
    check_rc "--cacert trusts the private CA" 0 plan "$FILE" --cacert "$P/ca.crt"
    assert_not_contains "no warning with --cacert" "$ERR" "warning"
    check_rc "--insecure skips verification" 0 plan "$FILE" --insecure
    assert_contains "--insecure warns" "$ERR" "warning: --insecure: the server's TLS certificate is not verified"
    check_rc "a missing --cacert file is an error" 1 plan "$FILE" --cacert "$P/nope.crt"
    assert_contains "the missing CA file is named" "$ERR" "--cacert $P/nope.crt"
    stop_server

    start_server --tls-cert "$P/other.crt" --tls-key "$P/other.key"
    check_rc "a certificate for another name is refused" 1 plan "$FILE" --cacert "$P/ca.crt"
    assert_contains "the name mismatch is explained" "$ERR" "does not match the server's TLS certificate"
    stop_server
else
    ok "openssl not installed: TLS cases skipped"
fi

# ---- the observer's GET is retried after a transient failure, never after a real error ------
export NAUTES_RETRY_BASE_MS=20
start_server --fault 'status=503,method=GET,nth=1' --fault 'status=429,method=GET,nth=2,retry-after=1'
export NAUTES_TOKEN=$TOKEN
check_rc "a 503 then a 429 on the list are retried, then the plan succeeds" 0 plan "$FILE" --verbose
assert_contains "the retries are traced" "$ERR" "GET /api/v1/clusters: HTTP 503; retrying in"
assert_contains "Retry-After is honoured (1 s)" "$ERR" "the server asked to wait 1 s (Retry-After); retrying in 1.0 s (retry 2 of 3)"
stop_server
# Retry-After within the --timeout budget: a wait over 2 s is said without --verbose
start_server --fault 'status=503,method=GET,nth=1,retry-after=3'
check_rc "a 503 asking for 3 s, then the plan succeeds" 0 plan "$FILE"
assert_contains "a wait over 2 s is said on stderr" "$ERR" "the server asked to wait 3 s (Retry-After); retrying in 3.0 s (retry 1 of 3)"
stop_server
# ... and beyond it: the retries end at once, saying what the server asked for
start_server --fault 'status=503,method=GET,retry-after=3600'
t0=$SECONDS
check_rc "a Retry-After of an hour ends the retries at once" 1 plan "$FILE" --timeout 60
assert_contains "saying what the server asked for" "$ERR" "(not retried: the server asked to wait 3600 s before retrying (Retry-After), more than the 60 s left of --timeout)"
if [ $((SECONDS - t0)) -lt 30 ]; then ok "without waiting"; else fail "it waited $((SECONDS - t0)) s"; fi
NAUTES_TIMEOUT=60 check_rc "NAUTES_TIMEOUT=60 is --timeout 60" 1 plan "$FILE"
assert_contains "NAUTES_TIMEOUT: the same budget" "$ERR" "more than the 60 s left of --timeout)"
NAUTES_TIMEOUT=abc check_rc "NAUTES_TIMEOUT=abc is refused" 1 plan "$FILE"
assert_contains "NAUTES_TIMEOUT=abc: named as the variable" "$ERR" \
    "NAUTES_TIMEOUT (the environment variable for --timeout) takes a whole number from 1 to 86400, not 'abc'"
stop_server
start_server --fault 'status=503,method=GET'
check_rc "a list that keeps failing gives up after 3 retries" 1 plan "$FILE"
assert_contains "saying how many retries it took" "$ERR" "HTTP 503"
assert_contains "... and that it retried" "$ERR" "(after 3 retries)"
assert_contains "... with what it means" "$ERR" "the API Server or the ingress in front of it is unavailable"
stop_server
start_server
NAUTES_TOKEN=not-the-token
check_rc "a wrong token is not retried" 1 plan "$FILE" --verbose
assert_not_contains "no retry for a 500 that is not transient" "$ERR" "retrying"
stop_server
unset NAUTES_RETRY_BASE_MS

# ---- no system CA bundle (no ca-certificates package) ---------------------------------------
# https without --cacert trusts the system bundle; the test build reads its path from
# NAUTES_TEST_SYSTEM_CA, so a missing one is shown here on any machine (tests/fresh-debian.sh
# shows the same on a real root without the package).
export NAUTES_TOKEN=$TOKEN
if [ "${NAUTES_VALGRIND:-}" = 1 ]; then
    # make memcheck runs the release build, which does not read NAUTES_TEST_SYSTEM_CA
    ok "skipped under valgrind: the release build has no NAUTES_TEST_SYSTEM_CA"
else
NOCA=$T_TMP/no-such-dir/ca-certificates.crt
CA_MSG="cannot read the system CA certificates $NOCA (No such file or directory): install the ca-certificates package, or pass --cacert FILE"
NAUTES_TEST_SYSTEM_CA=$NOCA check_rc "API: https without a system CA bundle fails" 1 \
    plan "$FILE" --api-server "https://127.0.0.1:$PORT" --verbose
assert_contains "API: the missing bundle is named, with the fix" "$ERR" "$CA_MSG"
assert_eq "API: said once, in one line" "$(grep -c 'CA certificates' <<<"$ERR")" 1
assert_not_contains "API: not blamed on a --cacert never given" "$ERR" "given with --cacert"
assert_not_contains "API: nothing is sent, nothing retried" "$ERR" "> GET"
NAUTES_TEST_SYSTEM_CA=$NOCA check_rc "git: https without a system CA bundle fails" 1 \
    plan "$FILE" --state "git:https://127.0.0.1:$PORT/tenant.git"
assert_contains "git: the missing bundle is named, with the fix" "$ERR" "$CA_MSG"
assert_eq "git: said once, in one line" "$(grep -c 'CA certificates' <<<"$ERR")" 1
NAUTES_TEST_SYSTEM_CA=$NOCA check_rc "with --cacert the system bundle is not needed" 1 \
    plan "$FILE" --api-server "https://127.0.0.1:$PORT" --cacert "$FILE"
assert_not_contains "... and not mentioned" "$ERR" "system CA"
NAUTES_TEST_SYSTEM_CA=$NOCA check_rc "plain http does not need it either" 1 \
    plan "$FILE" --api-server "http://127.0.0.1:$PORT"
assert_contains "... and fails for its own reason" "$ERR" "connection refused"
fi

# ---- a slow list: said once after 2 s (again every 10 s only on a terminal) -------------------
start_server --fault 'delay=4500,method=GET'
check_rc "a plan whose GET takes 4.5 s" 0 plan "$FILE"
assert_contains "says it is still reading, once past 2 s" "$ERR" \
    "nautes: still reading the clusters from $SERVER_URL (2 s, no answer yet)"
assert_eq "once: stderr is not a terminal" "$(grep -c 'still reading' <<<"$ERR")" 1
stop_server
start_server
check_rc "a fast one" 0 plan "$FILE"
assert_not_contains "says nothing of the kind" "$ERR" "still reading"
stop_server
