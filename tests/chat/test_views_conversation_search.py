"""Views: search inside one conversation, with ``?q=`` (no JavaScript) and as the panel the menu's box
fetches; participants only, one query however long the history."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from chat import services

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _history(conversation, buyer, seller, count):
    for n in range(count):
        services.message_send(conversation=conversation, sender=seller if n % 2 else buyer, body=f"note {n}")
    return services.message_send(conversation=conversation, sender=buyer, body="The bicycle has new tyres")


def test_q_on_the_conversation_page_lists_matches_linking_to_their_place(login, conversation, buyer, seller):
    early = services.message_send(conversation=conversation, sender=seller, body="The bicycle is blue")
    last = _history(conversation, buyer, seller, 60)
    page = login(buyer).get(conversation.get_absolute_url(), {"q": "bicycle"}).content.decode()
    assert "2 matches for “bicycle”" in page
    links = re.findall(r'href="([^"]+)" data-match-id="(\d+)"', page)
    assert [int(found) for _, found in links] == [last.id, early.id]  # newest first
    href = links[1][0].replace("&amp;", "&")
    assert href == f"{conversation.get_absolute_url()}?at={early.id}&q=bicycle#message-{early.id}"
    # The early match is not on the latest page; its link opens the page that ends with it.
    assert f'id="message-{early.id}"' not in page
    earlier = login(buyer).get(href.split("#")[0]).content.decode()
    assert f'id="message-{early.id}"' in earlier and "2 matches for “bicycle”" in earlier


def test_the_menus_box_gets_the_panel_alone_or_redirects_without_htmx(login, conversation, buyer, seller):
    _history(conversation, buyer, seller, 2)
    client = login(seller)
    url = reverse("chat:search_in", args=[conversation.public_id])
    panel = client.get(url, {"q": "tyres"}, **HTMX).content.decode()
    assert "<html" not in panel and 'id="conversation-matches"' in panel and "1 match for “tyres”" in panel
    assert "You:" not in panel and f"{buyer.display_name}:" in panel
    response = client.get(url, {"q": "new tyres"})
    assert response.status_code == 302 and response["Location"].endswith("?q=new+tyres")


def test_search_leaves_out_deleted_messages_and_hidden_history(login, conversation, buyer, seller):
    gone = services.message_send(conversation=conversation, sender=buyer, body="secret bicycle")
    services.message_delete(message=gone, user=buyer)
    services.conversation_hide(conversation=conversation, user=seller)
    services.message_send(conversation=conversation, sender=buyer, body="another bicycle")
    page = login(seller).get(conversation.get_absolute_url(), {"q": "bicycle"}).content.decode()
    assert "1 match for “bicycle”" in page and "secret" not in page
    page = login(buyer).get(conversation.get_absolute_url(), {"q": "secret"}).content.decode()
    assert "0 matches for “secret”" in page


def test_non_participants_get_404(login, conversation, stranger):
    client = login(stranger)
    url = reverse("chat:search_in", args=[conversation.public_id])
    assert client.get(url, {"q": "Hi"}, **HTMX).status_code == 404
    assert client.get(conversation.get_absolute_url(), {"q": "Hi"}).status_code == 404


@pytest.mark.parametrize("query", ["", "   ", "a\x00b", "x" * 5000, '"unclosed -quote or'])
def test_odd_queries_never_fail(login, conversation, buyer, query):
    client = login(buyer)
    assert client.get(conversation.get_absolute_url(), {"q": query}).status_code == 200
    url = reverse("chat:search_in", args=[conversation.public_id])
    assert client.get(url, {"q": query}, **HTMX).status_code == 200


@pytest.mark.parametrize("count", [1, 120])
def test_search_costs_the_same_queries_however_long_the_history(
    login, conversation, buyer, seller, count, django_assert_num_queries
):
    _history(conversation, buyer, seller, count)
    client = login(buyer)
    url = reverse("chat:search_in", args=[conversation.public_id])
    client.get(reverse("ads:list"))  # warm the last-seen gate
    # 1 session, 2 user, 3 conversation with the membership (access), 4 the matches.
    with django_assert_num_queries(4):
        response = client.get(
            url, {"q": "note tyres" if connection.vendor != "postgresql" else "note"}, **HTMX
        )
    assert response.status_code == 200


def test_the_panel_is_in_russian(login, conversation, buyer):
    buyer.language = "ru"
    buyer.save(update_fields=["language"])
    page = login(buyer).get(conversation.get_absolute_url(), {"q": "Hi"}, HTTP_ACCEPT_LANGUAGE="ru").content
    assert "совпадение по запросу «Hi»" in page.decode() and "Поиск в этом диалоге" in page.decode()
