#!/bin/sh
# The case page in headless Chromium (CTest label `browser`). Skips, with one
# line and exit code 77, when node, Chromium or playwright-core is missing
# (`./setup.sh test` installs them: Debian's chromium and nodejs, `npm ci` here).
# Usage: tests/browser/run.sh PATH/TO/policyproof [TEST.mjs] (default: the case page)
dir=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 || { echo "SKIP browser: node is not installed"; exit 77; }
[ -x "${PP_CHROMIUM:-/usr/bin/chromium}" ] || { echo "SKIP browser: ${PP_CHROMIUM:-/usr/bin/chromium} is not installed"; exit 77; }
[ -d "$dir/node_modules/playwright-core" ] || { echo "SKIP browser: playwright-core is not installed (cd tests/browser && npm ci)"; exit 77; }
exec node "$dir/${2:-case_page.test.mjs}" "$1"
