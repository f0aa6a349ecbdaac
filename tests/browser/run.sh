#!/bin/sh
# run.sh PARALLAX_BINARY SCREENSHOT_DIR - run the browser tests with node's
# test runner.  Installs playwright-core from package-lock.json (npm ci) the
# first time; after that no network is needed.  Chromium is Debian's
# /usr/bin/chromium (package chromium).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
px=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shots=${2:-${TMPDIR:-/tmp}/parallax-screenshots}
mkdir -p "$shots"
command -v node >/dev/null || { echo "browser tests: node is not installed (make deps)" >&2; exit 77; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "browser tests: no ${CHROMIUM:-/usr/bin/chromium} (make deps)" >&2; exit 77; }
cd "$here"
if [ ! -d node_modules/playwright-core ]; then
	command -v npm >/dev/null || { echo "browser tests: npm is needed once to install playwright-core (npm ci)" >&2; exit 77; }
	npm ci --no-audit --no-fund >&2
fi
PARALLAX=$px SCREENSHOT_DIR=$shots exec node --test --test-concurrency=1 newcomer.test.mjs
