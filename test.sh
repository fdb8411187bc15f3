#!/usr/bin/env bash
# Run the tests: unit tests on SQLite and PostgreSQL (TEST_DATABASE_URL) and browser tests in headless Chromium.
# Arguments go to pytest, e.g. ./test.sh tests/unit -k store
set -euo pipefail
cd "$(dirname "$0")"
. scripts/venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
