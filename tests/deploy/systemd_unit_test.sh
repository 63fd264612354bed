#!/usr/bin/env bash
# ops/haven.service passes systemd's own checker, and keeps the sandboxing the threat model
# relies on (no core dumps, no new privileges, read-only system, separate key directory), with and
# without the native TLS drop-in.
#   systemd_unit_test.sh SOURCE_DIR
set -euo pipefail
unit="$1/ops/haven.service"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify checks that ExecStart exists; the test machine has no installed haven.
sed 's#/usr/bin/haven#/bin/true#' "$unit" > "$work/haven.service"
output="$(systemd-analyze verify "$work/haven.service" 2>&1)" || { echo "FAIL: $output"; exit 1; }
[[ -z "$output" ]] || { echo "FAIL: systemd-analyze warns: $output"; exit 1; }
for setting in LimitCORE=0 NoNewPrivileges=yes Restart=always "ExecReload=/bin/kill -HUP \$MAINPID" SystemCallErrorNumber=EPERM ProtectSystem=strict PrivateTmp=yes \
               "StateDirectory=haven haven-keys haven-org" MemoryDenyWriteExecute=yes; do
  grep -qx "$setting" "$unit" || { echo "FAIL: $setting is missing"; exit 1; }
done
# With the native TLS drop-in (ops/haven-native-tls.conf) in place: still clean, and the only
# capability it grants is binding a low port.
mkdir "$work/haven.service.d"
cp "$1/ops/haven-native-tls.conf" "$work/haven.service.d/native-tls.conf"
output="$(systemd-analyze verify "$work/haven.service" 2>&1)" || { echo "FAIL: with the drop-in: $output"; exit 1; }
[[ -z "$output" ]] || { echo "FAIL: systemd-analyze warns about the drop-in: $output"; exit 1; }
for setting in AmbientCapabilities=CAP_NET_BIND_SERVICE CapabilityBoundingSet=CAP_NET_BIND_SERVICE; do
  grep -qx "$setting" "$1/ops/haven-native-tls.conf" || { echo "FAIL: the drop-in lacks $setting"; exit 1; }
done
[[ "$(grep -c '^[A-Z]' "$1/ops/haven-native-tls.conf")" == 2 ]] || { echo "FAIL: the drop-in changes more than the capability"; exit 1; }
echo "PASS"
