"""Remember which messages an unread-messages email covered. Existing unread messages count as
already notified, so turning the feature on does not email every dormant user at once."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def mark_existing_as_notified(apps, schema_editor):
    Conversation = apps.get_model("chat", "Conversation")
    ConversationParticipant = apps.get_model("chat", "ConversationParticipant")
    ConversationParticipant.objects.update(
        notified_up_to_message_id=Subquery(
            Conversation.objects.filter(pk=OuterRef("conversation_id")).values("last_message_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0008_moderator_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversationparticipant",
            name="notified_up_to_message_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="emailed up to message"),
        ),
        migrations.RunPython(mark_existing_as_notified, migrations.RunPython.noop, elidable=True),
    ]
