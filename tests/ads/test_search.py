"""The ad list's search, filters, sorts and cursor pages (ads.search through the list view)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ads import search, selectors, services
from ads.forms import AdSearchForm
from ads.models import Ad, Category
from marketplace.images import placeholder_photo
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stems and ranks need PostgreSQL full-text search"
)


def titles(client, **params) -> list[str]:
    response = client.get(reverse("ads:list"), params)
    assert response.status_code == 200
    return [ad.title for ad in response.context["page"].ads]


def test_each_filter_narrows_the_list(client):
    furniture, phones = Category.objects.get(slug="furniture"), Category.objects.get(slug="phones")
    sofa = AdFactory(
        title="Sofa", category=furniture, price=Decimal("300"), condition="good", area=Ad.Area.BERKELEY
    )
    phone = AdFactory(
        title="Phone", category=phones, price=Decimal("90"), condition="new", area=Ad.Area.OAKLAND
    )
    old = AdFactory(
        title="Old chair", category=furniture, price=None, created_at=timezone.now() - timedelta(days=40)
    )
    services.ad_photo_add(ad=phone, user=phone.owner, photo=placeholder_photo(text="P", seed=1))

    assert set(titles(client, category="furniture")) == {sofa.title, old.title}
    assert titles(client, price_min="100") == ["Sofa"]
    assert titles(client, price_max="100") == ["Phone"]
    assert titles(client, condition="new") == ["Phone"]
    assert titles(client, area="berkeley") == ["Sofa"]
    assert titles(client, photos="on") == ["Phone"]
    assert set(titles(client, posted="30")) == {"Sofa", "Phone"}
    assert titles(client, category="furniture", posted="7", price_min="1") == ["Sofa"]


def test_an_invalid_filter_is_ignored_and_said_the_rest_still_apply(client):
    AdFactory(title="Sofa", price=Decimal("300"))
    AdFactory(title="Lamp", price=Decimal("20"))
    response = client.get(reverse("ads:list"), {"price_min": "cheap", "price_max": "100"})
    assert [ad.title for ad in response.context["page"].ads] == ["Lamp"]
    assert "Enter a number." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["Lamp", "Sofa", "Free-form price"]),
        ("price_desc", ["Sofa", "Lamp", "Free-form price"]),
        ("newest", ["Free-form price", "Sofa", "Lamp"]),
        ("", ["Free-form price", "Sofa", "Lamp"]),
    ],
)
def test_sorts_put_price_on_request_last(client, sort, expected):
    now = timezone.now()
    AdFactory(title="Lamp", price=Decimal("20"), created_at=now - timedelta(hours=3))
    AdFactory(title="Sofa", price=Decimal("300"), created_at=now - timedelta(hours=2))
    AdFactory(title="Free-form price", price=None, created_at=now - timedelta(hours=1))
    assert titles(client, sort=sort) == expected


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "relevance"])
def test_cursor_pages_cover_every_ad_once_in_order(client, settings, sort):
    settings.MARKETPLACE_ADS_PAGE_SIZE = 3
    now = timezone.now()
    for n in range(8):  # equal prices and equal times, so the id tie-breaker is exercised
        AdFactory(
            title=f"Walnut table {n}", description="walnut " * (n % 3), price=Decimal(n % 2), created_at=now
        )
    first = client.get(reverse("ads:list"), {"q": "walnut", "sort": sort})
    everything = selectors.ad_search(
        filters=first.context["form"].filters(), viewer=first.wsgi_request.user, size=100
    ).ads
    seen, response = [], first
    for _ in range(10):  # bounded: a cursor that does not move on must fail, not hang
        seen += [ad.pk for ad in response.context["page"].ads]
        if not response.context["next_query"]:
            break
        response = client.get(reverse("ads:list") + "?" + response.context["next_query"])
    assert seen == [ad.pk for ad in everything] and len(seen) == 8


def test_a_stale_or_edited_cursor_starts_from_the_first_page(client):
    AdFactory(title="Sofa")
    for cursor in ("garbage", "WzFd", "WyJ4IiwgInkiXQ"):
        assert titles(client, after=cursor) == ["Sofa"]


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("logged_in", [False, True])
def test_filtered_list_query_count_does_not_grow_with_ads(
    client, login, settings, count, logged_in, django_assert_num_queries
):
    settings.MARKETPLACE_ADS_PAGE_SIZE = 20
    furniture = Category.objects.get(slug="furniture")
    photo = placeholder_photo(text="Photo", seed=1)
    for ad in AdFactory.create_batch(count, title="Walnut sofa", category=furniture, price=Decimal("50")):
        services.ad_photo_add(ad=ad, user=ad.owner, photo=photo)
    if logged_in:
        client = login(UserFactory())
    params = {"q": "walnut", "category": "furniture", "price_max": "100", "photos": "on", "sort": "price_asc"}
    # 1 the category of the filter (the form validating the slug), 2 the categories for the select,
    # 3 the ads with category, owner and the viewer's heart, 4 their photos; logged in, + the session, the
    # user, the chat badge's unread count, the user's last-seen mark and the notification bell's count
    # (cold cache; served from the cache after).
    with django_assert_num_queries(9 if logged_in else 4):
        response = client.get(reverse("ads:list"), params)
    assert len(response.context["page"].ads) == min(count, 20)


def test_htmx_gets_the_results_alone_and_the_answer_varies_on_it(client):
    AdFactory(title="Sofa")
    response = client.get(reverse("ads:list"), {"q": "sofa"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Sofa" in body and "<html" not in body and "<form" not in body.split('class="ad-card-frame"')[0]
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        reverse("ads:list"),
        {"q": "sofa"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_the_form_works_without_javascript_and_keeps_every_filter_in_the_url(client):
    body = client.get(reverse("ads:list"), {"q": "sofa", "area": "oakland", "photos": "on"}).content.decode()
    assert 'method="get"' in body and 'type="submit"' in body
    assert 'value="sofa"' in body
    assert '<option value="oakland" selected>' in body
    assert 'name="photos" id="id_photos" checked' in body


def test_sqlite_falls_back_to_substrings_and_postgresql_to_full_text():
    AdFactory(title="Walnut sofa")
    found = list(Ad.objects.search("walnut"))
    assert [ad.title for ad in found] == ["Walnut sofa"]
    assert list(Ad.objects.search("   ")) == found


@postgresql_only
def test_english_and_russian_words_are_found_by_their_stems(client):
    AdFactory(title="Two folding bikes", description="Barely ridden")
    AdFactory(title="Детские велосипеды", description="Почти новые, катались одно лето")
    assert titles(client, q="bike") == ["Two folding bikes"]
    assert titles(client, q="folded bike") == ["Two folding bikes"]
    assert titles(client, q="велосипед") == ["Детские велосипеды"]
    assert titles(client, q="новый") == ["Детские велосипеды"]
    assert titles(client, q="вело") == ["Детские велосипеды"]  # the last word is a prefix, as one types


@postgresql_only
def test_relevance_ranks_a_title_match_above_a_description_match(client):
    now = timezone.now()
    AdFactory(title="Oak desk", description="Solid walnut top", created_at=now)
    AdFactory(title="Walnut bookcase", description="Five shelves", created_at=now - timedelta(days=1))
    assert titles(client, q="walnut") == ["Walnut bookcase", "Oak desk"]
    assert titles(client, q="walnut", sort="newest") == ["Oak desk", "Walnut bookcase"]


@postgresql_only
def test_punctuation_and_operators_in_the_words_are_only_words(client):
    AdFactory(title="Sofa & chairs")
    assert titles(client, q="sofa & (chairs | !") == ["Sofa & chairs"]
    assert titles(client, q="!!! :* '") == ["Sofa & chairs"]  # no word at all: no text filter


def test_relevance_without_words_is_newest():
    filters = AdSearchForm({"sort": "relevance"})
    filters.is_valid()
    assert search.effective_sort(filters.filters(), vendor="postgresql") == search.NEWEST
