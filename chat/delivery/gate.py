"""The cheapest answer the site gives: 204 to a poll that has nothing new, before the rest of the stack."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_vary_headers

from accounts.middleware import last_seen_cache_key, page_open_cache_key, refresh_presence
from chat.delivery import tokens
from marketplace.http import login_required

# The poll's query parameters: the poll token the client holds and the signed user key.
TOKEN_PARAM = "token"
USER_KEY_PARAM = "user_key"
# The API's change endpoints carry both in their ETag instead, with the answer's query:
# "<signed user key>/<query fingerprint>/<token>".
ETAG_SEPARATOR = "/"
# The change endpoints' answers may be kept by the device's own HTTP cache (OkHttp, URLSession) but
# never by a shared one, and never used without asking (If-None-Match, answered by the gate for the cost
# of one cache read): ``private`` keeps proxies out; ``no-cache`` means "revalidate every time", so a kept
# answer is shown only after the server said 304. ``no-store`` (every other private answer, see
# ``marketplace.middleware.PrivateNoStoreMiddleware``) would forbid exactly that revalidation. What a
# device keeps is what the app stores anyway (its messages). The site's pages never fetch these URLs, so
# no shared browser's back button shows them. Vary keeps one account's kept answer from being revalidated
# for another account signed in on the same device: the cache matches on the credentials too.
API_CACHE_CONTROL = "private, no-cache"
API_VARY = ("Authorization", "Cookie")


def representation(query) -> str:
    """Return a short fingerprint (16 hex characters) of a request's *query* (a QueryDict): its
    parameters sorted, values in order. An API answer's ETag carries it, so an ETag taken at one cursor
    (``after``, ``change_seq``) is never answered 304 for another: RFC 9110 §8.8.3, an ETag names one
    representation, and the answer at another cursor is another representation."""
    canonical = urlencode(sorted((name, value) for name, values in query.lists() for value in values))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def etag(user_id: int, token: str, query) -> str:
    """Return the ETag of an API answer rendered for *user_id* under poll token *token* for the request's
    *query* (a QueryDict): ``"<signed user key>/<representation(query)>/<token>"``. A client that sends it
    back in If-None-Match on the same URL gets 304 from the gate while the token is current."""
    return f'"{tokens.user_poll_key(user_id)}{ETAG_SEPARATOR}{representation(query)}{ETAG_SEPARATOR}{token}"'


def _from_etag(value: str) -> tuple[str | None, str | None, str | None]:
    """Return ``(user key, representation, token)`` from an If-None-Match value made by ``etag`` (else
    Nones: also for an ETag of the older two-part form, which then takes the full path once)."""
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return None, None, None
    parts = value[1:-1].split(ETAG_SEPARATOR)
    if len(parts) != 3:
        return None, None, None
    user_key, shown, token = parts
    return user_key, shown, token


def not_modified(etag_value: str) -> HttpResponse:
    """Return the 304 for *etag_value*: no body and no Content-Type (RFC 9110 §15.4.5: a 304 has no
    content), with the validator and caching headers the 200 carries (``API_CACHE_CONTROL``, ``API_VARY``)."""
    response = HttpResponse(status=304)
    del response["Content-Type"]
    response["ETag"] = etag_value
    mark_revalidate(response)
    return response


def mark_revalidate(response):
    """Mark an API change answer (200 or 304) ``API_CACHE_CONTROL`` and ``Vary: API_VARY``; return it."""
    response["Cache-Control"] = API_CACHE_CONTROL
    patch_vary_headers(response, API_VARY)
    return response


def answers_nothing_new_from_cache(key_for):
    """Mark a poll view as answerable from the cache: ``NothingNewPollMiddleware`` answers 204 before
    sessions, authentication and CSRF run when the client's ``token`` is the current token of
    ``key_for(user_id, **view_kwargs)``; otherwise the view runs as a normal logged-in request.

    The user id comes from the signed ``user_key`` parameter (``tokens.user_poll_key``); a missing or
    forged key simply means the full path.
    """

    def decorator(view):
        protected = login_required(view)
        protected.poll_token_key = key_for
        return protected

    return decorator


def api_answers_not_modified_from_cache(key_for):
    """Mark an API change endpoint (a DRF view: it authenticates itself) as answerable from the cache: a
    GET whose If-None-Match is the current ETag (``etag``) of ``key_for(user_id, **view_kwargs)`` gets 304
    from ``NothingNewPollMiddleware`` before sessions, tokens and the database; anything else runs the
    view."""

    def decorator(view):
        view.poll_token_key = key_for
        return view

    return decorator


class NothingNewPollMiddleware:
    """Answer a poll 204 from one cache round trip when the client's ``token`` is still the current one.

    Applies to views marked by ``answers_nothing_new_from_cache`` (they carry ``poll_token_key``). Sits
    right after SecurityMiddleware, so a "nothing new" poll never loads the session, the user or the CSRF
    cookie and never touches the database. What the 204 reveals is only that the caller holds the current
    random token for that key, which only a page rendered for that participant gave out (see
    ``chat.delivery.tokens``). Any mismatch, a missing/forged user key or a cache error falls through to the
    normal, authenticated view. It also refreshes the user's "last seen", as a full request would (the
    gate key comes back in the same round trip).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and TOKEN_PARAM in request.GET:
            if self._nothing_new(request, request.GET.get(USER_KEY_PARAM), request.GET[TOKEN_PARAM]):
                response = HttpResponse(status=204)
                response["Cache-Control"] = "no-store"
                return response
        elif request.method == "GET" and "If-None-Match" in request.headers:
            if_none_match = request.headers["If-None-Match"]
            user_key, shown, token = _from_etag(if_none_match)
            # The representation check comes first and costs nothing: another cursor is another answer.
            if shown == representation(request.GET) and self._nothing_new(request, user_key, token):
                return not_modified(if_none_match.strip())
        handed_on = getattr(request, "poll_tokens_read", None)
        if handed_on is None:
            return self.get_response(request)
        # Something is new: the full path reads the tokens this gate already read (earlier than it would
        # have: still before its data) instead of asking the cache again.
        with tokens.read_ahead(list(handed_on), fetched=handed_on):
            return self.get_response(request)

    @staticmethod
    def _nothing_new(request, user_key: str | None, token: str | None) -> bool:
        """True when *token* is the current token of the poll's key: the 204 (or 304) answer. On the way,
        leaves what it read for the full path on the request: ``poll_tokens_read`` (the poll's token and
        the user's list token, which every poll's badge needs) and ``presence_read`` (``(user id, the
        presence gates found)``, for ``accounts.middleware.refresh_presence``)."""
        if not token:
            return False
        try:
            match = get_resolver().resolve(request.path_info)
        except Resolver404:
            return False
        key_for = getattr(match.func, "poll_token_key", None)
        if key_for is None:
            return False
        user_id = tokens.user_from_poll_key(user_key)
        if not user_id:
            return False
        key, list_key = key_for(user_id, **match.kwargs), tokens.list_key(user_id)
        gate, page_open = last_seen_cache_key(user_id), page_open_cache_key(user_id)
        found = tokens.peek_many([key, list_key, gate, page_open])
        if found.get(key) != token:
            if found:  # {} when the cache did not answer: the full path asks again
                request.poll_tokens_read = {name: found.get(name) for name in (key, list_key)}
                request.presence_read = (
                    user_id,
                    {name: found[name] for name in (gate, page_open) if name in found},
                )
            return False
        refresh_presence(user_id, found=found)  # never raises; rarely writes
        return True
