# The indexes of 0013's message columns, built CONCURRENTLY on PostgreSQL: chat_message is the largest
# table, and sends must go on while they build (a plain CREATE INDEX blocks writes to the table).

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex, as CREATE/DROP INDEX CONCURRENTLY on PostgreSQL (Django's AddIndexConcurrently is
    PostgreSQL-only; the suite also migrates SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("chat", "0013_message_actions")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="message",
            index=models.Index(
                condition=models.Q(("change_seq__isnull", False)),
                fields=["conversation", "change_seq"],
                name="message_change_seq_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="message",
            index=models.Index(
                condition=models.Q(("reply_to__isnull", False)), fields=["reply_to"], name="message_reply_to_idx"
            ),
        ),
    ]
