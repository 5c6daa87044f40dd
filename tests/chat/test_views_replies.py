"""Views: the away message and quick-reply settings forms, and the composer showing a seller's own list."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat import selectors, services
from chat.models import Message

pytestmark = pytest.mark.django_db


def _quick_replies(page: str) -> list[str]:
    return [
        r.replace("&#x27;", "'") for r in re.findall(r'class="quick-reply" data-quick-reply="([^"]*)"', page)
    ]


def test_the_settings_page_shows_both_forms_with_the_defaults(login, seller):
    page = login(seller).get(reverse("chat:settings_away")).content.decode()
    assert f'action="{reverse("chat:settings_away")}"' in page
    assert f'action="{reverse("chat:settings_quick_replies")}"' in page
    assert 'name="reply_0" value="Yes, it&#x27;s available."' in page and 'name="reply_9"' in page
    assert "Away message" in login(seller).get(reverse("chat:settings_quick_replies")).content.decode()


def test_turning_away_on_by_form_answers_the_next_buyer(login, seller, buyer, conversation):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = login(seller).post(
        reverse("chat:settings_away"), {"enabled": "on", "text": "On holiday.", "until": day}
    )
    assert response.status_code == 302
    row = selectors.reply_settings_of(user_id=seller.pk)
    assert row.away_enabled and row.away_text == "On holiday." and row.away_period == 1
    assert timezone.localtime(row.away_until).date().isoformat() > day  # the day after, at midnight
    page = login(seller).get(reverse("chat:settings_away")).content.decode()
    assert f'value="{day}"' in page and "On holiday." in page
    services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    assert conversation.messages.filter(notice="away", kind=Message.Kind.SYSTEM).count() == 1
    # The buyer sees it as a notice, not a bubble.
    page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert re.search(
        r'class="message message--system"[^>]*>\s*<p class="system-note">Automatic reply from', page
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"enabled": "on", "text": ""}, "Write the away message buyers get while you are away."),
        ({"enabled": "on", "text": "x", "until": "2001-01-01"}, "Choose today or a later day."),
        ({"enabled": "on", "text": "x", "until": "not a date"}, "Enter a valid date."),
        ({"enabled": "on", "text": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_away_input_is_shown_with_the_form(login, seller, data, error):
    response = login(seller).post(reverse("chat:settings_away"), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not selectors.reply_settings_of(user_id=seller.pk).away_enabled


def test_saved_quick_replies_replace_the_defaults_in_the_sellers_composer(
    login, seller, buyer, conversation, committed
):
    client = login(seller)
    for _ in range(3):  # the pane is cached from the third view on (CSRF cookie, then a stored token)
        before = _quick_replies(client.get(conversation.get_absolute_url()).content.decode())
    assert before == ["Yes, it's available.", "Sorry, it's sold.", "When would you like to pick it up?"]
    data = {"reply_0": "Pickup after 6 pm.", "reply_1": "", "reply_2": "Cash only, please."}
    with committed():
        assert client.post(reverse("chat:settings_quick_replies"), data).status_code == 302
    # The cached pane gave way: the list's edit moved the seller's tokens.
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert _quick_replies(page) == ["Pickup after 6 pm.", "Cash only, please."]
    assert f'href="{reverse("chat:settings_quick_replies")}"' in page
    # The buyer's replies are the buyer's.
    assert _quick_replies(login(buyer).get(conversation.get_absolute_url()).content.decode())[0] == (
        "Is it still available?"
    )


def test_too_long_quick_reply_is_refused_in_the_form(login, seller):
    response = login(seller).post(reverse("chat:settings_quick_replies"), {"reply_0": "x" * 201})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert selectors.own_quick_replies(user_id=seller.pk) is None


def test_settings_need_login_and_a_post_for_changes(client, login, seller):
    assert client.get(reverse("chat:settings_away")).status_code == 302
    assert login(seller).put(reverse("chat:settings_away")).status_code == 405


def test_the_settings_page_is_in_russian(login, seller):
    seller.language = "ru"
    seller.save(update_fields=["language"])
    page = login(seller).get(reverse("chat:settings_away"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Автоответ и быстрые ответы" in page and "Сохранить быстрые ответы" in page
