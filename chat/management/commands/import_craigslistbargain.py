"""Import the CraigslistBargain dataset (real listings, real buyer–seller dialogues) as demo data.

Source and format: ../shared/data/craigslistbargain/SOURCE.md (He et al., EMNLP 2018, arXiv:1808.09637).
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from ads import services as ad_services
from ads.models import Ad, Category
from chat import services as chat_services
from chat.management.craigslistbargain import (
    CATEGORY_MAP,
    EMAIL_DOMAIN,
    assign_buyers,
    person_name,
    read_jsonl,
    stable_hash,
)
from chat.models import Conversation, Offer
from marketplace.images import placeholder_photo

# The deal rule (``Command._close_deals``): an agreement newer than this is a reservation, older a sale.
RESERVED_FOR_DAYS = 7
# The listings were scraped from East Bay (sfbay.craigslist.org/search/eby); the data has no city field.
CITY = "East Bay"


def _same_price(pending: Offer | None, actor: User, action: dict) -> bool:
    """Whether *action* (an "offer" by *actor*) names the price of the other side's open offer *pending*."""
    if pending is None or pending.made_by_id == actor.pk:
        return False
    try:
        return chat_services.offer_amount_clean(action["price"]) == pending.amount
    except ValidationError:
        return False


def _accepted(conversation: Conversation, amount=None) -> bool:
    """Whether an offer in *conversation* (at *amount*, a number from the data, when given) was accepted."""
    offers = Offer.objects.filter(conversation=conversation, status=Offer.Status.ACCEPTED)
    return offers.filter(amount=Decimal(str(amount))).exists() if amount is not None else offers.exists()


# pg_advisory_lock key of the importer: "CBImport" as a number, any constant no other code uses.
IMPORT_LOCK_KEY = 0x4342496D706F7274


@contextmanager
def _import_lock(stdout):
    """Hold PostgreSQL's session-level advisory lock IMPORT_LOCK_KEY for the block (waits for a run in
    progress, saying so). Two runs at once duplicated 930 dialogues, or crashed on the email unique key,
    before this. SQLite allows one writer at a time anyway: no lock there."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        if not cursor.fetchone()[0]:
            stdout.write("another import is running: waiting for it to finish")
            cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])


class Command(BaseCommand):
    """``manage.py import_craigslistbargain <folder> [--limit N] [--all-listings]``.

    Reads ``*.jsonl`` dialogue files (dev/test/extra) and, when present, ``listings.jsonl`` from *folder*.
    Creates the categories, one seller per listing, a pool of buyers (no usable password unless
    ``--password`` is given for a demo), one ad per listing with a generated placeholder photo, and one
    conversation per dialogue with its turns as messages and its offer actions as offers and counter-offers,
    all through the site's services; then reserves or sells the ads that reached an agreement
    (``_close_deals``), telling the other buyers. Idempotent: a second run adds nothing. Each
    dialogue is imported in its own transaction. Skipped dialogues and turns are counted by reason, and the
    data's deals (``outcome.deal``) as kept (an accepted offer at the agreed price) or lost, by reason.
    Safe to run twice at once: on PostgreSQL a run holds an advisory lock for its whole length, so a
    second run waits for the first and then finds everything imported.
    Raises CommandError if *folder* has no dialogue files.
    """

    help = "Import CraigslistBargain listings and dialogues as ads and conversations (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--limit", type=int, default=None, help="Import at most this many dialogues.")
        parser.add_argument(
            "--all-listings", action="store_true", help="Also create ads for listings no dialogue is about."
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Give the users this run creates this password, so a demo can log in as them (never on a "
            "production database). Without it they have no usable password.",
        )

    def handle(
        self, *args, folder: Path, limit: int | None, all_listings: bool, password: str | None, **options
    ):
        self.password = password
        with _import_lock(self.stdout):
            self._handle(folder=folder, limit=limit, all_listings=all_listings)
        example = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", email__startswith="cl-buyer-")
        example = (
            example.order_by("email").values_list("email", flat=True).first()
            or f"cl-buyer-000@{EMAIL_DOMAIN}"
        )
        if password:
            self.stdout.write(
                f"Users created by this run log in with their email (e.g. {example}) and --password."
            )
        else:
            self.stdout.write(
                f"Imported users have no password: set one with `manage.py changepassword {example}`, or "
                "import into a fresh demo database with --password."
            )

    def _handle(self, *, folder: Path, limit: int | None, all_listings: bool):
        started = time.monotonic()
        dialogue_files = sorted(p for p in folder.glob("*.jsonl") if p.name != "listings.jsonl")
        if not dialogue_files:
            raise CommandError(f"No dialogue files (*.jsonl other than listings.jsonl) in {folder}.")
        dialogues = [d for path in dialogue_files for d in read_jsonl(path)]
        listings_path = folder / "listings.jsonl"
        listings = {row["id"]: row for row in read_jsonl(listings_path)} if listings_path.exists() else {}
        buyers_by_dialogue = assign_buyers(dialogues)
        dialogues.sort(key=lambda d: d["id"])
        if limit is not None:
            dialogues = dialogues[:limit]

        self.categories = self._ensure_categories()
        self.stats: Counter = Counter()
        self.skipped: Counter = Counter()
        self.deals: Counter = Counter()  # the data's deals: "kept", or lost by reason
        self.users: dict[str, User] = {}
        self.ads: dict[str, Ad] = {}
        self.now = timezone.now()

        listing_ids = list(dict.fromkeys(d["listing_id"] for d in dialogues))
        if all_listings:
            listing_ids += [listing_id for listing_id in listings if listing_id not in set(listing_ids)]
        fallback = {d["listing_id"]: d for d in dialogues}
        for index, listing_id in enumerate(listing_ids, start=1):
            self._import_listing(listings.get(listing_id) or fallback[listing_id], listing_id)
            if index % 200 == 0 or index == len(listing_ids):
                self.stdout.write(f"ads: {index}/{len(listing_ids)}")

        for index, dialogue in enumerate(dialogues, start=1):
            self._import_dialogue(dialogue, buyers_by_dialogue[dialogue["id"]])
            if index % 200 == 0 or index == len(dialogues):
                self.stdout.write(f"dialogues: {index}/{len(dialogues)}")
        self._close_deals(listing_ids)

        elapsed = time.monotonic() - started
        summary = ", ".join(f"{key} {value}" for key, value in sorted(self.stats.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Imported in {elapsed:.1f} s: {summary}."))
        for reason, count in sorted(self.skipped.items()):
            self.stdout.write(f"skipped {count}: {reason}")
        if self.deals:
            lost = "".join(f"; lost {n}: {why}" for why, n in sorted(self.deals.items()) if why != "kept")
            self.stdout.write(
                f"deals kept: {self.deals['kept']} of the {self.deals.total()} in the data (dialogues with "
                f"outcome.deal), each as an accepted offer at the agreed price{lost}."
            )

    def _ensure_categories(self) -> dict[str, Category]:
        categories = {}
        for source, (slug, name) in CATEGORY_MAP.items():
            category, created = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": 50}
            )
            categories[source] = category
        return categories

    def _user(self, *, key: str, role: str) -> User:
        email = f"cl-{role}-{key}@{EMAIL_DOMAIN}".lower()
        user = self.users.get(email) or User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=self.password, display_name=person_name(f"{role}-{key}")
            )
            self.stats[f"{role}s created"] += 1
        self.users[email] = user
        return user

    @transaction.atomic
    def _import_listing(self, listing: dict, listing_id: str) -> None:
        seller = self._user(key=listing_id, role="seller")
        ad = Ad.objects.filter(owner=seller).first()
        if ad is None:
            try:
                price = Decimal(str(listing["price"])) if listing.get("price") is not None else None
            except InvalidOperation:
                price = None
            if price is not None and price < 0:
                price = None
            title = (listing.get("title") or "").strip()[:120] or f"Listing {listing_id}"
            ad = ad_services.ad_create(
                owner=seller,
                category=self.categories[listing["category"]],
                title=title,
                description=(listing.get("description") or "")[:5000],
                price=price,
                city=CITY,
                photos=[placeholder_photo(text=title, seed=stable_hash(listing_id))],
            )
            self.stats["ads created"] += 1
        self.ads[listing_id] = ad

    def _import_dialogue(self, dialogue: dict, buyer_number: int) -> None:
        turns = dialogue.get("turns") or []
        if not turns:
            self.skipped["dialogue has no chat turns (offer actions only)"] += 1
            self._count_deal(dialogue, None)
            return
        ad = self.ads[dialogue["listing_id"]]
        buyer = self._user(key=f"{buyer_number:03d}", role="buyer")
        conversation = Conversation.objects.filter(buyer=buyer, seller_id=ad.owner_id, ad=ad).first()
        if conversation is not None:
            self.skipped["already imported"] += 1
            self._count_deal(dialogue, conversation)
            return
        # Spread dialogues over the last 60 days, turns a minute or two apart, the same on every run.
        start = self.now - timedelta(minutes=stable_hash(dialogue["id"]) % (60 * 24 * 60))
        # An action before any chat turn follows the first one: the conversation begins with a message.
        actions_after: dict[int, list[dict]] = {}
        for action in dialogue.get("actions") or []:
            after_turn = max(1, int(action.get("after_turn", len(turns))))
            actions_after.setdefault(after_turn, []).append(action)
        with transaction.atomic():
            conversation = None
            for index, turn in enumerate(turns):
                sent_at = start + timedelta(seconds=75 * index)
                try:
                    if conversation is None:
                        conversation, _ = chat_services.conversation_start(
                            buyer=buyer,
                            ad=ad,
                            body=turn["text"],
                            created_at=sent_at,
                            first_sender_is_seller=turn["role"] == "seller",
                        )
                        self.stats["conversations created"] += 1
                    else:
                        sender = buyer if turn["role"] == "buyer" else ad.owner
                        chat_services.message_send(
                            conversation=conversation, sender=sender, body=turn["text"], created_at=sent_at
                        )
                    self.stats["messages created"] += 1
                except ValidationError as error:
                    self.skipped[f"turn refused: {' '.join(error.messages)}"] += 1
                for action in actions_after.pop(index + 1, []):
                    if conversation is None:
                        self.skipped["offer action before any imported chat turn"] += 1
                    else:
                        self._import_action(action, conversation, buyer, ad, sent_at)
            for action in (a for key in sorted(actions_after) for a in actions_after[key]):
                if conversation is None:
                    self.skipped["offer action before any imported chat turn"] += 1
                else:
                    self._import_action(action, conversation, buyer, ad, start)
        self._count_deal(dialogue, conversation)

    def _count_deal(self, dialogue: dict, conversation: Conversation | None) -> None:
        """Count a dialogue the data ends in a deal (``outcome.deal``, the original reward 1) as "kept" when
        *conversation* has an accepted offer at the agreed price, else as lost, by reason."""
        outcome = dialogue.get("outcome") or {}
        if not outcome.get("deal"):
            return
        if conversation is None:
            self.deals["no chat turn imported, so no conversation"] += 1
        elif _accepted(conversation, amount=outcome.get("agreed_price")):
            self.deals["kept"] += 1
        else:
            self.deals["no accepted offer at the agreed price (see the skipped actions)"] += 1

    def _import_action(self, action: dict, conversation, buyer, ad, after_time) -> None:
        """Replay one of the dataset's UI actions through the offer services.

        Either side's "offer" proposes a price (a counter-offer when the other side's offer is open), except
        that offering back the very price the other side's open offer names accepts that offer: in the
        data both sides often type the agreed price into the offer box before one of them presses accept,
        and as a counter-offer the deal was lost (the closing "accept" then named the acceptor's own
        offer). "accept"/"reject" decide the other side's open offer; an "accept" after the price was
        agreed that way is counted as skipped, since the agreement is already recorded. "quit" withdraws
        one's own open offer or declines the other side's, and with no offer open is counted as skipped
        (the site has no "leave" action: people simply stop writing). Offers above the asking price were
        what the people typed, so they count as confirmed.
        """
        at = after_time + timedelta(seconds=30)
        kind, role = action.get("action"), action.get("role")
        actor = buyer if role == "buyer" else ad.owner
        pending = Offer.objects.filter(conversation=conversation, status=Offer.Status.PENDING).first()
        try:
            if kind == "offer" and action.get("price") is not None and _same_price(pending, actor, action):
                chat_services.offer_accept(offer=pending, user=actor, created_at=at)
                self.stats["offers accepted (the same price offered back)"] += 1
            elif kind == "offer" and action.get("price") is not None:
                made = chat_services.offer_make(
                    conversation=conversation,
                    user=actor,
                    amount=action["price"],
                    created_at=at,
                    above_asking_confirmed=True,
                )
                self.stats["counter-offers created" if made.counter_to_id else "offers created"] += 1
            elif kind == "offer":
                self.skipped[f"{role}'s offer without a price"] += 1
            elif kind == "accept" and pending is None and _accepted(conversation):
                self.skipped[f"{role}'s accept of a price already agreed (recorded once)"] += 1
            elif kind in ("accept", "reject", "quit") and pending is None:
                self.skipped[f"{role}'s {kind} with no open offer"] += 1
            elif kind in ("accept", "reject") and pending.made_by_id == actor.pk:
                self.skipped[f"{role}'s {kind} of their own offer"] += 1
            elif kind in ("accept", "reject"):
                decide = chat_services.offer_accept if kind == "accept" else chat_services.offer_decline
                decide(offer=pending, user=actor, created_at=at)
                self.stats[f"offers {'accepted' if kind == 'accept' else 'declined'}"] += 1
            elif kind == "quit" and pending.made_by_id == actor.pk:
                chat_services.offer_withdraw(offer=pending, user=actor, created_at=at)
                self.stats["offers withdrawn (quit)"] += 1
            elif kind == "quit":
                chat_services.offer_decline(offer=pending, user=actor, created_at=at)
                self.stats["offers declined (quit)"] += 1
            else:
                self.skipped[f"action '{kind}' has no equivalent"] += 1
        except ValidationError as error:
            self.skipped[f"offer action refused: {' '.join(error.messages)}"] += 1

    def _close_deals(self, listing_ids: list[str]) -> None:
        """Reserve or sell each imported ad whose dialogues reached an agreement, through the deal services
        (so the other buyers' conversations are told, as on the site).

        The rule: the newest accepted offer of the ad decides. Agreed within the last RESERVED_FOR_DAYS
        days the handover may still be ahead, so the ad is reserved for that buyer; agreed earlier, it has
        happened, so the ad is sold to them. An ad already reserved or sold (an earlier run) is left alone.
        """
        recent = self.now - timedelta(days=RESERVED_FOR_DAYS)
        for listing_id in listing_ids:
            ad = Ad.objects.get(pk=self.ads[listing_id].pk)
            if ad.status != Ad.Status.ACTIVE:
                continue
            accepted = (
                Offer.objects.filter(conversation__ad=ad, status=Offer.Status.ACCEPTED)
                .order_by("-decided_at", "-id")
                .first()
            )
            if accepted is None:
                continue
            with transaction.atomic():
                if accepted.decided_at >= recent:
                    change = chat_services.offer_reserve(offer=accepted, user=ad.owner)
                    self.stats["ads reserved"] += 1
                else:
                    change = chat_services.offer_mark_sold(offer=accepted, user=ad.owner)
                    self.stats["ads sold"] += 1
            self.stats["other conversations told"] += change.conversations_told
