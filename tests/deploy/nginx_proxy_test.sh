#!/usr/bin/env bash
# ops/nginx-haven.conf, as shipped (only ports, paths and a throwaway certificate changed), in
# front of a real `haven serve`: nginx accepts the file, TLS and WebSocket upgrades reach Haven,
# HSTS is set, and nginx writes no client address anywhere.
#   nginx_proxy_test.sh HAVEN_BINARY SOURCE_DIR
set -euo pipefail
haven="$1"
source_dir="$2"
nginx="$source_dir/build/tools/bin/nginx"
[[ -x "$nginx" ]] || nginx="$(command -v nginx || true)"
[[ -n "$nginx" ]] || { echo "FAIL: no nginx; scripts/setup --test extracts one into build/tools/bin"; exit 1; }

source "$(dirname "$0")/deploy_lib.sh"
haven_port="$(free_port)"
https_port="$(free_port)"
http_port="$(free_port)"

make_org "$work/org" "Proxy Test"
origin="https://chat.example.org:$https_port"
{ server_config "$haven_port"; cat <<TOML; } > "$work/haven.toml"
[http]
trusted_proxies = ["127.0.0.1"]
[websocket]
allowed_origins = ["$origin"]
TOML
"$haven" serve --config "$work/haven.toml" > "$work/haven.out" 2> "$work/haven.err" &
pids+=($!)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 1 -subj /CN=chat.example.org 2> /dev/null
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
sed -e "s#/etc/letsencrypt/live/chat.example.org/fullchain.pem#$work/cert.pem#" \
    -e "s#/etc/letsencrypt/live/chat.example.org/privkey.pem#$work/key.pem#" \
    -e "s#/var/log/nginx/#$work/nginx/logs/#g" \
    -e "s#listen 80;#listen 127.0.0.1:$http_port;#" -e "/listen \[::\]:80;/d" \
    -e "s#listen 443 ssl#listen 127.0.0.1:$https_port ssl#" -e "/listen \[::\]:443/d" \
    -e "s#proxy_pass http://127.0.0.1:8080;#proxy_pass http://127.0.0.1:$haven_port;#" \
    "$source_dir/ops/nginx-haven.conf" > "$work/nginx/haven.conf"
grep -q "127.0.0.1:$haven_port" "$work/nginx/haven.conf" || fail "the shipped config no longer proxies to 127.0.0.1:8080"
cat > "$work/nginx/nginx.conf" <<CONF
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/main-error.log emerg;
daemon off;
events {}
http {
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  include $work/nginx/haven.conf;
}
CONF
"$nginx" -t -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>&1 | grep -q "test is successful" || fail "nginx -t refuses the config"
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)

for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$haven_port/readyz" > /dev/null 2>&1 &&
    curl -sk --resolve "chat.example.org:$https_port:127.0.0.1" "https://chat.example.org:$https_port/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done
resolve=(--resolve "chat.example.org:$https_port:127.0.0.1")

headers="$(curl -sk -D - -o /dev/null "${resolve[@]}" "https://chat.example.org:$https_port/healthz")"
grep -q "^HTTP/[0-9.]* 200" <<< "$headers" || fail "healthz through nginx: $headers"
grep -qi "^strict-transport-security: max-age=63072000" <<< "$headers" || fail "no HSTS header"
grep -qi "^server: nginx/" <<< "$headers" && fail "nginx names its version (server_tokens)"
# /metrics and /readyz are for the local Prometheus only, never the public site.
for path in /metrics /readyz; do
  code="$(curl -sk -o /dev/null -w '%{http_code}' "${resolve[@]}" -H "Authorization: Bearer x" "https://chat.example.org:$https_port$path")"
  [[ "$code" == 404 ]] || fail "$path is served on the public site ($code)"
done
redirect="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/x")"
[[ "$redirect" == 301\ https://* ]] || fail "plain HTTP is not redirected: $redirect"

# A WebSocket upgrade to the visitor endpoint passes through and Haven greets the visitor.
welcome="$(curl -sk --http1.1 --max-time 3 "${resolve[@]}" -o - \
  -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
  -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" -H "Origin: $origin" -H "X-Forwarded-For: 192.0.2.44" \
  "https://chat.example.org:$https_port/ws/visitor" | head -c 400 | tr -c '[:print:]' '.' || true)"
grep -q '"type":"welcome"' <<< "$welcome" || fail "no welcome through the proxy: $welcome"

kill -TERM "${pids[@]}"
wait 2> /dev/null || true
pids=()
# The client here is 127.0.0.1 and claimed to be 192.0.2.44: neither may appear in anything
# nginx wrote (whatever the log paths), nor the claimed one in Haven's output.
nginx_wrote="$(find "$work/nginx" -type f ! -name '*.conf' ! -name '*.pid' -exec cat {} + 2> /dev/null)"
grep -q "127.0.0.1\|192.0.2.44" <<< "$nginx_wrote" && fail "nginx wrote a client address: $(head -c 300 <<< "$nginx_wrote")"
grep -q "192.0.2.44" "$work/haven.err" "$work/haven.out" && fail "Haven wrote the forwarded client address"
echo "PASS: nginx -t, TLS + HSTS, no version, no public /metrics, redirect, WebSocket upgrade, no client address in any log"
