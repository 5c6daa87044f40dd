#!/usr/bin/env bash
# The migration-under-load drill (deploy/drills.sh migrate): while seller and buyer send over both fronts,
# a one-off container of the same site image, with one extra migration mounted into it (written here, at
# drill time, never committed to the app), applies it and then rolls it back, as a deploy applies the next
# release's schema while the old release serves. The migration is what a zero-downtime change looks like:
# a nullable column (no table rewrite) and an index built CONCURRENTLY (non-atomic migration).
# Prints one line of JSON: the send load's figures (deploy/load.py send) plus "applied" (1 when the
# migration was recorded and its index existed between the two steps) and each step's seconds.
# Usage: deploy/migrate-drill.sh WORKDIR   (with the environment of deploy/stack.sh env)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$1"
latest="$(ls chat/migrations | grep -E '^[0-9]{4}_.*\.py$' | sort | tail -n 1 | sed 's/\.py$//')"
name=9999_drill_under_load
file="$work/$name.py"
cat >"$file" <<MIGRATION
# Written by deploy/migrate-drill.sh at drill time; never part of the app.
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("chat", "$latest")]
    operations = [
        migrations.AddField("message", "drill_note", models.TextField(null=True)),
        AddIndexConcurrently(
            "message", models.Index(fields=["conversation", "created_at"], name="drill_message_conv_created")
        ),
    ]
MIGRATION
chmod 644 "$file"
# Both steps in one one-off container (one Django start): forward, check, backward; prints the seconds of
# each step and whether the migration was recorded with its index in between.
steps="import json, os, time
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'marketplace.settings')
import django
django.setup()
from django.core.management import call_command
from django.db import connection
started = time.monotonic()
call_command('migrate', 'chat', '$name', verbosity=0)
forward = time.monotonic() - started
with connection.cursor() as cursor:
    cursor.execute(\"SELECT count(*) FROM django_migrations WHERE app = 'chat' AND name = '$name'\")
    recorded = cursor.fetchone()[0]
    cursor.execute(\"SELECT count(*) FROM pg_indexes WHERE indexname = 'drill_message_conv_created'\")
    indexed = cursor.fetchone()[0]
started = time.monotonic()
call_command('migrate', 'chat', '$latest', verbosity=0)
backward = time.monotonic() - started
print(json.dumps({'applied': int(recorded == 1 and indexed == 1), 'forward_s': round(forward, 2), 'backward_s': round(backward, 2)}))"
stop=/tmp/migrate-drill-stop
docker-compose exec -T maintenance rm -f "$stop"
docker-compose exec -T maintenance python deploy/load.py send --seconds 120 --until-file "$stop" \
  --front http://pushpin:7999 --front http://pushpin2:7999 >"$work/migrate-send.json" &
loader=$!
until grep -q '"sending"' "$work/migrate-send.json" 2>/dev/null || ! kill -0 $loader 2>/dev/null; do sleep 0.5; done
sleep 2
docker-compose run --rm --no-deps -T -v "$file:/srv/app/chat/migrations/$name.py:ro" migrate \
  python -c "$steps" | tail -n 1 >"$work/migrate-steps.json" || true
sleep 2
docker-compose exec -T maintenance touch "$stop"
wait $loader
python3 - "$work/migrate-send.json" "$work/migrate-steps.json" <<'PY'
import json, sys
figures = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
try:
    figures.update(json.loads(open(sys.argv[2]).read()))
except ValueError:
    figures.update(applied=0)
print(json.dumps(figures))
PY
