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
# and it prints each case's best and median wall time, its best over csv x4's best, its median
# over csv x4's median, and the median CPU seconds (user + system, from /proc) of the client's
# processes and of the server's (the postmaster's process tree; left empty when the server is
# not a process of this machine that this user can read).
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

# CPU in clock ticks: a process's own and that of the children it has reaped (fields 14-17 of
# /proc/PID/stat, counted after the command's name, which may hold spaces).
ticks() {
  local stat f
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  read -ra f <<<"${stat##*) }"
  echo $((f[11] + f[12] + f[13] + f[14]))
}
# The server's checkpointer, by the pid the server gives: a local process only if that pid is a
# PostgreSQL checkpointer here (a remote server's or a container's pid names another process, or
# none), whose parent is the postmaster.
checkpointer=$(q -At -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
postmaster=
if [[ -n $checkpointer ]] && tr '\0' ' ' 2>/dev/null <"/proc/$checkpointer/cmdline" \
    | grep -q '^postgres: .*checkpointer'; then
  postmaster=$(ps -o ppid= -p "$checkpointer" 2>/dev/null | tr -d ' ') || postmaster=
fi
[[ -n $postmaster && -r /proc/$postmaster/stat ]] || postmaster=
server_ticks() { # the postmaster's, its reaped backends' and its live children's
  [[ -n $postmaster ]] || { echo 0; return; }
  local t c
  t=$(ticks "$postmaster")
  for c in $(pgrep -P "$postmaster"); do t=$((t + $(ticks "$c"))); done
  echo "$t"
}
hz=$(getconf CLK_TCK)

run() { # NAME COMMAND...: one timed load, "NAME MILLISECONDS CLIENT_CPU SERVER_CPU" in $work/times
  local name=$1 start end n client0 server0 client server
  shift
  reset
  sleep 0.2 # the reset's backends gone
  server0=$(server_ticks) client0=$(ticks $$)
  start=$(date +%s%N)
  "$@" || { echo "server-floor: $name failed" >&2; exit 1; }
  end=$(date +%s%N)
  sleep 0.2 # the load's backends gone, their CPU reaped by the postmaster
  client=$(($(ticks $$) - client0)) server=$(($(server_ticks) - server0))
  n=$(q -At -c "SELECT count(*) FROM $table")
  [[ $n == "$rows" ]] || { echo "server-floor: $name loaded $n rows, not $rows" >&2; exit 1; }
  echo "$name $(((end - start) / 1000000)) $client $server" >>"$work/times"
}
: >"$work/times"
for ((r = 1; r <= rounds; r++)); do
  run starmap starmap_case
  run binary-x2 binary_case 2
  run binary-x4 binary_case 4
  run csv-x4 csv_case 4
done
printf "%-10s %5s %8s %8s %10s %10s %12s %12s\n" case runs "best s" "median s" best/csv4 \
  median/csv4 "client cpu s" "server cpu s"
awk -v hz="$hz" -v server="${postmaster:+1}" '
  function median(a, k,   m, i, j, x, v) { # of a[k, 1..n[k]]
    m = n[k]
    for (i = 1; i <= m; i++) { # an insertion sort: a handful of values
      x = a[k, i]
      for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]
      v[j + 1] = x
    }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  { k = $1; ++n[k]; t[k, n[k]] = $2 / 1000; c[k, n[k]] = $3 / hz; s[k, n[k]] = $4 / hz }
  function best(k,   i, b) { for (i = 1; i <= n[k]; i++) if (i == 1 || t[k, i] < b) b = t[k, i]; return b }
  END {
    for (k in n) {
      printf "%-10s %5d %8.2f %8.2f %10.2f %10.2f %12.2f %12s\n", k, n[k], best(k),
        median(t, k), best(k) / best("csv-x4"), median(t, k) / median(t, "csv-x4"),
        median(c, k), server ? sprintf("%.2f", median(s, k)) : ""
    }
  }' "$work/times" | sort
