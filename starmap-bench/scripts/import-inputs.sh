#!/usr/bin/env bash
# Imports the talk's data set four ways, alternating, each into a fresh table: plain files with the
# schema and dialect given (files), the same bytes on standard input (stdin), the table inferred and
# the dialect sniffed (auto), the files compressed with zstd (zst; needs the zstd command). Prints
# the import's own time (the summary's "time s") per round, and the load average before it. Into
# the embedded PostgreSQL, or the server of $STARMAP_DB. Run from the repository's root.
set -eu
D=${D:-/tmp/feat}
ROUNDS=${ROUNDS:-5}
S=${STARMAP:-bin/starmap}
COLS="code text, date date, value numeric(12,2)"
if [ ! -d $D/plain ]; then
  $S gen prices $D/plain >/dev/null
  mkdir -p $D/zst && (cd $D/plain && for f in *.csv; do zstd -q "$f" -o "$D/zst/$f.zst"; done)
fi
t() { # the import's time from its CSV summary
  awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="time_s"||$i=="time s") c=i} NR==2{print $c}'
}
for r in $(seq $ROUNDS); do
  line="round $r load $(cut -d' ' -f1 /proc/loadavg)"
  for kind in files stdin auto zst; do
    $S sql "DROP TABLE IF EXISTS f_$kind" >/dev/null
    case $kind in
      files) x=$($S import $D/plain --table f_files --create "$COLS" --header no --delimiter , --quote '"' --format csv 2>/dev/null | t) ;;
      stdin) x=$(cat $D/plain/*.csv | $S import - --table f_stdin --create "$COLS" --header no --delimiter , --quote '"' --format csv 2>/dev/null | t) ;;
      auto) x=$($S import $D/plain --table f_auto --create auto --format csv 2>/dev/null | t) ;;
      zst) x=$($S import $D/zst --table f_zst --create "$COLS" --header no --delimiter , --quote '"' --format csv 2>/dev/null | t) ;;
    esac
    line="$line $kind $x"
  done
  echo "$line"
done
