import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.services import api_token_create as create_api_token
from accounts.services import user_make_moderator
from chat.models import Message, MessagePhoto
from chat.moderation import services as moderation
from chat.moderation.models import ModerationAction
from tests.ads.test_images import gps_exif, png_header_only
from tests.conftest import HTMX, make_image_bytes
from tests.factories import UserFactory


def send(client, conversation, *, body="", photos=(), htmx=True):
    data = {"body": body, "after": conversation.last_message_id or 0, "photos": list(photos)}
    headers = HTMX if htmx else {}
    return client.post(reverse("chat:send", args=[conversation.public_id]), data, headers=headers)


def jpeg(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, make_image_bytes("JPEG", **kwargs), content_type="image/jpeg")


def photo_url(photo, variant="full"):
    return reverse("chat:message_photo", args=[photo.message.conversation.public_id, photo.id, variant])


def test_a_message_with_photos_is_stored_reencoded_and_shown_to_both(login, conversation, buyer, seller):
    client = login(buyer)
    response = send(
        client,
        conversation,
        body="Is this scratch on the back?",
        photos=[jpeg(), SimpleUploadedFile("b.png", make_image_bytes("PNG"), "image/png")],
    )
    assert response.status_code == 200 and "HX-Retarget" not in response
    message = Message.objects.get(body="Is this scratch on the back?")
    photos = list(message.photos.all())
    assert message.photo_count == 2 and len(photos) == 2
    assert all(photo.image.name.endswith(".jpg") for photo in photos)
    body = response.content.decode()
    assert photo_url(photos[0], "thumb") in body
    # Photos are not under MEDIA_URL: there is no public address.
    assert "/media/" not in body
    seller_page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert photo_url(photos[1], "thumb") in seller_page


def test_a_photo_only_message_is_allowed(login, conversation, buyer):
    response = send(login(buyer), conversation, photos=[jpeg()])
    assert response.status_code == 200
    message = Message.objects.get(photo_count=1)
    assert message.body == ""


def test_gps_is_gone_after_upload(login, conversation, buyer):
    upload = SimpleUploadedFile(
        "holiday.jpg", make_image_bytes("JPEG", exif=gps_exif()), content_type="image/jpeg"
    )
    assert Image.open(io.BytesIO(make_image_bytes("JPEG", exif=gps_exif()))).getexif().get_ifd(0x8825)
    send(login(buyer), conversation, body="here", photos=[upload])
    photo = MessagePhoto.objects.get()
    with photo.image.open("rb") as stored:
        reopened = Image.open(io.BytesIO(stored.read()))
    assert not reopened.getexif()
    assert "exif" not in reopened.info


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (
            SimpleUploadedFile("invoice.jpg", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "image/jpeg"),
            "invoice.jpg: ",
        ),
        (SimpleUploadedFile("bomb.png", png_header_only(20000, 20000), "image/png"), "bomb.png: "),
        (
            SimpleUploadedFile("cut.jpg", make_image_bytes("JPEG", size=(800, 600))[:3000], "image/jpeg"),
            "cut.jpg: ",
        ),
    ],
    ids=["pdf-renamed-jpg", "20000x20000-png", "truncated-jpeg"],
)
def test_bad_uploads_are_refused_in_place_with_the_text_kept(login, conversation, buyer, upload, reason):
    client = login(buyer)
    response = send(client, conversation, body="Look at this", photos=[upload])
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Retarget"] == "#composer"
    assert reason in body and "Please choose the photos again." in body
    assert "Look at this" in body
    assert not Message.objects.filter(body="Look at this").exists()
    assert not MessagePhoto.objects.exists()
    # Without JavaScript: the page, status 400, the text kept.
    upload.seek(0)
    no_js = send(client, conversation, body="Look at this", photos=[upload], htmx=False)
    assert no_js.status_code == 400 and "Look at this" in no_js.content.decode()


def test_more_than_five_photos_are_refused(login, conversation, buyer):
    response = send(login(buyer), conversation, body="many", photos=[jpeg(f"p{n}.jpg") for n in range(6)])
    assert "Choose at most 5 photos." in response.content.decode()
    assert not MessagePhoto.objects.exists()


def test_photos_are_served_only_to_participants(login, conversation, buyer, seller, stranger):
    send(login(buyer), conversation, body="photo", photos=[jpeg()])
    photo = MessagePhoto.objects.get()
    for user in (buyer, seller):
        response = login(user).get(photo_url(photo))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert login(stranger).get(photo_url(photo)).status_code == 404
    assert login(stranger).get(photo_url(photo, "thumb")).status_code == 404
    assert Client().get(photo_url(photo)).status_code == 404  # logged out: 404 too, nothing to learn
    # The right photo id under another conversation's address is 404 as well.
    assert login(buyer).get(photo_url(photo).replace(conversation.public_id, "xxxxxxxxxx")).status_code == 404
    moderator = user_make_moderator(user=UserFactory())
    assert login(moderator).get(photo_url(photo)).status_code == 404  # moderators: the gated view below


def moderator_photo_url(photo, variant="full"):
    conversation = photo.message.conversation
    return reverse("moderation:message_photo", args=[conversation.public_id, photo.id, variant])


def test_moderators_see_a_photo_only_with_grounds_and_each_full_view_is_logged(
    login, conversation, buyer, seller
):
    send(login(buyer), conversation, body="photo", photos=[jpeg()])
    photo = MessagePhoto.objects.get()
    moderator = user_make_moderator(user=UserFactory())
    client = login(moderator)
    # No report, no logged reading: the photo is as hidden as a missing one (ids are sequential).
    assert client.get(moderator_photo_url(photo)).status_code == 404
    assert client.get(moderator_photo_url(photo, "thumb")).status_code == 404
    assert not ModerationAction.objects.filter(action=ModerationAction.Action.VIEW_PHOTO).exists()
    # Participants and strangers never get through the moderators' address.
    assert login(seller).get(moderator_photo_url(photo)).status_code == 404

    moderation.conversation_view_logged(conversation=conversation, moderator=moderator, reason="fraud tip")
    client = login(moderator)
    assert client.get(moderator_photo_url(photo)).status_code == 200
    assert client.get(moderator_photo_url(photo, "thumb")).status_code == 200
    logged = ModerationAction.objects.get(action=ModerationAction.Action.VIEW_PHOTO)
    assert (logged.moderator, logged.message_id) == (moderator, photo.message_id)

    other = user_make_moderator(user=UserFactory())
    assert login(other).get(moderator_photo_url(photo)).status_code == 404  # their own grounds needed
    moderation.report_create(reporter=seller, conversation=conversation, reason="scam")
    assert login(other).get(moderator_photo_url(photo)).status_code == 200  # a report is grounds


def test_a_removed_message_hides_its_photos_from_participants(login, conversation, buyer, seller):
    send(login(buyer), conversation, body="photo", photos=[jpeg()])
    photo = MessagePhoto.objects.get()
    moderator = user_make_moderator(user=UserFactory())
    moderation.message_remove(message=photo.message, moderator=moderator)
    assert login(seller).get(photo_url(photo)).status_code == 404
    page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert photo_url(photo, "thumb") not in page


def test_conversation_page_queries_do_not_grow_with_photos(
    login, conversation, buyer, seller, django_assert_max_num_queries
):
    client = login(buyer)
    for n in range(3):
        send(client, conversation, body=f"photo {n}", photos=[jpeg(), jpeg()])
    seller_client = login(seller)
    seller_client.get(conversation.get_absolute_url())
    # The page's usual 6 (see test_views) plus one for all photos of the page.
    with django_assert_max_num_queries(7):
        page = seller_client.get(conversation.get_absolute_url()).content.decode()
    assert page.count('class="message-photos') == 3


def test_photos_are_never_stored_by_a_cache(login, conversation, buyer, seller):
    """A chat photo is as private as the chat: no browser disk cache or proxy keeps it (a shared computer
    must not show it after logout), from the site, the API or the moderators' view."""
    send(login(buyer), conversation, body="photo", photos=[jpeg()])
    photo = MessagePhoto.objects.get()
    _row, token = create_api_token(user=seller, device="phone")
    moderator = user_make_moderator(user=UserFactory())
    moderation.conversation_view_logged(conversation=conversation, moderator=moderator, reason="fraud tip")
    api_url = f"/api/v1/conversations/{conversation.public_id}/photos/{photo.id}/thumb/"
    responses = [
        login(seller).get(photo_url(photo)),
        login(buyer).get(photo_url(photo, "thumb")),
        Client().get(api_url, headers={"Authorization": f"Token {token}"}),
        login(moderator).get(moderator_photo_url(photo)),
    ]
    for response in responses:
        assert response.status_code == 200
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives and "max-age=86400" not in directives
