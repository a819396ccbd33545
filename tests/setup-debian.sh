#!/bin/sh
# The system parts the tests need, on Debian or Ubuntu: the README's test command runs this
# first. Installs only what is missing, with apt-get (through sudo unless run as root, as on
# CI), and does nothing at all when everything is there:
#   chromium             headless browser: the HTML report, axe-core, reflow, PDF layout
#   poppler-utils        pdftotext, pdftoppm and pdfinfo read the PDFs
#   npm                  fetches the pinned axe-core package (the test session does it once)
#   libreoffice-impress  prints the PowerPoint decks to PDF in the layout tests
#   python3-venv         python3 -m venv (Debian ships ensurepip apart from Python)
set -eu

missing=""
command -v chromium > /dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext > /dev/null 2>&1 || missing="$missing poppler-utils"
command -v npm > /dev/null 2>&1 || missing="$missing npm"
command -v soffice > /dev/null 2>&1 || missing="$missing libreoffice-impress"
python3 -c "import ensurepip" > /dev/null 2>&1 || missing="$missing python3-venv"

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
