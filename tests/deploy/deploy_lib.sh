# Shared by the deploy tests (sourced): a scratch directory removed on exit, background
# processes (`pids`) killed on exit, failing with a reason, a free port, a real organisation
# made the way an administrator makes one, and the config sections every test server shares.
# The sourcing script sets `haven` (the binary) first; it may add to `on_exit`.

work="$(mktemp -d)"
on_exit=()
run_on_exit() {
  local step
  for step in "${on_exit[@]}"; do eval "$step" || true; done
  rm -rf "$work"
}
trap run_on_exit EXIT
pids=()
# Only these are waited for: a test's own background processes have their own exit steps.
on_exit+=('for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; done')

fail() {
  echo "FAIL: $*"
  exit 1
}

# A port nothing listens on (connecting fails), from a range the kernel does not hand out.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null || { echo "$port"; return; }
  done
}

# make_org DIR NAME: an org root key and signing key in DIR, passphrases from files in $work.
make_org() {
  echo "root passphrase for the $2 test" > "$work/root-pass"
  echo "signing passphrase for the $2 test" > "$work/signing-pass"
  "$haven" org init --dir "$1" --passphrase-file "$work/root-pass" > /dev/null
  "$haven" org signing-key --dir "$1" --name "$2" --root-passphrase-file "$work/root-pass" \
    --passphrase-file "$work/signing-pass" > /dev/null
}

# server_config PORT: [server], [storage] and [org] of a server on 127.0.0.1:PORT whose data,
# keys and org (make_org "$work/org") are in $work; a test appends its own sections.
server_config() {
  cat <<TOML
[server]
listen_address = "127.0.0.1"
port = $1
data_dir = "$work/data"
[storage]
key_dir = "$work/keys"
[org]
dir = "$work/org"
TOML
}
