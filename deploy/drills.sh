#!/usr/bin/env bash
# Failover drills against the multi-instance stack (docker-compose.multi.yml: 3 web, 2 Pushpin, primary +
# replica). Load and probes run inside the stack's network (deploy/load.py in the `maintenance` container);
# the host only starts and stops containers. Prints a table of figures and exits non-zero when an
# invariant breaks (an accepted message lost, a 500 while PostgreSQL restarts, reads not falling back to
# the primary, a 502 in the storm, a send failed while a migration runs, a restore with other counts).
#   deploy/drills.sh [flow kill-web kill-pushpin stop-replica restart-postgres backup-restore migrate storm]
# (default: all of them, in that order; `make stack-drills`, which CI runs). `throughput` (not in the
# default list) measures the ad list and sends with 3 web containers, then with one. STORM_STREAMS (default 1000
# here, the CI size) sets the storm; the full 2,000 is STORM_STREAMS=2000 (docs/operations.md).
# Brings the stack up itself (rate limits off: the drills measure failover, not the limits) and down
# after, unless STACK_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
export STACK_FILES=docker-compose.multi.yml DJANGO_RATELIMIT_ENABLE=false
# The workers the drills do not exercise (offer expiry, the notifier, clearsessions) stay at 0: three
# fewer Django processes starting on a 2-core machine. maintenance (runs the load) and backup stay.
export STACK_SCALE="${STACK_SCALE:---scale offers=0 --scale notifier=0 --scale sessions=0}"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-marketplace-stack}"
drills=("$@")
[ ${#drills[@]} -gt 0 ] || drills=(flow kill-web kill-pushpin stop-replica restart-postgres backup-restore migrate storm)
t0=$(date +%s)
if ! deploy/engine.sh; then
  if [ "${CI:-}" = true ]; then echo "CI=true: the drills cannot skip" >&2; exit 1; fi
  echo "drills SKIPPED (see the reason above)"; exit 0
fi
# From nothing: a volume left by an earlier stack of this project (say a `down` run without the multi
# file) would give the replica an old data directory that no longer follows the primary (seen: a "replay
# lag" of 20 minutes in the replica-lag row).
deploy/stack.sh down
docker volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" | xargs -r docker volume rm >/dev/null
STACK_KEEP=1 deploy/stack.sh up
eval "$(deploy/stack.sh env)"  # the environment stack.sh chose (images, files, ports)
# Background probes never outlive the script; the stack goes down unless STACK_KEEP=1.
trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "${STACK_KEEP:-}" ] || { echo "--- down -v"; deploy/stack.sh down; }' EXIT
p="$COMPOSE_PROJECT_NAME"
work="$(mktemp -d)"
table="$work/table"
broken=0
fronts=(--front http://pushpin:7999 --front http://pushpin2:7999)
load() { docker-compose exec -T maintenance python deploy/load.py "$@"; }
since() { python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.1f}")' "$1"; }
started() {  # wait until the load writing to $1 is past its setup (or has ended)
  until grep -q '"sending"\|"held"' "$1" 2>/dev/null || ! kill -0 "$2" 2>/dev/null; do sleep 0.5; done
}
field() { python3 -c 'import json, sys; d = json.loads(sys.argv[1].strip().splitlines()[-1])
for k in sys.argv[2].split("."): d = d.get(k, 0) if isinstance(d, dict) else 0
print(d if d is not None else "-")' "$1" "$2"; }
# row DRILL "FIGURES" CHECK: CHECK is a python expression that must hold, or the invariant is broken.
row() {
  local ok; ok=$(python3 -c "print('ok' if ($3) else 'BROKEN')" 2>/dev/null || echo BROKEN)
  [ "$ok" = ok ] || { broken=1; evidence "$1" >>"$work/evidence"; }
  printf '| %s | %s | %s: %s |\n' "$1" "$2" "$ok" "$4" >>"$table"
  echo "    $1: $2 -> $ok ($4)"
}
# evidence DRILL: after a broken invariant, what the next maintainer needs to find the cause in CI's log
# (the stack is gone by then): load.py's samples of the odd answers and the services' error lines. Printed
# after the table, at the end of the log (CI's summary keeps a log's head and tail, not its middle).
evidence() {
  echo "    --- evidence for $1: samples of the answers other than 2xx (load.py), then error lines of the services"
  cat "$work"/*.json 2>/dev/null | python3 -c 'import json, sys
for line in sys.stdin:
    try: samples = json.loads(line).get("samples")
    except (ValueError, AttributeError): continue
    if samples: print("    ", samples)' || true
  docker-compose logs --no-color --tail 400 web balancer balancer2 pushpin pushpin2 2>&1 \
    | grep -E '" 5[0-9][0-9] | [0-9/+-]+ 5[0-9][0-9] |is DOWN|\[ALERT\]|Error|Traceback|FATAL' | grep -v ' 503 ' | tail -n 40 | sed 's/^/    /' || true
}
others() {  # answers other than 2xx in load.py's JSON $1, e.g. {'503': 2}, or 0
  python3 -c 'import json, sys; a = json.loads(sys.argv[1].strip().splitlines()[-1])["answers"]
print({k: v for k, v in a.items() if not k.startswith("2")} or 0)' "$1"
}
ready() {  # wait (up to 240 s) until every container of the stack is healthy again (the one-shot migrate aside)
  local deadline=$(( $(date +%s) + 240 )) id status waiting
  while :; do
    waiting=""
    for id in $(docker-compose ps -q); do
      status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")"
      [ "$status" = exited ] && [ "$(docker inspect -f '{{.State.ExitCode}}' "$id")" = 0 ] && continue
      [ "$status" = healthy ] || [ "$status" = running ] || waiting="$waiting $(docker inspect -f '{{.Name}}' "$id"):$status"
    done
    [ -z "$waiting" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { echo "not healthy again in 240 s:$waiting" >&2; return 1; }
    sleep 1
  done
}
rss_kb() {  # resident memory of every process in container $1, kB
  docker exec "$1" sh -c 'cat /proc/[0-9]*/status 2>/dev/null' | awk '/^VmRSS/ { s += $2 } END { print s + 0 }'
}
send_row() {  # send_row DRILL JSON EXTRA-CHECK WHAT
  local out="$2"
  row "$1" "$(field "$out" accepted) accepted, $(field "$out" lost) lost, $(field "$out" duplicated) duplicated, $(field "$out" gave_up) gave up, 5xx (not 503) $(field "$out" errors_5xx_not_503), 503 $(field "$out" answers.503), 500 $(field "$out" answers.500); send p50 $(field "$out" send_p50_s) s, p99 $(field "$out" send_p99_s) s, max $(field "$out" send_max_s) s" \
    "$(field "$out" lost) == 0 and $(field "$out" duplicated) == 0 and $(field "$out" gave_up) == 0 and $(field "$out" accepted) > 0 and ($3)" "$4"
}

echo "--- drills: ${drills[*]}"
for drill in "${drills[@]}"; do
  ready
  start=$(date +%s)
  echo "--- drill: $drill"
  case "$drill" in
    flow)  # the main flow (make stack-test's) through each front
      passed=0
      for front in pushpin pushpin2; do
        docker-compose exec -T maintenance python deploy/flow.py "http://$front:7999" | tail -n 1 && passed=$((passed + 1))
      done
      row flow "login, Write to seller, reply, the event on the stream + the poll, through each front" "$passed == 2" "passed on $passed of 2 fronts"
      ;;
    kill-web)
      load send --seconds 12 "${fronts[@]}" >"$work/send.json" & loader=$!
      started "$work/send.json" $loader
      load lag --seconds 12 >"$work/lag.json" & prober=$!
      sleep 4; docker kill "${p}_web_3" >/dev/null
      wait $loader || true; wait $prober || true
      send_row kill-web "$(cat "$work/send.json")" "$(field "$(cat "$work/send.json")" errors_5xx_not_503) <= 4" \
        "0 lost, 5xx at most the 4 requests in flight on web_3"
      out="$(cat "$work/lag.json")"
      row replica-lag "a write on the primary visible on the replica after max $(field "$out" lag_max_s) s, p99 $(field "$out" lag_p99_s) s ($(field "$out" samples) samples every 0.25 s under the send load)" \
        "$(field "$out" samples) > 0 and $(field "$out" lag_max_s) < 5" "under the router's limit (5 s)"
      docker start "${p}_web_3" >/dev/null
      ;;
    kill-pushpin)  # 40 streams on pushpin2 and sends over both; pushpin2 killed: streams come back on pushpin
      load reconnect --streams 40 --seconds 40 --front http://pushpin2:7999 --front http://pushpin:7999 >"$work/streams.json" & streams=$!
      started "$work/streams.json" $streams
      load send --seconds 12 "${fronts[@]}" >"$work/send.json" & loader=$!
      started "$work/send.json" $loader; sleep 4; docker kill "${p}_pushpin2_1" >/dev/null
      wait $loader || true; wait $streams || true
      send_row kill-pushpin "$(cat "$work/send.json")" "True" "0 lost (refused sends retried on the other front)"
      out="$(cat "$work/streams.json")"
      row stream-failover "$(field "$out" reconnected) of $(field "$out" streams) streams back on pushpin; kill to reopened p50 $(field "$out" recover_p50_s) s, p99 $(field "$out" recover_p99_s) s (SSE retry 5 s included)" \
        "$(field "$out" reconnected) == $(field "$out" streams) and $(field "$out" recover_p99_s) < 15" "every stream back within the retry + 10 s"
      docker start "${p}_pushpin2_1" >/dev/null
      ;;
    stop-replica)
      load reads --seconds 12 "${fronts[@]}" >"$work/reads.json" & loader=$!
      sleep 4; docker stop -t 5 "${p}_db-replica_1" >/dev/null
      wait $loader || true
      out="$(cat "$work/reads.json")"
      row stop-replica "ad list while the replica stops: $(field "$out" answers.200) x 200, others $(others "$out")" \
        "'$(others "$out")' == '0' and $(field "$out" answers.200) > 0" "every read answered 200 (fell back to the primary)"
      docker start "${p}_db-replica_1" >/dev/null
      ;;
    restart-postgres)
      load send --seconds 15 --give-up-s 90 "${fronts[@]}" >"$work/send.json" & loader=$!
      started "$work/send.json" $loader; sleep 4; restarted=$(date +%s.%N); docker restart -t 5 "${p}_db_1" >/dev/null; down_s=$(since "$restarted")
      wait $loader || true
      send_row restart-postgres "$(cat "$work/send.json")" "$(field "$(cat "$work/send.json")" answers.500) == 0" \
        "0 lost, 0 x 500 (503 retry pages only); restart took $down_s s"
      ;;
    backup-restore)
      docker-compose exec -T backup sh -c 'pg_dump -h db -U marketplace -d marketplace -Fc' >"$work/dump"
      restore="${p}-restore-drill"
      docker rm -f "$restore" >/dev/null 2>&1 || true
      docker run -d --name "$restore" --network "${p}_default" -e POSTGRES_PASSWORD=restore \
        -e POSTGRES_USER=marketplace -e POSTGRES_DB=marketplace "$STACK_POSTGRES_IMAGE" >/dev/null
      until docker exec "$restore" pg_isready -q -U marketplace -h 127.0.0.1 2>/dev/null; do sleep 0.5; done
      sleep 1
      docker exec -i "$restore" pg_restore -U marketplace -d marketplace --no-owner <"$work/dump"
      counts="SELECT (SELECT count(*) FROM accounts_user), (SELECT count(*) FROM chat_conversation), (SELECT count(*) FROM chat_message)"
      source_counts="$(docker-compose exec -T db psql -U marketplace -d marketplace -Atc "$counts" | tr -d '\r')"
      restored_counts="$(docker exec "$restore" psql -U marketplace -d marketplace -Atc "$counts")"
      docker rm -f "$restore" >/dev/null
      row backup-restore "dump $(du -k "$work/dump" | cut -f1) kB; users|conversations|messages $source_counts in the primary, $restored_counts restored" \
        "'$source_counts' == '$restored_counts'" "counts match"
      ;;
    migrate)
      out="$(deploy/migrate-drill.sh "$work" | tail -n 1 || true)"
      send_row migrate "$out" "$(field "$out" applied) == 1 and '$(others "$out")' == '0'" \
        "nullable column + index CONCURRENTLY applied ($(field "$out" forward_s) s) and rolled back ($(field "$out" backward_s) s) under the sends: applied=$(field "$out" applied), every send answered 2xx at once"
      ;;
    storm)
      n="${STORM_STREAMS:-1000}"
      before1=$(rss_kb "${p}_pushpin_1"); before2=$(rss_kb "${p}_pushpin2_1")
      load storm --streams "$n" --hold-s 6 "${fronts[@]}" >"$work/storm.json" & loader=$!
      started "$work/storm.json" $loader
      sleep 2; during1=$(rss_kb "${p}_pushpin_1"); during2=$(rss_kb "${p}_pushpin2_1")
      wait $loader || true
      out="$(cat "$work/storm.json")"
      per=$(python3 -c "print(round(($during1 - $before1 + $during2 - $before2) / max(1, $(field "$out" answers.200)), 1))")
      row storm "$n streams at one instant over both proxies: $(field "$out" answers.200) x 200, $(field "$out" answers.502) x 502, others $(others "$out"); open p50 $(field "$out" open_p50_s) s, p99 $(field "$out" open_p99_s) s" \
        "$(field "$out" answers.200) == $n" "every stream 200, none 502"
      row stream-memory "proxies' RSS $((before1 / 1024))+$((before2 / 1024)) MB idle, $((during1 / 1024))+$((during2 / 1024)) MB holding the storm: $per kB per held stream" "True" "measured"
      ;;
    throughput)  # not in the default list: the main endpoints with 3 web containers, then with one
      for webs in 3 1; do
        if [ "$webs" = 1 ]; then docker stop -t 5 "${p}_web_2" "${p}_web_3" >/dev/null; fi
        reads="$(load reads --seconds 15 --senders 8 --pause-s 0 "${fronts[@]}" | tail -n 1)"
        sends="$(load send --seconds 15 --senders 8 "${fronts[@]}" | tail -n 1)"
        row "throughput, $webs web" "ad list $(field "$reads" per_s) req/s ($(others "$reads") not 200); sends $(field "$sends" accepted_per_s) accepted/s, p50 $(field "$sends" send_p50_s) s, p99 $(field "$sends" send_p99_s) s, $(field "$sends" lost) lost" \
          "$(field "$sends" lost) == 0" "8 clients each, through both proxies"
      done
      docker start "${p}_web_2" "${p}_web_3" >/dev/null
      ;;
    *) echo "unknown drill $drill" >&2; exit 2 ;;
  esac
  echo "    ($(( $(date +%s) - start )) s)"
done
echo "--- drill figures (deploy/drills.sh, $(date -u +%F), $(( $(date +%s) - t0 )) s with the stack's start)"
echo "| drill | figures | invariant |"
echo "|---|---|---|"
cat "$table"
[ ! -s "$work/evidence" ] || cat "$work/evidence"
rm -rf "$work"
if [ "$broken" != 0 ]; then echo "drills: an invariant is BROKEN (see the table and the evidence under it)" >&2; exit 1; fi
echo "drills: every invariant held"
