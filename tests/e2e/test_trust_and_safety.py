"""In a real browser: a photo sent through the htmx composer, a scam note, then report-and-block."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import UserBlock
from accounts.services import user_make_moderator
from chat import services
from chat.models import MessagePhoto
from chat.moderation import services as moderation
from chat.moderation.models import Report
from tests.conftest import make_image_bytes
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_photo_scam_note_report_and_block(browser, live_server, tmp_path):
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    ad = AdFactory(owner=seller, title="Road bike, 56 cm")
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Hi! Is this still available?")
    services.message_send(
        conversation=conversation,
        sender=seller,
        body="Yes. Pay a deposit by bank transfer and text me on WhatsApp +44 7911 123456",
    )
    photo_path = tmp_path / "bike.jpg"
    photo_path.write_bytes(make_image_bytes("JPEG", size=(1200, 900), colour=(30, 90, 160)))

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}{conversation.get_absolute_url()}")

    # The scam note sits under the seller's message; the message itself is unchanged.
    note = page.locator(".safety-note")
    expect(note).to_contain_text("Don't pay in advance or outside the marketplace")
    expect(page.locator("#message-list")).to_contain_text("text me on WhatsApp +44 7911 123456")

    # A photo through the htmx composer (multipart), appended without a reload.
    page.set_input_files(".composer-file", str(photo_path))
    expect(page.locator(".composer-files")).to_have_text("1 photo attached")
    page.fill("#id_body", "This one?")
    page.click(".composer-send")
    expect(page.locator(".message--own .message-photos img")).to_have_count(1)
    expect(page.locator(".composer-files")).to_have_text("")
    thumbnail = page.locator(".message--own .message-photos img")
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0  # served by the access-checked view
    assert MessagePhoto.objects.count() == 1
    page.screenshot(path=str(ARTIFACTS / "safety-note-and-photo-390x844.png"), full_page=False)

    # Report the seller's message, blocking in the same step.
    page.locator(".message--other .message-report").last.click()
    expect(page).to_have_url(re.compile(r"/report/\?message=\d+"))
    page.check("input[value=scam]")
    page.fill("#id_details", "Asked for a deposit before I saw the bike")
    page.check("#id_block")
    page.screenshot(path=str(ARTIFACTS / "report-390x844.png"), full_page=True)
    page.click("text=Send report")
    expect(page.locator(".messages, .flash, [role=status]").first).to_contain_text("A moderator will look")
    expect(page.locator(".composer-blocked")).to_contain_text("You blocked Sam Seller")
    report = Report.objects.get()
    assert report.reason == "scam" and report.message.sender == seller
    assert UserBlock.objects.filter(blocker=buyer, blocked=seller).exists()
    page.screenshot(path=str(ARTIFACTS / "blocked-390x844.png"), full_page=False)
    assert errors == []
    context.close()


def test_moderator_works_a_case_in_the_admin(browser, live_server):
    from tests.factories import TEST_PASSWORD

    recreate_moderators_group()  # transactional tests flush what the data migrations created
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    user_make_moderator(user=UserFactory(email="mod@example.com", display_name="Mo"))
    conversation, _ = services.conversation_start(buyer=buyer, ad=AdFactory(owner=seller), body="Hello")
    scam = services.message_send(
        conversation=conversation, sender=seller, body="Send a gift card code and I'll ship it"
    )
    services.message_send(conversation=conversation, sender=buyer, body="No thanks.")
    moderation.report_create(
        reporter=buyer, conversation=conversation, message=scam, reason="scam", details="Gift card scam"
    )

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "mod@example.com")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.click("text=Reports")
    page.click("td.field-created_at a, th.field-created_at a")
    expect(page.locator(".case-messages .is-reported")).to_contain_text("Send a gift card code")
    expect(page.locator(".case")).to_contain_text("Reports against them")
    page.screenshot(path=str(ARTIFACTS / "moderation-case-1280x900.png"), full_page=True)
    page.locator(".case-messages .is-reported").get_by_role("button", name="Remove this message").click()
    # A confirmation page says what will happen; nothing is removed until it is confirmed.
    expect(page.locator("h1")).to_have_text("Remove this message for both participants?")
    page.screenshot(path=str(ARTIFACTS / "moderator-confirm-removal.png"))
    page.get_by_role("button", name="Yes, remove this message for both participants").click()
    expect(page.locator(".messagelist")).to_contain_text("recorded in the moderation log")
    expect(page.locator(".case-messages .is-reported")).to_have_class(re.compile("is-removed"))

    buyer_context = browser.new_context()
    buyer_page = buyer_context.new_page()
    log_in(buyer_page, live_server.url, "buyer@example.com")
    buyer_page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
    expect(buyer_page.locator("#message-list")).to_contain_text("Removed by a moderator")
    expect(buyer_page.locator("#message-list")).not_to_contain_text("gift card")
    buyer_context.close()  # no request may still be in flight when the live server's database goes
    context.close()


def recreate_moderators_group():
    """The Moderators group as migrations accounts.0002/0004, chat.0008 and moderation.0001 leave it (the
    last moves the moderation models' permissions to the ``moderation`` app)."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    base = importlib.import_module("accounts.migrations.0002_moderators_group").MODERATOR_PERMISSIONS
    chat = importlib.import_module("chat.migrations.0008_moderator_permissions")
    wanted = {(app, model, action) for app, model, action in base}
    wanted |= {("chat", "offer", "view")}
    wanted |= {("moderation", model, action) for model, action in chat.GRANT}
    wanted -= {("chat", model, action) for model, action in chat.REVOKE}
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
            for app, model, action in wanted
        ]
    )
