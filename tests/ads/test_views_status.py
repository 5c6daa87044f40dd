"""The seller's status buttons on the ad page (Mark as sold, Put back on sale, Remove), end to end."""

import pytest
from django.urls import reverse

from ads import services
from ads.models import Ad
from chat import services as chat_services
from chat.models import Conversation

pytestmark = pytest.mark.django_db


def test_seller_removes_the_ad_and_lands_on_its_page(login, seller, buyer, ad):
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    client = login(seller)

    response = client.post(reverse("ads:remove", args=[ad.public_id]))

    assert response.status_code == 302 and response["Location"] == ad.get_absolute_url()
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Ad removed. Conversations about it are kept." in body
    assert "This ad was removed. Only its owner and moderators can see it." in body
    assert Ad.objects.get(pk=ad.pk).status == Ad.Status.REMOVED
    assert Conversation.objects.get(pk=conversation.pk).ad_status == Ad.Status.REMOVED


def test_removing_twice_says_it_is_removed(login, seller, ad):
    services.ad_remove(ad=ad, user=seller)
    response = login(seller).post(reverse("ads:remove", args=[ad.public_id]), follow=True)
    assert response.status_code == 200
    assert Ad.objects.get(pk=ad.pk).status == Ad.Status.REMOVED
