#!/usr/bin/env bash
# Run the product on its embedded default: SQLite, demo data, the web application at http://127.0.0.1:8000.
# Before serving, it also checks the shipped sample reports with the report engine and prints the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export XXGK_DEBUG=${XXGK_DEBUG:-1}   # local demo: development secret key, static files served by Django
shopt -s nullglob
samples=(tests/fixtures/published/*.txt tests/fixtures/published/*.html)
echo "== 年报检查：随附的 ${#samples[@]} 份真实年报"
.venv/bin/xxgk check -q "${samples[@]}" || true
echo
echo "== 网页应用：迁移数据库并载入演示数据"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py xxgk_demo
echo
echo "打开 http://127.0.0.1:8000/ ，用上面列出的演示账号登录（例如 八桥镇经办人 baqiao_jbr，密码见上）。"
echo "命令行工具: .venv/bin/xxgk --help"
exec .venv/bin/python manage.py runserver --noreload 127.0.0.1:8000
