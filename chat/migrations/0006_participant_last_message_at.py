"""Copy Conversation.last_message_at onto each participant row, indexed per user for the chat list."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_last_message_at(apps, schema_editor):
    Conversation = apps.get_model("chat", "Conversation")
    ConversationParticipant = apps.get_model("chat", "ConversationParticipant")
    ConversationParticipant.objects.update(
        last_message_at=Subquery(
            Conversation.objects.filter(pk=OuterRef("conversation_id")).values("last_message_at")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0005_drop_redundant_fk_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="conversationparticipant",
            name="participant_user_idx",
        ),
        migrations.AddField(
            model_name="conversationparticipant",
            name="last_message_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last message at"),
        ),
        migrations.RunPython(copy_last_message_at, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="conversationparticipant",
            index=models.Index(
                fields=["user", "-last_message_at", "-conversation"], name="participant_list_idx"
            ),
        ),
    ]
