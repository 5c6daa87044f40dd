#!/usr/bin/env bash
# The compose stack, from nothing to a tested stack and back:
#   deploy/stack.sh build   engine (deploy/engine.sh), base image, wheelhouse, images
#   deploy/stack.sh up      build, then up -d, wait until every service is healthy, load the demo data
#   deploy/stack.sh test    up, the main flow through the Pushpin front (deploy/flow.py), then down -v
#                           (make stack-test; STACK_KEEP=1 leaves the stack up)
#   deploy/stack.sh down    down -v (containers, networks, volumes)
#   deploy/stack.sh env     prints the environment chosen (for deploy/drills.sh)
# MARKETPLACE_IMAGES=official (postgres:15, redis:7) or debian (built from Debian's packages:
# docker-compose.debian.yml); default auto: official when the registry answers. STACK_FILES adds compose
# files (the multi-instance profile: docker-compose.multi.yml). Without a Docker engine it skips (exit 0)
# with the reason, except under CI=true, where that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command="${1:-test}"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-marketplace-stack}"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-stack-test-$(hostname)-not-a-production-key}"
export MARKETPLACE_HTTP_PORT="${MARKETPLACE_HTTP_PORT:-18000}"
t0=$(date +%s)
phase() { echo "--- [$(( $(date +%s) - t0 )) s] $*"; }

if [ "$command" = env ]; then :; elif ! deploy/engine.sh; then
  if [ "${CI:-}" = true ]; then echo "CI=true: the stack test cannot skip" >&2; exit 1; fi
  echo "stack test SKIPPED (see the reason above)"; exit 0
fi

images="${MARKETPLACE_IMAGES:-auto}"
if [ "$images" = auto ]; then
  images=official
  for image in postgres:15 redis:7; do
    docker image inspect "$image" >/dev/null 2>&1 || timeout 120 docker pull -q "$image" >/dev/null 2>&1 || images=debian
  done
fi
files=docker-compose.yml
[ "$images" = debian ] && files="$files:docker-compose.debian.yml"
[ -n "${STACK_FILES:-}" ] && files="$files:$STACK_FILES"
export COMPOSE_FILE="$files"
export MARKETPLACE_HTTP_PORT2="${MARKETPLACE_HTTP_PORT2:-18001}"
export STACK_POSTGRES_IMAGE=postgres:15
[ "$images" = debian ] && STACK_POSTGRES_IMAGE=marketplace-postgres:15
scale=()
case "$files" in *docker-compose.multi.yml*) scale=(--scale "web=${STACK_WEB:-3}") ;; esac
# STACK_SCALE adds --scale options (deploy/drills.sh leaves the workers it does not exercise at 0).
read -r -a extra_scale <<<"${STACK_SCALE:-}"
scale+=("${extra_scale[@]}")
compose() { docker-compose "$@"; }

build() {
  deploy/base-image.sh
  deploy/wheels.sh
  phase "building images ($images database images; COMPOSE_FILE=$COMPOSE_FILE)"
  local services="web"
  [ "$images" = debian ] && services="$services db redis"
  # One build at a time: the site image is large and the machine small.
  for service in $services; do
    local start; start=$(date +%s)
    compose build -q "$service"
    echo "    image of $service: $(( $(date +%s) - start )) s"
  done
}

wait_healthy() {
  local deadline=$(( $(date +%s) + ${1:-180} )) id status unhealthy
  while :; do
    unhealthy=""
    for id in $(compose ps -q); do
      status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")"
      [ "$status" = exited ] && [ "$(docker inspect -f '{{.State.ExitCode}}' "$id")" = 0 ] && continue  # migrate
      [ "$status" = healthy ] || [ "$status" = running ] || unhealthy="$unhealthy $(docker inspect -f '{{.Name}}' "$id"):$status"
    done
    [ -z "$unhealthy" ] && return 0
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "not healthy in time:$unhealthy" >&2; compose ps >&2; compose logs --tail 30 >&2; return 1
    fi
    sleep 1
  done
}

up() {
  build
  phase "up"
  compose up -d --no-build --remove-orphans "${scale[@]}"
  wait_healthy 240
  phase "all services healthy"
  compose exec -T web python manage.py load_demo >/dev/null
  curl -fsS "http://127.0.0.1:$MARKETPLACE_HTTP_PORT/healthz" >/dev/null \
    || { echo "the front is not answering on 127.0.0.1:$MARKETPLACE_HTTP_PORT" >&2; return 1; }
  phase "demo data loaded; the front answers on http://127.0.0.1:$MARKETPLACE_HTTP_PORT"
}

down() { compose down -v --remove-orphans >/dev/null 2>&1 || true; }

case "$command" in
  env)  # for deploy/drills.sh: the environment chosen above
    for name in COMPOSE_PROJECT_NAME COMPOSE_FILE DJANGO_SECRET_KEY MARKETPLACE_HTTP_PORT MARKETPLACE_HTTP_PORT2 STACK_POSTGRES_IMAGE; do
      printf 'export %s=%q\n' "$name" "${!name}"
    done
    ;;
  build) build ;;
  up) up ;;
  down) down ;;
  test)
    [ -n "${STACK_KEEP:-}" ] || trap 'phase "down -v"; down; phase "stack test done"' EXIT
    down
    up
    phase "the main flow through the Pushpin front"
    compose exec -T web python deploy/flow.py http://pushpin:7999
    ;;
  *) echo "usage: deploy/stack.sh build|up|test|down" >&2; exit 2 ;;
esac
