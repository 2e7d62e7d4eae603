#!/usr/bin/env bash
# Installs the Debian packages Pishkhan needs, when run as root on Debian and they are missing.
# runtime: pango/harfbuzz for WeasyPrint PDFs, poppler-utils (pdfsig) for signature checks.
# test:    additionally Debian's chromium for the Playwright browser tests.
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
if [ "${1:-runtime}" = "test" ]; then want+=(chromium); fi
command -v dpkg-query >/dev/null 2>&1 || { echo "not Debian: install ${want[*]} yourself"; exit 0; }
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing system packages (${missing[*]}); run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
