#!/usr/bin/env bash
# Make the base image debian:bookworm-slim when the engine does not have it. With a registry reachable it
# is pulled; otherwise it is built from Debian's own archive: `debootstrap --variant=minbase bookworm`
# (about 30 s to 2.5 min) and `docker import`. Cached: does nothing when the image exists.
set -euo pipefail
image=debian:bookworm-slim
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
if timeout 20 docker pull -q "$image" >/dev/null 2>&1; then echo "--- pulled $image"; exit 0; fi
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
start=$(date +%s)
echo "--- no registry: building $image with debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -n 20 "$root.log"; exit 1; }
# As the official slim image: the security archive in sources, no apt caches, no documentation.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-include /usr/share/locale/locale.alias\n' \
  >"$root/etc/dpkg/dpkg.cfg.d/docker-slim"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/docker-slim"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$image" >/dev/null
rm -f "$root.log"
echo "--- $image built in $(( $(date +%s) - start )) s"
