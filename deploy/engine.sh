#!/usr/bin/env bash
# Make sure a Docker engine answers, installing and starting one where this can be done (Debian, as root):
# Debian's docker.io (dockerd), docker-compose (1.29) and debootstrap (deploy/base-image.sh), then
# dockerd with the overlay2 storage driver where the kernel mounts overlay on /var/lib/docker, else vfs (which
# works anywhere, inside a container too, but copies the whole file system for every layer and container:
# an image build here took 7.8 min on vfs). DOCKER_STORAGE_DRIVER overrides the choice.
# Idempotent: does nothing when `docker info` already answers. Exit 0 when an engine answers; otherwise
# prints the reason on stderr and exits 3 (make stack-test then skips, except under CI=true).
set -euo pipefail

reason() { echo "no Docker engine: $*" >&2; exit 3; }

if docker info >/dev/null 2>&1 && command -v docker-compose >/dev/null && command -v debootstrap >/dev/null; then
  exit 0
fi
[ "$(id -u)" = 0 ] || { docker info >/dev/null 2>&1 || reason "docker info fails and we are not root (cannot install or start dockerd)"; }

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || reason "missing ${missing[*]} and not root"
  command -v apt-get >/dev/null || reason "missing ${missing[*]} and no apt-get"
  echo "--- installing Debian ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
    || reason "apt-get install ${missing[*]} failed"
fi

if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || reason "dockerd is not running and we are not root"
  driver="${DOCKER_STORAGE_DRIVER:-}"
  if [ -z "$driver" ]; then
    probe="$(mkdir -p /var/lib/docker && mktemp -d /var/lib/docker/overlay-probe.XXXX)"
    mkdir "$probe"/{lower,upper,work,merged}
    if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
      umount "$probe/merged"; driver=overlay2
    else
      driver=vfs
    fi
    rm -rf "$probe"
  fi
  echo "--- starting dockerd --storage-driver=$driver (log: /var/log/dockerd.log)"
  nohup dockerd --storage-driver="$driver" >>/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || reason "dockerd did not start (see /var/log/dockerd.log: $(tail -n 2 /var/log/dockerd.log | tr '\n' ' '))"
fi
# A docker client of another version may come first in PATH; compose only needs the engine's API.
echo "--- Docker engine $(docker version --format '{{.Server.Version}}') ($(docker info --format '{{.Driver}}')), docker-compose $(docker-compose version --short)"
