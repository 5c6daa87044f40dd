"""The database router (marketplace.db_router): lag-tolerant reads go to the replica while it is usable,
everything else and every browser that has just written stays on the primary (issue 25)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.http import HttpResponse
from django.urls import resolve

from accounts.models import User
from ads.models import Ad
from chat.models import Conversation
from marketplace import db_router
from marketplace.db_router import PIN_COOKIE, ReplicaReadsMiddleware, ReplicaRouter


@pytest.fixture
def replica(monkeypatch):
    """A configured replica whose lag the test sets (None: it does not answer); returns the call log."""
    calls = {"lag": 0.0, "measured": 0}

    def measure():
        calls["measured"] += 1
        return calls["lag"]

    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "_measure", measure)
    monkeypatch.setitem(db_router._state, "checked_at", float("-inf"))
    return calls


@pytest.fixture
def lag_tolerant():
    token = db_router._lag_tolerant.set(True)
    yield
    db_router._lag_tolerant.reset(token)


def test_without_a_replica_everything_reads_the_primary(lag_tolerant):
    assert ReplicaRouter().db_for_read(Ad) is None


def test_lag_tolerant_reads_of_ads_and_users_go_to_the_replica(replica, lag_tolerant):
    router = ReplicaRouter()
    assert router.db_for_read(Ad) == "replica"
    assert router.db_for_read(User) == "replica"
    # The chat's tables (badges, conversations) and sessions never do.
    assert router.db_for_read(Conversation) is None
    assert router.db_for_read(Session) is None


def test_other_requests_read_the_primary(replica):
    assert ReplicaRouter().db_for_read(Ad) is None


def test_writes_and_migrations_use_the_primary(replica, lag_tolerant):
    router = ReplicaRouter()
    assert router.db_for_write(Ad) == "default"
    assert router.allow_migrate("replica", "ads") is False
    assert router.allow_migrate("default", "ads") is True


@pytest.mark.parametrize("lag", [None, 6.0])
def test_a_replica_that_is_gone_or_late_sends_reads_back_to_the_primary(replica, lag_tolerant, lag):
    replica["lag"] = lag  # None: did not answer; 6 s: over MARKETPLACE_REPLICA_MAX_LAG_S (5)
    assert ReplicaRouter().db_for_read(Ad) is None
    assert db_router.replica_lag_s() == lag


def test_the_replica_is_checked_at_most_every_few_seconds(replica, lag_tolerant):
    router = ReplicaRouter()
    for _ in range(20):
        router.db_for_read(Ad)
    assert replica["measured"] == 1
    replica["lag"] = None
    db_router._state["checked_at"] -= db_router.CHECK_EVERY_S
    assert router.db_for_read(Ad) is None
    assert replica["measured"] == 2


def run_middleware(rf, method: str, path: str, cookies: dict | None = None):
    """Run ReplicaReadsMiddleware around a view; return (lag-tolerant inside the view, response)."""
    seen = {}

    def view_phase(request):
        request.resolver_match = resolve(path)
        middleware.process_view(request, None, (), {})
        seen["tolerant"] = db_router._lag_tolerant.get()
        return HttpResponse()

    middleware = ReplicaReadsMiddleware(view_phase)
    request = getattr(rf, method)(path)
    request.COOKIES.update(cookies or {})
    response = middleware(request)
    assert db_router._lag_tolerant.get() is False, "the mark does not outlive the request"
    return seen["tolerant"], response


def test_the_ad_list_is_lag_tolerant_and_conversations_are_not(rf, replica):
    assert run_middleware(rf, "get", "/")[0] is True
    assert run_middleware(rf, "get", "/api/v1/ads/")[0] is True
    assert run_middleware(rf, "get", "/chat/")[0] is False


def test_read_your_writes_a_write_pins_the_browser_to_the_primary(rf, replica):
    tolerant, response = run_middleware(rf, "post", "/")
    assert tolerant is False
    assert response.cookies[PIN_COOKIE]["max-age"] == db_router.pin_s()
    assert run_middleware(rf, "get", "/", cookies={PIN_COOKIE: "1"})[0] is False


def test_without_a_replica_no_pin_cookie_is_set(rf):
    _, response = run_middleware(rf, "post", "/")
    assert PIN_COOKIE not in response.cookies


def test_a_replica_gone_between_checks_costs_a_retry_not_a_503(rf, replica):
    answers = iter([503, 200])
    seen = []

    def view_phase(request):
        request.resolver_match = resolve("/")
        middleware.process_view(request, None, (), {})
        seen.append(ReplicaRouter().db_for_read(Ad))
        return HttpResponse(status=next(answers))

    middleware = ReplicaReadsMiddleware(view_phase)
    assert middleware(rf.get("/")).status_code == 200
    assert seen == ["replica", None], "answered again from the primary"
    assert db_router.replica_usable() is False


def run_failing_view(rf, error: Exception):
    """Run ReplicaReadsMiddleware around a view that reads the replica and raises *error* on its first
    pass, as Django's handler would (process_exception, then a 500); return (response, databases read)."""
    seen = []

    def view_phase(request):
        request.resolver_match = resolve("/")
        middleware.process_view(request, None, (), {})
        seen.append(ReplicaRouter().db_for_read(Ad))
        if len(seen) == 1:
            assert middleware.process_exception(request, error) is None
            return HttpResponse(status=500)
        return HttpResponse(status=200)

    middleware = ReplicaReadsMiddleware(view_phase)
    return middleware(rf.get("/")), seen


def test_a_failed_replica_read_is_answered_again_from_the_primary(rf, replica):
    # A hot standby cancels a read that conflicts with recovery (SQLSTATE 40001): not a 500 for the reader.
    response, seen = run_failing_view(rf, DatabaseError("canceling statement due to conflict with recovery"))
    assert response.status_code == 200
    assert seen == ["replica", None], "the repeat read only the primary"
    assert db_router.replica_usable() is True, "a replica that answers stays in use for the next request"
    assert db_router._primary_only.get() is False, "the repeat's mark does not outlive the request"


def test_a_bug_that_is_not_a_database_error_is_not_repeated(rf, replica):
    response, seen = run_failing_view(rf, ValueError("a bug"))
    assert response.status_code == 500
    assert seen == ["replica"]
