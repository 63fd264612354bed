#!/usr/bin/env bash
# Native TLS (no nginx): `haven serve` with [tls] set serves HTTPS and WSS itself. Checked from
# outside with the tools an administrator would use (openssl s_client, curl):
#   - TLS 1.3 and 1.2 are spoken, 1.1 and 1.0 refused; no session tickets are issued;
#   - every HTTPS response carries HSTS; plain HTTP to the port gets a 400 that says so;
#   - a WebSocket upgrade over TLS reaches the helpline (the visitor is greeted);
#   - a client that opens a connection and sends nothing is cut off at http.request_timeout;
#   - a renewal through ops/certbot-deploy-hook reaches new connections after its reload, and
#     a broken pair is refused (by the hook, and by the server on SIGHUP) with the running one kept;
#   - --check-config names what is wrong with a bad pair; the expiry is a metric.
#   native_tls_test.sh HAVEN_BINARY SOURCE_DIR
set -euo pipefail
haven="$1"
source_dir="$2"
source "$(dirname "$0")/deploy_lib.sh"
port="$(free_port)"
host="chat.example.org"
origin="https://$host:$port"
resolve=(--resolve "$host:$port:127.0.0.1")
token="metrics-token-for-the-native-tls-test"

# certificate NAME CN DAYS: a throwaway self-signed pair, $work/NAME.{cert,key}.pem.
certificate() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/$1.key.pem" \
    -out "$work/$1.cert.pem" -days "$3" -subj "/CN=$2" -addext "subjectAltName=DNS:$2" 2> /dev/null
}
certificate first "$host" 30
certificate renewed "$host" 90
certificate other "other.example.org" 30
mkdir -p "$work/tls"
cp "$work/first.cert.pem" "$work/tls/cert.pem"
cp "$work/first.key.pem" "$work/tls/key.pem"
chmod 600 "$work/tls/key.pem"

make_org "$work/org" "Native TLS Test"
write_config() {  # write_config CERT KEY
  { server_config "$port"; cat <<TOML; } > "$work/haven.toml"
[http]
request_timeout_ms = 1500
[tls]
certificate_file = "$1"
private_key_file = "$2"
[websocket]
allowed_origins = ["$origin"]
[metrics]
token = "$token"
TOML
}

# --check-config reads the pair and says what is wrong with it.
check_refuses() {  # check_refuses CERT KEY EXPECTED-TEXT
  write_config "$1" "$2"
  local out
  if out="$("$haven" serve --config "$work/haven.toml" --check-config 2>&1)"; then fail "--check-config accepted $1 + $2"; fi
  grep -q "$3" <<< "$out" || fail "--check-config did not say '$3': $out"
}
check_refuses "$work/first.cert.pem" "$work/other.key.pem" "does not belong to the certificate"
check_refuses "$work/missing.pem" "$work/first.key.pem" "tls.certificate_file $work/missing.pem cannot be read"
openssl ec -in "$work/first.key.pem" -aes256 -passout pass:secret -out "$work/encrypted.key.pem" 2> /dev/null
check_refuses "$work/first.cert.pem" "$work/encrypted.key.pem" "is not an unencrypted PEM private key"
check_refuses "$work/first.key.pem" "$work/first.key.pem" "is not a PEM certificate chain"

write_config "$work/tls/cert.pem" "$work/tls/key.pem"
"$haven" serve --config "$work/haven.toml" --check-config > /dev/null || fail "--check-config refuses a good pair"
"$haven" serve --config "$work/haven.toml" > "$work/haven.out" 2> "$work/haven.err" &
server=$!
pids+=("$server")
for _ in $(seq 100); do
  curl -sk "${resolve[@]}" "https://$host:$port/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done

# s_client PROTOCOL-FLAGS...: the version the handshake negotiated ("(NONE)" when refused;
# s_client's "Protocol :" line names the version tried even then).
s_client() {
  openssl s_client -connect "127.0.0.1:$port" -servername "$host" "$@" < /dev/null 2> /dev/null |
    sed -n 's/^New, \([^,]*\),.*/\1/p' | head -1
  return 0
}
[[ "$(s_client -tls1_3)" == "TLSv1.3" ]] || fail "TLS 1.3 is not spoken"
[[ "$(s_client -tls1_2)" == "TLSv1.2" ]] || fail "TLS 1.2 is not spoken"
# The client side allows the old versions (security level 0) so that only the server can refuse.
for old in -tls1_1 -tls1; do
  negotiated="$(s_client "$old" -cipher 'DEFAULT:@SECLEVEL=0')"
  [[ -z "$negotiated" || "$negotiated" == "(NONE)" ]] || fail "$old was accepted ($negotiated)"
done
# TLS 1.3 tickets arrive after the handshake: s_client must stay a moment to see one (checked
# against openssl s_server, which prints "New Session Ticket" here).
for version in -tls1_3 -tls1_2; do
  tickets="$(openssl s_client -connect "127.0.0.1:$port" -servername "$host" "$version" < <(sleep 1) 2>&1 |
    grep -c "New Session Ticket\|TLS session ticket:" || true)"
  [[ "$tickets" == 0 ]] || fail "session tickets were issued over $version ($tickets)"
done
subject() { openssl s_client -connect "127.0.0.1:$port" -servername "$host" < /dev/null 2> /dev/null | openssl x509 -noout -enddate; }
[[ "$(subject)" == "$(openssl x509 -in "$work/first.cert.pem" -noout -enddate)" ]] || fail "not serving the configured certificate"

headers="$(curl -sk -D - -o /dev/null "${resolve[@]}" "https://$host:$port/healthz")"
grep -q "^HTTP/[0-9.]* 200" <<< "$headers" || fail "healthz over HTTPS: $headers"
grep -qi "^strict-transport-security: max-age=63072000" <<< "$headers" || fail "no HSTS header: $headers"

plain="$(curl -s -i --max-time 3 "http://127.0.0.1:$port/healthz" || true)"
grep -q "^HTTP/1.1 400" <<< "$plain" && grep -q "this port speaks HTTPS only" <<< "$plain" ||
  fail "plain HTTP on the TLS port was not told to use HTTPS: $plain"

welcome="$(curl -sk --http1.1 --max-time 3 "${resolve[@]}" -o - \
  -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
  -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" -H "Origin: $origin" \
  "https://$host:$port/ws/visitor" | head -c 400 | tr -c '[:print:]' '.' || true)"
grep -q '"type":"welcome"' <<< "$welcome" || fail "no welcome over WSS: $welcome"

# A connection that never starts its handshake holds its slot only for request_timeout_ms.
started=$SECONDS
exec 3<> "/dev/tcp/127.0.0.1/$port"
timeout 10 cat <&3 > /dev/null || fail "a silent connection was not closed within 10 s"
exec 3<&-
(( SECONDS - started <= 4 )) || fail "a silent connection was held $((SECONDS - started)) s"

metrics="$(curl -sk "${resolve[@]}" -H "Authorization: Bearer $token" "https://$host:$port/metrics")"
expiry="$(sed -n 's/^haven_tls_certificate_expiry_timestamp_seconds //p' <<< "$metrics")"
expected="$(date -d "$(openssl x509 -in "$work/first.cert.pem" -noout -enddate | cut -d= -f2)" +%s)"
[[ "$expiry" == "$expected" ]] || fail "expiry metric $expiry, certificate says $expected"

# Renewal as certbot does it: ops/certbot-deploy-hook with RENEWED_LINEAGE, which copies the
# pair, has Haven check it and runs `systemctl reload haven`. systemd cannot run here: a
# `systemctl` first on PATH does what the unit's ExecReload does (SIGHUP to the main process).
# The hook's files are owned by the user running the test (HOOK_USER; haven in production).
mkdir -p "$work/bin" "$work/live/renewed" "$work/live/broken"
printf '#!/bin/sh\n[ "$1 $2" = "reload haven" ] && exec kill -HUP %s\nexit 1\n' "$server" > "$work/bin/systemctl"
chmod +x "$work/bin/systemctl"
ln -s "$(realpath "$haven")" "$work/bin/haven"
deploy_hook() {  # deploy_hook LINEAGE
  env PATH="$work/bin:$PATH" RENEWED_LINEAGE="$1" HOOK_TLS_DIR="$work/tls" HOOK_USER="$(id -un)" \
    HOOK_CONFIG="$work/haven.toml" sh "$source_dir/ops/certbot-deploy-hook"
}
cp "$work/renewed.cert.pem" "$work/live/renewed/fullchain.pem"
cp "$work/renewed.key.pem" "$work/live/renewed/privkey.pem"
deploy_hook "$work/live/renewed" > "$work/hook.out" 2>&1 || fail "the deploy hook failed: $(cat "$work/hook.out")"
[[ "$(stat -c %a "$work/tls/key.pem")" == 600 ]] || fail "the hook left the key readable by others"
for _ in $(seq 50); do
  [[ "$(subject)" == "$(openssl x509 -in "$work/renewed.cert.pem" -noout -enddate)" ]] && break
  sleep 0.1
done
[[ "$(subject)" == "$(openssl x509 -in "$work/renewed.cert.pem" -noout -enddate)" ]] || fail "the reload did not load the renewed certificate"
# A renewal whose key is not the certificate's: the hook refuses it and puts the pair back.
cp "$work/first.cert.pem" "$work/live/broken/fullchain.pem"
cp "$work/other.key.pem" "$work/live/broken/privkey.pem"
if deploy_hook "$work/live/broken" > "$work/hook.out" 2>&1; then fail "the deploy hook installed a broken pair"; fi
grep -q "does not belong to the certificate" "$work/hook.out" || fail "the hook did not say why: $(cat "$work/hook.out")"
cmp -s "$work/tls/cert.pem" "$work/renewed.cert.pem" && cmp -s "$work/tls/key.pem" "$work/renewed.key.pem" ||
  fail "the hook did not put the working pair back"
# Files changed by hand, half copied (the key of another certificate), then SIGHUP: the server
# refuses the pair and keeps the running one.
cp "$work/other.key.pem" "$work/tls/key.pem"
kill -HUP "$server"
for _ in $(seq 50); do
  grep -q "reload.tls_failed" "$work/haven.err" && break
  sleep 0.1
done
grep -q "reload.tls_failed" "$work/haven.err" || fail "a broken pair on reload was not logged"
grep "reload.tls_failed" "$work/haven.err" | grep -q "does not belong to the certificate" || fail "the log does not say why"
[[ "$(subject)" == "$(openssl x509 -in "$work/renewed.cert.pem" -noout -enddate)" ]] || fail "a broken pair replaced the running one"
curl -sfk "${resolve[@]}" "https://$host:$port/healthz" > /dev/null || fail "HTTPS stopped after a refused reload"
kill -0 "$server" || fail "the server died on reload"

kill -TERM "$server"
wait "$server" || fail "the server did not stop cleanly ($?)"
pids=()
grep -q "^haven listening on https://127.0.0.1:$port/$" "$work/haven.out" || fail "the start line does not name the https:// address"
# Every client here came from 127.0.0.1: the only line that may name it is that start line.
grep -v "^haven listening on" "$work/haven.err" "$work/haven.out" | grep -q "127.0.0.1" && fail "Haven wrote a client address"
echo "PASS: TLS 1.3/1.2 only, no tickets, HSTS, plain HTTP told, WSS welcome, silent clients cut, reload takes a renewal and refuses a broken pair, expiry metric, check-config"
