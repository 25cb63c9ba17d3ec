#!/usr/bin/env bash
# Runs one benchmark of bench/target/gpuhub-bench.jar: builds the jar when needed
# (scripts/build-bench-jar.sh), then runs a private copy of it, so that a build started in the tree
# meanwhile cannot replace the jar under the running benchmark.
# Usage (from the other scripts/bench-*.sh): scripts/run-bench.sh <max heap, e.g. 2g> <benchmark> [options]
set -euo pipefail
cd "$(dirname "$0")/.."
heap="$1"
shift
jar="$(scripts/build-bench-jar.sh)"
copy="$(mktemp -d "${TMPDIR:-/tmp}/gpuhub-bench-cp.XXXXXX")"
trap 'rm -rf "$copy"' EXIT
cp "$jar" "$copy/gpuhub-bench.jar"
java "-Xmx$heap" ${BENCH_JAVA_OPTS:-} -jar "$copy/gpuhub-bench.jar" "$@"
