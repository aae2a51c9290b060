#!/usr/bin/env bash
# The server's floor for an import: how long the server takes when the client does no work.
# The data of DIR (CSV files of the talk's shape: code, date, value; no header) is loaded once by
# starmap, then written back by the server itself as binary COPY files, 2 and 4 of them. The
# rounds then alternate, each load into the emptied table (TRUNCATE, the ledger's rows deleted,
# CHECKPOINT), its row count checked after:
#   starmap     bin/starmap import DIR (parses the CSV, sends binary COPY)
#   binary x2   two psql streams sending the binary files as they are (\copy ... FORMAT binary)
#   binary x4   four of them
#   csv x4      four `cat FILES | psql -c 'COPY ... FROM STDIN (FORMAT csv)'` streams, the files
#               dealt round-robin: the benchmark's psql case
# and it prints each case's best and median wall time and both over csv x4's best.
#
# usage: server-floor.sh ROUNDS DIR
#   STARMAP_DB: the server (a postgresql:// URL) instead of the embedded one (STARMAP_HOME's,
#   started: `starmap db start`), DB_PASSWORD_FILE: its password's file; TABLE: the table (default floor_import, created if missing);
#   WORK: where the binary files go (default: a new temporary directory, removed at the end).
set -euo pipefail
rounds=$1 data=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
export STARMAP_NO_BUILD=1
table=${TABLE:-floor_import}
url=${STARMAP_DB:-$("$here/bin/starmap" db url)}
work=${WORK:-$(mktemp -d)}
[[ -z ${WORK:-} ]] && trap 'rm -rf "$work"' EXIT
db_args=()
if [[ -n ${STARMAP_DB:-} ]]; then
  db_args=(--db "$STARMAP_DB")
  if [[ -n ${DB_PASSWORD_FILE:-} ]]; then
    # the password for psql too, in a pgpass file only this user reads
    db_args+=(--db-password-file "$DB_PASSWORD_FILE")
    (umask 077 && printf '*:*:*:*:%s\n' "$(head -1 "$DB_PASSWORD_FILE")" >"$work/pgpass")
    export PGPASSFILE=$work/pgpass
  fi
fi
files=("$data"/*)
q() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }
reset() {
  q -c "TRUNCATE $table" -c "DO \$\$ BEGIN IF to_regclass('starmap_ledger') IS NOT NULL THEN
    DELETE FROM starmap_ledger WHERE table_name LIKE 'public.$table#%'; END IF; END \$\$" \
    -c CHECKPOINT
}
q -c "CREATE TABLE IF NOT EXISTS $table (code varchar(10), date date, value float8)"

starmap_case() {
  "$here/bin/starmap" import "$data" --table "$table" --header no "${db_args[@]}" >/dev/null 2>&1
}
binary_case() { # N: the N binary files, one psql each
  local k
  for ((k = 0; k < $1; k++)); do
    q -c "\\copy $table FROM '$work/part-$1-$k.bin' (FORMAT binary)" &
  done
  wait
}
csv_case() { # N streams, the files dealt round-robin
  local s i
  for ((s = 0; s < $1; s++)); do
    local mine=()
    for ((i = s; i < ${#files[@]}; i += $1)); do mine+=("${files[$i]}"); done
    cat "${mine[@]}" | q -c "COPY $table FROM STDIN (FORMAT csv)" &
  done
  wait
}

# The binary files, written by the server from one import of DIR.
reset
starmap_case
rows=$(q -At -c "SELECT count(*) FROM $table")
for n in 2 4; do
  for ((k = 0; k < n; k++)); do
    q -c "\\copy (SELECT * FROM $table WHERE abs(hashtext($table::text)::bigint) % $n = $k) \
      TO '$work/part-$n-$k.bin' (FORMAT binary)"
  done
done

run() { # NAME COMMAND...: one timed load, "NAME SECONDS"
  local name=$1 start end n
  shift
  reset
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  n=$(q -At -c "SELECT count(*) FROM $table")
  [[ $n == "$rows" ]] || { echo "server-floor: $name loaded $n rows, not $rows" >&2; exit 1; }
  echo "$name $(( (end - start) / 1000000 ))"
}
printf "%-10s %5s %8s %8s %10s %10s\n" case runs "best s" "median s" best/csv4 median/csv4
for ((r = 1; r <= rounds; r++)); do
  run starmap starmap_case
  run binary-x2 binary_case 2
  run binary-x4 binary_case 4
  run csv-x4 csv_case 4
done | sort -k1,1 -k2,2n | awk '
  { t[$1, ++n[$1]] = $2 / 1000 }
  END {
    base = t["csv-x4", 1]
    for (k in n) {
      m = n[k] % 2 ? t[k, (n[k] + 1) / 2] : (t[k, n[k] / 2] + t[k, n[k] / 2 + 1]) / 2
      mb = n["csv-x4"] % 2 ? t["csv-x4", (n["csv-x4"] + 1) / 2] \
        : (t["csv-x4", n["csv-x4"] / 2] + t["csv-x4", n["csv-x4"] / 2 + 1]) / 2
      printf "%-10s %5d %8.2f %8.2f %10.2f %10.2f\n", k, n[k], t[k, 1], m, t[k, 1] / base, m / mb
    }
  }' | sort
