# bin/starmap as a new user meets it, on the jars already built (bin/test runs this after the
# Maven tests; run alone: bash bin/lib/launcher-checks.sh). Uses its own STARMAP_HOME. What the
# guides show is not repeated here: starmap-examples' MarkdownShellBlocksIT runs their commands.
set -u
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
# shellcheck source=jdk.sh
. "$root/bin/lib/jdk.sh"
starmap_find_jdk || exit 1
export JAVA_HOME=$STARMAP_JAVA_HOME
target=$root/starmap-cli/target
home=$(mktemp -d)
trap 'STARMAP_HOME=$home "$root/bin/starmap" db stop --force >/dev/null 2>&1; rm -rf "$home"' EXIT
fail() { echo "bin/test: launcher check failed: $*" >&2; exit 1; }
out=$("$root/bin/starmap" --version) || fail "--version exited $?"
[[ $out == starmap* ]] || fail "--version printed: $out"
# bin/install leaves -sources and -javadoc jars beside the CLI's jar: the launcher takes the jar.
for classifier in sources javadoc; do
  extra=$(ls "$target"/starmap-cli-*.jar | grep -v -- '-[a-z]*\.jar$' | head -1)
  extra=${extra%.jar}-$classifier.jar
  [[ -e $extra ]] && continue
  touch "$extra"
  out=$("$root/bin/starmap" --version 2>&1); rc=$?
  rm -f "$extra"
  [[ $rc == 0 && $out == starmap* ]] || fail "with $extra present, --version printed: $out"
done
out=$(STARMAP_HOME=$home "$root/bin/starmap" sql "select 41+1 as answer" 2>&1) \
  || fail "sql exited $?: $out"
[[ $out == *answer* && $out == *42* ]] || fail "sql printed: $out"
# An unreachable --db (exit 1, one line naming host and port) is docs/operations.md's console
# block, which MarkdownShellBlocksIT runs and compares line by line; the guides' other commands
# run there too.
# Short commands run with the serial collector; the user's own collector replaces the
# launcher's (two stop the JVM before it starts).
collector() { # LOG NAME: the JVM's log says it used collector NAME
  grep -q "Using $2" "$1" || fail "not the $2 collector: $(cat "$1" 2>&1)"
}
out=$(STARMAP_HOME=$home STARMAP_JAVA_OPTS="-Xlog:gc:file=$home/gc-sql.log" "$root/bin/starmap" \
  sql "select 6*7 as answer" 2>&1) || fail "sql exited $?: $out"
collector "$home/gc-sql.log" Serial
out=$(STARMAP_HOME=$home STARMAP_JAVA_OPTS="-XX:+UseG1GC -Xlog:gc:file=$home/gc-sql.log" \
  "$root/bin/starmap" sql "select 6*7 as answer" 2>&1) \
  || fail "sql with the user's collector exited $?: $out"
[[ $out == *42* ]] || fail "sql with the user's collector printed: $out"
collector "$home/gc-sql.log" G1
"$root/bin/starmap" --no-such-option >/dev/null 2>&1; rc=$?
[[ $rc == 2 ]] || fail "a usage error exited $rc, not 2"

# Imports get a class archive trained on the first successful import after a build: made in the
# background once that import has exited, used by the next ones, remade after a rebuild, and a
# broken one is ignored without a word. Checked for the JDK's own kind, and for the JDK 21-24
# kind (dynamic CDS) too.
mkdir -p "$home/csv"
printf '1,a\n2,b\n3,c\n' >"$home/csv/t.csv"
starmap_jdk_id "$STARMAP_JAVA_HOME"; jdk_id=$STARMAP_JDK_ID
major=${STARMAP_JAVA_MAJOR:-}
import() { # TABLE [ENV...]: one import, its stdout and stderr in $home/TABLE.out and .err
  local table=$1; shift
  env STARMAP_HOME="$home" "$@" "$root/bin/starmap" import "$home/csv" --table "$table" \
    --create "id int, name text" --header no --force >"$home/$table.out" 2>"$home/$table.err"
}
clean_output() { # TABLE: the import printed its summary, and on stderr only its own lines
  local out=$home/$1.out err=$home/$1.err
  grep -q '^ *[0-9]* | public\.'"$1"' ' "$out" || fail "import printed: $(cat "$out")"
  ! grep -v '^starmap: ' "$err" | grep -q . || fail "import's stderr: $(cat "$err")"
  [[ $(wc -l <"$out") == 4 ]] || fail "import's stdout: $(cat "$out")"
}
wait_for() { # FILE: the background assembly finishes within a minute
  local i
  for ((i = 0; i < 600; i++)); do [[ -f $1 ]] && return 0; sleep 0.1; done
  fail "no archive $1 a minute after the first import: $(cat "$target/archive.log" 2>&1)"
}
from_archive() { # the import's own classes came from the archive
  grep -q 'io.starmap.cli.ImportCommand source: shared objects file' "$home/classes.log" \
    || fail "the import did not use the archive: $(grep ImportCommand "$home/classes.log")"
  # picocli's class files from before Java 6, which no archive holds, were rewritten once
  # (bin/lib/OldClassFiles.java, JDK 24+) so that it holds them too
  if [[ -n $major && $major -ge 24 ]]; then
    grep -q 'picocli.CommandLine source: shared objects file' "$home/classes.log" \
      || fail "picocli's classes were not archived: $(grep 'picocli.CommandLine ' \
        "$home/classes.log"; cat "$target/old-class-files.log" 2>&1)"
  fi
}
# Tables and ledger first (two imports creating them at once is not what is tested here).
import t1 STARMAP_CDS=off && import t2 STARMAP_CDS=off || fail "import exited $?: $(cat "$home/t1.err" "$home/t2.err")"
clean_output t2
import t2 STARMAP_CDS=off STARMAP_JAVA_OPTS="-XX:+UseZGC -Xlog:gc:file=$home/gc-import.log" \
  || fail "import with the user's collector exited $?: $(cat "$home/t2.err")"
clean_output t2
collector "$home/gc-import.log" "The Z Garbage Collector"
# An import's class path leaves the cluster executor's jars out, unless it may run on that
# executor: there it finds it (and says what it lacks to connect, not that it is unknown).
classpath() { # ARGS...: the class path of an import of t1 with ARGS, one jar per line
  env STARMAP_HOME="$home" STARMAP_CDS=off STARMAP_JAVA_OPTS=-XshowSettings:properties \
    "$root/bin/starmap" import "$home/csv" --table t1 --header no --force "$@" 2>&1 \
    | sed -n '/java.class.path = /,/ = /p'
}
for args in "" "--executor threads" "--executor=processes"; do
  read -ra args <<<"$args"
  cp=$(classpath "${args[@]}") && [[ $cp == *starmap-import-*.jar* ]] \
    || fail "no class path printed: $cp"
  [[ $cp != *hazelcast* ]] || fail "import ${args[*]} had the cluster's jars: $cp"
done
# What the JVM opened, read while it waits for its standard input: the jars the JDBC driver's
# look for a resource went through (the CLI jar names no others in its manifest), not Hazelcast's.
(for ((i = 0; i < 600; i++)); do [[ -e $home/go ]] && break; sleep 0.1; done; printf '4,d\n') \
  | STARMAP_HOME=$home STARMAP_CDS=off "$root/bin/starmap" import - --table t1 --header no \
    >/dev/null 2>&1 &
jvm=$!
for ((i = 0; i < 600; i++)); do
  open=$(ls -l "/proc/$jvm/fd" 2>&1)
  [[ $open == */postgresql-*.jar* ]] && break
  sleep 0.1
done
touch "$home/go"
wait $jvm || fail "import from standard input exited $?"
[[ $open == */postgresql-*.jar* ]] || fail "the import never opened its jars: $open"
[[ $open != *hazelcast* ]] || fail "the import opened the cluster's jars: $open"
printf -- '--executor\ncluster\n' >"$home/cluster.args"
for args in "--executor cluster" "--executor=cluster" "@$home/cluster.args"; do
  read -ra args <<<"$args"
  cp=$(classpath "${args[@]}")
  [[ $cp == */hazelcast-[0-9]* && $cp == */starmap-hazelcast-* ]] \
    || fail "import ${args[*]} lacked the cluster's jars: $cp"
  out=$(env STARMAP_HOME="$home" STARMAP_CDS=off STARMAP_CLUSTER_SECRET= "$root/bin/starmap" \
    import "$home/csv" --table t1 --header no --force "${args[@]}" 2>&1)
  [[ $out == *"shared secret"* ]] || fail "import ${args[*]} printed: $out"
done
kinds=(dynamic)
[[ -n $major && $major -ge 25 ]] && kinds=(auto dynamic)
for kind in "${kinds[@]}"; do
  ext=jsa; [[ $kind == auto ]] && ext=aot
  archive=$target/starmap-$jdk_id-import-parallel.$ext
  rm -f "$archive"
  # Two first imports at once: one trains, both succeed, one archive results.
  import t1 STARMAP_CDS=$kind & first=$!
  import t2 STARMAP_CDS=$kind; rc=$?
  wait $first || fail "first import ($kind) exited $?: $(cat "$home/t1.err" "$home/t2.err")"
  (( rc == 0 )) || fail "concurrent first import ($kind) exited $rc: $(cat "$home/t1.err" "$home/t2.err")"
  clean_output t2
  wait_for "$archive"
  import t1 STARMAP_CDS=$kind \
    STARMAP_JAVA_OPTS="-Xlog:class+load=info:file=$home/classes.log -Xlog:gc:file=$home/gc.log" \
    || fail "import with the archive ($kind) exited $?: $(cat "$home/t1.err" "$home/t2.err")"
  clean_output t1
  from_archive
  collector "$home/gc.log" Parallel
  # A rebuild (newer stamp) makes it stale: removed, not used, and made again.
  sleep 1; touch "$target/.starmap-built"
  import t1 STARMAP_CDS=$kind || fail "import after a rebuild ($kind) exited $?"
  clean_output t1
  wait_for "$archive"
  [[ $archive -nt $target/.starmap-built ]] || fail "the stale archive ($kind) was kept"
  # Asked to (STARMAP_ARCHIVE_TRAIN=1), an import trains a new archive that replaces this one;
  # with STARMAP_ARCHIVE_WAIT=1 it is there when the import returns.
  sleep 1; touch "$home/before-retrain"
  import t1 STARMAP_CDS=$kind STARMAP_ARCHIVE_TRAIN=1 STARMAP_ARCHIVE_WAIT=1 \
    || fail "retraining import ($kind) exited $?"
  clean_output t1
  [[ $archive -nt $home/before-retrain ]] \
    || fail "STARMAP_ARCHIVE_TRAIN=1 ($kind) left the old archive: $(cat "$target/archive.log")"
  # A broken archive is ignored without a word.
  head -c 4096 /dev/urandom >"$archive"
  import t1 STARMAP_CDS=$kind || fail "import with a broken archive ($kind) exited $?"
  clean_output t1
  rm -f "$archive"
done
echo "bin/test: launcher checks passed" >&2
