#!/usr/bin/env bash
# Refreshes the vendored front-end files in pishkhan/static/vendor/ from the
# exact versions pinned in package.json / package-lock.json.
#
# Maintainer tool only: the copied files are committed, so nothing here is
# needed to run Pishkhan. Requires node + npm and access to the npm registry.
#
# To upgrade a package: edit the exact version in package.json, run
#   scripts/vendor-assets.sh --update
# (npm install, writes package-lock.json back), review the diff, update
# pishkhan/static/vendor/README.md, then commit. Without --update the script
# runs `npm ci` against the committed lock file and re-copies the same files.
#
# Files are copied byte-for-byte (never edited); node_modules lives only in a
# temporary directory and never in the repository.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEST="$ROOT/pishkhan/static/vendor"

mode=ci
case "${1:-}" in
  "") ;;
  --update) mode=install ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/pishkhan-assets.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT

cp package.json "$BUILD/"
if [ "$mode" = ci ]; then
  cp package-lock.json "$BUILD/"
  (cd "$BUILD" && npm ci --ignore-scripts --no-audit --no-fund)
else
  (cd "$BUILD" && npm install --ignore-scripts --no-audit --no-fund)
  cp "$BUILD/package-lock.json" "$ROOT/package-lock.json"
fi
NM="$BUILD/node_modules"

# copy SRC DST : SRC relative to node_modules, DST relative to the vendor dir.
copy() {
  local src="$NM/$1" dst="$DEST/$2"
  if [ ! -f "$src" ]; then
    echo "missing in npm package: $1" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$dst")"
  cp "$src" "$dst"
}

# Start from a clean tree so files dropped upstream do not linger.
for d in bootstrap htmx leaflet chartjs vazirmatn axe-core; do
  rm -rf "${DEST:?}/$d"
done

# Bootstrap (CSS with RTL variant, JS bundle incl. Popper). Maps are copied
# because the files end with sourceMappingURL comments, which Django's
# ManifestStaticFilesStorage resolves during collectstatic.
for f in bootstrap.rtl.min.css bootstrap.rtl.min.css.map bootstrap.min.css bootstrap.min.css.map; do
  copy "bootstrap/dist/css/$f" "bootstrap/css/$f"
done
copy bootstrap/dist/js/bootstrap.bundle.min.js     bootstrap/js/bootstrap.bundle.min.js
copy bootstrap/dist/js/bootstrap.bundle.min.js.map bootstrap/js/bootstrap.bundle.min.js.map
copy bootstrap/LICENSE                             bootstrap/LICENSE

# htmx (the min file has no sourceMappingURL)
copy htmx.org/dist/htmx.min.js htmx/htmx.min.js
copy htmx.org/LICENSE          htmx/LICENSE

# Leaflet (+ every image; marker-shadow.png is used by JS, not the CSS)
copy leaflet/dist/leaflet.js     leaflet/leaflet.js
copy leaflet/dist/leaflet.js.map leaflet/leaflet.js.map
copy leaflet/dist/leaflet.css    leaflet/leaflet.css
for img in "$NM"/leaflet/dist/images/*; do
  copy "leaflet/dist/images/$(basename "$img")" "leaflet/images/$(basename "$img")"
done
copy leaflet/LICENSE leaflet/LICENSE

# Chart.js (UMD build, self-contained: @kurkle/color is bundled in)
copy chart.js/dist/chart.umd.min.js     chartjs/chart.umd.min.js
copy chart.js/dist/chart.umd.min.js.map chartjs/chart.umd.min.js.map
copy chart.js/LICENSE.md                chartjs/LICENSE.md

# Vazirmatn: the static-weights font-face CSS plus exactly the files its url()s
# reference (fonts/webfonts/*.woff2), mirroring the package's folder layout.
copy vazirmatn/Vazirmatn-font-face.css vazirmatn/Vazirmatn-font-face.css
grep -o "url([^)]*)" "$NM/vazirmatn/Vazirmatn-font-face.css" \
  | sed -E "s/^url\\(['\"]?//; s/['\"]?\\)\$//" | sort -u \
  | while read -r font; do
      copy "vazirmatn/$font" "vazirmatn/$font"
    done
copy vazirmatn/OFL.txt vazirmatn/OFL.txt

# axe-core: accessibility checks injected by the browser tests only (no page loads it).
copy axe-core/axe.min.js   axe-core/axe.min.js
copy axe-core/LICENSE      axe-core/LICENSE

echo "Vendored assets refreshed in ${DEST#"$ROOT"/}:"
(cd "$DEST" && find bootstrap htmx leaflet chartjs vazirmatn axe-core -type f | sort)
