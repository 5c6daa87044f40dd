"""Every route × every role × every object state: no server error, no 403 where the house answers 404,
state changes only by POST with CSRF, and no request that hangs.

Routes come from the URL resolver and the API's OpenAPI schema, so a new route is crawled automatically; one
the crawler cannot fill or give a body fails ``test_every_route_can_be_built`` by name. Runs on SQLite and
PostgreSQL (CI). The summary test prints what was crawled (routes × roles × states, requests, statuses).
"""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.crawler import bodies
from tests.crawler.routes import all_routes, build_url, fillings
from tests.crawler.runner import ANYONE_WRITES, READ_WRITES, STATS, TIME_CAP_S
from tests.crawler.world import PARTICIPANTS, ROLES

pytestmark = pytest.mark.django_db

ROUTES = [
    route
    for route in all_routes()
    if route.params != ("url",) and route.name != "admin:None" or route.model_admin
]
UNBUILDABLE = []
# Library pages fetched once each, not per state: the schema and its Swagger UI.
LIBRARY = {"api-schema", "api-docs", "javascript-catalog"}
# Routes a participant may answer with 403 by design (none yet): the house answer for "not yours" is 404.
ADMIN_ROLES = ("anonymous", "stranger", "moderator")


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


def api_path(route) -> str:
    path = "/" + route.pattern
    for name in route.params:
        for converter in ("public_id", "int", "str"):
            path = path.replace(f"<{converter}:{name}>", "{" + name + "}")
    return path


def methods_of(route, schema) -> dict:
    """``{method: operation}`` for an API route from the schema; for pages GET and POST (405 tells)."""
    if route.api:
        item = schema["paths"].get(api_path(route), {})
        return {
            method.upper(): op
            for method, op in item.items()
            if method in ("get", "post", "put", "patch", "delete")
        }
    return {"GET": None, "POST": None}


def judge(failures, route, filling, role, method, label, outcome):
    where = f"{method} {route.name} [{filling.state}] as {role} ({label}) → {outcome.status}"
    if outcome.status >= 500:
        failures.append(f"{where}: server error {outcome.error}")
    if outcome.seconds > TIME_CAP_S:
        failures.append(f"{where}: took {outcome.seconds:.1f} s")
    outsider = filling.conversation and role not in PARTICIPANTS and role != "anonymous"
    if outsider and outcome.status == 403:
        failures.append(f"{where}: 403 where the house answers 404")
    if method == "GET" and not outcome.writes <= READ_WRITES:
        failures.append(f"{where}: a GET wrote {sorted(outcome.writes - READ_WRITES)}")
    if outsider and not outcome.writes <= ANYONE_WRITES | (
        {"chat_moderationaction"} if role == "moderator" else set()
    ):
        failures.append(f"{where}: a non-participant changed {sorted(outcome.writes - ANYONE_WRITES)}")
    if role == "anonymous" and route.name not in OPEN_ROUTES and not outcome.writes <= ANYONE_WRITES:
        failures.append(f"{where}: an anonymous request changed {sorted(outcome.writes - ANYONE_WRITES)}")


# Routes where an anonymous visitor may create things (an account, a reset mail, an unsubscribe).
OPEN_ROUTES = {
    "accounts:signup",
    "accounts:unsubscribe",
    "ads:saved_search_unsubscribe",
    "notifications:unsubscribe",
    "api-login",
    "accounts:password_reset_confirm",
}


def requests_for(route, filling, role, method, operation, schema, *, malformed):
    """Yield ``(label, kwargs for Crawler.send)`` for one route, filling, role and method; the empty and
    malformed bodies only when *malformed* (the first filling of each state: parsing does not depend on
    which message or offer of a conversation a URL names)."""
    participant = role in PARTICIPANTS or not filling.conversation
    malformed = malformed and role in ("buyer", "seller") and participant
    if method == "GET":
        yield "plain", {}
        return
    if route.api:
        body = bodies.api_valid(route.name, operation or {}, schema["components"]["schemas"])
        yield "valid", {"data": json.dumps(body), "content_type": "application/json"}
        if malformed:
            yield "empty", {"data": b"", "content_type": "application/json"}
            for label, raw in bodies.JSON_MALFORMED:
                yield label, {"data": raw, "content_type": "application/json"}
        return
    if route.admin:
        yield from admin_posts(route)
        return
    data = bodies.html_valid(route.name)
    if route.name in ("accounts:login", "admin:login"):
        data["username"] = filling.users["buyer"].email
    yield "valid", {"data": data if data is not None else {}}
    if malformed:
        yield "empty", {"data": {}}
        for label, content_type, raw in bodies.MALFORMED:
            yield label, {"data": raw, "content_type": content_type}


# The case page's actions (chat/moderation/admin/reports.py), each confirmed, and one it does not know.
CASE_ACTIONS = [
    "dismiss",
    "remove_message",
    "remove_ad",
    "hide_review",
    "show_review",
    "suspend",
    "unsuspend",
    "x",
]


def admin_posts(route):
    """The moderators' POSTs: every case action on the report, every changelist action on its rows."""
    if route.name == "admin:moderation_report_act":
        for action in CASE_ACTIONS:
            yield action, {"data": {"action": action, "confirmed": "1", "note": "Crawler", "message": "1"}}
            yield f"{action} unconfirmed", {"data": {"action": action}}
    elif route.name.endswith("_changelist") and route.model_admin is not None:
        rows = [str(pk) for pk in route.model_admin.model._default_manager.values_list("pk", flat=True)[:8]]
        for action in route.model_admin.actions or []:
            if isinstance(action, str):
                yield action, {"data": {"action": action, "_selected_action": rows, "index": "0"}}


def admin_post_route(route) -> bool:
    return route.name == "admin:moderation_report_act" or bool(
        route.name.endswith("_changelist") and route.model_admin is not None and route.model_admin.actions
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name or route.pattern)
def test_crawl(route, world, schema):
    CRAWLER = world.crawler
    plans = fillings(route, world)
    if plans is None:
        UNBUILDABLE.append(f"{route.name}: cannot fill {route.params}")
        pytest.fail(f"the crawler cannot fill {route.name}'s arguments {route.params}: teach routes.fillings")
    if route.name in LIBRARY:
        plans = plans[:1]
    roles = ADMIN_ROLES if route.admin else ROLES
    failures = []
    takes_post = True
    if not route.api and not route.admin:
        probe = CRAWLER.send(plans[0].users["seller"], "POST", build_url(route, plans[0].values), data={})
        takes_post = probe.status != 405
    for method, operation in methods_of(route, schema).items():
        if method != "GET" and (not takes_post or route.admin and not admin_post_route(route)):
            continue
        scenes_seen = set()
        for filling in plans:
            scene = filling.state.split(",")[0]
            malformed, _ = scene not in scenes_seen, scenes_seen.add(scene)
            # Access is decided per conversation: outsiders meet each state once, participants every
            # message and offer in it.
            for role in roles if malformed or not filling.conversation else PARTICIPANTS:
                user = filling.users.get(role) if role != "anonymous" else None
                for label, kwargs in requests_for(
                    route, filling, role, method, operation, schema, malformed=malformed
                ):
                    outcome = CRAWLER.send(user, method, build_url(route, filling.values), **kwargs)
                    judge(failures, route, filling, role, method, label, outcome)
            CRAWLER.stats.states.add(filling.state)
        CRAWLER.stats.roles.update(roles)
    if takes_post and "POST" in methods_of(route, schema) and not route.api and not route.admin:
        if bodies.html_valid(route.name) is None:
            UNBUILDABLE.append(f"{route.name}: takes POST but has no body in tests/crawler/bodies.py")
            failures.append(f"{route.name} takes POST: give it a valid body in tests/crawler/bodies.py")
        else:
            csrf_failures(CRAWLER, failures, route, plans[0])
    CRAWLER.stats.routes.add(route.name or route.pattern)
    assert not failures, f"{len(failures)} findings:\n" + "\n".join(failures[:60])


# POST routes that take no CSRF token by design, with the reason.
CSRF_EXEMPT = {
    "accounts:unsubscribe": "RFC 8058 one-click unsubscribe: mail clients POST without a page; the signed "
    "token in the URL is the authorisation",
    "ads:saved_search_unsubscribe": "RFC 8058 one-click unsubscribe of the saved-search digest, as above",
    "notifications:unsubscribe": "RFC 8058 one-click unsubscribe of the notification emails, as above",
}


def csrf_failures(CRAWLER, failures, route, filling):
    """A POST without the CSRF token is refused with 403 and changes nothing."""
    if route.name in CSRF_EXEMPT:
        return
    user = filling.users["buyer"]
    data = bodies.html_valid(route.name)
    outcome = CRAWLER.send(user, "POST", build_url(route, filling.values), data=data, csrf=False)
    if outcome.status != 403 or outcome.writes - ANYONE_WRITES:
        failures.append(f"POST {route.name} without CSRF → {outcome.status}, wrote {sorted(outcome.writes)}")


def test_every_api_route_is_in_the_schema(schema):
    documented = set(schema["paths"])
    missing = [
        route.name
        for route in ROUTES
        if route.api and route.name not in LIBRARY and api_path(route) not in documented
    ]
    assert missing == []


def test_zz_summary(capsys):
    """Print what the crawl covered (run after the crawl; fails if routes could not be built)."""
    stats = STATS
    with capsys.disabled():
        print(
            f"\ncrawler: {len(stats.routes)} routes × {len(stats.roles)} roles × {len(stats.states)} states: "
            f"{stats.requests} requests, statuses {dict(sorted(stats.statuses.items()))}"
        )
    assert UNBUILDABLE == []
