"""The centre's pages: the list (keyset, constant queries), opening an item (POST, marks read, 404 for
others), mark all read, the bell (cached count) and the settings grid."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from notifications import live, services
from notifications.models import Notification, NotificationSetting

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:centre")


def _notify(user, count=1):
    for i in range(count):
        services.notify(user, "review_prompt", params={"name": "Sam", "title": f"Sofa {i}"}, url="/ads/x/")


def test_the_centre_lists_newest_first_and_pages_by_keyset(login, buyer, settings):
    _notify(buyer, 25)
    client = login(buyer)
    first = client.get(CENTRE)
    assert first.status_code == 200
    texts = [n.text for n in first.context["notifications"]]
    assert len(texts) == 20 and "Sofa 24" in texts[0]
    older = client.get(CENTRE, {"before": first.context["next_cursor"]})
    assert ["Sofa 4" in n.text for n in older.context["notifications"]][0]
    assert len(older.context["notifications"]) == 5 and older.context["next_cursor"] is None
    assert client.get(CENTRE, {"before": "x"}).status_code == 200  # a bad cursor: the first page


@pytest.mark.parametrize("rows", [1, 50])
def test_the_centre_costs_the_same_queries_for_1_and_50_rows(login, buyer, rows, django_assert_num_queries):
    _notify(buyer, rows)
    client = login(buyer)
    client.get(CENTRE)  # warms the bell's cached count
    # session, user, last-seen gate read nothing (cache), the page (1), the chat badge (1); the bell's
    # count comes from the cache.
    with django_assert_num_queries(4):
        response = client.get(CENTRE)
    assert response.status_code == 200


def test_a_page_with_the_bell_adds_one_query_cold_and_none_warm(login, buyer, django_assert_num_queries):
    _notify(buyer, 3)
    client = login(buyer)
    favourites = reverse("ads:favourites")
    client.get(favourites)
    with django_assert_num_queries(4) as warm:  # session, user, favourites page, chat badge
        response = client.get(favourites)
    assert not any("notifications_notification" in q["sql"] for q in warm.captured_queries)
    assert 'data-count="3"' in response.content.decode()
    cache.delete(live.count_key(buyer.pk))  # as after a write
    with django_assert_num_queries(5) as cold:  # the same and the bell's one indexed count
        client.get(favourites)
    assert sum("notifications_notification" in q["sql"] for q in cold.captured_queries) == 1


def test_opening_marks_read_and_goes_where_it_happened(login, buyer):
    _notify(buyer)
    row = Notification.objects.get()
    client = login(buyer)
    response = client.post(reverse("notifications:open", args=[row.public_id]))
    assert response.status_code == 302 and response["Location"] == "/ads/x/"
    row.refresh_from_db()
    assert row.read_at is not None
    assert 'data-count="0"' in client.get(reverse("notifications:bell")).content.decode()


def test_someone_elses_notification_is_404_and_stays_unread(login, buyer, stranger):
    _notify(buyer)
    row = Notification.objects.get()
    response = login(stranger).post(reverse("notifications:open", args=[row.public_id]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_opening_is_post_only_and_needs_the_csrf_token(buyer):
    _notify(buyer)
    row = Notification.objects.get()
    url = reverse("notifications:open", args=[row.public_id])
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403
    assert Notification.objects.get().read_at is None


def test_mark_all_read(login, buyer, stranger):
    _notify(buyer, 2)
    _notify(stranger)
    response = login(buyer).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).get().user == stranger


def test_the_centre_needs_a_login(client):
    assert client.get(CENTRE).status_code == 302


def test_the_settings_grid_stores_every_kind(login, buyer):
    client = login(buyer)
    page = client.get(reverse("notifications:settings"))
    assert "Price drops of favourites" in page.content.decode()
    response = client.post(reverse("notifications:settings"), {"favourite_price_drop__centre": "on"})
    assert response.status_code == 302
    choice = NotificationSetting.objects.get(user=buyer, kind="favourite_price_drop")
    assert (choice.centre, choice.email, choice.push) == (True, False, False)
    assert NotificationSetting.objects.get(user=buyer, kind="review_prompt").centre is False


def test_the_centre_renders_in_russian(buyer):
    _notify(buyer)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(buyer)
    body = client.get(CENTRE).content.decode()
    assert "Уведомления" in body and "Как прошла сделка «Sofa 0»?" in body
