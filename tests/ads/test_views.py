from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.services import user_make_moderator
from ads import services
from ads.models import Ad, Category
from chat import services as chat_services
from marketplace.images import placeholder_photo
from tests.conftest import make_image_bytes
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_categories_are_seeded_as_data():
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {"vehicles", "real-estate", "electronics", "furniture", "pets", "jobs"} <= slugs


def test_list_filters_by_category_and_search_and_hides_removed(client):
    furniture = Category.objects.get(slug="furniture")
    electronics = Category.objects.get(slug="electronics")
    sofa = AdFactory(title="Walnut sofa", category=furniture)
    AdFactory(title="Old television", category=electronics)
    removed = AdFactory(title="Walnut table", category=furniture)
    services.ad_remove(ad=removed, user=removed.owner)

    body = client.get(reverse("ads:list"), {"q": "walnut"}).content.decode()
    assert "Walnut sofa" in body and "Walnut table" not in body and "Old television" not in body
    body = client.get(reverse("ads:list"), {"category": "electronics"}).content.decode()
    assert "Old television" in body and sofa.title not in body
    body = client.get(reverse("ads:list"), {"q": "nothing-like-this"}).content.decode()
    assert "No ads match your search." in body


@pytest.mark.parametrize("count", [1, 30])
def test_list_page_query_count_is_constant(client, count, django_assert_num_queries):
    photo = placeholder_photo(text="Photo", seed=1)
    for ad in AdFactory.create_batch(count):
        services.ad_photo_add(ad=ad, user=ad.owner, photo=photo)
    # 1 categories for the filter, 2 ads with category, owner and the heart, 3 photos (keyset pages: no
    # count).
    with django_assert_num_queries(3):
        response = client.get(reverse("ads:list"))
    assert response.status_code == 200


def test_list_paginates_by_cursor(client, settings):
    settings.MARKETPLACE_ADS_PAGE_SIZE = 2
    AdFactory.create_batch(5)
    seen, response = [], client.get(reverse("ads:list"))
    while True:
        seen += [ad.title for ad in response.context["page"].ads]
        if not response.context["next_query"]:
            break
        response = client.get(reverse("ads:list") + "?" + response.context["next_query"])
    newest_first = list(Ad.objects.order_by("-created_at", "-id").values_list("title", flat=True))
    assert seen == newest_first


def test_anonymous_visitor_is_asked_to_log_in_to_write(client, ad):
    body = client.get(ad.get_absolute_url()).content.decode()
    assert "Log in to write to the seller" in body
    assert f"{reverse('accounts:login')}?next=/ads/{ad.public_id}/" in body


def test_visitor_sees_write_to_seller_with_a_suggested_message(login, buyer, ad):
    body = login(buyer).get(ad.get_absolute_url()).content.decode()
    assert "Write to seller" in body
    assert "Hi! Is this still available?" in body
    assert reverse("chat:start", args=[ad.public_id]) in body


def test_owner_sees_the_conversations_link_instead(login, seller, buyer, ad):
    chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    body = login(seller).get(ad.get_absolute_url()).content.decode()
    assert f"{reverse('chat:list')}?ad={ad.public_id}" in body
    assert "Conversations about this ad (1)" in body
    assert reverse("chat:start", args=[ad.public_id]) not in body


def test_removed_ad_is_404_for_others_but_visible_to_its_owner(client, login, seller, ad):
    services.ad_remove(ad=ad, user=seller)
    assert client.get(ad.get_absolute_url()).status_code == 404
    assert login(seller).get(ad.get_absolute_url()).status_code == 200


def test_create_ad_with_photos(login, seller):
    photo = SimpleUploadedFile("sofa.png", make_image_bytes("PNG"), content_type="image/png")
    response = login(seller).post(
        reverse("ads:create"),
        {
            "category": Category.objects.get(slug="furniture").pk,
            "title": "Green armchair",
            "description": "Comfy",
            "price": "120.50",
            "city": "Oakland",
            "photos": [photo],
        },
    )
    ad = Ad.objects.get(title="Green armchair")
    assert response.status_code == 302 and response["Location"] == ad.get_absolute_url()
    assert ad.owner == seller and ad.price == Decimal("120.50") and ad.status == "active"
    stored = ad.photos.get()
    assert stored.image.name.endswith(".jpg") and stored.thumbnail.name.endswith(".jpg")
    assert len(ad.public_id) == 10


def test_create_ad_refuses_a_fake_image_and_keeps_the_form(login, seller):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = login(seller).post(
        reverse("ads:create"),
        {
            "category": Category.objects.get(slug="furniture").pk,
            "title": "Green armchair",
            "price": "10",
            "photos": [fake],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "photo.jpg: This file is not an image we can read." in body
    assert 'value="Green armchair"' in body
    assert not Ad.objects.filter(title="Green armchair").exists()


def test_negative_price_is_refused(login, seller):
    response = login(seller).post(
        reverse("ads:create"),
        {"category": Category.objects.get(slug="furniture").pk, "title": "Chair", "price": "-5"},
    )
    assert response.status_code == 400
    assert not Ad.objects.exists()


def test_only_the_owner_can_edit_or_change_status(login, stranger, ad):
    client = login(stranger)
    assert client.get(reverse("ads:edit", args=[ad.public_id])).status_code == 404
    assert client.post(reverse("ads:mark_sold", args=[ad.public_id])).status_code == 404
    assert client.post(reverse("ads:remove", args=[ad.public_id])).status_code == 404
    ad.refresh_from_db()
    assert ad.status == "active"


def test_owner_marks_sold_and_conversations_follow(login, seller, buyer, ad):
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    response = login(seller).post(reverse("ads:mark_sold", args=[ad.public_id]))
    assert response.status_code == 302
    ad.refresh_from_db()
    conversation.refresh_from_db()
    assert ad.status == conversation.ad_status == "sold"


def test_owner_edits_the_ad(login, seller, ad):
    response = login(seller).post(
        reverse("ads:edit", args=[ad.public_id]),
        {
            "category": ad.category.pk,
            "title": "Walnut sofa, 3 seats",
            "description": "",
            "price": "400",
            "city": "Berkeley",
        },
    )
    assert response.status_code == 302
    ad.refresh_from_db()
    assert (ad.title, ad.price, ad.city) == ("Walnut sofa, 3 seats", Decimal("400"), "Berkeley")


def test_moderator_may_remove_any_ad_but_a_stranger_may_not(ad):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ad_remove(ad=ad, user=UserFactory())
    moderator = user_make_moderator(user=UserFactory())
    moderator = type(moderator).objects.get(pk=moderator.pk)  # fresh permission cache
    services.ad_remove(ad=ad, user=moderator)
    assert Ad.objects.get(pk=ad.pk).status == "removed"


def test_edit_beyond_the_photo_limit_saves_nothing(login, seller, ad, settings):
    settings.MARKETPLACE_PHOTOS_PER_AD = 2
    services.ad_photo_add(ad=ad, user=seller, photo=placeholder_photo(text="1", seed=1))
    photos = [
        SimpleUploadedFile(f"p{n}.png", make_image_bytes("PNG"), content_type="image/png") for n in range(2)
    ]
    response = login(seller).post(
        reverse("ads:edit", args=[ad.public_id]),
        {"category": ad.category.pk, "title": "Changed title", "price": "1", "photos": photos},
    )
    assert response.status_code == 400
    assert "An ad can have at most 2 photos." in response.content.decode()
    ad.refresh_from_db()
    assert ad.title == "Walnut sofa" and ad.photos.count() == 1


def test_placing_ads_is_rate_limited_on_the_site_as_in_the_api(login, seller, settings):
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, "ad_by_user": [(3600, 1)]}
    client = login(seller)
    fields = {"category": Category.objects.get(slug="furniture").pk, "title": "Green armchair", "price": "10"}
    assert client.post(reverse("ads:create"), fields).status_code == 302
    limited = client.post(reverse("ads:create"), {**fields, "title": "Blue armchair"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert 'value="Blue armchair"' in limited.content.decode()
    assert not Ad.objects.filter(title="Blue armchair").exists()
