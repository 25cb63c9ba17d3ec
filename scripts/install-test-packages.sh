#!/usr/bin/env bash
# Installs (apt-get) the Debian packages the integration tests and scripts/chaos.sh start themselves,
# those missing only: dockerd, PostgreSQL, Redis, a static busybox for locally built images, Python 3,
# JupyterHub 3.0, an image registry, chromium + chromium-driver. A no-op when all are there.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || need+=(busybox-static)
command -v file >/dev/null 2>&1 || need+=(file)
# The reference trainer (training-job IT) and the seed's own broker programs are Python 3.
command -v python3 >/dev/null 2>&1 || need+=(python3)
# JupyterHubClientTest runs JupyterHub's own Python client (Debian's jupyterhub 3.0) against the hub.
/usr/bin/python3 -c "import jupyterhub" >/dev/null 2>&1 || need+=(jupyterhub)
# ImagePullIT pulls from a lab's own registry: Debian's docker-registry (the distribution registry).
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
# HubBrowserIT drives a real headless Chromium through chromedriver (Debian's packages).
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/install-test-packages.sh: installing ${need[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi
