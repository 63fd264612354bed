#!/usr/bin/env bash
# The Debian package, built with CPack from this build and installed into an empty root with
# dpkg (chrootless: the maintainer script runs on this machine against that root, as
# DPKG_ROOT tells it). Then: the files are where the README says, the haven user and its three
# private directories exist, the config is root:haven 0640, the unit is installed and not
# enabled, `haven --version` names version and commit, `serve --check-config` accepts the
# packaged config, and the installed binary serves the installed web apps.
#   package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
source_dir="$2"
source "$(dirname "$0")/deploy_lib.sh"
pid=""
on_exit+=('[[ -n "$pid" ]] && kill -KILL "$pid" 2> /dev/null')

(cd "$build" && cpack -G DEB -B "$work/out" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
version="$(sed -n 's/^project(haven VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")"
deb="$work/out/haven_${version}_amd64.deb"
[[ -f "$deb" ]] || fail "no $deb ($(ls "$work/out"))"
depends="$(dpkg-deb -f "$deb" Depends)"
for library in librocksdb libsodium libspdlog; do
  grep -q "$library" <<< "$depends" || fail "Depends lacks $library: $depends"
done

# An empty root with only what dpkg and useradd need.
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers" "$root/etc"
touch "$root/var/lib/dpkg/status"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo 'root:*:19000:0:99999:7:::' > "$root/etc/shadow"
echo 'root:*::' > "$root/etc/gshadow"
dpkg --root="$root" --log=/dev/null --force-script-chrootless --force-depends -i "$deb" > "$work/dpkg.log" 2>&1 ||
  { cat "$work/dpkg.log"; fail "dpkg -i failed"; }

for path in usr/bin/haven usr/share/haven/web/widget/frame.html lib/systemd/system/haven.service etc/haven/haven.toml \
            usr/share/doc/haven/examples/nginx-haven.conf usr/share/doc/haven/examples/haven-alerts.yml \
            usr/share/doc/haven/examples/haven-native-tls.conf; do
  [[ -e "$root/$path" ]] || fail "/$path is not installed"
done
# The README has certbot run the installed deploy hook directly.
[[ -x "$root/usr/share/doc/haven/examples/certbot-deploy-hook" ]] || fail "the certbot deploy hook is not installed executable"
uid="$(awk -F: '$1 == "haven" { print $3 }' "$root/etc/passwd")"
gid="$(awk -F: '$1 == "haven" { print $4 }' "$root/etc/passwd")"
[[ -n "$uid" ]] || fail "no haven user"
for dir in var/lib/haven var/lib/haven-keys var/lib/haven-org; do
  [[ "$(stat -c '%u %a' "$root/$dir")" == "$uid 700" ]] || fail "/$dir is $(stat -c '%u %a' "$root/$dir")"
done
[[ "$(stat -c '%u:%g %a' "$root/etc/haven/haven.toml")" == "0:$gid 640" ]] ||
  fail "/etc/haven/haven.toml is $(stat -c '%u:%g %a' "$root/etc/haven/haven.toml")"
[[ -z "$(find "$root/etc/systemd" -name 'haven.service' 2> /dev/null)" ]] || fail "the unit was enabled"

"$root/usr/bin/haven" --version | grep -Eq "^haven $version \(commit [0-9a-f]{12}" || fail "--version: $("$root/usr/bin/haven" --version)"
"$root/usr/bin/haven" serve --check-config --config "$root/etc/haven/haven.toml" | grep -q "config OK" ||
  fail "the packaged config does not pass --check-config"
grep -q '^key_dir = "/var/lib/haven-keys"' "$root/etc/haven/haven.toml" || fail "packaged config lacks key_dir"

# The installed binary finds the installed web apps (no build tree involved).
haven="$root/usr/bin/haven"
make_org "$work/org" "Package Test"
server_config 0 > "$work/haven.toml"
mv "$build/web" "$build/web.hidden"  # the build tree's apps must not be what answers
on_exit+=('[[ -d "$build/web.hidden" ]] && mv "$build/web.hidden" "$build/web"')
"$root/usr/bin/haven" serve --config "$work/haven.toml" > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/out.txt" && break; sleep 0.1; done
port="$(sed -n 's#.*listening on http://[^:]*:\([0-9]*\)/.*#\1#p' "$work/out.txt")"
[[ -n "$port" ]] || { cat "$work/err.txt"; fail "the installed haven did not start"; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/widget/frame.html")" == 200 ]] ||
  fail "the installed haven does not serve its web apps"
echo "PASS: $(basename "$deb"), installed into an empty root: user, directories, config mode, unit disabled, version, check-config, web apps"
