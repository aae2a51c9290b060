#!/usr/bin/env bash
# Two imports side by side: A, B, A, B, ... in one run, each a first import of DIR into the same
# table of the same server, and the mean wall time and client CPU (user + system, /usr/bin/time)
# of the whole process of each. A and B differ by their checkout (each one's bin/starmap, built)
# or by their environment (JVM options, STARMAP_CDS, ...), or by extra import arguments.
#
# usage: import-ab.sh ROUNDS DIR [ROOT_A [ROOT_B]]
#   ENV_A / ENV_B: environment assignments for A and B, split at spaces
#     ('STARMAP_JAVA_OPTS=-XX:+UseSerialGC STARMAP_CDS=off')
#   ARGS_A / ARGS_B: extra arguments of `starmap import` for A and B ('--workers 3')
#   STARMAP_HOME: the home whose embedded server both use (kept running: `starmap db start`), or
#   STARMAP_DB for another server; either may be in ENV_A and ENV_B instead, to compare two
#   servers (ENV_A=STARMAP_HOME=/tmp/h1 ENV_B=STARMAP_HOME=/tmp/h2: two embedded servers)
# Before the rounds, each side trains its checkout's class archive on one untimed import, with
# its own environment (so that options the archive checks match), so that no measured run trains
# one or shares the machine with its assembly: two sides of one checkout share its archive, the
# one trained last (B's). AB_TRAIN=0 keeps each checkout's archive as it is: to compare archives
# trained beforehand on other data. Needs GNU time as /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
rounds=$1 data=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
root_a=${3:-$here} root_b=${4:-${3:-$here}}
export STARMAP_NO_BUILD=1
table=ab_import
reset() { # ENV: the side's environment, which may name its server
  # shellcheck disable=SC2086 # ENV is a word list
  env ${1} "$here/bin/starmap" sql "DO \$\$ BEGIN IF to_regclass('$table') IS NULL THEN
    CREATE TABLE $table (code varchar(10), date date, value float8); END IF; END \$\$;
    TRUNCATE $table; DO \$\$ BEGIN IF to_regclass('starmap_ledger') IS NOT NULL THEN
    DELETE FROM starmap_ledger WHERE table_name LIKE 'public.$table#%'; END IF; END \$\$;
    CHECKPOINT" >/dev/null
}
import() { # ROOT ENV ARGS: one import, its /usr/bin/time line in $out
  reset "${2}"
  # shellcheck disable=SC2086 # ENV and ARGS are word lists
  env ${2} /usr/bin/time -o "$out" -f '%e %U %S' "$1/bin/starmap" import "$data" --table $table \
    --header no ${3} >/dev/null 2>&1 || { echo "import-ab: an import of $1 failed" >&2; exit 1; }
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
train() { # ROOT ENV
  reset "${2}"
  # shellcheck disable=SC2086 # ENV is a word list
  env ${2} STARMAP_ARCHIVE_TRAIN=1 STARMAP_ARCHIVE_WAIT=1 "$1/bin/starmap" import "$data" \
    --table $table --header no >/dev/null 2>&1 \
    || { echo "import-ab: the training import of $1 failed" >&2; exit 1; }
}
if [[ ${AB_TRAIN:-1} != 0 ]]; then
  train "$root_a" "${ENV_A:-}"
  train "$root_b" "${ENV_B:-}"
fi
for ((i = 1; i <= rounds; i++)); do
  for side in A B; do
    if [[ $side == A ]]; then import "$root_a" "${ENV_A:-}" "${ARGS_A:-}"
    else import "$root_b" "${ENV_B:-}" "${ARGS_B:-}"; fi
    read -r wall user sys <"$out"
    echo "$side $wall $user $sys $(cut -d' ' -f1 /proc/loadavg)"
  done
done | awk '{ print $1 " round: wall " $2 " s, CPU " $3 " + " $4 " s, load " $5
              w[$1] += $2; c[$1] += $3 + $4; n[$1]++ }
  END { for (s in w) printf "%s: mean wall %.3f s, mean CPU %.3f s (%d runs)\n", s, w[s] / n[s],
          c[s] / n[s], n[s] }'
