# Finishes a class archive after the training import that bin/starmap started (run detached by it,
# never by hand): waits for that JVM to exit, then, if the import succeeded, assembles the AOT
# cache (JDK 25+) or keeps the dynamic CDS archive the JVM wrote at exit (JDK 21-24), under a
# temporary name renamed when complete, so a reader never sees half an archive.
# Arguments: PID (0: already exited) KIND(aot|dynamic) TMP FINAL STAMP JAVA JVM-OPTIONS...
# Holds the launcher's archive lock (fd 8) until done; its output goes to target/archive.log.
set -u
pid=$1 kind=$2 tmp=$3 final=$4 stamp=$5 java=$6
shift 6

# Whatever else the caller had open (a pipe it reads to its end) is not ours to keep open.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [[ $fd =~ ^[0-9]+$ ]] && (( fd > 2 && fd != 8 )); then eval "exec $fd>&-" 2>/dev/null; fi
done

cleanup() { rm -f "$tmp" "$tmp.conf" "$tmp.ok"; }
trap cleanup EXIT

# The JVM is not our child: poll. A zombie (exited, not yet reaped by its parent) counts as gone.
# PID 0: it has already exited.
# Builtins only but sleep, a few times a second: this runs beside the training import.
while [[ $pid != 0 ]] && kill -0 "$pid" 2>/dev/null; do
  if [[ -r /proc/$pid/stat ]]; then
    read -r stat <"/proc/$pid/stat" 2>/dev/null || break
    state=${stat##*) }
    [[ ${state:0:1} == Z ]] && break
  fi
  sleep 0.2
done

# The import writes the marker when it succeeded: a failed, interrupted or usage-error run trains
# on the wrong classes.
if [[ ! -f $tmp.ok ]]; then
  echo "archive: the training import did not succeed; no archive this time"
  exit 0
fi
# A build meanwhile made the training describe old jars.
if [[ $stamp -nt $tmp.ok ]]; then
  echo "archive: rebuilt during the training import; no archive this time"
  exit 0
fi

if [[ $kind == aot ]]; then
  [[ -s $tmp.conf ]] || { echo "archive: no AOT configuration was recorded"; exit 0; }
  # Low priority: it shares the machine with whatever runs next.
  nice -n 10 "$java" -XX:AOTMode=create -XX:AOTConfiguration="$tmp.conf" -XX:AOTCache="$tmp" \
      "$@" || { echo "archive: assembling the AOT cache failed"; exit 0; }
fi
if [[ -s $tmp ]]; then
  mv -f "$tmp" "$final" && echo "archive: $final ready"
else
  echo "archive: no archive was written"
fi
