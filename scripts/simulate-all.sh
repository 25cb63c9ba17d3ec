#!/usr/bin/env bash
# Training-job simulator fidelity (not part of the test suite): runs `gpuhub simulate`'s simulator
# on the Pollux artifact's 8 workloads — tiresias, optimus, pollux (+ pollux speed and cost) at
# 1.0x load, and tiresias, optimus, pollux at 0.5x, 1.5x and 2.0x — and prints Markdown tables of
# our average JCT next to the artifact's (results-jobload/<policy>-<load>/summary.json, the average
# of its jcts) and the ratio. Progress goes to stderr.
# Needs only a JDK 17 and Maven (offline when ~/.m2 already holds the dependencies) and the data
# folder (default ../shared/data/pollux next to the repository).
# Usage: scripts/simulate-all.sh [--data DIR] [--threads N] [--loads 0.5,1.0,1.5,2.0] [--workloads 1-8]
#                                [--runs tiresias,optimus,pollux,pollux:speed,pollux:cost]
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -o -q -B -DskipTests -pl sim -am package >/dev/null 2>&1 || mvn -q -B -DskipTests -pl sim -am package
exec java -Xmx4g ${SIM_JAVA_OPTS:-} -cp "sim/target/classes:$(cat sim/target/classpath.txt)" \
  dev.gpuhub.sim.pollux.FidelityTable "$@"
