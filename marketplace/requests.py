"""The request policy every front door (site view, API view) applies to a request that creates something:
one gate, ``guarded``, so the site and the API cannot drift apart.

1. The idempotency key is read (the form's ``idempotency_key`` field, or the API's ``Idempotency-Key``
   header; ``marketplace.idempotency``). A malformed one is refused (``bad_idempotency_key``).
2. A repeat (the key already created something of this kind) is not charged to any rate limit; the call
   runs anyway, and the service answers with what the first request created (or refuses the same key with
   another request: ``idempotency_key_mismatch``). So a repeat gets the first answer on both front doors.
3. Anything else is charged to its rate limit first (a named rule, or a ``Charge`` for writes whose cost
   is known only afterwards), then the call runs; the charge is settled with what the call returned.
4. Refusals come back in one shape, ``Outcome``: a site view shows ``outcome.refusal`` in its form and
   answers ``outcome.respond(response)`` (400, or 429 with Retry-After for a rate limit); an API view calls
   ``outcome.answer()``, which raises the refusal for the API's error handler (``{code, message}``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request as ApiRequest

from marketplace import idempotency
from marketplace.ratelimits import RateLimited, check_rate_limit, with_retry_after

T = TypeVar("T")
IDEMPOTENCY_HEADER = "Idempotency-Key"


class Charge(Protocol):
    """A rate-limit cost taken before a call and settled after it (``chat.ratelimits.StartCharge``)."""

    def take(self, request: HttpRequest) -> None:
        """Count the request; raise RateLimited when over a limit (and keep nothing)."""

    def settle(self, result) -> None:
        """Keep what the call's *result* (None when it raised) actually cost; give back the rest."""


@dataclass
class RuleCharge:
    """One named rule (``settings.MARKETPLACE_RATE_LIMITS``), counted up front, nothing to settle."""

    rule: str

    def take(self, request: HttpRequest) -> None:
        check_rate_limit(request, self.rule)

    def settle(self, result) -> None:
        pass


@dataclass
class Outcome(Generic[T]):
    """What ``guarded`` did: *result* of the call (the first request's answer for a *repeated* one), or a
    *refusal* (a ValidationError with the service's code; ``rate_limited`` for a rate limit, then
    *limited* holds the wait)."""

    result: T | None = None
    repeated: bool = False
    refusal: ValidationError | None = None
    limited: RateLimited | None = None
    posted_key: str = ""

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def code(self) -> str | None:
        return None if self.refusal is None else self.refusal.code

    def key_to_render(self) -> str:
        """The key a re-rendered form carries: the posted one (a refused request created nothing, so a retry
        may reuse it), but a fresh one when it is malformed or already created something else."""
        if self.code == "idempotency_key_mismatch":
            return idempotency.new_key()
        return idempotency.key_to_render({idempotency.FIELD: self.posted_key})

    def respond(self, response: HttpResponse) -> HttpResponse:
        """Return the site's refusal *response* as 429 with Retry-After when a rate limit refused."""
        return with_retry_after(response, self.limited)

    def answer(self) -> T:
        """Return the result, or raise the refusal (the API's error handler answers ``{code, message}``)."""
        if self.limited is not None:
            raise self.limited
        if self.refusal is not None:
            raise self.refusal
        return self.result


def posted_key(request: HttpRequest) -> str:
    """The raw idempotency key of *request*: the API's header, the site's form field."""
    if isinstance(request, ApiRequest):
        return request.headers.get(IDEMPOTENCY_HEADER, "")
    return request.POST.get(idempotency.FIELD, "")


def guarded(
    request: HttpRequest,
    *,
    rule: str | Charge | None,
    call: Callable[[str | None], T],
    repeat: Callable[[str], object] = lambda key: None,
    check: Callable[[], None] | None = None,
) -> Outcome[T]:
    """Apply the request policy (module docstring) to ``call(key)``, a service call creating something.

    *repeat(key)* returns what *key* (never None) already created of what *call* creates, or a false value
    (a repeat's answer is then the first one, uncharged); *check()* raises the refusals that must come
    before the rate limit (the real reason first: an own or sold ad); *rule* is the rate limit (a rule
    name, a ``Charge``, or None).
    Returns an ``Outcome``; only ValidationError and RateLimited become refusals, anything else propagates
    (Http404, PermissionDenied: the front doors answer those themselves).
    """
    raw = posted_key(request)
    charge = RuleCharge(rule) if isinstance(rule, str) else rule
    try:
        if raw == "" and IDEMPOTENCY_HEADER in request.headers and isinstance(request, ApiRequest):
            # An API header sent empty is a client's bug, not "no key" (the schema asks for 16–64
            # characters); an empty form field is a page rendered before keys existed.
            raise ValidationError(idempotency.ERROR, code="bad_idempotency_key")
        key = idempotency.read_key({idempotency.FIELD: raw})
        repeated = key is not None and bool(repeat(key))
        if not repeated:
            if check is not None:
                check()
            if charge is not None:
                charge.take(request)
        result = None
        try:
            result = call(key)
        finally:
            if charge is not None and not repeated:
                charge.settle(result)
    except RateLimited as limited:
        refusal = ValidationError(limited.message, code="rate_limited")
        return Outcome(refusal=refusal, limited=limited, posted_key=raw)
    except ValidationError as error:
        return Outcome(refusal=error, posted_key=raw)
    return Outcome(result=result, repeated=repeated, posted_key=raw)
