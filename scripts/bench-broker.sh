#!/usr/bin/env bash
# Broker benchmark (seed 004; not part of the test suite), one process on loopback, one run (~1.5 min):
# (a) broker overhead: Short 5 ms requests one at a time, direct to a worker vs through the broker,
#     interleaved: p50/p95 of both and the difference;
# (b) a Long/Short mix at 10, 20 and 40 % Long on 3 workers that run one request at a time each
#     (Long 250 ms / Short 50 ms, the seed's 5:1), open loop (Poisson arrivals at 70 % utilisation),
#     the same schedule for round robin and least connections: mean/p50/p95/p99 per strategy;
# then whether the targets hold (least connections beats round robin on mean at Long >= 20 %;
# overhead p50 < 1 ms). Needs only a JDK 17 and Maven (offline when ~/.m2 holds the dependencies).
# Usage: scripts/bench-broker.sh [--long-ms 250] [--short-ms 50] [--mixes 10,20,40] [--requests 240] [--load 0.7]
#        [--workers 3] [--capacity 1] [--overhead-short-ms 5] [--overhead-requests 500] [--warmup 300] [--seed 42]
set -euo pipefail
cd "$(dirname "$0")/.."

exec scripts/run-bench.sh 1g broker "$@"
