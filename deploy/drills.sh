#!/usr/bin/env bash
# Failover drills against the multi-instance stack (docker-compose.multi.yml: 3 web, 2 Pushpin, primary +
# replica), each printing its figures; load and probes run inside the stack's network (deploy/load.py in the
# `maintenance` container), the host only starts and stops containers.
#   deploy/drills.sh [kill-web kill-pushpin stop-replica restart-postgres backup-restore storm]   (default: all)
# Brings the stack up itself (rate limits off: the drills measure failover, not the limits) and down after,
# unless STACK_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
export STACK_FILES=docker-compose.multi.yml DJANGO_RATELIMIT_ENABLE=false
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-marketplace-stack}"
drills=("$@")
[ ${#drills[@]} -gt 0 ] || drills=(kill-web kill-pushpin stop-replica restart-postgres backup-restore storm)
STACK_KEEP=1 deploy/stack.sh up
# The same environment stack.sh chose (images, files, ports).
eval "$(STACK_PRINT_ENV=1 deploy/stack.sh env)"
[ -n "${STACK_KEEP:-}" ] || trap 'deploy/stack.sh down' EXIT
p="$COMPOSE_PROJECT_NAME"
load() { docker-compose exec -T maintenance python deploy/load.py "$@" --front http://pushpin:7999 --front http://pushpin2:7999; }
since() { python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.1f}")' "$1"; }
healthy_after() {  # seconds until container $1 is healthy again
  local start; start=$(date +%s.%N)
  until [ "$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = healthy ]; do sleep 0.5; done
  since "$start"
}
report() { printf '%-18s %s\n' "$1" "$2"; }

for drill in "${drills[@]}"; do
  echo "--- drill: $drill"
  case "$drill" in
    kill-web)
      load send --seconds 20 >/tmp/drill-$$.json & loader=$!
      sleep 6; docker kill "${p}_web_3" >/dev/null
      wait $loader; report kill-web "$(cat /tmp/drill-$$.json)"
      docker start "${p}_web_3" >/dev/null; report kill-web "web_3 healthy again after $(healthy_after "${p}_web_3") s"
      ;;
    kill-pushpin)
      load send --seconds 20 >/tmp/drill-$$.json & loader=$!
      sleep 6; docker kill "${p}_pushpin2_1" >/dev/null
      # The browsers of the killed proxy reconnect (EventSource retry: 5 s) to the other one: the flow with
      # its stream there must get its event.
      start=$(date +%s.%N)
      docker-compose exec -T maintenance python deploy/flow.py http://pushpin:7999 | tail -n 3
      report kill-pushpin "stream + delivery through the other proxy $(since "$start") s after the kill"
      wait $loader; report kill-pushpin "$(cat /tmp/drill-$$.json)"
      docker start "${p}_pushpin2_1" >/dev/null; report kill-pushpin "pushpin2 healthy again after $(healthy_after "${p}_pushpin2_1") s"
      ;;
    stop-replica)
      load reads --seconds 20 >/tmp/drill-$$.json & loader=$!
      sleep 5; docker stop "${p}_db-replica_1" >/dev/null
      wait $loader; report stop-replica "ad list while the replica stopped: $(cat /tmp/drill-$$.json)"
      docker start "${p}_db-replica_1" >/dev/null
      report stop-replica "replica healthy again after $(healthy_after "${p}_db-replica_1") s"
      sleep 6  # the router's next check
      report stop-replica "router: $(docker-compose exec -T web python manage.py shell -c "from marketplace import db_router as r; print('usable', r.replica_usable(), 'lag_s', r.replica_lag_s())" 2>/dev/null | tail -n 1)"
      ;;
    restart-postgres)
      load send --seconds 25 --give-up-s 90 >/tmp/drill-$$.json & loader=$!
      sleep 5; start=$(date +%s.%N); docker restart -t 10 "${p}_db_1" >/dev/null
      report restart-postgres "primary healthy again after $(healthy_after "${p}_db_1") s (restart included)"
      wait $loader; report restart-postgres "$(cat /tmp/drill-$$.json)"
      ;;
    backup-restore)
      # A dump as the backup service makes it, then a restore into a fresh PostgreSQL container, checked by counts.
      start=$(date +%s)
      docker-compose exec -T backup sh -c 'pg_dump -h db -U marketplace -d marketplace -Fc' >/tmp/drill-$$.dump
      restore="${p}-restore-drill"
      docker rm -f "$restore" >/dev/null 2>&1 || true
      docker run -d --name "$restore" --network "${p}_default" -e POSTGRES_PASSWORD=restore \
        -e POSTGRES_USER=marketplace -e POSTGRES_DB=marketplace "$STACK_POSTGRES_IMAGE" >/dev/null
      until docker exec "$restore" pg_isready -q -U marketplace -h 127.0.0.1 2>/dev/null; do sleep 0.5; done
      sleep 1
      docker exec -i "$restore" pg_restore -U marketplace -d marketplace --no-owner </tmp/drill-$$.dump
      counts="SELECT (SELECT count(*) FROM accounts_user), (SELECT count(*) FROM chat_conversation), (SELECT count(*) FROM chat_message)"
      source_counts="$(docker-compose exec -T db psql -U marketplace -d marketplace -Atc "$counts")"
      restored_counts="$(docker exec "$restore" psql -U marketplace -d marketplace -Atc "$counts")"
      docker rm -f "$restore" >/dev/null
      report backup-restore "dump $(du -k /tmp/drill-$$.dump | cut -f1) kB; users|conversations|messages: primary $source_counts, restored $restored_counts; $(( $(date +%s) - start )) s"
      rm -f /tmp/drill-$$.dump
      [ "$source_counts" = "$restored_counts" ] || { echo "restore drill: counts differ" >&2; exit 1; }
      ;;
    storm)
      report storm "$(load storm --streams "${STORM_STREAMS:-2000}")"
      ;;
    *) echo "unknown drill $drill" >&2; exit 2 ;;
  esac
done
rm -f /tmp/drill-$$.json
