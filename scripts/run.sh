#!/usr/bin/env bash
# Run the product on its embedded default. Until the web application exists this reads the shipped sample
# reports (real published reports, see tests/fixtures/published/PROVENANCE.md) and prints their check results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
shopt -s nullglob
samples=(tests/fixtures/published/*.txt tests/fixtures/published/*.html)
status=0
.venv/bin/xxgk check "${samples[@]}" || status=$?
echo
echo "上面是 ${#samples[@]} 份真实年报的检查结果（退出码 $status：1 表示发现了错误级别的问题，这些报告确实有错）。"
echo "试试: .venv/bin/xxgk parse --format table ${samples[0]}"
echo "      .venv/bin/xxgk render ${samples[0]} --to html -o report.html"
echo "      .venv/bin/xxgk rules"
