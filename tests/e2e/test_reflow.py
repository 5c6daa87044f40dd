"""Reflow and resized text (WCAG 1.4.10, 1.4.4): the conversation list's rows at 320 px, and the chat with
the root font at 200 % (what a browser's "text size" setting does), in English and Russian."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services as chat_services
from chat.models import ConversationParticipant, Message
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import INNER_SIDEWAYS, _world
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The boxes of a list row's parts that overlap one another, as "a/b" pairs (the page's own JavaScript).
ROW_COLLISIONS = """() => {
  const parts = [".avatar", ".row-name", ".row-time", ".row-ad-title", ".row-snippet", ".row-thumb",
                 ".row-unread"];
  const found = [];
  for (const row of document.querySelectorAll(".conversation-row")) {
    const boxes = parts.map(p => [p, row.querySelector(p)]).filter(([, e]) => e)
      .map(([p, e]) => [p, e.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, r] = boxes[i], [b, s] = boxes[j];
      const apart = r.right - 0.5 <= s.left || s.right - 0.5 <= r.left
        || r.bottom - 0.5 <= s.top || s.bottom - 0.5 <= r.top;
      if (!apart)
        found.push(a + "/" + b);
    }
  }
  return found;
}"""

# Run before the document exists: sets the root's font size as soon as the parser makes <html>.
ROOT_FONT_200 = """new MutationObserver((changes, observer) => {
  if (!document.documentElement) return;
  document.documentElement.style.fontSize = "200%";
  observer.disconnect();
}).observe(document, {childList: true});"""


def _busy_world():
    """The shared world, plus an unread conversation last active a year ago (the longest list date) and
    enough messages in the open conversation to fill its message area."""
    world = _world()
    ad = AdFactory(owner=world["seller"], category=world["ad"].category, title="Oak bookcase", price=120)
    old, _ = chat_services.conversation_start(buyer=world["buyer"], ad=ad, body="Still for sale?")
    for number in range(120):
        chat_services.message_send(conversation=old, sender=world["seller"], body=f"Yes {number}")
    a_year_ago = timezone.now() - timedelta(days=400)
    Message.objects.filter(conversation=old).update(created_at=a_year_ago)
    old.__class__.objects.filter(pk=old.pk).update(last_message_at=a_year_ago)
    ConversationParticipant.objects.filter(conversation=old).update(last_message_at=a_year_ago)
    for number in range(12):
        chat_services.message_send(
            conversation=world["conversation"], sender=world["seller"], body=f"Message number {number}"
        )
    return world


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_list_rows_keep_their_parts_apart_at_320_px(browser, live_server, locale):
    _busy_world()
    page = browser.new_context(viewport={"width": 320, "height": 640}, locale=locale).new_page()
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}/chat/")
    assert page.locator(".conversation-row .row-unread").count() >= 2
    page.screenshot(path=str(ARTIFACTS / f"list-rows-{locale}-320.png"))
    assert page.evaluate(ROW_COLLISIONS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
@pytest.mark.parametrize("viewport", [(1280, 800), (360, 740)], ids=["desktop", "phone"])
def test_the_chat_works_with_text_at_200_percent(browser, live_server, locale, viewport):
    world = _busy_world()
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    # What the browser's text size setting does: the root font size, which every rem and em follows, set
    # before the page's own scripts measure anything.
    context.add_init_script(ROOT_FONT_200)
    page = context.new_page()
    log_in(page, live_server.url, "buyer@example.com")
    slug = f"{locale}-{width}"
    for url in ("/chat/", world["conversation"].get_absolute_url()):
        page.goto(f"{live_server.url}{url}")
        name = "list" if url == "/chat/" else "chat"
        page.screenshot(path=str(ARTIFACTS / f"text-200-{name}-{slug}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert page.evaluate(INNER_SIDEWAYS) == [], name
        assert page.evaluate(ROW_COLLISIONS) == [], name
    # The message area keeps room to read: at least three lines of messages and a third of the window.
    area = page.locator("#message-scroller").bounding_box()
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.message-body')).lineHeight)")
    assert area["height"] >= max(3 * 2 * line, height / 3), (area, line)
    # The composer shows its whole placeholder: typed as text, it would fit the box without scrolling.
    fits = page.evaluate(
        """() => { const t = document.querySelector('#composer textarea');
        t.value = t.placeholder; const fits = t.scrollHeight <= t.clientHeight + 1;
        t.value = ''; return fits; }"""
    )
    assert fits
    page.context.close()


# The message area's visible part, and whether the first and the last message are inside it.
MESSAGES_SEEN = """() => {
  const area = document.querySelector("#message-scroller").getBoundingClientRect();
  const seen = m => {
    const r = m.getBoundingClientRect();
    return r.bottom > area.top && r.top < area.bottom;
  };
  const messages = document.querySelectorAll("#message-list .message");
  return {first: seen(messages[0]), last: seen(messages[messages.length - 1]), count: messages.length};
}"""


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_long_conversation_opens_at_its_newest_message(browser, live_server, javascript):
    world = _busy_world()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}{world['conversation'].get_absolute_url()}")
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / f"long-conversation-{'js' if javascript else 'no-js'}.png"))
    seen = page.evaluate(MESSAGES_SEEN)
    assert seen["count"] > 12 and seen["last"] and not seen["first"], seen
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_a_title_and_city_without_spaces_wrap_instead_of_widening_the_page(browser, live_server, width):
    # Outside testing: an unbroken 100-letter title made the ad page 1363 px wide at 320 px, its heading
    # running over the price, and cut the city off on the cards.
    world = _world()
    long_word = "Supercalifragilisticexpialidocious" * 3
    ad = AdFactory(
        owner=world["seller"], category=world["ad"].category, title=long_word, city="Llanfair" * 7, price=99
    )
    chat_services.conversation_start(buyer=world["buyer"], ad=ad, body="Hello")
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    log_in(page, live_server.url, "buyer@example.com")
    wide = {}
    for name, url in (("ad page", ad.get_absolute_url()), ("ad list", "/"), ("chat list", "/chat/")):
        page.goto(f"{live_server.url}{url}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width or page.evaluate(INNER_SIDEWAYS):
            wide[name] = scroll
            page.screenshot(path=str(ARTIFACTS / f"long-words-{name.replace(' ', '-')}-{width}.png"))
    page.context.close()
    assert wide == {}
