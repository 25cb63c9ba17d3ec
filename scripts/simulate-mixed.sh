#!/usr/bin/env bash
# Mixed-workload simulation (issue 17, not part of the test suite): for each of the Pollux artifact's
# 8 workloads at 1.0x, the jobs-only Pollux run, then synthetic interactive notebook sessions at the
# loads low, mid and high under each sharing mode (exclusive, partition, interactive-first), Pollux
# scheduling the jobs. Prints Markdown tables (per run; per load averaged over the workloads) and
# whether issue 17's targets are met. Progress goes to stderr. Workload w's sessions use seed w.
# Needs only a JDK 17 and Maven (offline when ~/.m2 already holds the dependencies) and the data
# folder (default ../shared/data/pollux next to the repository). About 80 runs of ~10 s each.
# Usage: scripts/simulate-mixed.sh [--data DIR] [--threads N (default 2)] [--loads low,mid,high]
#            [--workloads 1-8] [--modes exclusive,partition,interactive-first] [--idle-limit MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -o -q -B -DskipTests -pl sim -am package >/dev/null 2>&1 || mvn -q -B -DskipTests -pl sim -am package
exec java -Xmx4g ${SIM_JAVA_OPTS:-} -cp "sim/target/classes:$(cat sim/target/classpath.txt)" \
  dev.gpuhub.sim.pollux.MixedTable "$@"
