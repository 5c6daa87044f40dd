"""Every page type checked by axe-core (npm ``axe-core``, injected with Playwright) for WCAG 2.2 A/AA
violations of any impact, and its HTML as served checked by the Nu HTML Checker (npm ``vnu-jar``, Java)
with 0 errors. The checkers come from ``npm ci`` (package.json); .ci/run installs them."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.services import user_make_moderator
from accounts.tokens import email_verification_token
from chat import services as chat_services
from chat.moderation import services as moderation
from marketplace.images import process_uploaded_image
from tests.conftest import make_image_bytes
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.e2e.test_trust_and_safety import recreate_moderators_group
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def checkers():
    missing = [str(path) for path in (AXE, VNU) if not path.exists()]
    if missing or shutil.which("java") is None:
        reason = f"axe-core/vnu-jar or Java missing ({', '.join(missing) or 'java'}): run npm ci"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _world():
    category = CategoryFactory(slug="furniture", name="Furniture")
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    moderator = UserFactory(email="mod@example.com", display_name="Mo Moderator")
    newcomer = UserFactory(email="new@example.com", display_name="Nia Newcomer", email_verified_at=None)
    recreate_moderators_group()  # transactional tests flush what the data migrations created
    user_make_moderator(user=moderator)
    ad = AdFactory(owner=seller, category=category, title="Walnut sofa", price=450)
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi, is the sofa available?")
    chat_services.message_send(conversation=conversation, sender=seller, body="Yes, come and see it.")
    chat_services.offer_make(conversation=conversation, user=buyer, amount="400")
    upload = SimpleUploadedFile("photo.jpg", make_image_bytes(), content_type="image/jpeg")
    photo = process_uploaded_image(upload, max_bytes=10_000_000, max_pixels=40_000_000)
    message = chat_services.message_send(conversation=conversation, sender=seller, body="", photos=[photo])
    report = moderation.report_create(
        reporter=buyer,
        conversation=conversation,
        reason="spam",
        message=message,
        details="Asks for a deposit.",
    )
    # Replies quoted in both participants' own bubbles, and an accepted offer (colours axe must see).
    table = AdFactory(owner=seller, category=category, title="Oak table", price=120)
    deal, first = chat_services.conversation_start(buyer=buyer, ad=table, body="Does it extend?")
    answer = chat_services.message_send(
        conversation=deal, sender=seller, body="Yes, to eight seats.", reply_to_id=first.pk
    )
    chat_services.message_send(conversation=deal, sender=buyer, body="Great.", reply_to_id=answer.pk)
    offer = chat_services.offer_make(conversation=deal, user=buyer, amount="100")
    chat_services.offer_accept(offer=offer, user=seller)
    return {
        "deal": deal,
        "seller": seller,
        "buyer": buyer,
        "moderator": moderator,
        "newcomer": newcomer,
        "ad": ad,
        "conversation": conversation,
        "report": report,
    }


def _pages(world):
    ad, conversation = world["ad"], world["conversation"]
    chat = conversation.get_absolute_url()
    newcomer = world["newcomer"]
    confirm_token = email_verification_token(user_id=newcomer.pk, email=newcomer.email)
    return [
        ("ad list", None, "/", None),
        ("ad detail, anonymous", None, ad.get_absolute_url(), None),
        ("ad detail, buyer", "buyer", ad.get_absolute_url(), None),
        ("ad detail, owner", "seller", ad.get_absolute_url(), None),
        ("sign-up with errors", None, "/accounts/signup/", "submit"),
        ("login with errors", None, "/accounts/login/", "submit"),
        ("check your email", None, "/accounts/signup/done/", None),
        ("confirmation link", None, f"/accounts/confirm/{confirm_token}/", None),
        ("confirmation link, broken", None, "/accounts/confirm/broken/", None),
        ("ad detail, unverified: banner", "newcomer", ad.get_absolute_url(), None),
        ("place an ad", "seller", "/ads/new/", None),
        ("edit an ad", "seller", f"/ads/{ad.public_id}/edit/", None),
        ("profile", "buyer", "/accounts/profile/", None),
        ("blocked users", "buyer", "/accounts/blocked/", None),
        ("report", "buyer", f"{chat}report/", None),
        ("chat list", "seller", "/chat/", None),
        ("chat as buyer, offer card", "buyer", chat, None),
        ("chat as seller, offer card and photo", "seller", chat, None),
        ("chat as buyer, replies and accepted offer", "buyer", world["deal"].get_absolute_url(), None),
        ("chat as seller, replies and accepted offer", "seller", world["deal"].get_absolute_url(), None),
        ("search results", "seller", "/chat/search/?q=sofa", None),
        ("public profile", None, f"/users/{world['seller'].public_id}/", None),
        ("safety help", None, "/chat/safety/", None),
        ("admin case page", "moderator", f"/admin/moderation/report/{world['report'].pk}/change/", None),
    ]


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_every_page_type_has_no_axe_violation_and_valid_html(
    browser, live_server, checkers, tmp_path, locale
):
    world = _world()
    emails = {
        "buyer": "buyer@example.com",
        "seller": "seller@example.com",
        "moderator": "mod@example.com",
        "newcomer": "new@example.com",
    }
    violations, files = {}, {}
    contexts = {}
    for name, who, url, action in _pages(world):
        if who not in contexts:
            # axe is injected as a script the page's CSP would refuse; the site's own scripts still run.
            context = browser.new_context(
                viewport={"width": 1280, "height": 800}, bypass_csp=True, locale=locale
            )
            page = context.new_page()
            if who:
                log_in(page, live_server.url, emails[who])
            contexts[who] = page
        page = contexts[who]
        # The HTML as served (the checker's input), not the DOM after scripts ran.
        if action == "submit":
            page.goto(f"{live_server.url}{url}")
            with page.expect_navigation() as navigation:
                page.click("main form button[type=submit]")
            html = navigation.value.text()
        else:
            html = page.goto(f"{live_server.url}{url}").text()
        path = tmp_path / f"{len(files):02d}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        found = [
            f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in result["violations"]
        ]
        if found:
            violations[name] = found
    for page in contexts.values():
        page.context.close()

    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = {}
    for message in messages:
        page_name = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        errors.setdefault(page_name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    report = {"axe": violations, "vnu": errors}
    (ARTIFACTS / f"accessibility-report-{locale}.json").write_text(json.dumps(report, indent=2))
    assert violations == {}, json.dumps(violations, indent=1)
    assert errors == {}, json.dumps(errors, indent=1)


# Scrolling areas inside the page (the message area, the conversation list) that scroll sideways too; the
# quick replies are a strip that scrolls sideways by design.
INNER_SIDEWAYS = """() => [...document.querySelectorAll("body *")].filter(e =>
  e.scrollWidth > e.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(e).overflowX)
  && !e.matches(".quick-replies, textarea")).map(e => (e.id || e.className) + ": " + e.scrollWidth)"""


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])  # Russian runs longer: wrapping is tested too
def test_no_page_scrolls_sideways_on_a_320_px_phone(browser, live_server, locale):
    world = _world()
    emails = {
        "buyer": "buyer@example.com",
        "seller": "seller@example.com",
        "moderator": "mod@example.com",
        "newcomer": "new@example.com",
    }
    pages, wide = {}, {}
    for name, who, url, action in _pages(world):
        if who == "moderator":
            continue  # the Django admin is a desktop tool
        if who not in pages:
            page = browser.new_context(viewport={"width": 320, "height": 640}, locale=locale).new_page()
            if who:
                log_in(page, live_server.url, emails[who])
            pages[who] = page
        page = pages[who]
        page.goto(f"{live_server.url}{url}")
        if action == "submit":
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate(INNER_SIDEWAYS)
        if width > 320 or inner:
            wide[name] = [width, *inner]
            slug = name.replace(" ", "-").replace(",", "")
            page.screenshot(path=str(ARTIFACTS / f"wide-{slug}-{locale}-320.png"))
    for page in pages.values():
        page.context.close()
    assert wide == {}


def test_escape_closes_the_menus_and_focus_returns_to_them(browser, live_server):
    world = _world()
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}{world['conversation'].get_absolute_url()}")
    for summary in ("summary[aria-label='Account menu']", "summary[aria-label='Conversation menu']"):
        page.focus(summary)
        page.keyboard.press("Enter")
        assert page.evaluate(f'document.querySelector("{summary}").parentElement.open')
        page.keyboard.press("Tab")  # into the menu
        page.keyboard.press("Escape")
        assert not page.evaluate(f'document.querySelector("{summary}").parentElement.open')
        assert page.evaluate(f'document.activeElement === document.querySelector("{summary}")')
    page.context.close()


def test_the_list_poll_keeps_focus_on_the_row_it_re_renders(browser, live_server, settings):
    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    world = _world()
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, live_server.url, "seller@example.com")
    page.goto(f"{live_server.url}/chat/")
    row = page.locator(".conversation-row").first
    row.focus()
    href = row.get_attribute("href")
    chat_services.message_send(conversation=world["conversation"], sender=world["buyer"], body="Still there?")
    expect(page.locator(".conversation-row").first).to_contain_text("Still there?", timeout=5000)
    page.wait_for_timeout(300)  # the swap settles
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
    page.context.close()


def test_a_long_ad_title_in_the_list_gives_way_to_its_sold_badge_at_360_px(browser, live_server):
    from ads import services as ad_services

    world = _world()
    title = "Mid-century modern solid walnut three-seat sofa with matching ottoman"
    ad = AdFactory(owner=world["seller"], category=world["ad"].category, title=title, price=900)
    chat_services.conversation_start(buyer=world["buyer"], ad=ad, body="Is it still there?")
    ad_services.ad_mark_sold(ad=ad, user=world["seller"])
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}/chat/")
    row_ad = page.locator(".conversation-row", has_text="Mid-century").locator(".row-ad")
    badge = row_ad.locator(".badge")
    expect(badge).to_have_text("Sold")
    ad_box, badge_box = row_ad.bounding_box(), badge.bounding_box()
    assert badge_box["x"] + badge_box["width"] <= ad_box["x"] + ad_box["width"] + 0.5  # not clipped
    page.screenshot(path=str(ARTIFACTS / "list-long-title-sold-360.png"))
    page.context.close()
