#!/usr/bin/env bash
# Install everything xxgk needs on a fresh Debian/Ubuntu machine: system packages (when run as root or with
# sudo) and a virtualenv in .venv with the package and its dev tools. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (see docs/architecture.md):
#   python3-venv              the virtualenv
#   libreoffice-writer-nogui  converts legacy .doc/.wps reports to DOCX (and their tests)
#   postgresql-client         pg_isready, to run the web tests on PostgreSQL too when a server is there
#   fonts-noto-cjk            the CJK fonts PDF output embeds (and the browser tests render with)
#   libharfbuzz-subset0       fast font subsetting for WeasyPrint (a CJK page takes 0.2 s instead of 10 s)
#   poppler-utils             pdftoppm, to check rendered PDF pages in tests
#   chromium                  the browser the Playwright tests drive (no browser download is needed)
#   gettext                   msgfmt, to compile and check the translation catalogues
#   redis-server              the job queue's broker, for the tests of Celery workers and of several app servers
APT_PACKAGES=(python3-venv libreoffice-writer-nogui postgresql-client fonts-noto-cjk libharfbuzz-subset0 poppler-utils gettext
  redis-server chromium)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    echo "xxgk setup: please install these Debian packages first: ${missing[*]}" >&2
  else
    echo "xxgk setup: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "xxgk setup: Python 3.11 or newer is required (found $("$PY" --version 2>&1))" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.xxgk-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import xxgk, pytest, lxml, django, pdfplumber, docx' || {
    echo "xxgk setup: pip install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
