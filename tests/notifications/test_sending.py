"""The centre's live hint and the notifier's Web Push and email passes (notifications.live, .sending)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import PushSubscription
from marketplace import pushpin
from marketplace import web_push as web_push_transport
from notifications import selectors, sending, services
from notifications.models import Notification, NotificationSetting

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


def _unsubscribe_path(email) -> str:
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in email.body  # the same link for people, in the text
    return url.removeprefix(settings.MARKETPLACE_SITE_URL.rstrip("/"))


def test_the_email_unsubscribes_in_one_click_from_every_kind_but_keeps_the_centre(buyer, client):
    _away(buyer)
    services.notification_settings_set(user=buyer, choices={"favourite_sold": (True, True, True)})
    services.notify(buyer, "deal_sold", params={"title": "Sofa"}, url="/c/")  # email on by default
    assert sending.email_due_send() == 1
    path = _unsubscribe_path(mail.outbox[0])
    services.notify(buyer, "deal_reserved", params={"title": "Table"}, url="/c/")  # due, not sent yet

    page = client.get(path)  # a link scanner: nothing changes
    assert page.status_code == 200 and b"Stop these emails" in page.content
    assert Notification.objects.filter(email_due=True).count() == 1

    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200  # no CSRF token
    channels = {row["kind"]: row for row in selectors.settings_for_user(user=buyer)}
    assert not any(row["email"] for row in channels.values())
    assert channels["favourite_sold"]["centre"] and channels["favourite_sold"]["push"]  # kept
    assert sending.email_due_send() == 0  # the one due before the click does not go
    services.notify(buyer, "deal_sold", params={"title": "Chair"}, url="/c/")
    assert sending.email_due_send() == 0 and len(mail.outbox) == 1
    assert Notification.objects.filter(user=buyer, read_at__isnull=True).count() == 3  # all in the centre
    assert client.post(path).status_code == 200  # a repeat is still "done"


def test_after_the_unsubscribe_a_kind_added_later_is_not_emailed_until_email_is_chosen_again(buyer, client):
    _away(buyer)
    services.notify(buyer, "deal_sold", params={"title": "Sofa"}, url="/c/")
    sending.email_due_send()
    assert client.post(_unsubscribe_path(mail.outbox[0])).status_code == 200
    # A kind with no stored choice, as one added to notifications.kinds after the click would be.
    NotificationSetting.objects.filter(user=buyer, kind="deal_sold").delete()
    buyer.refresh_from_db()
    assert not {row["kind"]: row for row in selectors.settings_for_user(user=buyer)}["deal_sold"]["email"]
    services.notify(buyer, "deal_sold", params={"title": "Chair"}, url="/c/")
    assert not Notification.objects.filter(email_due=True).exists()  # notify made no email due
    assert sending.email_due_send() == 0 and len(mail.outbox) == 1
    services.notification_settings_set(user=buyer, choices={"deal_reserved": (True, True, True)})
    services.notify(buyer, "deal_reserved", params={"title": "Table"}, url="/c/")
    assert sending.email_due_send() == 1 and len(mail.outbox) == 2  # chosen again


def test_a_forged_unsubscribe_link_is_404(client):
    assert client.post("/notifications/unsubscribe/forged/").status_code == 404
    assert client.get("/notifications/unsubscribe/forged/").status_code == 404


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
