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
# The page fetches the bundle by name when it first draws a plotly chart.
sed -i -E "s/plotly-basic-[0-9.]+\.min\.js\?m=[0-9.]+/plotly-basic-${version}.min.js?m=${version}/" assets/plotly-on-demand.js
echo "assets/vendor/plotly-basic-${version}.min.js"
