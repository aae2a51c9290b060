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
# and it prints each case's best and median wall time, its best over csv x4's best and its
# median over csv x4's median.
#
# usage: server-floor.sh ROUNDS DIR
#   STARMAP_DB: the server (a postgresql:// URL) instead of the embedded one (STARMAP_HOME's,
#   started: `starmap db start`); DB_PASSWORD_FILE: the password's file for STARMAP_DB;
#   TABLE: the table, in the public schema (default floor_import, made if missing);
#   WORK: where the binary files go (default: a new temporary directory, removed at the end).
set -euo pipefail
if [[ $# != 2 || ! -d $2 ]]; then
  echo "usage: server-floor.sh ROUNDS DIR (a directory of CSV files)" >&2
  exit 2
fi
rounds=$1 data=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
export STARMAP_NO_BUILD=1
table=${TABLE:-floor_import}
url=${STARMAP_DB:-$("$here/bin/starmap" db url)}
work=${WORK:-$(mktemp -d)}
if [[ -z ${WORK:-} ]]; then
  trap 'rm -rf "$work"' EXIT
else
  trap 'rm -f "$work/pgpass"' EXIT
fi
db_args=()
if [[ -n ${STARMAP_DB:-} ]]; then
  db_args=(--db "$STARMAP_DB")
  if [[ -n ${DB_PASSWORD_FILE:-} ]]; then
    # The password for psql too, in a pgpass file only this user reads (its first line, as
    # starmap reads it; pgpass escapes : and \).
    db_args+=(--db-password-file "$DB_PASSWORD_FILE")
    password=$(head -1 "$DB_PASSWORD_FILE" | tr -d '\r')
    password=${password//\\/\\\\}
    (umask 077 && printf '*:*:*:*:%s\n' "${password//:/\\:}" >"$work/pgpass")
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
q -c "SET client_min_messages TO warning" \
  -c "CREATE TABLE IF NOT EXISTS $table (code varchar(10), date date, value float8)"

starmap_case() {
  "$here/bin/starmap" import "$data" --table "$table" --header no "${db_args[@]}" \
    >"$work/starmap.log" 2>&1 || { cat "$work/starmap.log" >&2; return 1; }
}
wait_all() { # PIDS: each exited 0
  local p rc=0
  for p in "$@"; do wait "$p" || rc=1; done
  return $rc
}
binary_case() { # N: the N binary files, one psql each
  local k pids=()
  for ((k = 0; k < $1; k++)); do
    q -c "\\copy $table FROM '$work/part-$1-$k.bin' (FORMAT binary)" & pids+=($!)
  done
  wait_all "${pids[@]}"
}
csv_case() { # N streams, the files dealt round-robin
  local s i pids=()
  for ((s = 0; s < $1; s++)); do
    local mine=()
    for ((i = s; i < ${#files[@]}; i += $1)); do mine+=("${files[$i]}"); done
    cat "${mine[@]}" | q -c "COPY $table FROM STDIN (FORMAT csv)" & pids+=($!)
  done
  wait_all "${pids[@]}"
}

# The binary files, written by the server from one import of DIR; that import also trains the
# class archive, finished before it returns (STARMAP_ARCHIVE_WAIT), so that its assembly does not
# share the machine with the timed rounds.
reset
STARMAP_ARCHIVE_WAIT=1 starmap_case
rows=$(q -At -c "SELECT count(*) FROM $table")
for n in 2 4; do
  for ((k = 0; k < n; k++)); do
    q -c "\\copy (SELECT * FROM $table WHERE abs(hashtext($table::text)::bigint) % $n = $k) \
      TO '$work/part-$n-$k.bin' (FORMAT binary)"
  done
done

run() { # NAME COMMAND...: one timed load, "NAME MILLISECONDS" in $work/times
  local name=$1 start end n
  shift
  reset
  start=$(date +%s%N)
  "$@" || { echo "server-floor: $name failed" >&2; exit 1; }
  end=$(date +%s%N)
  n=$(q -At -c "SELECT count(*) FROM $table")
  [[ $n == "$rows" ]] || { echo "server-floor: $name loaded $n rows, not $rows" >&2; exit 1; }
  echo "$name $(( (end - start) / 1000000 ))" >>"$work/times"
}
: >"$work/times"
for ((r = 1; r <= rounds; r++)); do
  run starmap starmap_case
  run binary-x2 binary_case 2
  run binary-x4 binary_case 4
  run csv-x4 csv_case 4
done
printf "%-10s %5s %8s %8s %10s %10s\n" case runs "best s" "median s" best/csv4 median/csv4
sort -k1,1 -k2,2n "$work/times" | awk '
  function median(k) {
    return n[k] % 2 ? t[k, (n[k] + 1) / 2] : (t[k, n[k] / 2] + t[k, n[k] / 2 + 1]) / 2
  }
  { t[$1, ++n[$1]] = $2 / 1000 }
  END {
    for (k in n) {
      printf "%-10s %5d %8.2f %8.2f %10.2f %10.2f\n", k, n[k], t[k, 1], median(k),
        t[k, 1] / t["csv-x4", 1], median(k) / median("csv-x4")
    }
  }' | sort
