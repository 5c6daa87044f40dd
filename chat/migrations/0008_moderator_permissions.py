"""Moderators work reports and held messages and read the audit log; they no longer browse messages.

Reading a conversation now goes through a report's case page or the logged "view conversation" action
(chat.moderation), so the group loses ``view_message``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANT = [
    ("report", "view"),
    ("report", "change"),
    ("heldmessage", "view"),
    ("heldmessage", "change"),
    ("moderationaction", "view"),
]
REVOKE = [("message", "view")]


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label="chat", content_type__model=model, codename=f"{action}_{model}")
        for model, action in pairs
    ]


def update_group(apps, schema_editor):
    app_config = apps.get_app_config("chat")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Moderators").first()
    if group is None:
        return
    group.permissions.add(*_permissions(apps, GRANT))
    group.permissions.remove(*_permissions(apps, REVOKE))


def restore_group(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Moderators").first()
    if group is None:
        return
    group.permissions.remove(*_permissions(apps, GRANT))
    group.permissions.add(*_permissions(apps, REVOKE))


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0007_moderation"),
        ("accounts", "0004_moderators_view_offers"),
    ]
    operations = [migrations.RunPython(update_group, restore_group)]
