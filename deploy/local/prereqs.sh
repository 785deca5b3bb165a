#!/usr/bin/env bash
# Checks the system tools the hub's local setup needs, installing them with apt-get when
# that is possible (root on Debian/Ubuntu); otherwise stops with the command to run.
#   usage: deploy/local/prereqs.sh java mvn [postgres] [prometheus] [kcat] [systemd-analyze]
set -euo pipefail

declare -A pkg=(
  [java]="openjdk-17-jre-headless"
  [mvn]="maven"
  [postgres]="postgresql"
  [prometheus]="prometheus"
  [kcat]="kcat"
  [systemd-analyze]="systemd"
)

have() {
  case "$1" in
    java) command -v java >/dev/null && java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' ;;
    postgres) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null ;;
    prometheus) command -v prometheus >/dev/null && command -v promtool >/dev/null ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing=()
for tool in "$@"; do
  have "$tool" || missing+=("${pkg[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/hub-apt.log 2>&1; then
    apt-get update >>/tmp/hub-apt.log 2>&1 || true
    apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/hub-apt.log 2>&1 || {
      echo "error: could not install ${missing[*]} (see /tmp/hub-apt.log)." >&2
      echo "  fix: $cmd" >&2
      exit 1
    }
  fi
  exit 0
fi
echo "error: missing ${missing[*]}." >&2
echo "  fix: sudo $cmd   (Java must be 17 or newer)" >&2
exit 1
