"""Every route of the site and the API, and the values that fill its URL in each state of the world.

Routes come from Django's URL resolver (for the API, methods and bodies from its OpenAPI schema), so a new
route is crawled without anyone listing it. A route whose arguments the crawler cannot fill is reported by
name and fails the crawl: teach ``fillings`` the new argument.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import PushSubscription, User, UserBlock
from accounts.tokens import email_verification_token, unsubscribe_token
from ads import digest
from chat.models import ConversationLabel, Review
from chat.moderation.models import Report
from notifications.models import Notification
from notifications.services import email_unsubscribe_token
from tests.crawler.world import ROLES, World

# Not ours to crawl: Django's own admin pages for auth/password plumbing and its catch-all, the media
# server, the JavaScript catalogue and the schema/docs (served by libraries, fetched once below).
SKIPPED = re.compile(
    r"^(admin:(jsi18n|view_on_site|autocomplete|auth_user_password_change|password_change(_done)?|logout)"
    r"|admin:$)"
)


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple
    model_admin: object = None

    @property
    def api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def admin(self) -> bool:
        return self.name.startswith("admin:")


def all_routes() -> list[Route]:
    """Every URL pattern with its full route, name (``namespace:name``) and argument names."""
    found = []

    def walk(resolver, prefix, namespace, model_admin):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                space = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), space, model_admin)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                owner = getattr(entry.callback, "model_admin", None)
                found.append(
                    Route(name, prefix + str(entry.pattern), tuple(entry.pattern.regex.groupindex), owner)
                )

    walk(get_resolver(), "", "", None)
    return [route for route in found if not SKIPPED.match(route.name or route.pattern)]


def build_url(route: Route, values: dict) -> str:
    url = route.pattern
    for name, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
        url = re.sub(rf"\(\?P<{name}>[^)]*\)", value, url)
    return "/" + url.lstrip("^").rstrip("$").replace("\\", "")


# Which object a ``public_id`` names, by route name; everything else in chat is a conversation.
SAVED_SEARCH_ROUTES = re.compile(r"^(ads:saved_search_(update|delete|open)|api-saved-search)$")
AD_ROUTES = re.compile(r"^(ads:|api-ad$|api-ad-report$|api-start$|api-favourite$|moderation:ad_report$)")
USER_ROUTES = re.compile(r"^(profiles:detail|api-block-remove)$")
TOKEN_ROUTES = re.compile(r"^(accounts:api_token_revoke|api-device-revoke)$")
CONVERSATION_ARGS = {"message_id", "offer_id", "photo_id"}


# The signed links a route takes, made for the world's buyer (an unverified newcomer for confirmation).
SIGNED_LINKS = {
    "accounts:unsubscribe": lambda world: unsubscribe_token(world.buyer.pk),
    "ads:saved_search_unsubscribe": lambda world: digest.unsubscribe_token(user_id=world.buyer.pk),
    "notifications:unsubscribe": lambda world: email_unsubscribe_token(world.buyer.pk),
    "accounts:email_confirm": lambda world: email_verification_token(
        user_id=world.newcomer.pk, email=world.newcomer.email
    ),
}


@dataclass
class Filling:
    """One way to fill a route: the state it shows, the URL values, who plays each role, and whether the
    values name a conversation (then only its participants may get anything but a 404)."""

    state: str
    values: dict
    users: dict
    conversation: bool = False


def fillings(route: Route, world: World) -> list[Filling] | None:
    """Return every filling of *route* over the world's states, or None when an argument is unknown."""
    fixed = {role: world.user(role) for role in ROLES if role != "anonymous"}
    params = set(route.params)
    if not params:
        return [Filling("-", {}, fixed)]
    if route.admin:
        return _admin_fillings(route, world, fixed)
    if (
        "public_id" in params
        and not (AD_ROUTES.match(route.name) or USER_ROUTES.match(route.name))
        and not (TOKEN_ROUTES.match(route.name) or SAVED_SEARCH_ROUTES.match(route.name))
    ):
        return _conversation_fillings(route, world, params)
    out = []
    if "public_id" in params or "ad_public_id" in params:
        key = "public_id" if "public_id" in params else "ad_public_id"
        if SAVED_SEARCH_ROUTES.match(route.name):
            out += [Filling("buyer's saved search", {key: world.saved_search.public_id}, fixed)]
            out += [Filling("unknown saved search", {key: "AAAAAAAAAA"}, fixed)]
        elif USER_ROUTES.match(route.name):
            users = User.objects.exclude(is_staff=True).order_by("pk")[:12]
            out += [
                Filling("user suspended" if not u.is_active else "user", {key: u.public_id}, fixed)
                for u in users
            ]
        elif TOKEN_ROUTES.match(route.name):
            out += [Filling("own device token", {key: world.api_token.public_id}, fixed)]
            out += [Filling("unknown token", {key: "AAAAAAAAAA"}, fixed)]
        else:
            for scene in world.scenes:
                out.append(Filling(scene.state, {key: scene.values["ad_public_id"]}, fixed))
        params -= {key}
    elif "review_id" in params:
        out += [Filling(f"review {state(r)}", {"review_id": str(r.pk)}, fixed) for r in Review.objects.all()]
        params -= {"review_id"}
    elif "user_id" in params:
        blocked = [(f"user blocked by {b.blocker}", b.blocked_id) for b in UserBlock.objects.all()]
        out += [
            Filling(s, {"user_id": str(pk)}, fixed) for s, pk in [*blocked, ("not blocked", world.seller.pk)]
        ]
        params -= {"user_id"}
    elif "notification_id" in params:
        rows = Notification.objects.order_by("pk")[:4]
        out += [
            Filling(f"notification of {row.user_id}", {"notification_id": row.public_id}, fixed)
            for row in rows
        ]
        out += [Filling("unknown notification", {"notification_id": "AAAAAAAAAA"}, fixed)]
        params -= {"notification_id"}
    elif "label_id" in params:
        ids = [str(pk) for pk in ConversationLabel.objects.values_list("pk", flat=True)]
        out += [Filling("label", {"label_id": pk}, fixed) for pk in [*ids, "999999"]]
        params -= {"label_id"}
    elif "reply_id" in params:
        out += [Filling("unknown quick reply", {"reply_id": "999999"}, fixed)]
        params -= {"reply_id"}
    elif "subscription_id" in params:
        ids = [str(pk) for pk in PushSubscription.objects.values_list("pk", flat=True)]
        out += [Filling("push subscription", {"subscription_id": pk}, fixed) for pk in [*ids, "999999"]]
        params -= {"subscription_id"}
    elif params == {"token"} and route.name in SIGNED_LINKS:
        valid = SIGNED_LINKS[route.name](world)
        out += [Filling("valid token", {"token": valid}, fixed)]
        out += [Filling("tampered token", {"token": "x" + valid[1:]}, fixed)]
        params = set()
    elif params == {"path"}:
        out += [
            Filling(s, {"path": p}, fixed) for s, p in (("missing file", "ads/none.jpg"), ("escape", "../x"))
        ]
        params = set()
    elif params == {"uidb64", "token"}:
        out += [Filling("bogus reset link", {"uidb64": "MQ", "token": "set-password"}, fixed)]
        out += [Filling("unknown reset link", {"uidb64": "zz", "token": "abc-def"}, fixed)]
        params = set()
    return out if not params else None


def state(review: Review) -> str:
    return "published" if review.published_at else "pending"


def _conversation_fillings(route: Route, world: World, params: set) -> list[Filling] | None:
    extra = params - {"public_id"}
    out = []
    for scene in world.scenes:
        base = {"public_id": scene.values["public_id"]}
        combos = [(scene.state, base)]
        for name in sorted(extra):
            if name in scene.many:
                options = scene.many[name]
            elif name == "variant":
                options = [("full", "full"), ("thumb", "thumb"), ("bad variant", "huge")]
            elif name == "action":
                actions = ["accept", "decline", "withdraw", "reserve", "sell", "explode"]
                options = [(f"action {a}", a) for a in actions]
            elif name == "review_id":
                options = [("no review", "1")]
            else:
                return None
            combos = [
                (f"{label}, {o_label}", {**vals, name: value})
                for label, vals in combos
                for o_label, value in options
            ]
        out += [Filling(label, values, scene.users, conversation=True) for label, values in combos]
    return out


def _admin_fillings(route: Route, world: World, fixed: dict) -> list[Filling] | None:
    params = set(route.params)
    if params == {"app_label"}:
        labels = {model._meta.app_label for model in admin.site._registry}
        return [Filling(label, {"app_label": label}, fixed) for label in sorted(labels)]
    if params == {"object_id"} and route.model_admin is not None:
        rows = route.model_admin.model._default_manager.order_by("-pk")[:8]
        return [
            Filling(f"{route.model_admin.model.__name__} {row.pk}", {"object_id": str(row.pk)}, fixed)
            for row in rows
        ]
    if params == {"conversation_id"}:
        return [Filling(s.state, {"conversation_id": str(s.values["pk"])}, fixed) for s in world.scenes]
    if params == {"report_id"}:
        return [Filling(f"report {r.status}", {"report_id": str(r.pk)}, fixed) for r in Report.objects.all()]
    return None
