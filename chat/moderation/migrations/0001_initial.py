"""The moderation models, adopted from the chat app with their tables (see chat.0011)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ["report", "heldmessage", "moderationaction"]


def content_types_to_moderation(apps, schema_editor):
    """Move the three models' content types, so their permissions (and the Moderators group's grants)
    and admin log entries follow them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="moderation", model=model).exists():
            ContentType.objects.filter(app_label="chat", model=model).update(app_label="moderation")


def content_types_to_chat(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="chat", model=model).exists():
            ContentType.objects.filter(app_label="moderation", model=model).update(app_label="chat")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ads', '0002_seed_categories'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('chat', '0011_participant_hidden_up_to_moderation_moves_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already (created by chat.0007 as chat_report, chat_heldmessage,
        # chat_moderationaction): adopt them in the state only.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HeldMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField(max_length=4000, verbose_name='body')),
                        ('status', models.CharField(choices=[('held', 'Waiting for review'), ('released', 'Released'), ('rejected', 'Rejected')], default='held', max_length=10, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='held at')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('ad', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ads.ad')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('sender', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'held message',
                        'verbose_name_plural': 'held messages',
                        'db_table': 'chat_heldmessage',
                    },
                ),
                migrations.CreateModel(
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('spam', 'Spam'), ('scam', 'Scam or fraud'), ('harassment', 'Harassment or abuse'), ('prohibited', 'Prohibited item'), ('other', 'Something else')], max_length=20, verbose_name='reason')),
                        ('details', models.TextField(blank=True, max_length=2000, verbose_name='details')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('dismissed', 'Dismissed'), ('actioned', 'Action taken')], default='open', max_length=10, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported at')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                        ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='chat.conversation')),
                        ('message', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='chat.message')),
                        ('reported_user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports_received', to=settings.AUTH_USER_MODEL)),
                        ('reporter', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports_made', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'report',
                        'verbose_name_plural': 'reports',
                        'db_table': 'chat_report',
                    },
                ),
                migrations.CreateModel(
                    name='ModerationAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('dismiss_report', 'Dismissed the report'), ('remove_message', 'Removed a message'), ('remove_ad', 'Removed the ad'), ('suspend_user', 'Suspended a user'), ('unsuspend_user', 'Lifted a suspension'), ('view_conversation', 'Read a conversation'), ('release_held', 'Released a held message'), ('reject_held', 'Rejected a held message')], max_length=20, verbose_name='action')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='note')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                        ('ad', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ads.ad')),
                        ('conversation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='chat.conversation')),
                        ('held_message', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='moderation.heldmessage')),
                        ('message', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='chat.message')),
                        ('moderator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('target_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='moderation.report')),
                    ],
                    options={
                        'verbose_name': 'moderation action',
                        'verbose_name_plural': 'moderation log',
                        'db_table': 'chat_moderationaction',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='heldmessage',
                    index=models.Index(fields=['status', 'created_at'], name='held_message_queue_idx'),
                ),
                migrations.AddIndex(
                    model_name='report',
                    index=models.Index(fields=['status', 'created_at'], name='report_queue_idx'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_moderation, content_types_to_chat),
    ]
