#!/usr/bin/env bash
# Placement burst benchmark (not part of the test suite): bursts of 200 and 1,000 spawn decisions
# over 4, 16 and 64 simulated nodes with stale reports; decision p50/p99, failures, overbooking and
# max-min per-node count for the seed's selector (round robin, best fit) and for the placement
# engine (spread, round robin; durable H2 journal), in the same run, as a Markdown table.
# Needs only a JDK 17 and Maven (offline when ~/.m2 already holds the dependencies).
# Usage: scripts/bench-placement.sh [--bursts 200,1000] [--nodes 4,16,64] [--threads 16] [--seed 42] [--journal h2|none]
set -euo pipefail
cd "$(dirname "$0")/.."

exec scripts/run-bench.sh 2g placement "$@"
