"""API: the scam notes next to the other person's messages are the page's (chat.presenters.safety)."""

from django.urls import reverse

from chat import services
from chat.safety import NOTES


def test_api_messages_carry_the_notes_the_page_shows(token_client, conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=buyer, body="Send me the code from the SMS")
    url = f"/api/v1/conversations/{conversation.public_id}/messages/"
    last = token_client(seller).get(url).json()["results"][-1]
    assert last["safety_level"] == "hold"  # a new account, the first hour: as on the page
    (note,) = last["safety_notes"]
    assert note["category"] == "code_request"
    assert note["help_url"] == f"{reverse('chat:safety_help')}#code-request"
    assert note["text"] == str(NOTES["code_request"])
    # The sender gets no warning about their own words, and ordinary messages carry none.
    mine = token_client(buyer).get(url).json()["results"]
    assert all(m["safety_notes"] == [] and m["safety_level"] == "" for m in mine)


def test_api_notes_are_in_the_readers_language(token_client, conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=buyer, body="Скиньте код из смс")
    url = f"/api/v1/conversations/{conversation.public_id}/messages/"
    last = token_client(seller).get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["results"][-1]
    assert last["safety_notes"][0]["text"].startswith("Никому не сообщайте коды")
