"""Full-text search index on message bodies, PostgreSQL only (SQLite falls back to substring search).

The expression must stay identical to ``chat.selectors.MessageDocument`` so the planner uses the index.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS message_body_fts_idx ON chat_message "
    "USING gin (to_tsvector('english'::regconfig, body))"
)
DROP = "DROP INDEX IF EXISTS message_body_fts_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("chat", "0002_participant_unread_and_archive")]
    operations = [migrations.RunPython(create_index, drop_index)]
