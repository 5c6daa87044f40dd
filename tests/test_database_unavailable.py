"""A database that cannot be reached (a PostgreSQL restart) answers 503 with Retry-After, never a 500."""

import logging
import socket
import sqlite3

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.urls import reverse

from marketplace.views import database_unreachable
from tests.conftest import HTMX, poll_params, poll_url

pytestmark = pytest.mark.django_db


def refuse_connections(monkeypatch):
    """Make every new query fail as it does while PostgreSQL restarts (no server answering)."""

    def ensure_connection():
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", ensure_connection)


@pytest.fixture
def down(client, monkeypatch, buyer, conversation):
    """A logged-in buyer's client whose next requests find the database gone."""
    client.raise_request_exception = False
    client.force_login(buyer)
    return client


def test_a_page_answers_503_with_retry_after_and_retries_itself(down, monkeypatch, caplog):
    with monkeypatch.context() as patch:
        refuse_connections(patch)
        response = down.get(reverse("chat:list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "temporarily unavailable" in page and '<meta http-equiv="refresh" content="5">' in page
    assert "Something went wrong" not in page
    # Logged with the error (once per layer that met it: the middleware on the way out read the user too).
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert logged and {record.status_code for record in logged} == {503}
    assert logged[0].exc_info[0] is OperationalError


def test_a_form_post_is_not_reloaded_but_says_nothing_was_saved(down, monkeypatch, conversation):
    with monkeypatch.context() as patch:
        refuse_connections(patch)
        response = down.post(reverse("chat:send", args=[conversation.public_id]), {"body": "Hello"})

    assert response.status_code == 503
    page = response.content.decode()
    assert "http-equiv" not in page  # a reload would not repeat the POST
    assert "Nothing was saved" in page


def test_an_htmx_poll_gets_a_503_fragment_that_the_next_poll_retries(down, monkeypatch, conversation, buyer):
    with monkeypatch.context() as patch:
        refuse_connections(patch)
        # A token that moved on: the poll takes the full path (an unchanged one is answered 204 from
        # the cache without the database, as it should be).
        params = {**poll_params(conversation, buyer, 0), "token": "moved-on"}
        response = down.get(poll_url(conversation), params, headers=HTMX)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "<html" not in response.content.decode()
    assert "temporarily unavailable" in response.content.decode()


def test_the_api_answers_503_unavailable(down, monkeypatch):
    with monkeypatch.context() as patch:
        refuse_connections(patch)
        response = down.get("/api/v1/conversations/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "unavailable" and "temporarily unavailable" in body["message"]


def wrapped(cause: Exception, error_class=OperationalError) -> Exception:
    """*cause* as Django's database wrapper raises it (the driver's error as ``__cause__``)."""
    error = error_class(str(cause))
    error.__cause__ = cause
    return error


class PsycopgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def test_only_connection_failures_count_as_unreachable():
    assert database_unreachable(OperationalError("connection failed"))  # no server answer at all
    assert database_unreachable(InterfaceError("connection already closed"))
    assert database_unreachable(wrapped(PsycopgError(None)))  # "server closed the connection"
    assert database_unreachable(wrapped(PsycopgError("57P01")))  # terminating: administrator command
    assert database_unreachable(wrapped(PsycopgError("57P03")))  # the database system is starting up
    assert database_unreachable(wrapped(PsycopgError("08006")))  # connection failure
    assert not database_unreachable(wrapped(PsycopgError("40P01")))  # a deadlock is a bug to see
    assert not database_unreachable(wrapped(PsycopgError("57014")))  # statement timeout: a slow query
    assert not database_unreachable(ValueError("no"))
    with pytest.raises(sqlite3.OperationalError) as missing_table:
        sqlite3.connect(":memory:").execute("select * from missing")
    assert not database_unreachable(wrapped(missing_table.value))  # a missing migration is a 500
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect("/nonexistent/dir/db.sqlite3").execute("select 1")
    assert database_unreachable(wrapped(cannot_open.value))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real PostgreSQL connection error")
def test_a_real_connection_refused_by_postgresql_counts_as_unreachable():
    settings_dict = {**connections["default"].settings_dict, "PORT": closed_port()}
    gone = connections["default"].__class__(settings_dict, alias="gone")
    with pytest.raises(OperationalError) as refused:
        gone.ensure_connection()
    assert database_unreachable(refused.value)


def test_logging_of_the_503_uses_djangos_request_logger(down, monkeypatch, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    with monkeypatch.context() as patch:
        refuse_connections(patch)
        down.get(reverse("chat:list"))
    assert "Service Unavailable: /chat/" in caplog.text
