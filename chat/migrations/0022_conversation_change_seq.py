# One name for the message change counter (issue 24 item 5): the conversation's counter and each message's
# value are both "change_seq". A column rename; no data moves.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0021_participant_pointer_names"),
    ]

    operations = [
        migrations.RenameField(
            model_name="conversation",
            old_name="message_change_seq",
            new_name="change_seq",
        ),
        migrations.AlterField(
            model_name="conversation",
            name="change_seq",
            field=models.PositiveBigIntegerField(default=0, verbose_name="change seq"),
        ),
        migrations.AlterField(
            model_name="message",
            name="change_seq",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, verbose_name="change seq"),
        ),
    ]
