#!/usr/bin/env bash
# Proxy benchmark (not part of the test suite): requests/s and p50/p99 of
# GET /user/<name>/api/status on a real Jupyter server, through the hub's proxy and direct to the
# server, in the same run with the same wrk settings; target: proxy >= 80 % of direct.
# Starts everything itself on 127.0.0.1: a private dockerd (needs root and Debian's docker.io),
# the notebook image (built by scripts/build-notebook-image.sh through the test kit the first
# time: a few minutes, then cached), control plane + hub + one agent, one user's server.
# Usage: scripts/bench-proxy.sh [--seconds 10] [--warmup 20] [--connections 16] [--threads 1]
#                               [--profile single-cpu] [--sequential 10000] [--verbose true: print every wrk run]
#                               [--servers https (default: servers serve TLS, as the hub runs them) | http]
# Profile the hub with e.g. BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/proxy.jfr,settings=profile'
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/bench-proxy.sh: needs root (it starts its own dockerd); run it with sudo" >&2
  exit 1
fi
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

exec scripts/run-bench.sh 2g proxy "$@"
