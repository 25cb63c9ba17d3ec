#!/usr/bin/env bash
# Makes sure a Docker daemon answers on this machine for `gpuhub up`:
# installs Debian's docker.io when dockerd is missing (as root), and starts dockerd when no daemon
# answers, in the network-safe mode this project uses (no bridge, no iptables: containers use host
# networking). Idempotent; prints what it does. Exits 0 when a daemon answers, 1 otherwise.
set -uo pipefail

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-docker: dockerd is missing; install Debian's docker.io (as root: apt-get install docker.io)" >&2
    exit 1
  fi
  echo "setup-docker: installing docker.io ..." >&2
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io >&2 || exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-docker: no Docker daemon answers and only root can start one; start Docker and retry" >&2
  exit 1
fi
log="${GPUHUB_DATA_DIR:-./data}/dockerd.log"
mkdir -p "$(dirname "$log")"
echo "setup-docker: starting dockerd --bridge=none --iptables=false (log: $log) ..." >&2
nohup dockerd --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if answers; then echo "setup-docker: Docker daemon is up" >&2; exit 0; fi
  sleep 0.5
done
echo "setup-docker: dockerd did not answer within 30 s; see $log" >&2
exit 1
