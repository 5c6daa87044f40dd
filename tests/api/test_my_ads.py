"""API parity for the owner's side of ads: place (JSON), edit (PATCH), photos (multipart), mark sold and
remove, by the site form's rules and the ads services; the new-ad rate limit through the request gate."""

import io

import pytest
from django.urls import reverse

from ads.models import Ad
from tests.conftest import make_image_bytes
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db
MY_ADS = reverse("api-my-ads")
SOFA = {"category": "furniture", "title": "Walnut sofa", "price": "450.00", "city": "Oakland"}


@pytest.fixture
def owner(db):
    CategoryFactory()
    return UserFactory()


def _photo(name="sofa.jpg", data=None):
    photo = io.BytesIO(data if data is not None else make_image_bytes())
    photo.name = name
    return photo


def _mine(ad, suffix=""):
    return reverse("api-my-ad", args=[ad.public_id]) + suffix


def test_an_app_places_an_ad_adds_photos_edits_it_sells_it_and_removes_it(token_client, owner):
    client = token_client(owner)
    created = client.post(MY_ADS, {**SOFA, "condition": "good"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["title"], body["price"], body["status"], body["category"]["slug"]) == (
        "Walnut sofa",
        "450.00",
        "active",
        "furniture",
    )
    ad = Ad.objects.get(public_id=body["public_id"], owner=owner)
    assert ad.condition == "good"

    photos = client.post(_mine(ad, "photos/"), {"photos": [_photo(), _photo("b.png")]}, format="multipart")
    assert photos.status_code == 200 and len(photos.json()["photos"]) == 2

    edited = client.patch(_mine(ad), {"price": None, "description": "Solid walnut."}, format="json")
    assert edited.status_code == 200
    ad.refresh_from_db()
    assert (ad.title, ad.price, ad.description, ad.condition) == (
        "Walnut sofa",
        None,
        "Solid walnut.",
        "good",
    )

    assert client.post(_mine(ad, "sold/")).json()["status"] == "sold"
    assert client.delete(_mine(ad)).json()["status"] == "removed"
    refused = client.patch(_mine(ad), {"title": "Again"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "removed"
    assert [row["public_id"] for row in client.get(MY_ADS).json()["results"]] == [ad.public_id]


def test_the_site_forms_rules_refuse_with_fields(token_client, owner):
    client = token_client(owner)
    short = client.post(MY_ADS, {**SOFA, "title": "  a  "}, format="json")  # 5 characters, 1 once stripped
    assert short.status_code == 400 and "title" in short.json()["fields"]
    unknown = client.post(MY_ADS, {**SOFA, "category": "spaceships"}, format="json")
    assert unknown.status_code == 400 and "category" in unknown.json()["fields"]
    typed = client.post(MY_ADS, {**SOFA, "price": 450}, format="json")  # JSON number: the schema says text
    assert typed.status_code == 400 and "price" in typed.json()["fields"]
    assert client.post(MY_ADS, {**SOFA, "price": "4.5.0"}, format="json").status_code == 400
    assert not Ad.objects.filter(owner=owner).exists()


def test_photos_over_the_limit_or_not_images_store_nothing(token_client, owner, settings):
    settings.MARKETPLACE_PHOTOS_PER_AD = 2
    client = token_client(owner)
    ad = AdFactory(owner=owner)
    assert client.post(_mine(ad, "photos/"), {"photos": [_photo()]}, format="multipart").status_code == 200
    over = client.post(_mine(ad, "photos/"), {"photos": [_photo(), _photo()]}, format="multipart")
    assert over.status_code == 400 and over.json()["code"] == "too_many_photos"
    fake = client.post(
        _mine(ad, "photos/"), {"photos": [_photo("x.jpg", b"not an image")]}, format="multipart"
    )
    assert fake.status_code == 400
    assert ad.photos.count() == 1


def test_someone_elses_ad_is_404(token_client, owner):
    ad = AdFactory()
    client = token_client(owner)
    assert client.patch(_mine(ad), {"title": "Mine now"}, format="json").status_code == 404
    assert client.delete(_mine(ad)).status_code == 404
    assert client.post(_mine(ad, "sold/")).status_code == 404
    assert client.post(_mine(ad, "photos/"), {"photos": [_photo()]}, format="multipart").status_code == 404
    ad.refresh_from_db()
    assert ad.status == Ad.Status.ACTIVE


def test_new_ads_are_rate_limited_through_the_request_gate(token_client, owner, settings):
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, "ad_by_user": [(3600, 1)]}
    client = token_client(owner)
    assert client.post(MY_ADS, SOFA, format="json").status_code == 201
    limited = client.post(MY_ADS, SOFA, format="json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Ad.objects.filter(owner=owner).count() == 1


def test_my_ads_costs_the_same_queries_for_many_ads(token_client, owner, django_assert_num_queries):
    client = token_client(owner)
    AdFactory(owner=owner)
    client.get(MY_ADS)
    AdFactory.create_batch(4, owner=owner)
    # knox's token lookup (2), the ads with category and seller, their photos.
    with django_assert_num_queries(4):
        assert len(client.get(MY_ADS).json()["results"]) == 5


def test_categories_are_listed_for_anyone(api, owner):
    categories = api.get(reverse("api-categories")).json()
    assert {"slug": "furniture", "name": "Furniture"} in categories
    assert [row["name"] for row in categories] == sorted(row["name"] for row in categories)


def test_a_bad_price_is_refused_in_the_apps_language(token_client, owner):
    answer = token_client(owner).post(
        MY_ADS, {**SOFA, "price": "4.5.0"}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert answer.json()["fields"]["price"] == ["Укажите цену в виде 450 или 450.00."]
