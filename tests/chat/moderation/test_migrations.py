"""The moderation models move from the chat app to chat.moderation with their tables and data."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_MOVE = ("chat", "0010_message_photos")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _reseed_after_a_flush(apps):
    """Put back what data migrations seeded (a category, the Moderators group and its grants) when an
    earlier transactional test's flush removed it; the migrations already ran, so they will not again."""
    Category = apps.get_model("ads", "Category")
    if not Category.objects.exists():
        Category.objects.create(name="Furniture", slug="furniture")
    if not apps.get_model("auth", "Group").objects.filter(name="Moderators").exists():
        for module, function in (
            ("accounts.migrations.0002_moderators_group", "create_group"),
            ("accounts.migrations.0004_moderators_view_offers", "add_permission"),
            ("chat.migrations.0008_moderator_permissions", "update_group"),
        ):
            getattr(import_module(module), function)(apps, None)


@pytest.mark.django_db(transaction=True)
def test_reports_held_messages_and_the_log_survive_the_move_to_the_moderation_app():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    # Every other app at its latest state; chat before the move, moderation not yet there.
    old = _migrate([node for node in latest if node[0] not in ("chat", "moderation")] + [BEFORE_MOVE])
    User = old.get_model("accounts", "User")
    reporter = User.objects.create(email="r@example.com", display_name="R", password="!")
    reported = User.objects.create(email="s@example.com", display_name="S", password="!")
    moderator = User.objects.create(email="m@example.com", display_name="M", password="!", is_staff=True)
    _reseed_after_a_flush(old)
    category = old.get_model("ads", "Category").objects.first()
    ad = old.get_model("ads", "Ad").objects.create(
        owner=reported, category=category, title="Sofa", public_id="ad1", updated_at=timezone.now()
    )
    conversation = old.get_model("chat", "Conversation").objects.create(
        public_id="c1",
        ad=ad,
        buyer=reporter,
        seller=reported,
        ad_entity_type="x",
        ad_public_id="ad1",
        ad_title="Sofa",
        ad_link="/ads/ad1/",
    )
    message = old.get_model("chat", "Message").objects.create(
        conversation=conversation, sender=reported, body="Pay by gift card"
    )
    participant = old.get_model("chat", "ConversationParticipant").objects.create(
        conversation=conversation, user=reporter, role="buyer", history_cleared_up_to=message
    )
    report = old.get_model("chat", "Report").objects.create(
        reporter=reporter, reported_user=reported, conversation=conversation, message=message, reason="scam"
    )
    held = old.get_model("chat", "HeldMessage").objects.create(sender=reporter, ad=ad, body="Same text")
    old.get_model("chat", "ModerationAction").objects.create(
        moderator=moderator, action="dismiss_report", report=report, held_message=held
    )

    new = _migrate(latest)

    Report = new.get_model("moderation", "Report")
    moved = Report.objects.get(pk=report.pk)
    assert (moved.reporter_id, moved.message_id, moved.reason) == (reporter.pk, message.pk, "scam")
    assert new.get_model("moderation", "HeldMessage").objects.get(pk=held.pk).body == "Same text"
    logged = new.get_model("moderation", "ModerationAction").objects.get()
    assert (logged.report_id, logged.held_message_id) == (report.pk, held.pk)
    # The renamed pointer kept its value.
    assert new.get_model("chat", "ConversationParticipant").objects.get(
        pk=participant.pk
    ).hidden_up_to_id == (message.pk)
    # Permissions moved with the content types, so the Moderators group still holds them.
    ContentType = new.get_model("contenttypes", "ContentType")
    assert not ContentType.objects.filter(app_label="chat", model="report").exists()
    group = new.get_model("auth", "Group").objects.get(name="Moderators")
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert {("moderation", "change_report"), ("moderation", "view_moderationaction")} <= granted
