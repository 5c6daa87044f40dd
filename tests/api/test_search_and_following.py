"""The API's ad search (the site's filters, sorts and cursor pages, parsed by the site's form), favourites
and saved searches."""

from decimal import Decimal

import pytest

from ads import saved_searches, services
from ads.models import Category, Favourite, SavedSearch
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_search_takes_the_sites_filters_and_sort_with_cursor_pages(api, settings, seller):
    settings.MARKETPLACE_ADS_PAGE_SIZE = 2
    furniture = Category.objects.get(slug="furniture")
    for price in (300, 100, 200, 900):
        AdFactory(owner=seller, title="Walnut sofa", category=furniture, price=Decimal(price), area="oakland")
    AdFactory(owner=seller, title="Walnut sofa", category=furniture, price=Decimal(150), area="berkeley")
    params = {
        "q": "sofa",
        "category": "furniture",
        "area": "oakland",
        "price_max": "500",
        "sort": "price_asc",
    }
    first = api.get("/api/v1/ads/", params).json()
    assert [ad["price"] for ad in first["results"]] == ["100.00", "200.00"]
    assert first["results"][0]["area"] == "oakland" and first["results"][0]["is_favourite"] is False
    second = api.get("/api/v1/ads/", {**params, "after": first["next_cursor"]}).json()
    assert [ad["price"] for ad in second["results"]] == ["300.00"] and second["next_cursor"] is None


@pytest.mark.parametrize(
    "params, field",
    [
        ({"area": "mars"}, "area"),
        ({"price_min": "cheap"}, "price_min"),
        ({"posted": "2"}, "posted"),
        ({"photos": "yes"}, "photos"),
        ({"q": ""}, "q"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_it(api, params, field):
    response = api.get("/api/v1/ads/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_the_search_query_budget_does_not_grow_with_ads(api, token_client, buyer, django_assert_num_queries):
    AdFactory.create_batch(5, title="Oak desk")
    client = token_client(buyer)
    # The token with its user, knox's look at the user's other tokens, the last-seen mark; the category of
    # the filter, the ads with category, seller and the heart, their photos.
    with django_assert_num_queries(6):
        response = client.get("/api/v1/ads/", {"q": "desk", "category": "furniture"})
    assert len(response.json()["results"]) == 5


def test_favourites_put_and_delete_are_idempotent(token_client, buyer, ad):
    client = token_client(buyer)
    url = f"/api/v1/favourites/{ad.public_id}/"
    assert client.put(url).json() == {"ad": ad.public_id, "saved": True}
    assert client.put(url).status_code == 200 and Favourite.objects.count() == 1
    listed = client.get("/api/v1/favourites/").json()
    assert [item["public_id"] for item in listed["results"]] == [ad.public_id]
    assert listed["results"][0]["is_favourite"] is True
    assert client.delete(url).status_code == 204 and client.delete(url).status_code == 204
    assert not Favourite.objects.exists()


def test_favourites_refuse_ones_own_ad_and_hidden_ads(token_client, seller, buyer, ad):
    own = token_client(seller).put(f"/api/v1/favourites/{ad.public_id}/")
    assert own.status_code == 400 and own.json()["code"] == "own_favourite"
    services.ad_remove(ad=ad, user=seller)
    assert token_client(buyer).put(f"/api/v1/favourites/{ad.public_id}/").status_code == 404
    assert token_client(buyer).put("/api/v1/favourites/AAAAAAAAAA/").status_code == 404


def test_saved_searches_crud(token_client, buyer):
    client = token_client(buyer)
    created = client.post(
        "/api/v1/saved-searches/", {"query": "area=oakland&q=sofa&after=x", "channel": "daily"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["query"], body["name"], body["channel"], body["new_count"]) == (
        "q=sofa&area=oakland",
        "sofa · Oakland",
        "daily",
        0,
    )
    url = f"/api/v1/saved-searches/{body['public_id']}/"
    assert client.get("/api/v1/saved-searches/").json()[0]["public_id"] == body["public_id"]
    renamed = client.patch(url, {"name": "Sofas", "channel": "off"}, format="json").json()
    assert (renamed["name"], renamed["channel"]) == ("Sofas", "off")
    again = client.post("/api/v1/saved-searches/", {"query": "q=sofa&area=oakland"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "saved_search_exists"
    assert client.delete(url).status_code == 204 and not SavedSearch.objects.exists()


def test_saved_searches_refuse_bad_input_and_other_users(token_client, buyer):
    client = token_client(buyer)
    bad = client.post("/api/v1/saved-searches/", {"query": "area=mars"}, format="json")
    assert bad.status_code == 400 and "area" in bad.json()["fields"]
    channel = client.post("/api/v1/saved-searches/", {"query": "q=a", "channel": "hourly"}, format="json")
    assert channel.status_code == 400 and "channel" in channel.json()["fields"]
    theirs = saved_searches.saved_search_create(user=UserFactory(), query="q=sofa")
    url = f"/api/v1/saved-searches/{theirs.public_id}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "Mine"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404 and SavedSearch.objects.filter(pk=theirs.pk).exists()
    for n in range(saved_searches.LIMIT_PER_USER):
        saved_searches.saved_search_create(user=buyer, query=f"q=item{n}")
    full = client.post("/api/v1/saved-searches/", {"query": "q=more"}, format="json")
    assert full.status_code == 400 and full.json()["code"] == "too_many_saved_searches"


def test_following_needs_authentication(api, ad):
    assert api.get("/api/v1/favourites/").status_code == 401
    assert api.put(f"/api/v1/favourites/{ad.public_id}/").status_code == 401
    assert api.get("/api/v1/saved-searches/").status_code == 401
