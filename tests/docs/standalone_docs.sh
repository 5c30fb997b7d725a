#!/usr/bin/env bash
# ctest entry: the user-facing docs stand on their own (issue 16). Users never see the
# design notes, so README.md, docs/*.md and the shipped examples must not cite them; the
# event types a user may load are listed in docs/ingest.md (every name the ingest accepts,
# read from src/common/data_model.cc); docs/ingest.md is the user guide, its benchmark log
# lives in bench/results; the README scores with the data's last day; the demo names the
# store tables as they are called in SQL.
# usage: tests/docs/standalone_docs.sh SOURCE_DIR
set -uo pipefail
root="${1:?usage: standalone_docs.sh SOURCE_DIR}"
cd "$root" || exit 1
fail=0
problem() { echo "FAIL: $*"; fail=1; }

# 1. No citation of the design notes (SPEC.md, "the SPEC", "§N").
while IFS= read -r hit; do problem "cites the design notes: $hit"; done < <(
  grep -n -E 'SPEC(\.md)?\b|§ ?[0-9]' README.md docs/*.md examples/*.toml examples/mappings/*.toml 2>/dev/null)

# 2. Every event type the ingest accepts is listed (as `name`) in docs/ingest.md.
types=$(sed -n '/kEventNames = {/,/};/p' src/common/data_model.cc | grep -o '"[a-z_]*"' | tr -d '"')
[ -n "$types" ] || problem "could not read the event types from src/common/data_model.cc"
for t in $types; do
  grep -q "| \`$t\` |" docs/ingest.md || problem "docs/ingest.md does not list the event type $t"
done

# 3. docs/ingest.md is a user guide: no benchmark log (dated runs, pandas comparisons).
while IFS= read -r hit; do problem "benchmark log in docs/ingest.md: $hit"; done < <(
  grep -n -E '^### .*(20[0-9]{2}-[0-9]{2}-[0-9]{2}|Earlier runs)|pandas' docs/ingest.md)

# 4. The README's score example includes the data's last day (2011-12-09): as of the day after.
grep -q 'score --as-of 2011-12-09' README.md && problem "README scores as of 2011-12-09, which leaves out that day"

# 5. The demo's closing lines name the result tables by their SQL names.
tables=$(grep -o '(tables [^)]*)' scripts/demo)
for t in $(echo "$tables" | sed 's/(tables //; s/)//; s/,//g'); do
  case "$t" in result_*) ;; *) problem "scripts/demo names table $t, which the store calls result_$t" ;; esac
done

[ "$fail" -eq 0 ] && echo "PASS: docs stand alone"
exit "$fail"
