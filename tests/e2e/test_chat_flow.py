"""A buyer and a seller in two browsers: write to seller, see it arrive by polling, reply, see the reply."""

import re

import pytest
from playwright.sync_api import expect

from ads import services as ad_services
from chat import services as chat_services
from marketplace.images import placeholder_photo
from tests.e2e.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator(".site-nav .chats-link")).to_be_visible()  # in any language


def test_buyer_writes_seller_replies_both_see_it_without_reloading(browser, live_server, settings):
    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    ad = ad_services.ad_create(
        owner=seller,
        # get_or_create: earlier transactional tests flush the categories the data migration seeded.
        category=CategoryFactory(slug="furniture", name="Furniture"),
        title="Mid-century walnut sofa",
        description="Three seats.",
        price=450,
        city="Oakland",
        photos=[placeholder_photo(text="Sofa", seed=2)],
    )
    base = live_server.url
    seller_context = browser.new_context(viewport={"width": 1280, "height": 800})
    buyer_context = browser.new_context(viewport={"width": 1280, "height": 800})
    seller_page, buyer_page = seller_context.new_page(), buyer_context.new_page()
    errors = []
    for page in (seller_page, buyer_page):
        page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(seller_page, base, "seller@example.com")
    seller_page.goto(f"{base}/chat/")
    expect(seller_page.locator(".conversation-list")).to_contain_text("No conversations yet.")

    # The buyer writes from the ad page with the suggested first message.
    log_in(buyer_page, base, "buyer@example.com")
    buyer_page.goto(f"{base}{ad.get_absolute_url()}")
    expect(buyer_page.locator("#id_body")).to_have_value("Hi! Is this still available?")
    buyer_page.click("text=Write to seller >> nth=-1")
    expect(buyer_page).to_have_url(re.compile(r"/chat/[0-9A-Za-z]{10}/"))
    expect(buyer_page.locator("#message-list")).to_contain_text("Hi! Is this still available?")
    expect(buyer_page.locator("#ad-snapshot")).to_contain_text("Mid-century walnut sofa")

    # The seller's open list shows it within one poll, bold as unread, and the header badge says 1.
    row = seller_page.locator(".conversation-row")
    expect(row).to_contain_text("Bea Buyer", timeout=5000)
    expect(row).to_have_class(re.compile("is-unread"))
    expect(seller_page.locator("#unread-badge [aria-hidden]")).to_have_text("1")
    # Sent, or already delivered (the seller's list fetched it): not read while the seller has not opened it.
    expect(buyer_page.locator("#message-list .receipt").first).not_to_have_class(re.compile("is-read"))
    row.click()
    expect(seller_page.locator("#message-list")).to_contain_text("Hi! Is this still available?")
    expect(seller_page.locator("#unread-badge")).to_be_hidden()

    # The buyer's open chat turns the receipt to read (blue ✓✓) at the next poll.
    receipt = buyer_page.locator("#message-list .receipt").first
    expect(receipt).to_have_class(re.compile("is-read"), timeout=5000)
    expect(buyer_page.locator("#message-list .receipt [aria-hidden]").first).to_have_text("✓✓")

    # The seller replies with Enter; Shift+Enter makes a new line. It shows at once, from the POST.
    composer = seller_page.locator("#composer textarea")
    composer.fill("Yes, it is!")
    composer.press("Shift+Enter")
    composer.type("Come by on Saturday.")
    composer.press("Enter")
    expect(seller_page.locator("#message-list .message--own[data-message-id]").last).to_contain_text(
        "Come by on Saturday."
    )
    expect(composer).to_have_value("")
    # The composer came back out of band; the keyboard user is still in it, ready for the next message.
    expect(composer).to_be_focused()
    assert seller_page.locator("#message-list .message").count() == 2

    # The buyer sees the reply without reloading, once.
    expect(buyer_page.locator("#message-list .message--other")).to_contain_text("Yes, it is!", timeout=5000)
    buyer_page.wait_for_timeout(2500)  # a couple more polls must not duplicate anything
    assert buyer_page.locator("#message-list .message").count() == 2
    assert buyer_page.locator(".day-separator").count() == 1
    # Screen readers hear the seller's reply once, from the announcer; not the buyer's own message.
    announced = buyer_page.locator("#message-announcer p")
    expect(announced).to_have_count(1)
    expect(announced).to_have_text("Sam Seller: Yes, it is! Come by on Saturday.")
    assert seller_page.locator("#message-announcer p").count() == 0

    # The composer swapped in out of band is live htmx: the next message goes without a page load.
    seller_page.evaluate("window.stillTheSamePage = true")
    composer.fill("See you then")
    composer.press("Enter")
    expect(seller_page.locator("#message-list .message--own[data-message-id]").last).to_contain_text(
        "See you then"
    )
    assert seller_page.evaluate("window.stillTheSamePage === true")
    expect(buyer_page.locator("#message-list .message--other").last).to_contain_text(
        "See you then", timeout=5000
    )

    # A refused message keeps its text and says why, in place.
    buyer_page.evaluate("document.querySelector('#composer textarea').value = '   '")
    buyer_page.click("#composer button[type=submit]")
    expect(buyer_page.locator(".composer-error")).to_contain_text("Write a message before sending.")

    # The buyer makes an offer; the seller's open chat shows the card at the next poll and accepts it.
    buyer_page.click("text=Make an offer")
    buyer_page.fill("#offer-amount", "400")
    buyer_page.click("text=Send offer")
    expect(buyer_page.locator(".offer").last).to_contain_text("$400")
    seller_offer = seller_page.locator(".offer").last
    expect(seller_offer).to_contain_text("Waiting for your answer", timeout=5000)
    seller_offer.locator("text=Accept").click()
    expect(seller_page.locator(".offer").last).to_contain_text("Accepted")
    expect(buyer_page.locator(".offer").last).to_contain_text("Accepted", timeout=5000)
    expect(buyer_page.locator("#message-list")).to_contain_text("Sam Seller accepted the offer of $400.")

    # Mark as sold, next to the accepted offer: both sides' snapshots say so.
    seller_page.locator(".offer").last.locator("text=Mark as sold").click()
    expect(seller_page.locator("#ad-snapshot")).to_contain_text("Sold")
    expect(buyer_page.locator("#ad-snapshot")).to_contain_text("Sold", timeout=5000)

    seller_page.screenshot(path=str(ARTIFACTS / "chat-seller-1280x800.png"))
    buyer_page.screenshot(path=str(ARTIFACTS / "chat-buyer-1280x800.png"))
    buyer_page.set_viewport_size({"width": 390, "height": 844})
    buyer_page.reload()
    expect(buyer_page.locator(".conversation-pane")).to_be_hidden()
    expect(buyer_page.locator(".back-link")).to_be_visible()
    buyer_page.screenshot(path=str(ARTIFACTS / "chat-buyer-390x844.png"))
    buyer_page.click(".back-link")
    expect(buyer_page.locator(".conversation-row")).to_be_visible()
    buyer_page.screenshot(path=str(ARTIFACTS / "chat-list-390x844.png"))
    assert errors == []
    seller_context.close()
    buyer_context.close()


def test_load_earlier_messages_keeps_the_reader_in_place(browser, live_server):
    from tests.factories import AdFactory

    seller = UserFactory(email="seller2@example.com")
    buyer = UserFactory(email="buyer2@example.com")
    ad = AdFactory(owner=seller, category=CategoryFactory(slug="furniture", name="Furniture"))
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="message 0")
    for n in range(1, 80):
        chat_services.message_send(
            conversation=conversation, sender=seller if n % 2 else buyer, body=f"message {n}"
        )

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, live_server.url, "buyer2@example.com")
    page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
    messages = page.locator("#message-list .message")
    expect(messages).to_have_count(50)
    expect(page.locator("#message-list")).to_contain_text("message 79")
    page.evaluate("document.getElementById('message-scroller').scrollTop = 0")
    first_shown = page.locator("#message-list .message").first
    expect(first_shown).to_contain_text("message 30")
    top_before = first_shown.bounding_box()["y"]

    page.click("text=Load earlier messages")
    expect(messages).to_have_count(80)
    expect(page.locator("text=Load earlier messages")).to_have_count(0)
    # The message that was on top stays where the reader left it; older ones are above it.
    anchored = page.locator("#message-list .message", has_text=re.compile(r"^\s*message 30\s"))
    assert abs(anchored.bounding_box()["y"] - top_before) < 5
    assert page.locator(".day-separator").count() == 1
    # The button replaced itself with the history: focus goes to the messages, not to <body>.
    expect(page.locator("#message-scroller")).to_be_focused()
    context.close()


def test_a_list_poll_does_not_move_a_scrolled_list(browser, live_server, settings):
    from tests.factories import AdFactory

    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE = 30
    seller = UserFactory(email="busy-seller@example.com")
    category = CategoryFactory(slug="furniture", name="Furniture")
    conversations = [
        chat_services.conversation_start(
            buyer=UserFactory(), ad=AdFactory(owner=seller, category=category), body="Hi"
        )[0]
        for _ in range(30)
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, live_server.url, "busy-seller@example.com")
    page.goto(f"{live_server.url}/chat/")
    expect(page.locator(".conversation-row")).to_have_count(30)
    page.evaluate("document.querySelector('.conversation-pane').scrollTop = 600")
    scrolled = page.evaluate("document.querySelector('.conversation-pane').scrollTop")
    assert scrolled > 0

    chat_services.message_send(
        conversation=conversations[5], sender=conversations[5].buyer, body="Still there?"
    )
    expect(page.locator(".conversation-row").first).to_contain_text("Still there?", timeout=5000)
    assert page.evaluate("document.querySelector('.conversation-pane').scrollTop") == scrolled
    context.close()


def test_a_second_poll_asked_for_while_one_is_in_flight_still_runs(browser, live_server, settings):
    """Two pushes a few ms apart: htmx queues the second poll on the element the first answer replaces,
    and drops it; static/js/polls.js runs it on the replacement, so the second message does not wait 30 s."""
    from tests.factories import AdFactory

    settings.MARKETPLACE_POLL_INTERVAL_S = 30
    buyer = UserFactory(email="two-pushes@example.com")
    conversation, _ = chat_services.conversation_start(
        buyer=buyer, ad=AdFactory(category=CategoryFactory()), body="Hi"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, live_server.url, "two-pushes@example.com")
    page.goto(f"{live_server.url}/chat/")
    expect(page.locator(".conversation-row")).to_have_count(1)

    answered = []

    def hold_the_first_answer(route):
        if answered:
            route.continue_()
            return
        response = route.fetch()  # the first poll's answer: the first message only
        answered.append(response)
        chat_services.message_send(conversation=conversation, sender=conversation.ad.owner, body="Second one")
        page.wait_for_timeout(400)  # meanwhile the page asks again (below)
        route.fulfill(response=response)

    page.route("**/chat/poll/**", hold_the_first_answer)
    chat_services.message_send(conversation=conversation, sender=conversation.ad.owner, body="First one")
    page.evaluate(
        """() => {
          const list = document.getElementById("conversation-list");
          document.addEventListener("htmx:beforeRequest", () => {
            setTimeout(() => htmx.trigger(document.getElementById("conversation-list"), "chat:poll"), 150);
          }, {once: true});
          htmx.trigger(list, "chat:poll");
        }"""
    )
    expect(page.locator(".conversation-row").first).to_contain_text("Second one", timeout=5000)
    context.close()
