"""Sends one crawler request and judges it: the status, the time, and which tables it wrote.

Each request runs in a savepoint that is rolled back, so every request meets the world exactly as built,
and the cache (rate limits, poll tokens, rendered fragments) starts empty. Writes are seen by wrapping the
database cursor, the same way on PostgreSQL and SQLite.
"""

import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

# A request that takes longer is a hang: generous, because CI machines are slow and shared.
TIME_CAP_S = 5.0
CSRF_SECRET = "crawlercrawlercrawlercrawler0123"  # 32 characters, the shape of Django's CSRF secret
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# What reading may write: the session row, the reader's read pointer and unread count, a moderator's
# logged read, a device token's last use, the user's last login.
READ_WRITES = {
    "django_session",
    "chat_conversationparticipant",
    "chat_moderationaction",
    "accounts_apitoken",
    "accounts_user",
}
# What anyone may write whatever they ask: the session (login, language) and the sign-in records.
ANYONE_WRITES = {"django_session", "accounts_user", "accounts_apitoken", "accounts_knowndevice"}


@dataclass
class Outcome:
    status: int
    seconds: float
    writes: set
    error: str = ""
    location: str = ""


@dataclass
class Stats:
    requests: int = 0
    routes: set = field(default_factory=set)
    states: set = field(default_factory=set)
    roles: set = field(default_factory=set)
    statuses: dict = field(default_factory=dict)


# What the crawl covered, printed by the summary test.
STATS = Stats()


class Crawler:
    """One logged-in ``Client`` per user (cookies restored before each request) sending requests as
    browsers and apps do: forms with the CSRF token, JSON with ``X-CSRFToken``."""

    def __init__(self, stats: Stats | None = None):
        self.clients = {}
        self.stats = stats or Stats()

    def client(self, user):
        key = user.pk if user is not None else None
        if key not in self.clients:
            client = Client(enforce_csrf_checks=True, raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
            self.clients[key] = (client, {name: morsel.value for name, morsel in client.cookies.items()})
        client, cookies = self.clients[key]
        client.cookies = SimpleCookie(cookies)
        return client

    def send(self, user, method, url, *, data=None, content_type=None, csrf=True, headers=None) -> Outcome:
        client = self.client(user)
        headers = dict(headers or {})
        if csrf:
            headers["X-CSRFToken"] = CSRF_SECRET
        writes = set()

        def record(execute, sql, params, many, context):
            match = WRITE.match(sql)
            if match:
                writes.add(match.group(1).lower())
            return execute(sql, params, many, context)

        cache.clear()
        with transaction.atomic(), connection.execute_wrapper(record):
            started = time.perf_counter()
            kwargs = {"headers": headers}
            if method == "GET":
                response = client.get(url, data or {}, **kwargs)
            elif content_type is None:
                response = (
                    client.generic(method, url, **kwargs)
                    if data is None
                    else client.post(url, data, **kwargs)
                )
            else:
                response = client.generic(method, url, data, content_type=content_type, **kwargs)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        error = ""
        if getattr(response, "exc_info", None):
            error = f"{response.exc_info[0].__name__}: {response.exc_info[1]}"[:300]
        self.stats.requests += 1
        self.stats.statuses[response.status_code] = self.stats.statuses.get(response.status_code, 0) + 1
        return Outcome(response.status_code, seconds, writes, error, response.get("Location", ""))
