#!/usr/bin/env bash
# Installs the Debian packages Pishkhan needs, when run as root on Debian and they are missing.
# runtime: pango/harfbuzz for WeasyPrint PDFs, poppler-utils (pdfsig) for signature checks.
# test:    additionally Debian's chromium for the Playwright browser tests, and redis-server (a
#          test runs the production cache, CACHE_URL=redis://…, against a private instance).
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
if [ "${1:-runtime}" = "test" ]; then want+=(chromium redis-server); fi
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
# Another install (unattended-upgrades, a second `make`) may hold apt's or dpkg's lock: wait for
# it, up to APT_LOCK_WAIT seconds, instead of failing. apt waits for the dpkg lock itself
# (DPkg::Lock::Timeout); a lock it does not wait for (the package lists' on older apt) is
# retried here. Any other failure stops at once.
wait_s=${APT_LOCK_WAIT:-600}
apt_get() {
  local deadline=$((SECONDS + wait_s)) err
  err=$(mktemp)
  until apt-get -o DPkg::Lock::Timeout="$wait_s" "$@" 2>"$err"; do
    if ! grep -qiE "could not get lock|unable to lock|is another process using it" "$err" \
      || [ "$SECONDS" -ge "$deadline" ]; then
      cat "$err" >&2
      rm -f "$err"
      return 1
    fi
    echo "apt is busy (another install holds its lock); waiting..." >&2
    sleep 5
  done
  rm -f "$err"
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
