#!/usr/bin/env bash
# The fault-injection suite (administrator guide, "What a fault costs"): starts real PostgreSQL,
# Redis, a private dockerd with the notebook image, the control plane (gpuhub.jar server) and one
# agent (gpuhub.jar agent), runs a steady load (logins, server starts, file reads and kernel
# executions through the hub, heartbeats) and injects in turn: PostgreSQL stop/start, Redis
# kill/start empty, node silent past the TTL, agent kill -9, control plane kill -9 with a queue,
# control plane SIGTERM, dockerd restart. For each it prints degraded seconds, failed requests,
# recovery time, heartbeats lost, servers lost, files lost, orphans and leaked reservations, each
# target beside its figure; exits 1 when a target is missed. Needs root (dockerd). About 5 minutes.
# Usage: scripts/chaos.sh [--hold-seconds 20] [--interval-seconds 2] [--faults postgres,redis,...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-packages.sh
./gpuhub --version >/dev/null # builds app/target/gpuhub.jar when the sources changed
copy="$(mktemp -d "${TMPDIR:-/tmp}/gpuhub-chaos-jar.XXXXXX")"
trap 'rm -rf "$copy"' EXIT
cp app/target/gpuhub.jar "$copy/gpuhub.jar" # a build started meanwhile cannot change the suite's control plane
scripts/run-bench.sh 1g chaos --jar "$copy/gpuhub.jar" "$@"
