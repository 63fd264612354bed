#!/usr/bin/env bash
# The real `haven serve` under the seccomp filter that ops/haven.service, as shipped, makes
# systemd install: SystemCallFilter= (groups expanded by this machine's systemd-analyze, in
# the unit's order), SystemCallErrorNumber=, MemoryDenyWriteExecute= and
# RestrictAddressFamilies=. It must start, serve, run its worker threads (storage
# maintenance, an admin command, an Argon2id login), reload on SIGHUP and stop cleanly on
# SIGTERM. A control first shows the filter is real: a call the unit forbids is refused.
#   unit_filter_test.sh HAVEN_BINARY UNIT_SANDBOX SOURCE_DIR
set -euo pipefail
haven="$1"
sandbox="$2"
unit="$3/ops/haven.service"
[[ -x "$sandbox" ]] || { echo "FAIL: no unit_sandbox (libseccomp-dev missing? scripts/setup --test installs it)"; exit 1; }

source "$(dirname "$0")/deploy_lib.sh"
pid=""
on_exit+=('[[ -n "$pid" ]] && kill -KILL "$pid" 2> /dev/null')
failed() {
  [[ -f "$work/haven.err" ]] && { echo "--- haven stderr"; tail -20 "$work/haven.err"; }
  fail "$*"
}

# --- The filter, as systemd builds it from the unit -----------------------------------------
expand() {  # expand NAME: a system call, or every call of a group (groups nest)
  local item="${1%%:*}"  # a ":errno" suffix changes the answer, not the set
  if [[ "$item" != @* ]]; then echo "$item"; return; fi
  systemd-analyze syscall-filter "$item" | tail -n +2 | sed 's/^ *//' | grep -v '^#' | grep -v '^$' |
    while read -r member; do expand "$member"; done
}
declare -A allowed=()
mode=""
while IFS= read -r line; do
  value="${line#SystemCallFilter=}"
  if [[ "$value" == "~"* ]]; then
    [[ -n "$mode" ]] || failed "a deny-list first is not what this test models"
    for item in ${value#\~}; do for call in $(expand "$item"); do unset "allowed[$call]"; done; done
  else
    if [[ -z "$mode" ]]; then  # systemd adds @default to an allow-list
      mode=allow
      for call in $(expand @default); do allowed[$call]=1; done
    fi
    for item in $value; do for call in $(expand "$item"); do allowed[$call]=1; done; done
  fi
done < <(grep '^SystemCallFilter=' "$unit")
[[ "$mode" == allow ]] || failed "the unit has no SystemCallFilter= allow-list"
printf '%s\n' "${!allowed[@]}" | sort > "$work/allowed"
sandbox_args=(--allow "$work/allowed")
errno_name="$(sed -n 's/^SystemCallErrorNumber=//p' "$unit")"
[[ -n "$errno_name" ]] && sandbox_args+=(--errno "$errno_name")
grep -qx 'MemoryDenyWriteExecute=yes' "$unit" && sandbox_args+=(--deny-write-execute)
families="$(sed -n 's/^RestrictAddressFamilies=//p' "$unit" | tr ' ' ',')"
[[ -n "$families" ]] && sandbox_args+=(--families "$families")
echo "filter: $(wc -l < "$work/allowed") system calls allowed; ${sandbox_args[*]:2}"

# --- Control: the filter refuses what the unit denies (chroot is in @privileged) -------------
chroot_path="$(command -v chroot)"
if "$sandbox" "${sandbox_args[@]}" -- "$chroot_path" / /bin/true 2> "$work/control.err"; then
  failed "chroot ran under the filter: the filter is not applied"
fi
"$chroot_path" / /bin/true || failed "chroot fails even without the filter; the control means nothing here"

# --- Haven under the filter ---------------------------------------------------------------
port="$(free_port)"
make_org "$work/org" "Unit Test"
{ server_config "$port"; cat <<TOML; } > "$work/haven.toml"
[log]
file = "$work/haven.log"
TOML
"$sandbox" "${sandbox_args[@]}" -- "$haven" serve --config "$work/haven.toml" > "$work/haven.out" 2> "$work/haven.err" &
pid=$!

for _ in $(seq 100); do
  grep -q "haven listening" "$work/haven.out" 2> /dev/null && break
  kill -0 "$pid" 2> /dev/null || { wait "$pid" && status=0 || status=$?; failed "haven died at start under the filter (exit $status)"; }
  sleep 0.1
done
grep -q "haven listening" "$work/haven.out" || failed "haven did not start within 10 s"

base="http://127.0.0.1:$port"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" == 200 ]] || failed "/healthz is not 200"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" == 200 ]] || failed "/readyz is not 200"
# Worker threads: maintenance at start, an admin command over the socket, an Argon2id login.
for _ in $(seq 100); do grep -q 'storage.maintenance"' "$work/haven.log" 2> /dev/null && break; sleep 0.1; done
grep -q 'storage.maintenance"' "$work/haven.log" || failed "storage maintenance did not run"
"$haven" counselor list --config "$work/haven.toml" > /dev/null || failed "haven counselor list failed"
login_status="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "Origin: $base" --data '{"handle":"nobody","login_key":"'"$(printf '0%.0s' $(seq 64))"'","totp":"000000"}' \
  "$base/api/login")"
[[ "$login_status" == 401 || "$login_status" == 403 ]] || failed "login answered $login_status"
kill -0 "$pid" 2> /dev/null || failed "haven died while serving under the filter"

kill -HUP "$pid"
for _ in $(seq 50); do grep -q '"reload' "$work/haven.log" 2> /dev/null && break; sleep 0.1; done
kill -0 "$pid" 2> /dev/null || failed "SIGHUP killed haven"
grep -q '"reload' "$work/haven.log" || failed "SIGHUP was not logged as a reload"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[[ "$status" == 0 ]] || failed "haven exited with $status after SIGTERM"
echo "PASS"
