#!/usr/bin/env bash
# Lints every corpus directory with --latest 1 and with the full history (every file new),
# on the dev-database when the corpus README says the directory replays on a stock server,
# statically otherwise, and prints the count of findings per code.
#   bench/lint_corpus.sh [SHARED_DIR]     (needs build/schemabot and scripts/test-dbs)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
[ -d "$SHARED/corpus" ] || SHARED=/work/shared
eval "$(scripts/test-dbs start)"
# dir | dialect | format | replays on a stock server
DIRS="hatchet-postgres-atlas|postgres|atlas|yes
hatchet-postgres-goose|postgres|goose|no
hawkbit-mysql-flyway|mysql|flyway|yes
hawkbit-postgres-flyway|postgres|flyway|yes
mattermost-mysql-golang-migrate|mysql|golang-migrate|no
mattermost-postgres-golang-migrate|postgres|golang-migrate|yes
openmeter-postgres-atlas-golang-migrate|postgres|golang-migrate|yes
supabase-postgres-dbmate|postgres|dbmate|no
vmangos-mysql-plain|mysql|atlas|no"
out=$(mktemp -d)
echo "$DIRS" | while IFS='|' read -r name dialect format clean; do
  dir="$SHARED/corpus/$name/migrations"
  [ "$name" = supabase-postgres-dbmate ] && dir="$dir/migrations"
  if [ "$clean" = yes ]; then
    url=$SCHEMABOT_TEST_PG_URL; [ "$dialect" = mysql ] && url=$SCHEMABOT_TEST_MYSQL_URL
    mode=(--dev-url "$url"); m=dev
  else
    mode=(--static); m=static
  fi
  for latest in 1 100000; do
    start=$(date +%s.%N)
    build/schemabot lint "$dir" --dir-format "$format" --dialect "$dialect" "${mode[@]}" \
      --latest "$latest" --format json > "$out/$name.$latest.json" || true
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\n' "$name" "$m" "$latest" "$(echo "$end - $start" | bc)" >> "$out/times"
  done
done
python3 - "$out" <<'PY'
import json, sys, glob, collections, os
out = sys.argv[1]
times = {}
for line in open(os.path.join(out, "times")):
    n, m, l, t = line.split("\t"); times[(n, l)] = (m, float(t))
print("| directory | mode | new files | seconds | findings per code |")
print("|---|---|---|---|---|")
total = collections.Counter()
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    name, latest = os.path.basename(f)[:-5].rsplit(".", 1)
    try:
        rep = json.load(open(f))
    except Exception as e:
        print(f"| {name} | error | | | {e} |"); continue
    c = collections.Counter(d["Code"] for fr in rep.get("Files", []) for r in fr.get("Reports", []) for d in r.get("Diagnostics", []))
    if latest != "1": total.update(c)
    m, t = times[(name, latest)]
    label = "latest 1" if latest == "1" else "full history"
    print(f"| {name} | {m}, {label} | | {t:.2f} | " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())) + " |")
print()
print("Full-history totals: " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
PY
echo "reports kept in $out"
