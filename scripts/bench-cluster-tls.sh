#!/usr/bin/env bash
# Cluster TLS benchmark (not part of the test suite): heartbeat ingest over the cluster port's
# mutual TLS (each simulated node with its own certificate) beside plain HTTP with the shared token,
# on one control plane in the same run: kept-alive connections and a new connection per heartbeat.
# Usage: scripts/bench-cluster-tls.sh [--nodes 16] [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/run-bench.sh 2g cluster-tls "$@"
