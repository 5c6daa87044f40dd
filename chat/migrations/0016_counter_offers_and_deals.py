import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Offers from either side (``buyer`` becomes ``made_by``: every existing offer was the buyer's),
    counter-offer chains, the ``countered`` status, reserved ads in the snapshot and the deal's time."""

    dependencies = [
        ("ads", "0003_ad_reserved"),
        ("chat", "0015_participant_push_and_mute"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="offer", old_name="buyer", new_name="made_by"),
        migrations.AlterField(
            model_name="offer",
            name="made_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="made by",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="counter_to",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="chat.offer",
                verbose_name="counter-offer to",
            ),
        ),
        migrations.AlterField(
            model_name="offer",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("withdrawn", "Withdrawn"),
                    ("replaced", "Replaced"),
                    ("countered", "Countered"),
                    ("expired", "Expired"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="conversation",
            name="ad_status",
            field=models.CharField(
                choices=[("active", "Active"), ("reserved", "Reserved"), ("sold", "Sold"), ("removed", "Removed")],
                default="active",
                max_length=10,
                verbose_name="ad status",
            ),
        ),
        migrations.AddField(
            model_name="conversation",
            name="deal_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="deal closed at"),
        ),
    ]
