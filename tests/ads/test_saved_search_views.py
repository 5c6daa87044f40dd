"""Saved searches' pages: "Save this search" on the list, the Saved searches page (rename, channel,
delete, open with "N new"), owner only, POST with CSRF, without JavaScript."""

import pytest
from django.test import Client
from django.urls import reverse

from ads import saved_searches, services
from ads import search_alerts as alerts
from ads.models import Category, SavedSearch
from tests.ads.test_saved_searches import later
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_offers_to_save_its_filters_and_saving_goes_to_the_page(login, buyer):
    client = login(buyer)
    body = client.get(reverse("ads:list"), {"q": "sofa", "area": "oakland", "after": "x"}).content.decode()
    assert 'name="query" value="q=sofa&amp;area=oakland"' in body
    assert 'value="sofa · Oakland"' in body
    htmx = client.get(reverse("ads:list"), {"q": "lamp"}, headers={"HX-Request": "true"}).content.decode()
    assert 'name="query" value="q=lamp"' in htmx  # refreshed with the live results

    response = client.post(
        reverse("ads:saved_search_create"), {"query": "q=sofa&area=oakland", "name": "", "channel": "daily"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("ads:saved_searches")
    saved = SavedSearch.objects.get(user=buyer)
    assert (saved.name, saved.channel) == ("sofa · Oakland", "daily")
    page = client.get(reverse("ads:saved_searches")).content.decode()
    assert "sofa · Oakland" in page and "Saved “sofa · Oakland”" in page


def test_a_refusal_goes_back_to_the_list_with_the_reason(login, buyer):
    client = login(buyer)
    saved_searches.saved_search_create(user=buyer, query="q=sofa", name="Sofas")
    response = client.post(reverse("ads:saved_search_create"), {"query": "q=sofa"}, follow=True)
    assert response.redirect_chain[-1][0] == "/?q=sofa"
    assert "This search is already saved as “Sofas”." in response.content.decode()


def test_anonymous_visitors_are_asked_to_log_in(client):
    body = client.get(reverse("ads:list"), {"q": "sofa"}).content.decode()
    assert "Log in to save this search" in body and 'name="query"' not in body
    assert client.get(reverse("ads:saved_searches")).status_code == 302
    assert client.post(reverse("ads:saved_search_create"), {"query": "q=sofa"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_rename_change_channel_and_delete(login, buyer):
    client = login(buyer)
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa", name="Sofas")
    prefix = saved.public_id
    client.post(
        reverse("ads:saved_search_update", args=[prefix]),
        {f"{prefix}-name": "Couches", f"{prefix}-channel": "off"},
    )
    saved.refresh_from_db()
    assert (saved.name, saved.channel) == ("Couches", "off")
    client.post(
        reverse("ads:saved_search_update", args=[prefix]), {f"{prefix}-name": " ", f"{prefix}-channel": "off"}
    )
    page = client.get(reverse("ads:saved_searches")).content.decode()
    assert "Give the search a name." in page
    client.post(reverse("ads:saved_search_delete", args=[prefix]))
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("action", ["saved_search_update", "saved_search_delete", "saved_search_open"])
def test_another_users_search_is_404_and_unchanged(login, buyer, action):
    saved = saved_searches.saved_search_create(user=UserFactory(), query="q=sofa", name="Theirs")
    response = login(buyer).post(
        reverse(f"ads:{action}", args=[saved.public_id]), {f"{saved.public_id}-name": "Mine"}
    )
    assert response.status_code == 404
    assert SavedSearch.objects.get().name == "Theirs"


def test_changes_need_a_csrf_token_and_gets_are_refused(buyer):
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa")
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    assert client.post(reverse("ads:saved_search_delete", args=[saved.public_id])).status_code == 403
    assert client.post(reverse("ads:saved_search_create"), {"query": "q=lamp"}).status_code == 403
    assert client.get(reverse("ads:saved_search_delete", args=[saved.public_id])).status_code == 405
    assert SavedSearch.objects.count() == 1


def test_the_page_shows_n_new_until_the_search_is_opened(login, buyer, seller):
    client = login(buyer)
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa", name="Sofas")
    furniture = Category.objects.get(slug="furniture")
    services.ad_create(owner=seller, category=furniture, title="Walnut sofa")
    services.ad_create(owner=seller, category=furniture, title="Green sofa")
    alerts.match_pass(now=later())
    assert "2 new" in client.get(reverse("ads:saved_searches")).content.decode()

    response = client.post(reverse("ads:saved_search_open", args=[saved.public_id]))
    assert response["Location"] == "/?q=sofa&sort=newest"
    assert "2 new" not in client.get(reverse("ads:saved_searches")).content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_costs_the_same_queries_for_1_and_20_searches(
    login, buyer, count, django_assert_num_queries
):
    client = login(buyer)
    for n in range(count):
        saved_searches.saved_search_create(user=buyer, query=f"q=thing{n}&category=furniture")
    # The session, the user, the chat badge, the notification bell (cold cache), the last-seen mark; the
    # searches with their "N new" counts, the categories (their filters in words).
    with django_assert_num_queries(7):
        response = client.get(reverse("ads:saved_searches"))
    assert len(response.context["rows"]) == count


def test_the_page_reads_in_russian(login, buyer):
    client = login(buyer)
    saved_searches.saved_search_create(user=buyer, query="q=sofa")
    body = client.get(reverse("ads:saved_searches"), headers={"Accept-Language": "ru"}).content.decode()
    assert "Сохранённые поиски" in body and "Показать объявления" in body
