"""Create the "Moderators" group with exactly the permissions moderation needs.

Moderators read users, ads, conversations and messages, and may change ads (the admin's "Remove
selected ads" action, which goes through ads.services). They cannot edit users (that would let them
grant themselves permissions), nor change or delete chat data (chat admin is read-only for everyone).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("accounts", "user", "view"),
    ("ads", "category", "view"),
    ("ads", "ad", "view"),
    ("ads", "ad", "change"),
    ("ads", "adphoto", "view"),
    ("chat", "conversation", "view"),
    ("chat", "conversationparticipant", "view"),
    ("chat", "message", "view"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_label in ("accounts", "ads", "chat"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    permissions = [
        Permission.objects.get(content_type__app_label=app, content_type__model=model, codename=f"{action}_{model}")
        for app, model, action in MODERATOR_PERMISSIONS
    ]
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("ads", "0001_initial"),
        ("chat", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, delete_group)]
