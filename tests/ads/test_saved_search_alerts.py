"""Saved-search announcements: instant Web Push (to a push service on loopback, decrypted as the browser
would), the daily digest (one email per user per day, RFC 8058 one-click unsubscribe without a login),
and two notifiers at once never announcing an ad twice."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from ads import digest, saved_searches, services
from ads import search_alerts as alerts
from ads.models import Category, SavedSearch, SavedSearchMatch
from tests.ads.test_saved_searches import later
from tests.chat.test_delivery_web_push import Device, PushService, push_service  # noqa: F401 - fixture
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def furniture():
    return Category.objects.get(slug="furniture")


def test_an_instant_search_pushes_the_new_ads_in_the_users_language(push_service, buyer, seller):  # noqa: F811
    buyer.language = "ru"
    buyer.save(update_fields=["language"])
    device = Device(buyer, f"{push_service}/push/buyer-phone")
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa", name="Диваны")
    first = services.ad_create(owner=seller, category=furniture(), title="Walnut sofa")
    services.ad_create(owner=seller, category=furniture(), title="Green sofa")
    ids = alerts.match_saved_searches(saved_search_ids=[saved.pk], horizon=later())[saved.pk]

    assert alerts.announce_matches(SavedSearch.objects.get(), ids) == 1
    (request,) = PushService.received
    payload = device.decrypt(request["body"])
    assert payload["title"] == "Новое по запросу «Диваны»"
    assert payload["body"] == "2 новых объявления, последнее: Green sofa"
    assert payload["url"] == "http://127.0.0.1:8000/?q=sofa&sort=newest"
    assert payload["tag"] == f"saved-search-{saved.public_id}"
    assert first.pk in ids


def test_an_instant_match_lands_in_the_notification_centre_once(push_service, buyer, seller):  # noqa: F811
    """The centre gets one item per announcement (its own push for the kind is off: the search pushed)."""
    from notifications.models import Notification

    Device(buyer, f"{push_service}/push/buyer-phone")
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa", name="Sofas")
    services.ad_create(owner=seller, category=furniture(), title="Walnut sofa")
    ids = alerts.match_saved_searches(saved_search_ids=[saved.pk], horizon=later())[saved.pk]
    alerts.announce_matches(saved, ids)
    alerts.announce_matches(saved, ids)  # a retried announcement adds nothing (dedupe key)

    (item,) = Notification.objects.filter(user=buyer)
    assert (item.kind, item.params["count"], item.push_due) == ("saved_search_match", 1, False)
    assert item.url == alerts.saved_search_path(saved) == "/?q=sofa&sort=newest"


@pytest.mark.parametrize("channel", [SavedSearch.Channel.DAILY, SavedSearch.Channel.OFF])
def test_daily_and_off_searches_push_nothing(push_service, buyer, seller, channel):  # noqa: F811
    Device(buyer, f"{push_service}/push/buyer-phone")
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa", channel=channel)
    services.ad_create(owner=seller, category=furniture(), title="Walnut sofa")
    ids = alerts.match_saved_searches(saved_search_ids=[saved.pk], horizon=later())[saved.pk]
    assert alerts.announce_matches(saved, ids) == 0 and PushService.received == []
    assert len(ids) == 1  # still counted as new on the Saved searches page


def _daily(user, seller, query="q=sofa", titles=("Walnut sofa",)):
    saved = saved_searches.saved_search_create(user=user, query=query, channel=SavedSearch.Channel.DAILY)
    for title in titles:
        services.ad_create(owner=seller, category=furniture(), title=title)
    alerts.match_saved_searches(saved_search_ids=[saved.pk], horizon=later())
    return saved


def test_the_digest_lists_each_searchs_new_ads_once_a_day(buyer, seller):
    _daily(buyer, seller, titles=("Walnut sofa", "Green sofa"))
    _daily(buyer, seller, query="q=lamp", titles=("Brass lamp",))

    assert digest.digest_pass() == 1
    (email,) = mail.outbox
    assert email.to == [buyer.email] and email.subject == "3 new ads for your saved searches"
    assert "Walnut sofa" in email.body and "Green sofa" in email.body and "Brass lamp" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/searches/unsubscribe/")
    assert not SavedSearchMatch.objects.filter(emailed_at__isnull=True).exists()

    _daily(buyer, seller, query="q=desk", titles=("Oak desk",))
    assert digest.digest_pass() == 0  # one a day
    assert digest.digest_pass(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert "Oak desk" in mail.outbox[1].body and "Walnut sofa" not in mail.outbox[1].body


def test_the_digest_is_in_the_users_language(buyer, seller):
    buyer.language = "ru"
    buyer.save(update_fields=["language"])
    _daily(buyer, seller)
    digest.digest_pass()
    assert mail.outbox[0].subject == "1 новое объявление по вашим сохранённым поискам"


def _unsubscribe_path(email) -> str:
    return email.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")


def test_one_click_unsubscribe_needs_no_login_and_get_only_asks(client, buyer, seller):
    saved = _daily(buyer, seller)
    other = saved_searches.saved_search_create(
        user=buyer, query="q=lamp", channel=SavedSearch.Channel.INSTANT
    )
    digest.digest_pass()
    path = _unsubscribe_path(mail.outbox[0])

    page = client.get(path)
    assert page.status_code == 200 and b"Stop these emails" in page.content
    assert SavedSearch.objects.get(pk=saved.pk).channel == SavedSearch.Channel.DAILY  # a GET changes nothing

    # A mail client's RFC 8058 POST, without cookies or a CSRF token.
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert SavedSearch.objects.get(pk=saved.pk).channel == SavedSearch.Channel.OFF
    assert SavedSearch.objects.get(pk=other.pk).channel == SavedSearch.Channel.INSTANT


def test_the_per_search_link_stops_that_search_only_and_forged_links_are_404(client, buyer, seller):
    first = _daily(buyer, seller)
    second = _daily(buyer, seller, query="q=lamp", titles=("Brass lamp",))
    token = digest.unsubscribe_token(user_id=buyer.pk, saved_search_public_id=first.public_id)
    path = reverse("ads:saved_search_unsubscribe", args=[token])
    assert "Walnut" not in client.get(path).content.decode()
    assert first.name in client.get(path).content.decode()
    client.post(path)
    assert SavedSearch.objects.get(pk=first.pk).channel == SavedSearch.Channel.OFF
    assert SavedSearch.objects.get(pk=second.pk).channel == SavedSearch.Channel.DAILY
    assert client.get(reverse("ads:saved_search_unsubscribe", args=[token + "x"])).status_code == 404
    assert client.post(reverse("ads:saved_search_unsubscribe", args=["nonsense"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_notifiers_at_once_announce_each_ad_once(monkeypatch):
    # The factory, not the data migration's row: an earlier transactional test may have flushed it.
    seller, furniture_category = UserFactory(), CategoryFactory()
    searches = [saved_searches.saved_search_create(user=UserFactory(), query="q=sofa") for _ in range(20)]
    services.ad_create(owner=seller, category=furniture_category, title="Walnut sofa")
    announced = []
    monkeypatch.setattr(
        alerts, "announce_matches", lambda search, ids: announced.append((search.pk, tuple(ids)))
    )
    barrier = threading.Barrier(2)
    now = later()

    def notifier():
        try:
            barrier.wait()
            alerts.match_pass(now=now)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=notifier) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(pk for pk, _ids in announced) == sorted(search.pk for search in searches)
    assert SavedSearchMatch.objects.count() == 20
    assert alerts.match_pass(now=now + timedelta(seconds=5)).matches == 0
