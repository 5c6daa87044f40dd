from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat import services
from chat.moderation.models import Report
from chat.safety import NOTES, SignalContext, safety_notes, scam_level, scam_signals
from chat.safety.links import lookalike
from chat.safety.numbers import card_number_like, phone_like


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me on +44 7911 123456 tonight", ("contact",)),
        # Pay first, then the sender dispatches (chat.safety.rules.prepayment_sequence).
        ("Make the payment today and I will post it tomorrow.", ("payment",)),
        ("I need the funds before I can release it.", ("payment",)),
        ("Как только придут деньги, отправлю.", ("payment",)),
        ("Keep your asking price and send the remaining funds to my agent.", ("overpayment",)),
        ("The carrier releases it once the customs fee is paid.", ("courier",)),
        ("my number is (212) 555-0143", ("contact",)),
        ("write to john.smith+bike@gmail.com", ("contact",)),
        ("Add me on WhatsApp please", ("contact",)),
        ("t.me/quickdeals", ("contact",)),
        ("Напишите в ватсап", ("contact",)),
        ("Пишите в вотсап, тут не отвечаю", ("contact",)),
        ("Давайте в телеге продолжим", ("contact",)),
        ("Мой телеграм @prodam", ("contact",)),
        ("Звоните 8 (912) 345-67-89", ("contact",)),
        ("I'll pay with PayPal, send me your paypal.me link", ("payment",)),
        ("Buy a Steam gift card and send me the code", ("payment",)),
        ("Переведите всю сумму на карту, и я отправлю", ("payment",)),
        ("Send a $100 deposit and I'll hold it for you", ("deposit",)),
        ("Переведите задаток, и я придержу для вас", ("deposit",)),
        ("I'll mail a cashier's check for more, refund the difference to my mover", ("overpayment",)),
        ("Перевёл лишнее, верните разницу", ("overpayment",)),
        ("Send me the 6-digit code you got by SMS", ("code_request",)),
        ("Продиктуйте код из смс", ("code_request",)),
        ("What's your card number and CVV?", ("card_details",)),
        ("Номер моей карты 5105 1051 0510 5100", ("card_details",)),
        ("Confirm here: https://safe-deal-pay.com/x", ("link",)),
        ("Оплата по ссылке clck.ru/3Hk9z", ("link",)),
        ("My courier will collect it, just pay the delivery fee", ("courier",)),
        ("Курьер заберёт, доставку оплатите по ссылке", ("courier",)),
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
        "Оплатите при получении, отправлю СДЭКом завтра.",
        "I'll pay you when I pick it up, then I will post a review.",
        "It's a 2019 model, 256GB, battery at 87%.",
        "Meet at 5:30 tomorrow near the station?",
        "The Bluetooth signal is strong and the screen is fine.",
        "Order reference DE00 3704 0044 0532 0130 00",  # IBAN-shaped, checksum wrong
        "Model number AB12 CDEF GHIJ KLMN",
        "Similar ones go for 11,000-11-800, so 11,500 is fair.",  # a price range, not a phone
        "Цены на такие 11 000-11 800, отдам за 11 500.",
        "The deposit is one month's rent, paid when we sign the lease after the viewing.",
        "Залог равен месячной оплате, вносится при подписании договора.",
        "Продаю телегу садовую, колёса новые.",
        "Отправлю Почтой России, оплата при получении.",
        "Доставка по городу 300 рублей, оплата курьеру при получении.",
        "Код модели SM-A525F, карта памяти в комплекте.",
        "I can't pay more than 400 for it.",
        "I can bring cash or a certified check",
        "Hoping for ups and downs to end, the bike is fine.",
        "Serial 4111 1111 1111 1112 on the box",  # card-shaped, Luhn fails
    ],
)
def test_ordinary_marketplace_text_has_no_signal(text):
    assert scam_signals(text) == ()


def test_numbers_and_links():
    assert card_number_like("4111 1111 1111 1111") and card_number_like("4012888888881881")
    assert not card_number_like("1111 1111 1111 1111")  # passes Luhn but is one digit repeated
    assert phone_like("+7 912 345-67-89") and not phone_like("11,000-11-800")
    assert lookalike("paypa1-secure.com") and lookalike("rnarketplace-pay.com") and lookalike("bit.ly")
    assert not lookalike("paypal.com") and not lookalike("mostsafeneighborhoods.com")


def test_the_sites_own_links_are_not_flagged(settings):
    settings.MARKETPLACE_SITE_URL = "https://market.example"
    assert scam_signals("See my other ad: https://market.example/ads/abc123/") == ()
    assert scam_signals("See https://market-example.pay/ads") == ("link",)


def test_context_adds_a_deposit_note_and_holds_strong_signals():
    calm = SignalContext(sender_account_days=400, early_in_conversation=False)
    risky = SignalContext(sender_account_days=1, early_in_conversation=True)
    assert scam_signals("Deposit 100 please", context=calm) == ()
    assert scam_signals("Deposit 100 please", context=risky) == ("deposit",)
    assert scam_signals("Нужна предоплата", context=risky) == ("payment", "deposit")
    assert scam_level("Tell me the code from the SMS", context=calm) == "note"
    assert scam_level("Tell me the code from the SMS", context=risky) == "hold"
    assert scam_level("Call me on +44 7911 123456", context=risky) == "note"  # contact alone is not held
    assert scam_level("Hello", context=risky) == ""


def test_notes_are_in_the_readers_language():
    from django.utils import translation

    with translation.override("ru"):
        (note,) = safety_notes("Продиктуйте код из смс")
        assert note["category"] == "code_request" and note["help_anchor"] == "code-request"
        assert "смс" in str(note["text"]).lower() or "SMS" in str(note["text"])
    with translation.override("en"):
        (note,) = safety_notes("Send me the code from the SMS")
        assert str(note["text"]) == str(NOTES["code_request"])


def test_the_recipient_sees_a_note_and_the_message_unchanged(login, conversation, buyer, seller):
    text = "Text me on WhatsApp +44 7911 123456 & pay by bank transfer <b>now</b>"
    message = services.message_send(conversation=conversation, sender=buyer, body=text)
    assert message.body == text  # stored exactly

    seller_page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert (
        "Text me on WhatsApp +44 7911 123456 &amp; pay by bank transfer &lt;b&gt;now&lt;/b&gt;" in seller_page
    )
    assert 'class="safety-note"' in seller_page
    assert NOTES["contact"].replace("'", "&#x27;") in seller_page
    assert NOTES["payment"].replace("'", "&#x27;") in seller_page
    help_url = reverse("chat:safety_help")
    assert f'href="{help_url}#contact"' in seller_page and f'href="{help_url}#payment"' in seller_page
    assert "Report this message" in seller_page

    # The sender gets no warning about their own words.
    buyer_page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert 'class="safety-note' not in buyer_page


def test_a_strong_signal_from_a_new_account_is_folded(login, conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=buyer, body="Send me the code from the SMS")
    page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert '<details class="message-held"><summary>Show message</summary>' in page
    assert "safety-note--hold" in page


def test_an_old_account_later_in_the_conversation_gets_a_note_only(login, conversation, buyer, seller):
    old = timezone.now() - timedelta(days=400)
    type(buyer).objects.filter(pk=buyer.pk).update(date_joined=old)
    type(conversation).objects.filter(pk=conversation.pk).update(created_at=old)
    services.message_send(conversation=conversation, sender=buyer, body="Send me the code from the SMS")
    page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert 'class="safety-note"' in page and "message-held" not in page


def test_report_this_message_files_a_scam_report_in_one_click(login, conversation, buyer, seller):
    message = services.message_send(conversation=conversation, sender=buyer, body="Send the CVV of your card")
    client = login(seller)
    url = f"{reverse('moderation:report', args=[conversation.public_id])}?message={message.id}"
    form = {"reason": "scam", "idempotency_key": f"scam-note-message-{message.id}"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a second click files nothing more
    report = Report.objects.get()
    assert (report.message_id, report.reason, report.reporter_id) == (message.id, "scam", seller.id)


def test_the_help_page_explains_every_family(client):
    page = client.get(reverse("chat:safety_help")).content.decode()
    for category in NOTES:
        assert f'id="{category.replace("_", "-")}"' in page


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


def _settled(user, conversation):
    """An old account in a conversation long past its first hour: no context risk of its own."""
    old = timezone.now() - timedelta(days=400)
    type(user).objects.filter(pk=user.pk).update(date_joined=old)
    type(conversation).objects.filter(pk=conversation.pk).update(created_at=old)


def _copies(buyer, body, count):
    """*buyer* sends *body* word for word in *count* new conversations about other sellers' ads."""
    from tests.factories import AdFactory

    for _ in range(count):
        services.conversation_start(buyer=buyer, ad=AdFactory(), body=body)


@pytest.mark.parametrize("copies, noted", [(1, False), (2, True)])
def test_text_copied_into_other_conversations_is_a_risky_context(
    login, conversation, buyer, seller, copies, noted
):
    _settled(buyer, conversation)
    body = "I can send a deposit today."  # a money word: a note only in a risky context
    _copies(buyer, body, copies)
    services.message_send(conversation=conversation, sender=buyer, body=body)
    page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert ('class="safety-note"' in page) is noted
    if noted:
        assert f'href="{reverse("chat:safety_help")}#deposit"' in page


def test_a_strong_signal_copied_into_other_conversations_is_folded(login, conversation, buyer, seller):
    _settled(buyer, conversation)
    body = "Tell me the code from the SMS you got"
    _copies(buyer, body, 2)
    services.message_send(conversation=conversation, sender=buyer, body=body)
    page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert '<details class="message-held"><summary>Show message</summary>' in page


@pytest.mark.parametrize("flagged", [1, 4])
def test_the_repetition_check_is_one_query_however_many_flagged_messages(
    login, conversation, buyer, seller, flagged
):
    """A page with no flagged message runs no repetition query; with any number of them, one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _settled(buyer, conversation)
    client = login(seller)
    client.get(conversation.get_absolute_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as plain:
        client.get(conversation.get_absolute_url())
    for n in range(flagged):
        services.message_send(conversation=conversation, sender=buyer, body=f"Deposit {n} to hold it?")
    with CaptureQueriesContext(connection) as with_notes:
        page = client.get(conversation.get_absolute_url()).content.decode()
    assert page.count('class="safety-note"') >= flagged
    repeated = [
        q
        for q in with_notes.captured_queries
        if 'COUNT(DISTINCT "chat_message"."conversation_id")' in q["sql"]
    ]
    assert len(repeated) == 1
    assert not [
        q for q in plain.captured_queries if 'COUNT(DISTINCT "chat_message"."conversation_id")' in q["sql"]
    ]
