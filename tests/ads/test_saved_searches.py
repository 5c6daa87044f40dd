"""Saved searches: saving the list's filters (normalised, capped per user), matching new ads in the
notifier (only new, never twice, by the filters and in both languages) and announcing them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from ads import saved_searches, services
from ads import search_alerts as alerts
from ads.models import Category, SavedSearch, SavedSearchMatch
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def later(seconds: int = 1):
    """A moment past the notifier's grace: ads created until now are inside its horizon."""
    return timezone.now() + timedelta(seconds=alerts.GRACE_S + seconds)


def furniture():
    return Category.objects.get(slug="furniture")


def test_the_filters_are_saved_normalised_with_a_name_from_them(buyer):
    with translation.override("en"):  # the name is in the language of the request that saves it
        saved = saved_searches.saved_search_create(
            user=buyer, query="sort=price_asc&price_max=300.00&q=+walnut+sofa&area=oakland&after=xyz&bogus=1"
        )
    assert saved.query == "q=walnut+sofa&area=oakland&price_max=300"
    assert saved.name == "walnut sofa · Oakland · up to 300"
    assert saved.channel == SavedSearch.Channel.INSTANT


def test_invalid_filters_are_left_out_and_the_same_filters_twice_are_refused(buyer):
    saved_searches.saved_search_create(user=buyer, query="category=furniture&price_min=abc")
    with pytest.raises(ValidationError) as error:
        saved_searches.saved_search_create(user=buyer, query="category=furniture", name="Again")
    assert error.value.code == "saved_search_exists"
    assert SavedSearch.objects.get().query == "category=furniture"


def test_the_limit_per_user_is_kept(buyer, settings):
    for n in range(saved_searches.LIMIT_PER_USER):
        saved_searches.saved_search_create(user=buyer, query=f"q=item{n}")
    with pytest.raises(ValidationError) as error:
        saved_searches.saved_search_create(user=buyer, query="q=one+more")
    assert error.value.code == "too_many_saved_searches"
    assert "20" in error.value.messages[0]
    saved_searches.saved_search_create(user=UserFactory(), query="q=one+more")  # per user


def test_a_bad_channel_or_an_empty_name_is_refused(buyer):
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa")
    with pytest.raises(ValidationError) as error:
        saved_searches.saved_search_update(saved_search=saved, channel="hourly")
    assert error.value.code == "bad_channel"
    with pytest.raises(ValidationError) as error:
        saved_searches.saved_search_update(saved_search=saved, name="   ")
    assert error.value.code == "empty_name"


def test_matching_finds_only_ads_placed_after_saving_and_never_twice(buyer, seller):
    AdFactory(owner=seller, title="Walnut sofa old", category=furniture())
    saved = saved_searches.saved_search_create(user=buyer, query="q=sofa&category=furniture")
    new = services.ad_create(owner=seller, category=furniture(), title="Walnut sofa new")
    services.ad_create(owner=seller, category=furniture(), title="Oak table new")  # no match
    services.ad_create(owner=buyer, category=furniture(), title="My own sofa")  # the searcher's own

    first = alerts.match_pass(now=later())
    assert (first.searches, first.matches) == (1, 1)
    assert list(SavedSearchMatch.objects.values_list("saved_search_id", "ad_id")) == [(saved.pk, new.pk)]
    again = alerts.match_pass(now=later(5))
    assert again.matches == 0 and SavedSearchMatch.objects.count() == 1


def test_an_ad_within_the_grace_is_matched_by_the_next_pass_not_lost(buyer, seller):
    saved_searches.saved_search_create(user=buyer, query="q=lamp")
    ad = services.ad_create(owner=seller, category=furniture(), title="Brass lamp")
    assert alerts.match_pass(now=timezone.now()).matches == 0  # still inside the grace window
    assert alerts.match_pass(now=later()).matches == 1
    assert SavedSearchMatch.objects.get().ad_id == ad.pk


def test_matching_respects_every_filter(buyer, seller):
    query = "category=furniture&area=oakland&condition=good&price_min=100&price_max=500"
    saved_searches.saved_search_create(user=buyer, query=query)
    good = {"owner": seller, "category": furniture(), "area": "oakland", "condition": "good"}
    hit = services.ad_create(**good, title="Chair", price=Decimal("200"))
    services.ad_create(**{**good, "area": "berkeley"}, title="Chair", price=Decimal("200"))
    services.ad_create(**{**good, "condition": "fair"}, title="Chair", price=Decimal("200"))
    services.ad_create(**good, title="Chair", price=Decimal("900"))
    services.ad_create(**good, title="Chair", price=None)
    services.ad_create(**{**good, "category": Category.objects.get(slug="bikes")}, title="Chair", price=100)
    alerts.match_pass(now=later())
    assert list(SavedSearchMatch.objects.values_list("ad_id", flat=True)) == [hit.pk]


def test_ads_no_longer_on_sale_or_of_suspended_sellers_are_not_matched(buyer, seller):
    saved_searches.saved_search_create(user=buyer, query="q=desk")
    removed = services.ad_create(owner=seller, category=furniture(), title="Desk")
    services.ad_remove(ad=removed, user=seller)
    suspended = UserFactory(is_active=False)
    services.ad_create(owner=suspended, category=furniture(), title="Desk")
    assert alerts.match_pass(now=later()).matches == 0


@postgres_only
def test_matching_finds_words_by_their_stem_in_russian_and_english(buyer, seller):
    saved_searches.saved_search_create(user=buyer, query="q=велосипед")
    saved_searches.saved_search_create(user=buyer, query="q=bikes")
    russian = services.ad_create(owner=seller, category=furniture(), title="Горные велосипеды")
    english = services.ad_create(owner=seller, category=furniture(), title="Kids bike")
    alerts.match_pass(now=later())
    matched = dict(SavedSearchMatch.objects.values_list("saved_search__query", "ad_id"))
    assert matched == {
        "q=%D0%B2%D0%B5%D0%BB%D0%BE%D1%81%D0%B8%D0%BF%D0%B5%D0%B4": russian.pk,
        "q=bikes": english.pk,
    }


def test_with_no_new_ad_every_watermark_moves_in_one_update(buyer, django_assert_num_queries):
    for n in range(3):
        saved_searches.saved_search_create(user=buyer, query=f"q=thing{n}")
    now = later()
    # 1 the oldest watermark behind the horizon, 2 any ad in the window, 3 the UPDATE of every watermark.
    with django_assert_num_queries(3):
        assert alerts.match_pass(now=now).searches == 3
    horizon = now - timedelta(seconds=alerts.GRACE_S)
    assert set(SavedSearch.objects.values_list("matched_up_to", flat=True)) == {horizon}


@pytest.mark.parametrize("searches", [1, 10])
def test_a_pass_costs_a_fixed_number_of_queries_per_search(searches, seller, django_assert_num_queries):
    for n in range(searches):
        saved_searches.saved_search_create(user=UserFactory(), query="q=sofa" if n % 2 else "category=bikes")
    services.ad_create(owner=seller, category=furniture(), title="Sofa")  # one match of every other search
    now = later()
    matched = searches // 2
    # 1 oldest watermark, 2 any new ad, 3 the categories, 4 the ids of the searches behind; then one
    # transaction for the batch (a savepoint and its release here; BEGIN and COMMIT, not counted, in the
    # notifier): the row locks, a matching query per search, one INSERT of the matches, one UPDATE of the
    # watermarks. The announcements run on commit, which a test's transaction never reaches.
    with django_assert_num_queries(4 + 2 + 1 + searches + (1 if matched else 0) + 1):
        alerts.match_pass(now=now)
    assert SavedSearchMatch.objects.count() == matched
