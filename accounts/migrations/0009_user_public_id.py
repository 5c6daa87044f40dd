from django.db import migrations, models

import marketplace.ids


def fill_public_ids(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(public_id__isnull=True).only("pk").iterator():
        User.objects.filter(pk=user.pk).update(public_id=marketplace.ids.new_public_id())


class Migration(migrations.Migration):
    """The public profile's id: added nullable, filled one row at a time (a column default would give every
    existing user the same value), then made unique and required."""

    dependencies = [("accounts", "0008_push_subscription")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.CharField(editable=False, max_length=10, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.CharField(
                default=marketplace.ids.new_public_id,
                editable=False,
                max_length=10,
                unique=True,
                verbose_name="public id",
            ),
        ),
    ]
