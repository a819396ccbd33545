#!/bin/sh
# The system parts the tests need, on Debian or Ubuntu: the README's test command runs this
# first. Installs only what is missing, with apt-get (through sudo unless run as root, as on
# CI), and does nothing at all when everything is there:
#   chromium             headless browser: the HTML report, axe-core, reflow, PDF layout
#   poppler-utils        pdftotext, pdftoppm and pdfinfo read the PDFs
#   npm                  fetches the pinned axe-core package (the test session does it once)
#   libreoffice-impress  prints the PowerPoint decks to PDF in the layout tests
#   python3-venv         python3 -m venv (Debian ships ensurepip apart from Python)
#   build-essential, python3-dev   pip compiles the rules engine, durable-rules
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint draws the PDFs' text with Pango
#   postgresql           initdb, pg_ctl and postgres under /usr/lib/postgresql/*/bin: the
#                        store's tests start a throw-away cluster of their own (the service
#                        the package starts is not used; POSTGRESQL_ROOT, the folder to look
#                        in, is for tests/test_setup_debian.py)
set -eu

missing=""
command -v chromium > /dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext > /dev/null 2>&1 || missing="$missing poppler-utils"
command -v npm > /dev/null 2>&1 || missing="$missing npm"
command -v soffice > /dev/null 2>&1 || missing="$missing libreoffice-impress"
python3 -c "import ensurepip" > /dev/null 2>&1 || missing="$missing python3-venv"
command -v cc > /dev/null 2>&1 || missing="$missing build-essential"
python3 -c "import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(
  sysconfig.get_paths()['include'], 'Python.h')))" > /dev/null 2>&1 || missing="$missing python3-dev"
for library in pango-1.0 pangoft2-1.0; do
  python3 -c "import ctypes.util, sys; sys.exit(ctypes.util.find_library('$library') is None)" \
    > /dev/null 2>&1 || missing="$missing lib$library-0"
done

postgresql=""
for initdb in "${POSTGRESQL_ROOT:-/usr/lib/postgresql}"/*/bin/initdb; do
  [ -x "$initdb" ] && postgresql=yes
done
[ -n "$postgresql" ] || missing="$missing postgresql"

[ -z "$missing" ] && exit 0

if ! command -v apt-get > /dev/null 2>&1; then
  echo "tests/setup-debian.sh: no apt-get here; install these with your system's package" \
    "manager:$missing" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "tests/setup-debian.sh: installing$missing"
# shellcheck disable=SC2086 # one word per package
$sudo sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing > /dev/null"
