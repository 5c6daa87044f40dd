import pytest
from django.urls import reverse

from chat import services
from chat.safety import NOTES, scam_signals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me on +44 7911 123456 tonight", ("contact",)),
        ("my number is (212) 555-0143", ("contact",)),
        ("write to john.smith+bike@gmail.com", ("contact",)),
        ("Add me on WhatsApp please", ("contact",)),
        ("t.me/quickdeals", ("contact",)),
        ("I'll pay with PayPal, send me your paypal.me link", ("payment",)),
        ("Can you take a Steam gift card?", ("payment",)),
        ("Send a 50 deposit by bank transfer", ("payment",)),
        ("My courier will collect it, just confirm on the DHL page", ("courier",)),
        ("IBAN DE89 3704 0044 0532 0130 00", ("bank_account",)),
        ("Whatsapp +1 415 555 2671, pay via Zelle", ("contact", "payment")),
    ],
)
def test_signals_found(text, expected):
    assert scam_signals(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Is it still available? I can pay $1,200 cash on pickup.",
        "It's a 2019 model, 256GB, battery at 87%.",
        "Meet at 5:30 tomorrow near the station?",
        "The Bluetooth signal is strong and the screen is fine.",
        # IBAN-shaped but the checksum is wrong: an ordinary code.
        "Order reference DE00 3704 0044 0532 0130 00",
        "Model number AB12 CDEF GHIJ KLMN",
    ],
)
def test_ordinary_marketplace_text_has_no_signal(text):
    assert scam_signals(text) == ()


def test_the_recipient_sees_a_note_and_the_message_unchanged(login, conversation, buyer, seller):
    text = "Text me on WhatsApp +44 7911 123456 & pay by bank transfer <b>now</b>"
    message = services.message_send(conversation=conversation, sender=buyer, body=text)
    assert message.body == text  # stored exactly

    seller_page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert (
        "Text me on WhatsApp +44 7911 123456 &amp; pay by bank transfer &lt;b&gt;now&lt;/b&gt;" in seller_page
    )
    assert 'class="safety-note" role="note"' in seller_page
    assert NOTES["contact"].replace("'", "&#x27;") in seller_page
    assert NOTES["payment"].replace("'", "&#x27;") in seller_page

    # The sender gets no warning about their own words.
    buyer_page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert 'class="safety-note"' not in buyer_page


def test_the_note_arrives_with_a_poll(login, conversation, buyer, seller, committed):
    from tests.conftest import conversation_token, user_key

    client = login(seller)
    first = conversation.messages.get()
    params = {
        "token": conversation_token(conversation, seller),
        "user_key": user_key(seller),
        "after": first.id,
    }
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="email me: deal@example.com")
    body = client.get(
        reverse("chat:poll", args=[conversation.public_id]), params, headers={"HX-Request": "true"}
    )
    assert 'class="safety-note"' in body.content.decode()
