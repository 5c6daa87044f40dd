"""API of the notification centre: list (keyset), unread count, mark read (404 for others), read all,
per-kind settings."""

import pytest

from notifications import services
from notifications.models import Notification, NotificationSetting

pytestmark = pytest.mark.django_db


def _notify(user, count=1):
    for i in range(count):
        services.notify(
            user,
            "favourite_price_drop",
            params={"title": f"Sofa {i}", "price": "400", "previous": "450"},
            url="/a/",
        )


def test_list_pages_by_keyset_and_renders_the_text(token_client, buyer, django_assert_num_queries):
    _notify(buyer, 21)
    client = token_client(buyer)
    client.get("/api/v1/notifications/unread-count/")  # last seen written
    # the token (knox reads it twice), the page (1): the same for 1 row or 20
    with django_assert_num_queries(3):
        first = client.get("/api/v1/notifications/").json()
    assert len(first["results"]) == 20
    assert first["results"][0]["text"] == "Price drop: “Sofa 20” now costs $400 (was $450)"
    assert first["results"][0]["kind"] == "favourite_price_drop"
    rest = client.get("/api/v1/notifications/", {"before": first["next_before"]}).json()
    assert [r["params"]["title"] for r in rest["results"]] == ["Sofa 0"] and rest["next_before"] is None
    assert client.get("/api/v1/notifications/", {"before": "x"}).status_code == 400
    russian = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert russian["results"][0]["text"].startswith("Снижение цены")


def test_unread_count_mark_one_and_all(token_client, buyer, stranger, committed):
    _notify(buyer, 2)
    client = token_client(buyer)
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    row = Notification.objects.filter(user=buyer).first()
    assert token_client(stranger).post(f"/api/v1/notifications/{row.public_id}/read/").status_code == 404
    with committed():  # the cached count is dropped on commit
        answer = client.post(f"/api/v1/notifications/{row.public_id}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    with committed():
        assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_settings_read_and_change(token_client, buyer):
    client = token_client(buyer)
    kinds = {row["kind"]: row for row in client.get("/api/v1/notifications/settings/").json()}
    assert kinds["saved_search_match"]["centre"] is True
    answer = client.patch(
        "/api/v1/notifications/settings/",
        {"kinds": [{"kind": "saved_search_match", "centre": False, "email": True, "push": False}]},
        format="json",
    )
    assert answer.status_code == 200
    stored = NotificationSetting.objects.get(user=buyer)
    assert (stored.kind, stored.centre, stored.email, stored.push) == (
        "saved_search_match",
        False,
        True,
        False,
    )
    bad = client.patch(
        "/api/v1/notifications/settings/",
        {"kinds": [{"kind": "nope", "centre": False, "email": True, "push": False}]},
        format="json",
    )
    assert bad.status_code == 400


def test_anonymous_is_refused(api):
    assert api.get("/api/v1/notifications/").status_code == 401
