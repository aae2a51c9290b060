# Finds a JDK >= 21 for Starmap's scripts (sourced by bin/starmap, bin/test and .ci/run).
# Order: $JAVA_HOME if it is >= 21; else the newest >= 21 in the usual install directories;
# else the java on PATH. Sets STARMAP_JAVA_HOME (and STARMAP_JAVA_MAJOR, its major version), or
# prints why not and returns 1.

STARMAP_MIN_JAVA=21

# The major version of the JDK in $1, from its release file (no JVM start), else from java -version.
starmap_java_major() {
  local home=$1 line v=""
  if [[ -r $home/release ]]; then
    while IFS= read -r line; do
      if [[ $line == JAVA_VERSION=* ]]; then
        v=${line#JAVA_VERSION=}; v=${v//\"/}; break
      fi
    done <"$home/release"
  fi
  if [[ -z $v && -x $home/bin/java ]]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
  fi
  v=${v#1.}          # 1.8.0 -> 8.0
  v=${v%%[.+-]*}     # 21.0.2 -> 21
  if [[ $v =~ ^[0-9]+$ ]]; then echo "$v"; fi
  return 0
}

# Sets STARMAP_JDK_ID, a number naming the JDK at $1 (class archives are per JDK): a hash of its
# path, computed in bash (a command substitution would start a process on every run).
starmap_jdk_id() {
  local s=$1 h=0 i c
  for ((i = 0; i < ${#s}; i++)); do
    printf -v c '%d' "'${s:i:1}"
    h=$(( (h * 31 + c) % 1000000007 ))
  done
  STARMAP_JDK_ID=$h
}

starmap_find_jdk() {
  local seen=() best="" best_v=0 d v
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    v=$(starmap_java_major "$JAVA_HOME")
    if [[ -n $v && $v -ge $STARMAP_MIN_JAVA ]]; then
      STARMAP_JAVA_HOME=$JAVA_HOME; STARMAP_JAVA_MAJOR=$v; return 0
    fi
    seen+=("$JAVA_HOME (${v:-unknown})")
  fi
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home "${HOME:-/nonexistent}"/.sdkman/candidates/java/*; do
    [[ -x $d/bin/java && ! -L $d ]] || continue
    v=$(starmap_java_major "$d")
    [[ -n $v ]] || continue
    if (( v >= STARMAP_MIN_JAVA && v > best_v )); then best=$d; best_v=$v; fi
    (( v < STARMAP_MIN_JAVA )) && [[ " ${seen[*]-} " != *" $d ("* ]] && seen+=("$d ($v)")
  done
  if [[ -n $best ]]; then STARMAP_JAVA_HOME=$best; STARMAP_JAVA_MAJOR=$best_v; return 0; fi
  if command -v java >/dev/null 2>&1; then
    d=$(readlink -f "$(command -v java)"); d=${d%/bin/java}
    v=$(starmap_java_major "$d")
    if [[ -n $v && $v -ge $STARMAP_MIN_JAVA ]]; then
      STARMAP_JAVA_HOME=$d; STARMAP_JAVA_MAJOR=$v; return 0
    fi
    [[ " ${seen[*]-} " != *" $d ("* ]] && seen+=("$d (${v:-unknown})")
  fi
  {
    echo "starmap: needs a JDK $STARMAP_MIN_JAVA or newer, and found none."
    if (( ${#seen[@]} )); then
      echo "  found only: ${seen[*]}"
    fi
    echo "  install one (for example: apt-get install openjdk-21-jdk-headless, or temurin-21-jdk)"
    echo "  or set JAVA_HOME to a JDK $STARMAP_MIN_JAVA+."
  } >&2
  return 1
}
