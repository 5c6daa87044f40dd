"""The main flow a mobile app runs, through the Python client openapi-python-client generates from the
served schema (tests/api/test_generated_clients.py generates it into a temporary directory as the package
``marketplace_client`` and calls ``run``). Only generated calls talk to the server; each is checked for
its status and answer type and recorded, so the test can print what the client did."""

from __future__ import annotations

import io
import secrets

from marketplace_client import AuthenticatedClient, Client
from marketplace_client.api.ads import (
    ads_conversations_create,
    ads_list,
    ads_reactivate_create,
    ads_report_create,
    ads_retrieve,
)
from marketplace_client.api.auth import (
    auth_devices_destroy,
    auth_devices_list,
    auth_login_create,
    auth_logout_create,
)
from marketplace_client.api.blocks import blocks_destroy, blocks_list
from marketplace_client.api.changes import changes_retrieve
from marketplace_client.api.conversations import (
    conversations_block_create,
    conversations_changes_retrieve,
    conversations_list,
    conversations_messages_destroy,
    conversations_messages_partial_update,
    conversations_messages_reaction_update,
    conversations_messages_retrieve,
    conversations_messages_send_create,
    conversations_offers_act,
    conversations_offers_create,
    conversations_photos_retrieve,
    conversations_read_create,
    conversations_report_create,
    conversations_review_create,
    conversations_unread_create,
)
from marketplace_client.api.favourites import favourites_add, favourites_list, favourites_remove
from marketplace_client.api.saved_searches import (
    saved_searches_create,
    saved_searches_destroy,
    saved_searches_list,
)
from marketplace_client.api.search import search_retrieve
from marketplace_client.api.settings import settings_partial_update, settings_retrieve
from marketplace_client.api.unread import unread_retrieve
from marketplace_client.api.users import users_retrieve
from marketplace_client.models import (
    ConversationReportRequest,
    LanguageEnum,
    LoginRequest,
    OfferInputRequest,
    PatchedEditRequest,
    PatchedSettingsInputRequest,
    ReactionEmoji,
    ReactionInputRequest,
    ReportInputRequest,
    ReportReason,
    ReviewInputRequest,
    SavedSearchCreateRequest,
    SendPhotosRequest,
    SendRequest,
    StartRequest,
)
from marketplace_client.models.conversations_offers_act_action import ConversationsOffersActAction as Act
from marketplace_client.models.conversations_photos_retrieve_variant import (
    ConversationsPhotosRetrieveVariant as Variant,
)
from marketplace_client.types import File

CALLS: list[tuple[str, int, str]] = []
# Every client made, closed at the end: a kept-alive connection would hold a server thread and its
# database connection past the test.
OPEN: list = []


def call(operation, status: int, **kwargs):
    """``operation.sync_detailed(**kwargs)``, checked to answer *status*; returns the parsed answer."""
    response = operation.sync_detailed(**kwargs)
    name = operation.__name__.rsplit(".", 1)[-1]
    answer = type(response.parsed).__name__ if response.parsed is not None else "-"
    if isinstance(response.parsed, list) and response.parsed:
        answer = f"list[{type(response.parsed[0]).__name__}]"
    CALLS.append((name, response.status_code, answer))
    assert response.status_code == status, (name, response.status_code, response.content[:300])
    return response


def key() -> str:
    return secrets.token_urlsafe(16)


def log_in(base_url: str, email: str, password: str, device: str) -> tuple[AuthenticatedClient, object]:
    """Log in for a device token; the client sends it as ``Authorization: Bearer …`` (its default)."""
    body = LoginRequest(email=email, password=password, device=device)
    anonymous = Client(base_url=base_url)
    token = call(auth_login_create, 201, client=anonymous, body=body).parsed
    client = AuthenticatedClient(base_url=base_url, token=token.token)
    OPEN.extend((anonymous, client))
    return client, token


def run(base_url: str, *, buyer: str, seller: str, password: str, ad_title: str, photo: bytes) -> list:
    """Drive the flow as *buyer* and *seller* (emails) about the ad titled *ad_title*; returns the calls
    made as (operation, status, answer type)."""
    CALLS.clear()
    try:
        _flow(base_url, buyer=buyer, seller=seller, password=password, ad_title=ad_title, photo=photo)
    finally:
        while OPEN:
            OPEN.pop().get_httpx_client().close()
    return list(CALLS)


def _flow(base_url: str, *, buyer: str, seller: str, password: str, ad_title: str, photo: bytes) -> None:
    me, _ = log_in(base_url, buyer, password, "Python client")
    them, _ = log_in(base_url, seller, password, "Python client")

    page = call(ads_list, 200, client=me, q=ad_title).parsed
    ad = next(row for row in page.results if row.title == ad_title)
    assert call(ads_retrieve, 200, public_id=ad.public_id, client=me).parsed.seller.public_id

    # The list's filters, a favourite (idempotent PUT/DELETE) and a saved search with its alerts.
    cheap = call(ads_list, 200, client=me, q=ad_title, price_max=10_000.0).parsed
    assert [row.public_id for row in cheap.results] == [ad.public_id] and cheap.next_cursor is None
    assert call(favourites_add, 200, public_id=ad.public_id, client=me).parsed.saved
    assert call(favourites_list, 200, client=me).parsed.results[0].is_favourite
    call(favourites_remove, 204, public_id=ad.public_id, client=me)
    body = SavedSearchCreateRequest(query=f"q={ad_title.split()[-1]}&price_max=10000")
    saved = call(saved_searches_create, 201, client=me, body=body).parsed
    assert [row.public_id for row in call(saved_searches_list, 200, client=me).parsed] == [saved.public_id]
    call(saved_searches_destroy, 204, public_id=saved.public_id, client=me)

    # Write to seller, then the conversation from both sides.
    started = call(
        ads_conversations_create,
        201,
        public_id=ad.public_id,
        client=me,
        body=StartRequest(body="Is it still available?"),
        idempotency_key=key(),
    ).parsed
    conversation = started.conversation.public_id
    mine = call(conversations_list, 200, client=me).parsed
    assert [row.public_id for row in mine.results] == [conversation]
    theirs = call(conversations_list, 200, client=them).parsed.results[0]
    assert theirs.other.display_name and theirs.unread_count == 1

    # Exactly once: the same Idempotency-Key answers 200 with the first message.
    send_key = key()
    sent = call(
        conversations_messages_send_create,
        201,
        public_id=conversation,
        client=me,
        body=SendRequest(body="Can I pick it up on Saturday?"),
        idempotency_key=send_key,
    ).parsed
    again = call(
        conversations_messages_send_create,
        200,
        public_id=conversation,
        client=me,
        body=SendRequest(body="Can I pick it up on Saturday?"),
        idempotency_key=send_key,
    ).parsed
    assert again.id == sent.id
    for n in range(3):
        call(
            conversations_messages_send_create,
            201,
            public_id=conversation,
            client=them,
            body=SendRequest(body=f"Answer {n}"),
            idempotency_key=key(),
        )

    # Pages both ways (the test sets 3 messages a page).
    latest = call(conversations_messages_retrieve, 200, public_id=conversation, client=me).parsed
    older = call(
        conversations_messages_retrieve, 200, public_id=conversation, client=me, before=latest.results[0].id
    ).parsed
    assert older.results and older.results[-1].id < latest.results[0].id
    newer = call(
        conversations_messages_retrieve, 200, public_id=conversation, client=me, after=older.results[-1].id
    ).parsed
    assert newer.results[0].id == latest.results[0].id

    # Poll changes: the ETag back in If-None-Match is 304 until the other side sends.
    newest = latest.results[-1].id
    first = call(conversations_changes_retrieve, 200, public_id=conversation, client=me, after=newest)
    etag = first.headers["etag"]
    call(
        conversations_changes_retrieve,
        304,
        public_id=conversation,
        client=me,
        after=newest,
        if_none_match=etag,
    )
    call(
        conversations_messages_send_create,
        201,
        public_id=conversation,
        client=them,
        body=SendRequest(body="Saturday works."),
        idempotency_key=key(),
    )
    changed = call(
        conversations_changes_retrieve,
        200,
        public_id=conversation,
        client=me,
        after=newest,
        if_none_match=etag,
    ).parsed
    assert [m.body for m in changed.messages] == ["Saturday works."]
    # Reading is not marking read: the poll sent no read receipt; the app says when the user saw them.
    assert changed.conversation.unread_count >= 1
    # The next poll resumes from the change seq the answer covers (a cut list covers less).
    assert changed.change_seq <= changed.conversation.change_seq and not changed.has_more
    read = call(conversations_read_create, 200, public_id=conversation, client=me).parsed
    assert read.unread_count == 0
    listed = call(changes_retrieve, 200, client=them).parsed
    assert listed.conversations[0].public_id == conversation
    assert call(unread_retrieve, 200, client=me).parsed.unread_conversations >= 0

    # Offer → counter → accept → reserve.
    offer = call(
        conversations_offers_create,
        201,
        public_id=conversation,
        client=me,
        body=OfferInputRequest(amount="400"),
        idempotency_key=key(),
    ).parsed.offer
    counter = call(
        conversations_offers_create,
        201,
        public_id=conversation,
        client=them,
        body=OfferInputRequest(amount="450"),
        idempotency_key=key(),
    ).parsed.offer
    assert counter.counter_to == offer.id
    accepted = call(
        conversations_offers_act,
        200,
        public_id=conversation,
        offer_id=counter.id,
        action=Act.ACCEPT,
        client=me,
    ).parsed.offer
    assert accepted.status == "accepted"
    call(
        conversations_offers_act,
        200,
        public_id=conversation,
        offer_id=counter.id,
        action=Act.RESERVE,
        client=them,
    )
    # Release the reservation (the ad is on sale again; the accepted offer can still be sold below).
    released = call(ads_reactivate_create, 200, public_id=ad.public_id, client=them).parsed
    assert released.status == "active"

    # Edit, react, reply, delete.
    edited = call(
        conversations_messages_partial_update,
        200,
        public_id=conversation,
        message_id=sent.id,
        client=me,
        body=PatchedEditRequest(body="Can I pick it up on Sunday?"),
    ).parsed
    assert edited.edited_at
    reacted = call(
        conversations_messages_reaction_update,
        200,
        public_id=conversation,
        message_id=sent.id,
        client=them,
        body=ReactionInputRequest(emoji=ReactionEmoji.THUMBS_UP),
    ).parsed
    assert [r.emoji for r in reacted.reactions] == [ReactionEmoji.THUMBS_UP]
    reply = call(
        conversations_messages_send_create,
        201,
        public_id=conversation,
        client=them,
        body=SendRequest(body="Sunday is fine too.", reply_to=sent.id),
        idempotency_key=key(),
    ).parsed
    assert reply.reply_to.id == sent.id
    deleted = call(
        conversations_messages_destroy, 200, public_id=conversation, message_id=reply.id, client=them
    ).parsed
    assert deleted.deleted and deleted.body is None

    # A photo up (multipart) and down.
    with_photo = call(
        conversations_messages_send_create,
        201,
        public_id=conversation,
        client=me,
        body=SendPhotosRequest(
            body="This one?",
            photos=[File(payload=io.BytesIO(photo), file_name="p.jpg", mime_type="image/jpeg")],
        ),
        idempotency_key=key(),
    ).parsed
    downloaded = call(
        conversations_photos_retrieve,
        200,
        public_id=conversation,
        photo_id=with_photo.photos[0].id,
        variant=Variant.THUMB,
        client=them,
    ).parsed
    assert downloaded.payload.read(3) == b"\xff\xd8\xff"  # JPEG

    # Read state.
    call(conversations_unread_create, 200, public_id=conversation, client=them)
    call(conversations_read_create, 200, public_id=conversation, client=them)

    # Block and unblock (the blocked list is not in the API yet).
    blocked = call(conversations_block_create, 200, public_id=conversation, client=me).parsed
    assert blocked.blocked_by_me
    listed_blocks = call(blocks_list, 200, client=me).parsed
    assert [b.user.public_id for b in listed_blocks] == [blocked.other.public_id]
    call(blocks_destroy, 204, public_id=blocked.other.public_id, client=me)

    # Report, sell, review.
    report = call(
        conversations_report_create,
        201,
        public_id=conversation,
        client=me,
        body=ConversationReportRequest(reason=ReportReason.SPAM, details="Test report"),
        idempotency_key=key(),
    ).parsed
    assert report.status == "open"
    call(
        ads_report_create,
        201,
        public_id=ad.public_id,
        client=me,
        body=ReportInputRequest(reason=ReportReason.OTHER),
        idempotency_key=key(),
    )
    call(
        conversations_offers_act,
        200,
        public_id=conversation,
        offer_id=counter.id,
        action=Act.SELL,
        client=them,
    )
    review = call(
        conversations_review_create,
        201,
        public_id=conversation,
        client=me,
        body=ReviewInputRequest(reliability=5, friendliness=4, text="Smooth pick-up."),
    ).parsed
    assert review.reliability == 5
    assert call(search_retrieve, 200, client=me, q="Sunday").parsed.messages
    anonymous = Client(base_url=base_url)
    OPEN.append(anonymous)
    profile = call(users_retrieve, 200, public_id=blocked.other.public_id, client=anonymous).parsed
    assert profile.user.public_id == blocked.other.public_id and profile.reviews.count == 0

    # Settings.
    assert call(settings_retrieve, 200, client=me).parsed.share_read_receipts is True
    changed = call(
        settings_partial_update,
        200,
        client=me,
        body=PatchedSettingsInputRequest(share_read_receipts=False, language=LanguageEnum.RU),
    ).parsed
    assert (changed.share_read_receipts, changed.language) == (False, "ru")

    # Devices: a second sign-in, listed and revoked; then sign this one out.
    other_device, token = log_in(base_url, buyer, password, "Old phone")
    devices = call(auth_devices_list, 200, client=me).parsed
    assert {d.device for d in devices} >= {"Python client", "Old phone"}
    call(auth_devices_destroy, 204, public_id=token.device.public_id, client=me)
    call(unread_retrieve, 401, client=other_device)
    call(auth_logout_create, 204, client=me)
    call(unread_retrieve, 401, client=me)
