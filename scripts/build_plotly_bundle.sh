#!/usr/bin/env bash
# Fetch the basic partial bundle of plotly.js (scatter, bar, pie) matching the plotly Python package, into
# assets/vendor/. Needs npm at build time only; the output is committed. Run: bash scripts/build_plotly_bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(.venv/bin/python -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-basic-dist-min@${version}" >/dev/null && tar xzf ./*.tgz)
rm -f assets/vendor/plotly-basic-*.min.js
cp "$work/package/plotly-basic.min.js" "assets/vendor/plotly-basic-${version}.min.js"
cp "$work/package/LICENSE" assets/vendor/plotly-LICENSE.txt
echo "assets/vendor/plotly-basic-${version}.min.js"
