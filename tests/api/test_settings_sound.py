"""The API's settings carry the new-message sound (off by default), saved by the same service as the pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_chat_sound_is_off_by_default_and_patchable(token_client, buyer):
    client = token_client(buyer)
    assert client.get("/api/v1/settings/").json()["chat_sound"] is False
    changed = client.patch("/api/v1/settings/", {"chat_sound": True}, format="json")
    assert changed.status_code == 200 and changed.json()["chat_sound"] is True
    buyer.refresh_from_db()
    assert buyer.chat_sound is True and buyer.display_name == "Bea Buyer"
