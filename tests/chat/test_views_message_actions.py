"""Views: edit, delete, reply and react, without JavaScript (forms and redirects) and with htmx."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from chat import services
from chat.models import Message, MessageReaction
from tests.conftest import HTMX
from tests.factories import AdFactory

pytestmark = pytest.mark.django_db


def _url(name, message):
    return reverse(f"chat:{name}", args=[message.conversation.public_id, message.id])


def _send(conversation, sender, body="Is the sofa 200 cm long?", **kwargs):
    return services.message_send(conversation=conversation, sender=sender, body=body, **kwargs)


def _page(client, conversation, **query):
    return client.get(conversation.get_absolute_url(), query).content.decode()


def _bubble(html, message):
    """The rendered <li> of *message* on a page or in a poll answer."""
    found = re.search(rf'<li class="message[^"]*" id="message-{message.id}".*?</li>', html, re.S)
    assert found, f"message {message.id} not rendered"
    return found.group()


# --- Edit -----------------------------------------------------------------------------------------


def test_edit_without_javascript_redirects_and_the_other_side_sees_edited(login, conversation, buyer, seller):
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")

    response = login(buyer).post(_url("message_edit", message), {"body": "Is the sofa 210 cm long?"})

    assert response.status_code == 302
    assert response["Location"] == f"{conversation.get_absolute_url()}#message-{message.id}"
    bubble = _bubble(_page(login(seller), conversation), message)
    assert "Is the sofa 210 cm long?" in bubble
    assert 'class="message-edited">edited <time' in bubble
    assert "200 cm" not in bubble  # earlier versions are for moderators only


def test_the_edit_link_opens_the_composer_in_edit_mode_without_javascript(login, conversation, buyer):
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")
    client = login(buyer)
    page = _page(client, conversation)
    assert f'href="{conversation.get_absolute_url()}?edit={message.id}#composer"' in page

    page = _page(client, conversation, edit=message.id)

    composer = re.search(r'<form id="composer".*?</form>', page, re.S).group()
    assert f'action="{_url("message_edit", message)}"' in composer
    assert "Editing your message" in composer
    assert ">Is the sofa 200 cm long?</textarea>" in composer
    assert 'name="photos"' not in composer  # text only
    assert ">Save</button>" in composer


def test_editing_someone_elses_message_is_not_offered_nor_accepted(login, conversation, buyer, seller):
    message = conversation.messages.get()  # the buyer's opening message
    client = login(seller)

    page = _page(client, conversation, edit=message.id)
    assert "Editing your message" not in page
    assert "Only the sender can change a message." in page
    response = client.post(_url("message_edit", message), {"body": "rewritten"})

    assert response.status_code == 400
    assert Message.objects.get(pk=message.pk).body == "Hi! Is this still available?"


def test_edit_after_the_window_keeps_the_typed_text_and_says_why(login, conversation, buyer, settings):
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")
    Message.objects.filter(pk=message.pk).update(
        created_at=message.created_at - timedelta(seconds=settings.MARKETPLACE_EDIT_WINDOW_S)
    )
    client = login(buyer)

    response = client.post(_url("message_edit", message), {"body": "Is it 210 cm?"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Messages can be edited or deleted for 15 minutes after sending." in page
    assert ">Is it 210 cm?</textarea>" in page
    # With htmx the composer comes back alone, in edit mode, with the reason.
    response = client.post(_url("message_edit", message), {"body": "Is it 210 cm?"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#composer"
    assert "Messages can be edited or deleted for 15 minutes after sending." in response.content.decode()
    assert Message.objects.get(pk=message.pk).body == "Is the sofa 200 cm long?"


def test_after_the_window_the_page_offers_neither_edit_nor_delete(login, conversation, buyer, settings):
    message = _send(conversation, buyer)
    client = login(buyer)
    assert "Delete for everyone" in _bubble(_page(client, conversation), message)
    Message.objects.filter(pk=message.pk).update(
        created_at=message.created_at - timedelta(seconds=settings.MARKETPLACE_EDIT_WINDOW_S + 1)
    )
    settings.MARKETPLACE_FRAGMENT_CACHE_S = 0  # the row's time moved under the cache's feet

    bubble = _bubble(_page(client, conversation), message)

    assert "Delete for everyone" not in bubble and "?edit=" not in bubble
    assert ">Reply</a>" in bubble  # replying and reacting stay


def test_htmx_edit_answers_with_the_changed_message_and_a_plain_composer(login, conversation, buyer):
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")
    seq = conversation.change_seq

    response = login(buyer).post(
        _url("message_edit", message),
        {"body": "Is it 210 cm?", "after": message.id, "change_seq": seq, "earliest": 0},
        headers=HTMX,
    )

    body = response.content.decode()
    assert "<html" not in body
    assert re.search(rf'id="message-{message.id}"[^>]*data-hx-swap-oob="true"', body)
    assert "Is it 210 cm?" in body
    assert re.search(r'<form id="composer"[^>]*data-hx-swap-oob="true"', body)
    assert "Editing your message" not in body
    assert re.search(r'id="message-change-seq" value="1" data-hx-swap-oob="true"', body)


# --- Delete ---------------------------------------------------------------------------------------


def test_delete_without_javascript_shows_message_deleted_on_both_sides(login, conversation, buyer, seller):
    message = _send(conversation, buyer, "Sorry, that was for another seller")

    response = login(buyer).post(_url("message_delete", message))

    assert response.status_code == 302
    for user in (buyer, seller):
        page = _page(login(user), conversation)
        assert "Message deleted" in _bubble(page, message)
        assert "another seller" not in page  # not in the bubble, not in the list preview
        assert 'class="row-snippet">You: Message deleted' in page or "Message deleted</span>" in page


def test_a_refused_delete_says_why(login, conversation, buyer, settings):
    message = _send(conversation, buyer)
    Message.objects.filter(pk=message.pk).update(
        created_at=message.created_at - timedelta(seconds=settings.MARKETPLACE_EDIT_WINDOW_S)
    )
    client = login(buyer)

    response = client.post(_url("message_delete", message), follow=True)

    assert "Messages can be edited or deleted for 15 minutes after sending." in response.content.decode()
    response = client.post(_url("message_delete", message), {"after": message.id}, headers=HTMX)
    assert re.search(
        r'id="action-error" class="form-error action-error" role="alert" data-hx-swap-oob="true">'
        r"Messages can be",
        response.content.decode(),
    )
    assert Message.objects.get(pk=message.pk).deleted_at is None


# --- Reply ----------------------------------------------------------------------------------------


def test_reply_without_javascript_quotes_the_original(login, conversation, buyer, seller):
    question = _send(conversation, buyer, "Is the sofa 200 cm long?")
    client = login(seller)
    composer = re.search(
        r'<form id="composer".*?</form>', _page(client, conversation, reply=question.id), re.S
    )
    assert "Replying to Bea Buyer" in composer.group()
    assert f'name="reply_to" value="{question.id}"' in composer.group()

    client.post(
        reverse("chat:send", args=[conversation.public_id]), {"body": "210 cm", "reply_to": question.id}
    )

    reply = conversation.messages.latest("id")
    assert reply.reply_to_id == question.id
    bubble = _bubble(_page(login(buyer), conversation), reply)
    assert f'href="{conversation.get_absolute_url()}?at={question.id}#message-{question.id}"' in bubble
    assert 'class="reply-quote-sender">You</span>' in bubble  # the buyer wrote the original
    assert "Is the sofa 200 cm long?" in bubble


def test_a_quote_shows_the_original_as_it_is_now(login, conversation, buyer, seller):
    question = _send(conversation, buyer, "Is the sofa 200 cm long?")
    reply = _send(conversation, seller, "210 cm", reply_to_id=question.id)
    client = login(seller)

    services.message_edit(message=question, editor=buyer, body="How long is the sofa?")
    assert "How long is the sofa?" in _bubble(_page(client, conversation), reply)
    services.message_delete(message=question, user=buyer)
    quote = re.search(r'class="reply-quote-text">(.*?)</span>', _bubble(_page(client, conversation), reply))
    assert quote.group(1) == "Message deleted"


def test_a_refused_reply_stays_a_reply_with_the_typed_text(login, conversation, buyer, seller):
    question = _send(conversation, buyer)
    client = login(seller)

    response = client.post(
        reverse("chat:send", args=[conversation.public_id]), {"body": "   ", "reply_to": question.id}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a message before sending." in page
    assert f'name="reply_to" value="{question.id}"' in page


def test_the_composer_endpoint_keeps_the_typed_text_when_replying(login, conversation, buyer):
    question = conversation.messages.get()
    client = login(conversation.seller)

    response = client.get(
        reverse("chat:composer", args=[conversation.public_id]),
        {"reply": question.id, "body": "Yes, and "},
        headers=HTMX,
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<form id="composer"')
    assert ">Yes, and </textarea>" in body
    assert "Replying to Bea Buyer" in body


# --- React ----------------------------------------------------------------------------------------


def test_react_without_javascript_and_both_sides_see_who_reacted(login, conversation, buyer, seller):
    message = conversation.messages.get()

    response = login(seller).post(_url("message_react", message), {"add": "👍"})

    assert response.status_code == 302
    assert MessageReaction.objects.get(message=message).emoji == "👍"
    seller_view = _bubble(_page(login(seller), conversation), message)
    assert re.search(r'class="reaction is-mine" name="remove" value="👍" aria-pressed="true"', seller_view)
    assert 'class="reaction-who">You</span>' in seller_view
    buyer_view = _bubble(_page(login(buyer), conversation), message)
    assert 'class="reaction-who">Sam Seller</span>' in buyer_view

    login(seller).post(_url("message_react", message), {"remove": "👍"})
    assert not MessageReaction.objects.exists()


def test_an_unknown_reaction_is_refused_with_a_reason(login, conversation, seller):
    message = conversation.messages.get()

    response = login(seller).post(_url("message_react", message), {"add": "🤷"}, follow=True)

    assert "Choose one of the reactions shown." in response.content.decode()
    assert not MessageReaction.objects.exists()


def test_message_actions_are_rate_limited(login, conversation, seller, settings):
    settings.MARKETPLACE_RATE_LIMITS = {
        **settings.MARKETPLACE_RATE_LIMITS,
        "message_action_by_user": [(60, 2)],
    }
    message = conversation.messages.get()
    client = login(seller)
    for emoji in ("👍", "❤️"):
        client.post(_url("message_react", message), {"add": emoji})

    response = client.post(_url("message_react", message), {"add": "😂"}, headers=HTMX)

    assert "too" in response.content.decode().lower()  # the rate limit's own message
    assert MessageReaction.objects.get(message=message).emoji == "❤️"


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["message_edit", "message_delete", "message_react"])
def test_message_actions_are_404_for_strangers_and_for_other_conversations(
    login, conversation, buyer, seller, stranger, name
):
    message = conversation.messages.get()
    assert login(stranger).post(_url(name, message), {"body": "x", "add": "👍"}).status_code == 404
    elsewhere, _ = services.conversation_start(buyer=stranger, ad=AdFactory(owner=seller), body="Hello")
    foreign = elsewhere.messages.get()
    # The buyer's own conversation in the URL, another conversation's message id: no such message.
    url = reverse(f"chat:{name}", args=[conversation.public_id, foreign.id])
    assert login(buyer).post(url, {"body": "x", "add": "👍"}).status_code == 404
    assert login(buyer).get(_url(name, message)).status_code == 405
    assert Message.objects.get(pk=foreign.pk).body == "Hello" and not MessageReaction.objects.exists()


def test_the_composer_endpoint_is_404_for_strangers(login, conversation, stranger):
    url = reverse("chat:composer", args=[conversation.public_id])
    assert login(stranger).get(url, headers=HTMX).status_code == 404
