#!/usr/bin/env bash
# Discovery benchmark (not part of the test suite): heartbeat ingest req/s and select-nodes
# p50/p99 at 1,000 registered nodes, each beside a trivial endpoint on the same server in the
# same run. Usage: scripts/bench-discovery.sh [embedded|postgres] [extra options, e.g. --seconds 20]
set -euo pipefail
cd "$(dirname "$0")/.."
store="${1:-embedded}"; shift || true

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ "$store" = postgres ]; then
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

exec scripts/run-bench.sh 2g discovery --store "$store" "$@"
