"""The rest of what an app does, through the same generated Python client (``marketplace_client``) as
``flow.py``, which it reuses for calling and recording: sign up and reset a password, place an ad with a
photo, edit it, sell it and remove it, typing and presence, the event stream (204 here: no Pushpin in
front of the live server) and native push registration."""

from __future__ import annotations

import io
import secrets

from marketplace_client import AuthenticatedClient, Client
from marketplace_client.api.ads import ads_conversations_create
from marketplace_client.api.auth import (
    auth_devices_current_push_destroy,
    auth_devices_current_push_update,
    auth_login_create,
    auth_password_reset_create,
    auth_signup_create,
)
from marketplace_client.api.categories import categories_list
from marketplace_client.api.conversations import conversations_presence_retrieve, conversations_typing_create
from marketplace_client.api.events import event_stream
from marketplace_client.api.my import (
    my_ads_create,
    my_ads_destroy,
    my_ads_partial_update,
    my_ads_photos_create,
    my_ads_retrieve,
    my_ads_sold_create,
)
from marketplace_client.models import (
    AdCondition,
    AdPhotosRequest,
    AdWriteRequest,
    LoginRequest,
    PatchedAdPatchRequest,
    PlatformEnum,
    PushRegistrationRequest,
    ResetRequestRequest,
    SignupRequest,
    StartRequest,
)
from marketplace_client.types import File

from tests.api.clients.flow import CALLS, OPEN, call


def run(base_url: str, *, buyer: str, seller: str, password: str, photo: bytes) -> list:
    """Drive the parity flow as *buyer* and *seller* (emails) and a new sign-up; returns the calls made as
    (operation, status, answer type)."""
    CALLS.clear()
    try:
        _flow(base_url, buyer=buyer, seller=seller, password=password, photo=photo)
    finally:
        while OPEN:
            OPEN.pop().get_httpx_client().close()
    return list(CALLS)


def _client(base_url: str, email: str, password: str) -> AuthenticatedClient:
    anonymous = Client(base_url=base_url)
    body = LoginRequest(email=email, password=password, device="Python parity")
    token = call(auth_login_create, 201, client=anonymous, body=body).parsed.token
    client = AuthenticatedClient(base_url=base_url, token=token)
    OPEN.extend((anonymous, client))
    return client


def _flow(base_url: str, *, buyer: str, seller: str, password: str, photo: bytes) -> None:
    anonymous = Client(base_url=base_url)
    OPEN.append(anonymous)
    new = SignupRequest(
        email=f"new-{secrets.token_hex(4)}@example.com", display_name="Nia", password=password
    )
    call(auth_signup_create, 202, client=anonymous, body=new)
    call(auth_password_reset_create, 202, client=anonymous, body=ResetRequestRequest(email=buyer))

    me, them = _client(base_url, seller, password), _client(base_url, buyer, password)
    category = call(categories_list, 200, client=anonymous).parsed[0].slug
    body = AdWriteRequest(category=category, title="Oak bookcase", price="120.00", condition=AdCondition.GOOD)
    ad = call(my_ads_create, 201, client=me, body=body).parsed
    photos = AdPhotosRequest(
        photos=[File(payload=io.BytesIO(photo), file_name="b.jpg", mime_type="image/jpeg")]
    )
    assert (
        len(call(my_ads_photos_create, 200, public_id=ad.public_id, client=me, body=photos).parsed.photos)
        == 1
    )
    edited = call(
        my_ads_partial_update,
        200,
        public_id=ad.public_id,
        client=me,
        body=PatchedAdPatchRequest(price="99.00"),
    ).parsed
    assert edited.price == "99.00" and edited.title == "Oak bookcase"

    # The buyer writes; both sides' live calls.
    started = call(
        ads_conversations_create,
        201,
        public_id=ad.public_id,
        client=them,
        body=StartRequest(body="Is the bookcase solid oak?"),
        idempotency_key=secrets.token_urlsafe(16),
    ).parsed
    conversation = started.conversation.public_id
    call(conversations_typing_create, 204, public_id=conversation, client=me)
    presence = call(conversations_presence_retrieve, 200, public_id=conversation, client=them).parsed
    assert presence.shown is True and presence.online is True  # the seller's calls count as being online
    call(event_stream, 204, client=them)  # no Pushpin in front: poll the change endpoints instead

    # Native push for this device, then off again.
    registration = PushRegistrationRequest(token="fcm-" + secrets.token_hex(8), platform=PlatformEnum.ANDROID)
    assert (
        call(auth_devices_current_push_update, 200, client=them, body=registration).parsed.platform
        == "android"
    )
    call(auth_devices_current_push_destroy, 204, client=them)

    assert call(my_ads_sold_create, 200, public_id=ad.public_id, client=me).parsed.status == "sold"
    assert call(my_ads_destroy, 200, public_id=ad.public_id, client=me).parsed.status == "removed"
    mine = call(my_ads_retrieve, 200, client=me).parsed
    assert ad.public_id in [row.public_id for row in mine.results]
