#!/usr/bin/env bash
# Run the dashboard on http://127.0.0.1:8050 (HOST and PORT change that). The first start creates data/mmc.db
# and loads the synthetic demo data.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/venv.sh requirements.txt
exec .venv/bin/python app.py "$@"
