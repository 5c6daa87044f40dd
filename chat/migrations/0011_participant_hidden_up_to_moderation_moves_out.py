"""Rename the participant's hidden history pointer (one word, "hide", for the concept) and hand the
moderation models to the ``moderation`` app (chat.moderation).

The moderation tables stay where they are (``db_table`` keeps their names): this app only forgets them
in its migration state, and ``moderation.0001_initial`` adopts them without touching the database.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('chat', '0010_message_photos'),
    ]

    operations = [
        migrations.RenameField(
            model_name='conversationparticipant',
            old_name='history_cleared_up_to',
            new_name='hidden_up_to',
        ),
        migrations.AlterField(
            model_name='conversationparticipant',
            name='hidden_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='hidden by participant at'),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.RemoveField(
                model_name='moderationaction',
                name='held_message',
            ),
            migrations.RemoveField(
                model_name='moderationaction',
                name='ad',
            ),
            migrations.RemoveField(
                model_name='moderationaction',
                name='conversation',
            ),
            migrations.RemoveField(
                model_name='moderationaction',
                name='message',
            ),
            migrations.RemoveField(
                model_name='moderationaction',
                name='moderator',
            ),
            migrations.RemoveField(
                model_name='moderationaction',
                name='report',
            ),
            migrations.RemoveField(
                model_name='moderationaction',
                name='target_user',
            ),
            migrations.RemoveField(
                model_name='report',
                name='conversation',
            ),
            migrations.RemoveField(
                model_name='report',
                name='message',
            ),
            migrations.RemoveField(
                model_name='report',
                name='reported_user',
            ),
            migrations.RemoveField(
                model_name='report',
                name='reporter',
            ),
            migrations.RemoveField(
                model_name='report',
                name='resolved_by',
            ),
            migrations.DeleteModel(
                name='HeldMessage',
            ),
            migrations.DeleteModel(
                name='ModerationAction',
            ),
            migrations.DeleteModel(
                name='Report',
            ),
            ],
        ),
    ]
