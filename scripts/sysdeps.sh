#!/usr/bin/env bash
# Make sure the Debian packages Connect needs are there; install them when we can
# (root with apt-get), otherwise name them in one clear message.
#   scripts/sysdeps.sh run   -> what `make run` needs  (xmlsec1, gettext)
#   scripts/sysdeps.sh test  -> what `make test` needs (+ chromium, docker-compose)
set -euo pipefail
need=(xmlsec1:xmlsec1 msgfmt:gettext)
if [ "${1:-run}" = "test" ]; then
  need+=(chromium:chromium docker-compose:docker-compose)
fi
missing=()
for pair in "${need[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "error: Connect needs these Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
exit 1
