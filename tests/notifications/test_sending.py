"""The centre's live hint and the notifier's Web Push and email passes (notifications.live, .sending)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import PushSubscription
from marketplace import pushpin
from marketplace import web_push as web_push_transport
from notifications import sending, services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _away(user):
    user.last_login = user.last_seen_at = timezone.now() - timedelta(hours=2)
    user.save()


def test_notify_hints_the_users_stream_after_the_commit(buyer, committed, monkeypatch):
    published = []
    monkeypatch.setattr(pushpin, "publish", lambda channel, events: published.append((channel, events)))
    with committed():
        services.notify(buyer, "deal_sold", params={"title": "Sofa"}, url="/c/")
        assert published == []  # not before the commit
    assert published == [(pushpin.user_channel(buyer.pk), [("notifications", "{}")])]


def test_an_away_user_gets_one_email_in_their_language_for_what_is_unread(buyer):
    buyer.language = "ru"
    _away(buyer)
    services.notify(buyer, "deal_sold", params={"title": "Диван"}, url="/c/")  # email on by default
    services.notify(buyer, "deal_reserved", params={"title": "Стол"}, url="/c/")
    services.notification_mark_read(notification=Notification.objects.get(kind="deal_reserved"))
    services.notify(buyer, "favourite_sold", params={"title": "Стул"}, url="/c/")  # email off by default
    assert sending.email_due_send() == 1
    assert sending.email_due_send() == 0  # covered once
    (email,) = mail.outbox
    assert email.subject == "1 новое уведомление"
    assert "«Диван» продано вам" in email.body and "Стол" not in email.body and "Стул" not in email.body
    assert not Notification.objects.filter(email_due=True).exists()


def test_a_present_user_gets_no_email(buyer):
    buyer.last_login = buyer.last_seen_at = timezone.now()
    buyer.save()
    services.notify(buyer, "deal_sold", params={"title": "Sofa"}, url="/c/")
    assert sending.email_due_send() == 0


def test_web_push_goes_to_each_device_once_and_drops_gone_ones(buyer, monkeypatch):
    monkeypatch.setattr(web_push_transport, "configured", lambda: True)
    sent = []

    def send(*, endpoint, p256dh, auth, payload):
        sent.append((endpoint, payload))
        return 410 if endpoint.endswith("gone") else 201

    monkeypatch.setattr(web_push_transport, "send", send)
    for name in ("ok", "gone"):
        PushSubscription.objects.create(
            user=buyer, endpoint=f"https://push.example/{name}", p256dh="k", auth="a"
        )
    services.notify(
        buyer, "favourite_price_drop", params={"title": "Sofa", "price": "1", "previous": "2"}, url="/a/"
    )
    assert sending.push_due_send() == 1
    assert sending.push_due_send() == 0
    assert len(sent) == 2 and sent[0][1]["body"].startswith("Price drop: “Sofa”")
    assert sent[0][1]["url"].endswith("/a/")
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == ["https://push.example/ok"]
