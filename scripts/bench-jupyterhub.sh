#!/usr/bin/env bash
# gpuhub beside JupyterHub (not part of the test suite), one machine, one run: the same Jupyter
# server reached directly, through configurable-http-proxy (JupyterHub's proxy) and through gpuhub's
# proxy (small answers and a 10 MB download, 1 and 16 connections), then GET /hub/api/users/<name>
# with a token on JupyterHub 3.0 and on gpuhub, kernel round trips over a WebSocket through each
# proxy, and form-login throughput (JupyterHub's PAM authenticator with a throwaway system user,
# removed at the end, against gpuhub's Argon2id). Prints every figure, both versions and the ratios.
# Installs what it needs: Debian's wrk, docker.io and jupyterhub (3.0), and configurable-http-proxy
# 5.3.0 from the npm registry into ${GPUHUB_CACHE_DIR:-~/.cache/gpuhub}/chp-5.3.0 (Debian's own
# configurable-http-proxy does not start with this Node.js: "Cannot find module 'commander'").
# Two yardsticks written in C join the proxy rows (not targets, a measure of what any extra hop costs
# on this machine): Debian's haproxy, an HTTP proxy, and socat, a bare TCP relay.
# Needs root: it starts its own dockerd.
# Usage: scripts/bench-jupyterhub.sh [--seconds 8] [--warmup 5] [--rows all | proxy (the proxy and kernel rows only)]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/bench-jupyterhub.sh: needs root (it starts its own dockerd); run it with sudo" >&2
  exit 1
fi
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /usr/bin/jupyterhub ] || need+=(jupyterhub)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/sbin/haproxy ] || need+=(haproxy)
[ -x /usr/bin/socat ] || need+=(socat)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  # the package starts its own service (Debian's default configuration, no listener); the benchmark
  # runs a private one, so the one this script's install started is stopped again
  if [[ " ${need[*]} " == *" haproxy "* ]]; then service haproxy stop >/dev/null 2>&1 || true; fi
fi
chp_dir="${GPUHUB_CACHE_DIR:-${HOME:-/root}/.cache/gpuhub}/chp-5.3.0"
chp="$chp_dir/node_modules/.bin/configurable-http-proxy"
if [ ! -x "$chp" ]; then
  mkdir -p "$chp_dir"
  npm install --silent --no-audit --no-fund --prefix "$chp_dir" configurable-http-proxy@5.3.0 >&2
fi

# JupyterHub's default authenticator (PAM) checks a system user's password: a throwaway user for the
# login rows, its password hashed by the system as every local password is, removed at the end.
pam_user=gpuhub-jh-bench
pam_password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
id "$pam_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pam_user"
trap 'userdel "$pam_user" >/dev/null 2>&1 || true' EXIT
printf '%s:%s\n' "$pam_user" "$pam_password" | chpasswd

GPUHUB_BENCH_PAM_USER="$pam_user" GPUHUB_BENCH_PAM_PASSWORD="$pam_password" \
  scripts/run-bench.sh 2g jupyterhub --chp "$chp" --haproxy /usr/sbin/haproxy --socat /usr/bin/socat "$@"
