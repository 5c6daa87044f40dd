import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.tokens import unsubscribe_token
from chat import services
from chat.delivery import email as unread_email
from chat.models import ConversationParticipant
from tests.factories import AdFactory, UserFactory


def away(user, minutes=30):
    account_services.user_touch_last_seen(user_id=user.pk, now=timezone.now() - timedelta(minutes=minutes))


def test_one_email_per_batch_listing_every_unread_conversation(seller, buyer, conversation, mailoutbox):
    other_buyer = UserFactory(display_name="Zoe")
    services.conversation_start(buyer=other_buyer, ad=conversation.ad, body="Still for sale?")
    services.message_send(conversation=conversation, sender=buyer, body="Hello again")
    away(seller)

    assert unread_email.notify_unread() == 1

    (email,) = mailoutbox
    assert email.to == [seller.email]
    assert email.subject == "3 unread messages in 2 conversations"
    assert conversation.ad_title in email.body and "Zoe" in email.body
    assert f"http://127.0.0.1:8000{conversation.get_absolute_url()}" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Never pay outside the marketplace" in email.body
    # The same messages are never emailed twice.
    assert unread_email.notify_unread() == 0
    assert len(mailoutbox) == 1
    # A new message starts a new batch.
    services.message_send(conversation=conversation, sender=buyer, body="Are you there?")
    assert unread_email.notify_unread() == 1
    assert len(mailoutbox) == 2


def test_nothing_is_sent_to_active_users_or_when_they_read_meanwhile(seller, buyer, conversation, mailoutbox):
    # Seen a minute ago: still around, no email.
    away(seller, minutes=1)
    assert unread_email.notify_unread() == 0
    # Away, but they read it (e.g. on another device before going away).
    away(seller)
    services.conversation_mark_read(
        conversation=conversation, user=seller, up_to_message_id=conversation.last_message_id
    )
    assert unread_email.notify_unread() == 0
    assert mailoutbox == []


def test_opting_out_on_the_profile_or_with_the_link(client, login, seller, buyer, conversation, mailoutbox):
    away(seller)
    token = unsubscribe_token(seller.pk)
    url = reverse("accounts:unsubscribe", args=[token])
    # GET only asks (link scanners must not unsubscribe anyone).
    page = client.get(url)
    assert page.status_code == 200 and "Stop these emails" in page.content.decode()
    seller.refresh_from_db()
    assert seller.email_unread_messages
    # RFC 8058 one-click POST: no session, no CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    seller.refresh_from_db()
    assert not seller.email_unread_messages
    assert unread_email.notify_unread() == 0
    assert client.post(reverse("accounts:unsubscribe", args=["forged:token"])).status_code == 404

    # Back on from the profile.
    login(seller).post(
        reverse("accounts:profile"),
        {"display_name": seller.display_name, "email_unread_messages": "on", "share_read_receipts": "on"},
    )
    seller.refresh_from_db()
    assert seller.email_unread_messages
    assert unread_email.notify_unread() == 0  # visiting the profile made them active again
    away(seller)
    assert unread_email.notify_unread() == 1


def test_existing_unread_messages_count_as_notified_after_the_migration(seller, conversation):
    # What migration 0009 does for rows that existed before the feature.
    ConversationParticipant.objects.update(notified_up_to_message_id=conversation.last_message_id)
    away(seller)
    assert unread_email.notify_unread() == 0


def test_the_command_runs_one_pass(seller, conversation, mailoutbox, capsys):
    away(seller)
    call_command("notify_unread")
    assert "sent 0 web push notification(s), 1 unread-messages email(s)" in capsys.readouterr().out
    assert len(mailoutbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_notifiers_at_once_send_one_email(monkeypatch):
    seller = UserFactory()
    ad = AdFactory(owner=seller)
    for _ in range(3):
        services.conversation_start(buyer=UserFactory(), ad=ad, body="Is it available?")
    away(seller)
    original_send = unread_email._send

    def slow_send(user, rows):
        time.sleep(0.3)  # hold the user's lock while the other notifier runs
        original_send(user, rows)

    monkeypatch.setattr(unread_email, "_send", slow_send)
    mail.outbox = []
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(unread_email.notify_unread())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1


def test_users_who_never_logged_in_or_have_no_usable_password_are_never_mailed(buyer, mailoutbox):
    never = UserFactory(last_login=None)
    no_password = UserFactory()
    no_password.set_unusable_password()
    no_password.save(update_fields=["password"])
    for seller in (never, no_password):
        services.conversation_start(buyer=buyer, ad=AdFactory(owner=seller), body="Hello")
        away(seller)
    assert unread_email.notify_unread() == 0
    assert mailoutbox == []


def test_the_longest_waiting_user_is_mailed_first(buyer, mailoutbox):
    sellers = [UserFactory(), UserFactory()]
    conversations = [
        services.conversation_start(buyer=buyer, ad=AdFactory(owner=s), body="Hi")[0] for s in sellers
    ]
    ConversationParticipant.objects.filter(conversation=conversations[1]).update(
        last_message_at=timezone.now() - timedelta(hours=5)
    )
    for seller in sellers:
        away(seller)
    assert unread_email.notify_unread(limit=1) == 1
    assert [email.to for email in mailoutbox] == [[sellers[1].email]]
