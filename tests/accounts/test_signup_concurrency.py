"""Sign-ups of one address at once: one account, an email for each, no error that reveals the race."""

import pytest
from django.core import mail
from django.db import connection

from accounts import services
from accounts.models import User
from tests.chat.test_services_concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]


def test_concurrent_signups_of_one_new_address_make_one_account_and_mail_each():
    results, errors = run_at_once(
        6,
        lambda i: services.user_signup(
            email="race@example.com", password="a-Long-pass-phrase-77", display_name=f"Racer {i}"
        ),
    )
    assert errors == []
    user = User.objects.get(email="race@example.com")
    assert [result.pk for result in results if result is not None] == [user.pk]
    subjects = sorted(message.subject for message in mail.outbox)
    assert (
        subjects
        == ["Confirm your email address for Marketplace"] + ["You already have a Marketplace account"] * 5
    )
