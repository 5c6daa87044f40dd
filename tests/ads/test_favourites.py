"""Favourites: the heart on cards and ad pages, the Favourites page and the owner's count."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ads import selectors, services
from ads.models import Ad, Category, Favourite
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def favourite_url(ad) -> str:
    return reverse("ads:favourite", args=[ad.public_id])


def test_saving_twice_keeps_one_and_taking_out_is_idempotent(buyer, ad):
    assert services.favourite_set(user=buyer, ad=ad, saved=True) is True
    assert services.favourite_set(user=buyer, ad=ad, saved=True) is True
    assert Favourite.objects.filter(user=buyer, ad=ad).count() == 1
    assert services.favourite_set(user=buyer, ad=ad, saved=False) is False
    assert services.favourite_set(user=buyer, ad=ad, saved=False) is False
    assert not Favourite.objects.exists()


def test_an_owner_cannot_save_their_own_ad(seller, ad):
    with pytest.raises(ValidationError) as error:
        services.favourite_set(user=seller, ad=ad, saved=True)
    assert error.value.code == "own_favourite"


def test_the_heart_form_works_without_javascript_and_returns_to_next(login, buyer, ad):
    client = login(buyer)
    response = client.post(favourite_url(ad), {"saved": "1", "next": "/?q=sofa"})
    assert response.status_code == 302 and response["Location"] == "/?q=sofa"
    assert Favourite.objects.filter(user=buyer, ad=ad).exists()
    body = client.get(ad.get_absolute_url()).content.decode()
    assert f'id="favourite-{ad.public_id}" aria-pressed="true"' in body
    assert 'name="saved" value="0"' in body  # pressing again takes it out

    client.post(favourite_url(ad), {"saved": "0", "next": "https://evil.example/"})
    assert not Favourite.objects.exists()


def test_htmx_gets_the_heart_alone_in_its_new_state(login, buyer, ad):
    response = login(buyer).post(
        favourite_url(ad), {"saved": "1", "next": "/"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'aria-pressed="true"' in body and f"Favourite: {ad.title}" in body
    assert 'name="next" value="/"' in body


def test_the_heart_needs_a_login_and_a_csrf_token(client, buyer, ad):
    response = client.post(favourite_url(ad), {"saved": "1"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    body = client.get(reverse("ads:list")).content.decode()
    assert f"Log in to save “{ad.title}” to your favourites" in body

    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(buyer)
    assert csrf_client.post(favourite_url(ad), {"saved": "1"}).status_code == 403
    assert not Favourite.objects.exists()


def test_a_removed_ad_cannot_be_saved(login, buyer, seller, ad):
    services.ad_remove(ad=ad, user=seller)
    assert login(buyer).post(favourite_url(ad), {"saved": "1"}).status_code == 404


def test_the_owner_is_refused_with_a_message(login, seller, ad):
    response = login(seller).post(favourite_url(ad), {"saved": "1"}, follow=True)
    assert "it can&#x27;t be one of your favourites" in response.content.decode()
    assert not Favourite.objects.exists()


def test_the_owner_sees_how_many_saved_it_never_who(login, seller, ad):
    fans = UserFactory.create_batch(3, display_name="Fan")
    for fan in fans:
        services.favourite_set(user=fan, ad=ad, saved=True)
    client = login(seller)
    for url in (ad.get_absolute_url(), reverse("ads:mine")):
        body = client.get(url).content.decode()
        assert "Saved by 3 people" in body
        assert "Fan" not in body and fans[0].email not in body


def test_favourites_page_lists_saved_ads_newest_saved_first_without_removed_ones(login, buyer, settings):
    settings.MARKETPLACE_ADS_PAGE_SIZE = 2
    first, second, third, removed = AdFactory.create_batch(4)
    for ad in (second, first, removed, third):
        services.favourite_set(user=buyer, ad=ad, saved=True)
    services.ad_remove(ad=removed, user=removed.owner)
    client = login(buyer)
    response = client.get(reverse("ads:favourites"))
    assert [ad.title for ad in response.context["page"].ads] == [third.title, first.title]
    assert all(ad.is_favourite for ad in response.context["page"].ads)
    response = client.get(reverse("ads:favourites") + "?" + response.context["next_query"])
    assert [ad.title for ad in response.context["page"].ads] == [second.title]
    assert response.context["next_query"] is None


@pytest.mark.parametrize("count", [1, 20])
def test_favourites_page_query_count_is_constant(login, buyer, count, django_assert_num_queries):
    for ad in AdFactory.create_batch(count):
        services.favourite_set(user=buyer, ad=ad, saved=True)
    client = login(buyer)
    client.get(reverse("ads:favourites"))  # the last-seen mark is written once a while, not on every page
    # 1 session, 2 user, 3 the saved ads with category and owner, 4 their photos, 5 the chat badge.
    with django_assert_num_queries(5):
        client.get(reverse("ads:favourites"))


def test_list_hearts_show_the_viewers_favourites_at_no_extra_query(login, buyer):
    saved, other = AdFactory.create_batch(2)
    services.favourite_set(user=buyer, ad=saved, saved=True)
    body = login(buyer).get(reverse("ads:list")).content.decode()
    assert f'id="favourite-{saved.public_id}" aria-pressed="true"' in body
    assert f'id="favourite-{other.public_id}" aria-pressed="false"' in body


def test_cards_from_other_selectors_take_the_hearts_from_one_query(rf, buyer, seller):
    services.favourite_set(user=buyer, ad=AdFactory(owner=seller), saved=True)
    AdFactory(owner=seller)
    ads = list(selectors.ad_list_on_sale_by(owner=seller))  # the public profile: not annotated
    request = rf.get("/")
    request.user = buyer
    template = Template("{% load ads_tags %}{% for ad in ads %}{% favourite_button ad %}{% endfor %}")
    with CaptureQueriesContext(connection) as queries:
        body = template.render(Context({"ads": ads, "request": request, "csrf_token": "x"}))
    assert len(queries) == 1
    assert body.count('aria-pressed="true"') == 1 and body.count('aria-pressed="false"') == 1


def test_the_ad_page_shows_more_from_the_seller_and_similar_ads_in_the_same_area(client, seller):
    furniture = Category.objects.get(slug="furniture")
    ad = AdFactory(owner=seller, category=furniture, area=Ad.Area.OAKLAND, title="Walnut sofa")
    own_other = AdFactory(owner=seller, category=furniture, title="Seller's lamp")
    similar = AdFactory(category=furniture, area=Ad.Area.OAKLAND, title="Oak sofa nearby")
    AdFactory(category=furniture, area=Ad.Area.FREMONT, title="Sofa far away")
    AdFactory(category=Category.objects.get(slug="phones"), area=Ad.Area.OAKLAND, title="A phone")
    response = client.get(ad.get_absolute_url())
    assert [a.title for a in response.context["more_from_seller"]] == [own_other.title]
    assert [a.title for a in response.context["similar"]] == [similar.title]
    assert "More from this seller" in response.content.decode()
