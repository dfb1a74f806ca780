#!/usr/bin/env bash
# Lint, types and import contracts (make check adds the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export XXGK_SECRET_KEY=${XXGK_SECRET_KEY:-check-only}  # the mypy Django plugin imports the settings
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
.venv/bin/lint-imports
