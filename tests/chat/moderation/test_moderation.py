from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserBlock
from accounts.services import user_make_moderator
from ads.models import Ad
from chat import services
from chat.models import Conversation
from chat.moderation import services as moderation
from chat.moderation.models import HeldMessage, ModerationAction, Report
from tests.conftest import HTMX, poll_params, poll_url
from tests.factories import AdFactory, UserFactory


@pytest.fixture
def moderator(db):
    return user_make_moderator(user=UserFactory(email="mod@example.com"))


@pytest.fixture
def scam_message(conversation, seller):
    return services.message_send(
        conversation=conversation, sender=seller, body="Pay the deposit by Western Union first"
    )


def report_url(conversation, message=None):
    url = reverse("moderation:report", args=[conversation.public_id])
    return f"{url}?message={message.id}" if message else url


# --- Reporting -------------------------------------------------------------------------------------


def test_buyer_reports_a_message_and_blocks_in_the_same_step(
    login, conversation, buyer, seller, scam_message
):
    client = login(buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert f'report/?message={scam_message.id}"' in page  # a Report link on the other person's message
    form = client.get(report_url(conversation, scam_message)).content.decode()
    assert "Pay the deposit by Western Union first" in form

    response = client.post(
        report_url(conversation, scam_message),
        {"reason": "scam", "details": "Asked for a deposit <before> meeting", "block": "on"},
    )

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reported_user, report.message) == (buyer, seller, scam_message)
    assert report.reason == "scam" and report.details == "Asked for a deposit <before> meeting"
    assert report.status == "open"
    assert UserBlock.objects.filter(blocker=buyer, blocked=seller).exists()


def test_a_report_without_a_reason_keeps_the_typed_details(login, conversation, buyer):
    response = login(buyer).post(report_url(conversation), {"details": "He keeps insulting me"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose why you are reporting this." in body
    assert "He keeps insulting me" in body
    assert not Report.objects.exists()


def test_strangers_and_own_messages_cannot_be_reported(login, conversation, buyer, stranger, scam_message):
    own = conversation.messages.filter(sender=buyer).first()
    assert login(stranger).get(report_url(conversation)).status_code == 404
    assert login(stranger).post(report_url(conversation), {"reason": "spam"}).status_code == 404
    assert login(buyer).get(report_url(conversation, own)).status_code == 404
    assert not Report.objects.exists()


def test_reports_per_day_are_rate_limited(login, conversation, buyer):
    client = login(buyer)
    for _ in range(10):
        assert client.post(report_url(conversation), {"reason": "spam"}).status_code == 302
    response = client.post(report_url(conversation), {"reason": "spam", "details": "again"})
    assert response.status_code == 429
    assert "again" in response.content.decode()
    assert Report.objects.count() == 10


# --- The case page and the actions -----------------------------------------------------------------


def test_case_page_shows_the_message_in_context_the_ad_and_the_users_history(
    client, moderator, conversation, buyer, seller, scam_message
):
    services.message_send(conversation=conversation, sender=buyer, body="Why would I do that?")
    report = moderation.report_create(
        reporter=buyer, conversation=conversation, reason="scam", message=scam_message
    )
    moderation.report_create(reporter=buyer, conversation=conversation, reason="spam")
    client.force_login(moderator)

    page = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()

    assert "Pay the deposit by Western Union first" in page
    assert "Why would I do that?" in page  # the context after the reported message
    assert 'class="is-reported"' in page
    assert conversation.ad_title in page
    assert "Reports against them</dt><dd>2 (2 open, 0 acted on)" in page
    assert "days old" in page
    assert "Remove this message" in page and "Suspend" in page


def test_case_page_shows_earlier_versions_and_deletions_that_participants_do_not_see(
    client, login, moderator, conversation, buyer, seller
):
    message = services.message_send(conversation=conversation, sender=seller, body="Pay by gift card")
    services.message_edit(message=message, editor=seller, body="Pay when you pick it up")
    deleted = services.message_send(conversation=conversation, sender=seller, body="Send the deposit to me")
    services.message_delete(message=deleted, user=seller)
    report = moderation.report_create(
        reporter=buyer, conversation=conversation, reason="scam", message=message
    )
    client.force_login(moderator)

    page = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()

    assert "Edited 1 time; earlier versions, oldest first:" in page
    assert '<div class="case-body">Pay by gift card</div>' in page
    assert "Pay when you pick it up" in page
    assert "Deleted for everyone by the sender" in page and "Send the deposit to me" in page
    buyer_page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert "Pay by gift card" not in buyer_page and "Send the deposit to me" not in buyer_page


def test_a_removal_reaches_the_open_page_by_the_poll(
    client, login, moderator, conversation, buyer, seller, scam_message, committed
):
    params = {**poll_params(conversation, buyer, scam_message.id), "change_seq": 0, "earliest": 0}
    with committed():
        moderation.message_remove(message=scam_message, moderator=moderator)

    body = login(buyer).get(poll_url(conversation), params, headers=HTMX).content.decode()

    assert f'id="message-{scam_message.id}"' in body and "Removed by a moderator" in body
    assert "Western Union" not in body


def test_removing_a_message_shows_a_placeholder_to_both_and_logs_it(
    client, login, moderator, conversation, buyer, seller, scam_message
):
    report = moderation.report_create(
        reporter=buyer, conversation=conversation, reason="scam", message=scam_message
    )
    client.force_login(moderator)
    url = reverse("admin:moderation_report_act", args=[report.pk])
    data = {"action": "remove_message", "message": scam_message.id, "note": "deposit scam"}
    # First the confirmation: what will happen, and nothing done yet.
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Remove this message for both participants?" in confirm.content.decode()
    assert 'name="confirmed" value="1"' in confirm.content.decode()
    assert not ModerationAction.objects.exists()
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302

    for user in (buyer, seller):
        page = login(user).get(conversation.get_absolute_url()).content.decode()
        assert "Removed by a moderator" in page
        assert "Western Union" not in page
    scam_message.refresh_from_db()
    assert scam_message.body == "Pay the deposit by Western Union first"  # evidence kept
    report.refresh_from_db()
    assert report.status == "actioned" and report.resolved_by == moderator
    action = ModerationAction.objects.get()
    assert (action.action, action.moderator, action.message, action.note) == (
        "remove_message",
        moderator,
        scam_message,
        "deposit scam",
    )
    assert action.created_at is not None


def test_dismiss_and_remove_ad_are_logged(client, moderator, conversation, buyer, ad):
    first = moderation.report_create(reporter=buyer, conversation=conversation, reason="other")
    second = moderation.report_create(reporter=buyer, conversation=conversation, reason="prohibited")
    client.force_login(moderator)
    client.post(reverse("admin:moderation_report_act", args=[first.pk]), {"action": "dismiss"})
    client.post(
        reverse("admin:moderation_report_act", args=[second.pk]), {"action": "remove_ad", "confirmed": "1"}
    )
    first.refresh_from_db()
    ad.refresh_from_db()
    conversation.refresh_from_db()
    assert first.status == "dismissed"
    assert ad.status == Ad.Status.REMOVED and conversation.ad_status == "removed"
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "dismiss_report",
        "remove_ad",
    ]


def test_a_report_about_a_buyer_does_not_offer_to_remove_the_reporters_ad(
    client, moderator, conversation, seller, ad
):
    report = moderation.report_create(reporter=seller, conversation=conversation, reason="harassment")
    client.force_login(moderator)
    case = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()
    assert 'value="remove_ad"' not in case
    assert 'value="suspend"' in case
    client.post(
        reverse("admin:moderation_report_act", args=[report.pk]), {"action": "remove_ad", "confirmed": "1"}
    )
    ad.refresh_from_db()
    assert ad.status == Ad.Status.ACTIVE
    # Only the case page's logged read.
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["view_conversation"]


def test_suspension_ends_sessions_hides_ads_and_can_be_lifted(
    client, login, moderator, conversation, buyer, seller, ad
):
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="scam")
    seller_client = Client()
    seller_client.force_login(seller)
    assert seller_client.get(reverse("chat:list")).status_code == 200

    client.force_login(moderator)
    client.post(
        reverse("admin:moderation_report_act", args=[report.pk]), {"action": "suspend", "confirmed": "1"}
    )

    seller.refresh_from_db()
    assert not seller.is_active and seller.suspended_at is not None
    # The seller's existing session no longer authenticates.
    assert seller_client.get(reverse("chat:list")).status_code == 302
    # Their ads are gone from the site for everyone else.
    buyer_client = Client()
    buyer_client.force_login(buyer)
    assert ad.public_id not in buyer_client.get(reverse("ads:list")).content.decode()
    assert buyer_client.get(ad.get_absolute_url()).status_code == 404
    # Their messages stay as evidence.
    assert conversation.messages.filter(sender=buyer).exists()

    client.post(reverse("admin:moderation_report_act", args=[report.pk]), {"action": "unsuspend"})
    seller.refresh_from_db()
    assert seller.is_active and seller.suspended_at is None
    assert buyer_client.get(ad.get_absolute_url()).status_code == 200
    assert list(ModerationAction.objects.order_by("id").values_list("action", "target_user")) == [
        ("suspend_user", seller.pk),
        ("unsuspend_user", seller.pk),
    ]


def test_only_moderators_act(client, login, conversation, buyer, seller, scam_message):
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="scam")
    response = login(seller).post(
        reverse("admin:moderation_report_act", args=[report.pk]), {"action": "dismiss"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff_without_permission = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        moderation.report_dismiss(report=report, moderator=staff_without_permission)
    report.refresh_from_db()
    assert report.status == "open"
    assert not ModerationAction.objects.exists()


def test_the_audit_log_is_read_only(client, moderator, conversation, buyer):
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="spam")
    moderation.report_dismiss(report=report, moderator=moderator)
    action = ModerationAction.objects.get()
    client.force_login(moderator)
    assert client.get(reverse("admin:moderation_moderationaction_changelist")).status_code == 200
    assert (
        client.post(
            reverse("admin:moderation_moderationaction_delete", args=[action.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ModerationAction.objects.filter(pk=action.pk).exists()


# --- The same text to many sellers ------------------------------------------------------------------


def test_the_same_first_message_to_a_fourth_seller_is_held_then_released(client, login, moderator):
    spammer = UserFactory(date_joined=timezone.now() - timedelta(days=30))  # past the new-account limit
    ads = [AdFactory() for _ in range(4)]
    spammer_client = login(spammer)
    text = "Hello, I am interested, contact me on whatsapp +1 415 555 2671"
    for ad in ads[:3]:
        assert (
            spammer_client.post(reverse("chat:start", args=[ad.public_id]), {"body": text}).status_code == 302
        )
    response = spammer_client.post(
        reverse("chat:start", args=[ads[3].public_id]), {"body": text}, follow=True
    )

    assert "waiting for a moderator" in response.content.decode()
    assert not Conversation.objects.filter(ad=ads[3]).exists()
    held = HeldMessage.objects.get()
    assert (held.sender, held.ad, held.body, held.status) == (spammer, ads[3], text, "held")

    client.force_login(moderator)
    client.post(
        reverse("admin:moderation_heldmessage_changelist"),
        {"action": "release", "_selected_action": [held.pk]},
    )
    held.refresh_from_db()
    assert held.status == "released" and held.reviewed_by == moderator
    delivered = Conversation.objects.get(ad=ads[3])
    assert delivered.messages.get().body == text
    assert ModerationAction.objects.get().action == "release_held"


def test_a_rejected_held_message_is_never_delivered(moderator, buyer):
    ad = AdFactory()
    held = moderation.held_message_create(sender=buyer, ad=ad, body="Buy followers cheap")
    moderation.held_message_reject(held=held, moderator=moderator)
    assert not Conversation.objects.filter(ad=ad).exists()
    with pytest.raises(Exception):  # noqa: B017 - already reviewed
        moderation.held_message_release(held=held, moderator=moderator)
    assert not Conversation.objects.filter(ad=ad).exists()


def test_a_suspended_user_is_told_why_they_cannot_log_in(client, moderator, seller):
    from tests.factories import TEST_PASSWORD

    moderation.user_suspend(user=seller, moderator=moderator)
    wrong = client.post(reverse("accounts:login"), {"username": seller.email, "password": "nope"})
    assert "suspended" not in wrong.content.decode()  # the wrong password reveals nothing
    right = client.post(
        reverse("accounts:login"), {"username": seller.email.upper(), "password": TEST_PASSWORD}
    )
    assert right.status_code == 200
    assert "This account is suspended" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_malformed_ids_in_the_moderation_admin_answer_404(client, moderator, conversation, buyer):
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="spam")
    client.force_login(moderator)
    assert client.get(f"/admin/moderation/report/{'9' * 30}/change/").status_code == 404
    response = client.post(
        reverse("admin:moderation_report_act", args=[report.pk]), {"action": "remove_message", "message": "x"}
    )
    assert response.status_code == 404
