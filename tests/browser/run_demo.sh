#!/usr/bin/env bash
# Slow ctest entry: runs `churnwatch run` on the bundled Online Retail demo config, then
# opens the real report in headless Chromium (report_screenshot.js) and checks that the
# run's own figures — customers scored, alerts raised — are visible in both languages.
# Exit 77 = skipped. usage: tests/browser/run_demo.sh CHURNWATCH_BINARY OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$1"
out="$2"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if ! command -v node >/dev/null 2>&1; then echo "SKIP: node not installed (scripts/install-deps)"; exit 77; fi
if [[ ! -x "$chromium" ]]; then echo "SKIP: $chromium not installed (scripts/install-deps)"; exit 77; fi
if [[ ! -f "$root/examples/data/online_retail.csv.gz" ]]; then echo "SKIP: bundled demo data absent"; exit 77; fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  if ! (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts >/dev/null 2>&1); then
    echo "SKIP: npm ci failed in $here (offline?)"
    exit 77
  fi
fi
rm -rf "$out"
mkdir -p "$out"
"$bin" run --quiet --json --config "$root/examples/demo.toml" --db "sqlite:$out/cw.db" --out "$out" > "$out/run.json"
# Expected page text from the run's own JSON: counts as the report prints them (1,234).
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const f = (n) => n.toLocaleString("en-US");
  const e = { en: [f(r.customers), f(r.alerts), "Data this report is based on", "Risk zones and grades", "Model quality"],
              zh: [f(r.customers), f(r.alerts), "本报告使用的数据", "预警分级", "模型质量"] };
  require("fs").writeFileSync(process.argv[2], JSON.stringify(e));
' "$out/run.json" "$out/expected.json"
exec node "$here/report_screenshot.js" "$out/report.html" "$out/expected.json" "$out"
