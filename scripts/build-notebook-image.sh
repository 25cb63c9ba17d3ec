#!/usr/bin/env bash
# Builds gpuhub's default Jupyter notebook image without any registry:
#
#   1. debootstrap --variant=minbase bookworm from the Debian mirror in this machine's apt sources
#   2. inside that chroot: apt-get install --no-install-recommends python3-notebook python3-ipykernel
#      jupyterhub (for jupyterhub-singleuser, the server the hub starts by default)
#   3. tar the root file system and `docker import` it as IMAGE (default gpuhub-notebook:latest)
#
# Steps 1-2 take a few minutes and need root; their result is cached as
#   ${GPUHUB_CACHE_DIR:-$HOME/.cache/gpuhub}/notebook-rootfs-<hash of this script>.tar
# so a later build (or a build for a fresh Docker daemon) only runs `docker import` (seconds).
# An image already carrying this script's hash in its label dev.gpuhub.rootfs is left as it is.
#
# Usage: scripts/build-notebook-image.sh [IMAGE]
# Environment: DOCKER_HOST (which daemon gets the image), GPUHUB_CACHE_DIR (rootfs cache),
#              GPUHUB_DEBIAN_MIRROR (overrides the mirror read from the apt sources).
# Exit status 0 when IMAGE exists and runs `jupyterhub-singleuser --version`; non-zero otherwise.
set -euo pipefail

IMAGE="${1:-gpuhub-notebook:latest}"
SUITE="bookworm"
PACKAGES=(python3-notebook python3-ipykernel jupyterhub)
DEFAULT_MIRROR="http://deb.debian.org/debian"
KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"
HASH_LABEL="dev.gpuhub.rootfs"
CACHE_DIR="${GPUHUB_CACHE_DIR:-${HOME:-/root}/.cache/gpuhub}"
SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
SCRIPT_HASH="$(sha256sum "$SCRIPT_PATH" | cut -c1-16)"
ROOTFS_TAR="$CACHE_DIR/notebook-rootfs-$SCRIPT_HASH.tar"
WORK=""

log() { echo "build-notebook-image: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Unmounts whatever is still mounted under the chroot (deepest first) and deletes the work dir.
cleanup() {
  local status=$?
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    local mp
    for mp in $(awk -v root="$WORK/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r); do
      umount -l "$mp" || log "warning: could not unmount $mp"
    done
    rm -rf --one-file-system "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The first archive URI of the machine's apt sources (deb822 or one-line format), skipping the
# security archive; GPUHUB_DEBIAN_MIRROR wins; deb.debian.org when nothing is configured.
debian_mirror() {
  if [[ -n "${GPUHUB_DEBIAN_MIRROR:-}" ]]; then echo "$GPUHUB_DEBIAN_MIRROR"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
    | grep -v -- '-security' | head -n1 || true)"
  if [[ -z "$uri" ]]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
      | grep -v -- '-security' | head -n1 || true)"
  fi
  echo "${uri:-$DEFAULT_MIRROR}"
}

# The security archive of the apt sources, or nothing.
security_mirror() {
  cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -o 'https\?://[^ ]*debian-security[^ ]*' | head -n1 || true
}

require_docker() {
  command -v docker >/dev/null || die "docker CLI not found: install Debian package docker.io"
  docker version >/dev/null 2>&1 \
    || die "docker daemon at ${DOCKER_HOST:-unix:///var/run/docker.sock} does not answer: start it or set DOCKER_HOST"
}

image_hash() {
  docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$IMAGE" 2>/dev/null || true
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return
  command -v apt-get >/dev/null || die "debootstrap not found and no apt-get to install it: install debootstrap"
  log "installing debootstrap with apt-get"
  apt-get install -y debootstrap >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y debootstrap >/dev/null; } \
    || die "could not install debootstrap with apt-get"
}

in_chroot() {
  DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$WORK/rootfs" "$@"
}

build_rootfs() {
  [[ "$(id -u)" -eq 0 ]] || die "building the root file system needs root (debootstrap, chroot, mount): run with sudo"
  ensure_debootstrap
  local mirror security rootfs started
  mirror="$(debian_mirror)"
  security="$(security_mirror)"
  WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/gpuhub-notebook.XXXXXX")"
  rootfs="$WORK/rootfs"
  started=$SECONDS
  local keyring_opt=()
  [[ -r "$KEYRING" ]] && keyring_opt=(--keyring="$KEYRING")

  log "debootstrap --variant=minbase $SUITE from $mirror into $rootfs"
  debootstrap --variant=minbase "${keyring_opt[@]}" "$SUITE" "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log above)"; }

  {
    echo "deb $mirror $SUITE main"
    echo "deb $mirror $SUITE-updates main"
    if [[ -n "$security" ]]; then echo "deb $security $SUITE-security main"; fi
  } >"$rootfs/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"   # no services start in the chroot
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  cp -L /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"
  [[ -c "$rootfs/dev/null" ]] || mount --bind /dev "$rootfs/dev"

  log "apt-get install --no-install-recommends ${PACKAGES[*]} (in the chroot)"
  in_chroot apt-get update >"$WORK/apt.log" 2>&1 \
    && in_chroot apt-get install -y --no-install-recommends "${PACKAGES[@]}" >>"$WORK/apt.log" 2>&1 \
    || { tail -n 30 "$WORK/apt.log" >&2; die "apt-get in the chroot failed (log above)"; }
  in_chroot apt-get clean
  in_chroot python3 -m notebook --version >/dev/null || die "python3 -m notebook does not run in the chroot"
  in_chroot jupyterhub-singleuser --version >/dev/null || die "jupyterhub-singleuser does not run in the chroot"
  # Workloads run as uid/gid 1000 (the agent's default GPUHUB_WORKLOAD_USER), never as root: give
  # that user a name and a home, the image's working directory.
  in_chroot useradd --uid 1000 --user-group --create-home --shell /bin/bash jovyan \
    || die "could not create the workload user (uid 1000) in the chroot"

  umount -l "$rootfs/proc"
  mountpoint -q "$rootfs/dev" && umount -l "$rootfs/dev"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/apt/* "$rootfs"/tmp/*
  rm -f "$rootfs/usr/sbin/policy-rc.d"
  : >"$rootfs/etc/resolv.conf"   # Docker provides the container's own

  mkdir -p "$CACHE_DIR"
  tar -C "$rootfs" --numeric-owner -cf "$ROOTFS_TAR.partial" .
  mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
  find "$CACHE_DIR" -maxdepth 1 -name 'notebook-rootfs-*.tar' ! -name "$(basename "$ROOTFS_TAR")" -print -delete \
    | sed 's/^/build-notebook-image: removed stale cache /' >&2
  log "root file system built in $((SECONDS - started)) s, cached as $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
}

main() {
  require_docker
  if [[ "$(image_hash)" == "$SCRIPT_HASH" ]]; then
    log "image $IMAGE is up to date (rootfs $SCRIPT_HASH) in ${DOCKER_HOST:-the default daemon}"
  else
    mkdir -p "$CACHE_DIR"
    exec 9>"$CACHE_DIR/notebook-rootfs.lock"
    flock 9   # one build at a time per cache directory
    if [[ -f "$ROOTFS_TAR" ]]; then
      log "using cached root file system $ROOTFS_TAR"
    else
      build_rootfs
    fi
    log "docker import $ROOTFS_TAR as $IMAGE into ${DOCKER_HOST:-the default daemon}"
    docker import \
      --change 'ENV LANG=C.UTF-8' \
      --change 'WORKDIR /home/jovyan' \
      --change 'USER 1000:1000' \
      --change "LABEL $HASH_LABEL=$SCRIPT_HASH" \
      --change 'CMD ["jupyterhub-singleuser"]' \
      - "$IMAGE" <"$ROOTFS_TAR" >/dev/null
  fi
  local version
  version="$(docker run --rm --network host "$IMAGE" jupyterhub-singleuser --version)" \
    || die "image $IMAGE does not run 'jupyterhub-singleuser --version'"
  log "image $IMAGE ready: jupyterhub-singleuser $version"
}

main
