"""The cheapest answer the site gives: 204 to a poll that has nothing new, before the rest of the stack."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import Resolver404, get_resolver

from accounts.middleware import last_seen_cache_key, refresh_last_seen
from chat import poll_tokens


class NothingNewPollMiddleware:
    """Answer a poll 204 from one cache round trip when the client's ``v`` is still the current token.

    Applies to views marked by ``chat.views.answers_nothing_new_from_cache`` (they carry
    ``poll_token_key``). Sits right after SecurityMiddleware, so a "nothing new" poll never loads the
    session, the user or the CSRF cookie and never touches the database. What the 204 reveals is only that
    the caller holds the current random token for that key, which only a page rendered for that participant
    gave out (see ``chat.poll_tokens``). Any mismatch, a missing/forged ``k`` or a cache error falls through
    to the normal, authenticated view. It also refreshes the user's "last seen", as a full request would
    (the gate key comes back in the same round trip).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and "v" in request.GET:
            if self._nothing_new(request):
                return HttpResponse(status=204)
        return self.get_response(request)

    @staticmethod
    def _nothing_new(request) -> bool:
        try:
            match = get_resolver().resolve(request.path_info)
        except Resolver404:
            return False
        key_for = getattr(match.func, "poll_token_key", None)
        if key_for is None:
            return False
        user_id = poll_tokens.user_from_poll_key(request.GET.get("k"))
        if not user_id:
            return False
        key = key_for(user_id, **match.kwargs)
        gate = last_seen_cache_key(user_id)
        found = poll_tokens.peek_many([key, gate])
        if found.get(key) != request.GET["v"]:
            return False
        refresh_last_seen(user_id, gate_seen=gate in found)
        return True
