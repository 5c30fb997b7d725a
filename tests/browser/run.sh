#!/usr/bin/env bash
# ctest entry of the browser test: writes the sample report with the fixture program, makes
# sure playwright-core is installed here (npm ci; it never downloads a browser), and runs
# report_screenshot.js against Debian's Chromium. Exit 77 = skipped (ctest SKIP_RETURN_CODE).
# usage: tests/browser/run.sh FIXTURE_PROGRAM OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixture="$1"
out="$2"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if ! command -v node >/dev/null 2>&1; then echo "SKIP: node not installed (scripts/install-deps)"; exit 77; fi
if [[ ! -x "$chromium" ]]; then echo "SKIP: $chromium not installed (scripts/install-deps)"; exit 77; fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  echo "installing playwright-core into $here/node_modules (npm ci, no browser download)"
  if ! (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts >/dev/null 2>&1); then
    echo "SKIP: npm ci failed in $here (offline?); run it by hand to enable this test"
    exit 77
  fi
fi
mkdir -p "$out"
"$fixture" "$out/report.html" "$out/expected.json"
exec node "$here/report_screenshot.js" "$out/report.html" "$out/expected.json" "$out"
