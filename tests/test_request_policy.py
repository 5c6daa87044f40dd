"""The request policy both front doors apply to writes (``marketplace.requests.guarded``): a repeat is not
charged and gets the first answer, a rate limit refuses with the wait, refusals come back in one shape."""

from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from marketplace import idempotency
from marketplace.ratelimits import RateLimited
from marketplace.requests import guarded

KEY = "k" * 21


@pytest.fixture(autouse=True)
def _one_rule(settings, monkeypatch):
    """A rule of one request a minute, counted in one frozen window."""
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, "test_by_user": [(60, 1)]}
    frozen = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))
    cache.clear()
    yield
    cache.clear()


def _post(key: str = KEY):
    request = RequestFactory().post("/", {idempotency.FIELD: key} if key else {})
    request.user = AnonymousUser()
    return request


def test_a_new_request_is_charged_and_the_next_one_refused_with_the_wait():
    first = guarded(_post(), rule="test_by_user", call=lambda key: key)
    assert first.ok and first.result == KEY and not first.repeated
    second = guarded(_post("m" * 21), rule="test_by_user", call=lambda key: pytest.fail("ran"))
    assert second.code == "rate_limited"
    assert isinstance(second.limited, RateLimited)
    response = second.respond(HttpResponse(status=400))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    with pytest.raises(RateLimited):
        second.answer()


def test_a_repeat_is_not_charged_and_gets_the_first_answer():
    guarded(_post("m" * 21), rule="test_by_user", call=lambda key: "fills the window")
    repeat = guarded(_post(), rule="test_by_user", repeat=lambda key: key == KEY, call=lambda key: "first")
    assert repeat.ok and repeat.repeated and repeat.answer() == "first"
    assert repeat.respond(HttpResponse(status=400)).status_code == 400


def test_refusals_keep_their_code_and_a_mismatch_gets_a_fresh_key():
    def refuse(key):
        raise ValidationError("another request", code="idempotency_key_mismatch")

    outcome = guarded(_post(), rule=None, call=refuse)
    assert outcome.code == "idempotency_key_mismatch" and outcome.limited is None
    assert outcome.key_to_render() != KEY
    with pytest.raises(ValidationError):
        outcome.answer()

    def other(key):
        raise ValidationError("empty", code="empty")

    assert guarded(_post(), rule=None, call=other).key_to_render() == KEY  # nothing stored: reuse it


def test_a_malformed_key_is_refused_before_anything_runs():
    outcome = guarded(_post("bad key!"), rule="test_by_user", call=lambda key: pytest.fail("ran"))
    assert outcome.code == "bad_idempotency_key"
    assert guarded(_post(), rule="test_by_user", call=lambda key: "charged now").ok  # nothing was counted


def test_a_check_refuses_before_the_charge_and_a_charge_is_settled_with_the_result():
    settled = []
    charge = SimpleNamespace(take=lambda request: None, settle=settled.append)

    def refused() -> None:
        raise ValidationError("sold", code="ad_unavailable")

    assert guarded(_post(), rule="test_by_user", check=refused, call=lambda key: 1).code == "ad_unavailable"
    assert guarded(_post(), rule="test_by_user", call=lambda key: 1).ok  # the refused one cost nothing
    assert guarded(_post(), rule=charge, call=lambda key: "sent").ok
    with pytest.raises(ZeroDivisionError):
        guarded(_post(), rule=charge, call=lambda key: 1 / 0)
    assert settled == ["sent", None]
