#!/usr/bin/env bash
# Copy the front-end packages from node_modules into Django's static files.
set -euo pipefail
out=${1:?usage: build-assets.sh OUTPUT_DIR}
nm=node_modules
rm -rf "$out"
mkdir -p "$out/nhsuk" "$out/js"
cp "$nm/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js" "$out/nhsuk/"
cp -r "$nm/nhsuk-frontend/dist/nhsuk/assets" "$out/nhsuk/assets"
# The stylesheet points at /assets/…; make those paths relative to where it now lives.
sed -e 's#url(/assets/#url(assets/#g' "$nm/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css" \
  > "$out/nhsuk/nhsuk-frontend.min.css"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/js/"
cp "$nm/vega/build/vega.min.js" "$nm/vega-lite/build/vega-lite.min.js" \
  "$nm/vega-embed/build/vega-embed.min.js" "$out/js/"
echo "front-end assets built in $out"
