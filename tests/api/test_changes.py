"""API: the change endpoints answer 304 from the poll tokens, with no database query, until something
changes; then they bring exactly what changed."""

import pytest

from chat import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def changes_url(conversation):
    return f"/api/v1/conversations/{conversation.public_id}/changes/"


def test_an_idle_conversation_poll_is_304_without_a_query(
    token_client, buyer, seller, conversation, committed, django_assert_num_queries
):
    client = token_client(buyer)
    first = client.get(changes_url(conversation), {"after": 0, "change_seq": 0})
    assert first.status_code == 200
    etag = first["ETag"]
    after = first.json()["messages"][-1]["id"]
    params = {"after": after, "change_seq": first.json()["conversation"]["change_seq"]}
    # The first answer's token was created on that view; the next full answer stores it.
    etag = client.get(changes_url(conversation), params)["ETag"]
    with django_assert_num_queries(0):
        idle = client.get(changes_url(conversation), params, HTTP_IF_NONE_MATCH=etag)
    assert idle.status_code == 304 and idle["ETag"] == etag

    with committed():
        reply = services.message_send(conversation=conversation, sender=seller, body="Yes, still here")
    fresh = client.get(changes_url(conversation), params, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert [m["id"] for m in fresh.json()["messages"]] == [reply.id]

    with committed():
        services.message_edit(message=reply, editor=seller, body="Yes, still available")
    params = {"after": reply.id, "change_seq": fresh.json()["conversation"]["change_seq"]}
    edited = client.get(changes_url(conversation), params, HTTP_IF_NONE_MATCH=fresh["ETag"]).json()
    assert edited["messages"] == [] and [m["body"] for m in edited["changed"]] == ["Yes, still available"]


def test_the_change_seq_is_read_under_its_old_name_changes_too(token_client, buyer, seller, conversation):
    """Apps written before the rename send ``changes``: still read, and ``change_seq`` wins when both come."""
    first_id = conversation.last_message_id
    services.message_react(message=conversation.last_message, user=seller, emoji="👍")
    client = token_client(buyer)

    old = client.get(changes_url(conversation), {"after": first_id, "changes": 0}).json()
    both = client.get(changes_url(conversation), {"after": first_id, "changes": 0, "change_seq": 1}).json()

    assert [m["id"] for m in old["changed"]] == [first_id]
    assert both["changed"] == []


def test_a_forged_etag_takes_the_full_path_and_a_replayed_one_reveals_nothing(
    token_client, buyer, conversation
):
    buyer_client = token_client(buyer)
    buyer_client.get(changes_url(conversation))
    etag = buyer_client.get(changes_url(conversation))["ETag"]
    forged = '"not-signed/' + etag.strip('"').split("/")[-1] + '"'
    assert buyer_client.get(changes_url(conversation), HTTP_IF_NONE_MATCH=forged).status_code == 200
    stranger = token_client(UserFactory())
    assert stranger.get(changes_url(conversation)).status_code == 404
    # Someone replaying the buyer's ETag learns only that it is still current: what they already hold
    # (the same rule as the page polls' 204).
    replayed = stranger.get(changes_url(conversation), HTTP_IF_NONE_MATCH=etag)
    assert replayed.status_code == 304 and replayed.content == b""


def test_the_list_changes_endpoint_is_304_until_a_message_arrives(
    token_client, buyer, seller, conversation, committed, django_assert_num_queries
):
    client = token_client(seller)
    client.get("/api/v1/changes/")
    answer = client.get("/api/v1/changes/")
    assert answer.json()["unread_conversations"] == 1
    with django_assert_num_queries(0):
        assert client.get("/api/v1/changes/", HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="Hello again")
    again = client.get("/api/v1/changes/", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert (
        again.status_code == 200
        and again.json()["conversations"][0]["last_message"]["preview"] == "Hello again"
    )


@pytest.mark.parametrize("count", [1, 30])
def test_a_delivering_changes_poll_costs_the_same_for_1_and_30_messages(
    token_client, buyer, seller, conversation, count, django_assert_num_queries
):
    client = token_client(buyer)
    after = conversation.last_message_id
    client.get(changes_url(conversation), {"after": after, "change_seq": 0})  # last-seen stamp, token stored
    for index in range(count):
        services.message_send(conversation=conversation, sender=seller, body=f"m{index}")
    # the token with its user, knox's look at the user's other tokens, the conversation, the new messages,
    # the changed ones (reading is not marking read: no read-pointer lock, count or update), the viewer's
    # labels on the conversation, and the one UPDATE of the delivery pointer (fetching is delivering)
    with django_assert_num_queries(7):
        answer = client.get(changes_url(conversation), {"after": after, "change_seq": 0}).json()
    assert len(answer["messages"]) == count and answer["conversation"]["unread_count"] == count
    # Fetched again (another cursor, so no 304): already delivered, no write.
    with django_assert_num_queries(6):
        client.get(changes_url(conversation), {"after": after, "change_seq": 1})


def test_a_background_sync_sends_no_read_receipt_only_read_does(token_client, buyer, seller, conversation):
    """Polling changes and fetching messages pages leave the read pointer, the unread count and the other
    side's read receipt alone; ``read/`` moves them."""
    first_id = conversation.last_message_id
    reply = services.message_send(conversation=conversation, sender=seller, body="Yes, still here")
    buyer_client, seller_client = token_client(buyer), token_client(seller)

    polled = buyer_client.get(changes_url(conversation), {"after": first_id, "change_seq": 0}).json()
    buyer_client.get(f"/api/v1/conversations/{conversation.public_id}/messages/")
    buyer_client.get(f"/api/v1/conversations/{conversation.public_id}/messages/", {"after": first_id})

    assert [m["id"] for m in polled["messages"]] == [reply.id]
    assert polled["conversation"]["unread_count"] == 1
    assert buyer_client.get("/api/v1/unread/").json() == {"unread_conversations": 1}
    seen_by_seller = seller_client.get(f"/api/v1/conversations/{conversation.public_id}/").json()
    assert seen_by_seller["other_read_up_to"] == first_id

    read = buyer_client.post(f"/api/v1/conversations/{conversation.public_id}/read/").json()
    assert read["unread_count"] == 0
    seen_by_seller = seller_client.get(f"/api/v1/conversations/{conversation.public_id}/").json()
    assert seen_by_seller["other_read_up_to"] == reply.id


def test_an_etag_names_one_cursor_s_answer(token_client, buyer, seller, conversation, committed, settings):
    """RFC 9110 §8.8.3: the ETag of the answer at one ``after``/``change_seq`` is not answered 304 for
    another cursor (before, an app that sent its ETag with an older ``after`` got 304 and missed
    messages); a cut answer has an ETag too, and the next page is still delivered."""
    settings.MARKETPLACE_MESSAGES_PAGE_SIZE = 2
    first_id = conversation.last_message_id
    with committed():
        sent = [
            services.message_send(conversation=conversation, sender=seller, body=f"m{i}") for i in range(3)
        ]
    client = token_client(buyer)
    client.get(changes_url(conversation))  # the token is created on this view; the next answer stores it
    cut = client.get(changes_url(conversation), {"after": first_id, "change_seq": 0})
    assert cut.json()["has_more"] and cut["ETag"]
    assert (
        client.get(
            changes_url(conversation), {"after": first_id, "change_seq": 0}, HTTP_IF_NONE_MATCH=cut["ETag"]
        ).status_code
        == 304
    )

    rest = client.get(
        changes_url(conversation), {"after": sent[1].id, "change_seq": 0}, HTTP_IF_NONE_MATCH=cut["ETag"]
    )
    other_seq = client.get(
        changes_url(conversation), {"after": first_id, "change_seq": 1}, HTTP_IF_NONE_MATCH=cut["ETag"]
    )

    assert rest.status_code == 200 and [m["id"] for m in rest.json()["messages"]] == [sent[2].id]
    assert other_seq.status_code == 200 and rest["ETag"] != cut["ETag"] != other_seq["ETag"]


def test_a_304_has_no_content_and_both_answers_say_revalidate_every_time(
    token_client, buyer, conversation, django_assert_num_queries
):
    client = token_client(buyer)
    client.get(changes_url(conversation))
    full = client.get(changes_url(conversation))
    with django_assert_num_queries(0):
        idle = client.get(changes_url(conversation), HTTP_IF_NONE_MATCH=full["ETag"])

    assert idle.status_code == 304 and idle.content == b"" and "Content-Type" not in idle
    for answer in (full, idle):
        assert answer["Cache-Control"] == "private, no-cache"
        assert {"Authorization", "Cookie"} <= {v.strip() for v in answer["Vary"].split(",")}


def test_a_cut_changed_list_says_has_more_and_the_change_seq_to_resume_from(
    token_client, buyer, seller, conversation, settings
):
    """Three separate changes, two a page: the first answer covers two of them, says ``has_more`` and
    gives the second one's change seq; resuming from it brings the third. Resuming from
    ``conversation.change_seq`` (what an app had to do before) would have skipped it."""
    settings.MARKETPLACE_MESSAGES_PAGE_SIZE = 2
    sent = [services.message_send(conversation=conversation, sender=seller, body=f"m{i}") for i in range(3)]
    client = token_client(buyer)
    start = client.get(changes_url(conversation), {"after": sent[-1].id}).json()["change_seq"]
    for message in sent:
        services.message_react(message=message, user=buyer, emoji="👍")

    first = client.get(changes_url(conversation), {"after": sent[-1].id, "change_seq": start}).json()
    rest = client.get(
        changes_url(conversation), {"after": sent[-1].id, "change_seq": first["change_seq"]}
    ).json()

    assert [m["id"] for m in first["changed"]] == [sent[0].id, sent[1].id] and first["has_more"]
    assert start < first["change_seq"] < first["conversation"]["change_seq"]
    assert [m["id"] for m in rest["changed"]] == [sent[2].id] and not rest["has_more"]
    assert rest["change_seq"] == rest["conversation"]["change_seq"]
