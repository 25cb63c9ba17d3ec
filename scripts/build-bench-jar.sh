#!/usr/bin/env bash
# Builds bench/target/gpuhub-bench.jar, the benchmarks' own runnable jar (not part of gpuhub.jar),
# when it is missing or a source or pom changed since, the way ./gpuhub builds gpuhub.jar; then
# prints its path. Used by scripts/bench-*.sh. Offline first (works without network once ~/.m2
# holds the dependencies), online if that fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/bench/target/gpuhub-bench.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" \( -name target -o -name .git -o -name data -o -name node_modules \) -prune -o \
      -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}

if stale; then
  # The same lock as ./gpuhub: one Maven build at a time in this tree.
  exec 9>"$root/.gpuhub-build.lock"
  flock 9
  if stale; then
    echo "building $jar (mvn -q -DskipTests -pl bench -am package) ..." >&2
    cd "$root"
    mvn -o -q -B -DskipTests -pl bench -am package >/dev/null 2>&1 \
      || mvn -q -B -DskipTests -pl bench -am package >&2
    touch "$jar"
  fi
fi
echo "$jar"
