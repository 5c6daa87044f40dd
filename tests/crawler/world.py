"""The crawler's world: every object state a route can meet, built through the services as users make them.

Each conversation state is a *scene*: the conversation, its ad, its messages and offers, and who plays each
role in it (the buyer of that conversation, its seller, another buyer of the same seller, a stranger, a
moderator, a suspended user, anonymous). Routes are then filled from each scene's values (``values``).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import services as account_services
from ads import saved_searches
from ads import services as ad_services
from chat import services
from chat.models import Message, Offer
from chat.moderation import services as moderation
from tests.chat.test_services_edits import _photo
from tests.factories import AdFactory, CategoryFactory, UserFactory

ROLES = ("anonymous", "buyer", "seller", "other_buyer", "stranger", "moderator", "suspended", "newcomer")
# Roles that take part in a scene's conversation; everyone else must get the house's 404 for it.
PARTICIPANTS = ("buyer", "seller")


@dataclass
class Scene:
    """One object state: the URL values it fills (``public_id``, ``message_id`` …) and the users per role."""

    state: str
    values: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    # Several values for one URL argument (every message or offer of the conversation, with its state).
    many: dict = field(default_factory=dict)


class World:
    """Build every state once (about 1 s); ``scenes`` lists them, ``users`` holds the fixed roles."""

    def __init__(self):
        self.category = CategoryFactory()
        self.seller = UserFactory(display_name="Sam Seller Jr.")
        self.buyer = UserFactory(display_name="Bea Buyer")
        self.other_buyer = UserFactory(display_name="Otto Other")
        self.stranger = UserFactory(display_name="Stan Stranger")
        self.moderator = UserFactory(display_name="Mo Moderator", is_staff=True)
        self.moderator.groups.add(Group.objects.get(name="Moderators"))
        self.suspended = UserFactory(display_name="Sue Suspended")
        # Signed up, address not confirmed yet: may browse, may not write.
        self.newcomer = UserFactory(display_name="Nia Newcomer", email_verified_at=None)
        self.scenes: list[Scene] = []
        self._build()

    # --- helpers -------------------------------------------------------------------------------------

    def ad(self, owner=None, **kwargs):
        return AdFactory(
            owner=owner or self.seller, category=self.category, price=Decimal("200.00"), **kwargs
        )

    def start(self, *, buyer, ad, body="Hi! Is this still available?", days_ago=0):
        when = timezone.now() - timedelta(days=days_ago) if days_ago else None
        conversation, message = services.conversation_start(buyer=buyer, ad=ad, body=body, created_at=when)
        return conversation, message

    def scene(self, state, conversation, *, buyer=None, seller=None, **many):
        users = {
            "buyer": buyer or conversation.buyer,
            "seller": seller or conversation.seller,
            "other_buyer": self.other_buyer,
            "stranger": self.stranger,
            "moderator": self.moderator,
            "suspended": self.suspended,
            "newcomer": self.newcomer,
        }
        messages = list(conversation.messages.order_by("pk"))
        offers = list(Offer.objects.filter(conversation=conversation).order_by("pk"))
        values = {
            "public_id": conversation.public_id,
            "ad_public_id": conversation.ad.public_id,
            "user_id": str(users["seller"].pk),
            "pk": conversation.pk,
        }
        scene = Scene(state, values, users)
        scene.many["message_id"] = [(_message_state(m), str(m.pk)) for m in messages]
        scene.many["offer_id"] = [(f"offer {o.status}", str(o.pk)) for o in offers] or [("no offer", "1")]
        photos = [p for m in messages for p in m.photos.all()]
        scene.many["photo_id"] = [("photo", str(p.pk)) for p in photos] or [("no photo", "1")]
        scene.many.update(many)
        self.scenes.append(scene)
        return scene

    # --- the states ----------------------------------------------------------------------------------

    def _build(self):
        now = timezone.now()
        seller, buyer = self.seller, self.buyer

        # A conversation with messages in every state and an offer history ending in a pending counter-offer.
        rich_ad = self.ad(title="Walnut sofa")
        rich, first = self.start(buyer=buyer, ad=rich_ad)
        self.start(buyer=self.other_buyer, ad=rich_ad, body="Hello, any scratches?")
        reply = services.message_send(conversation=rich, sender=seller, body="Yes, it is. Come on Saturday.")
        services.message_send(conversation=rich, sender=buyer, body="With a photo", photos=[_photo()])
        edited = services.message_send(conversation=rich, sender=buyer, body="Typo hree")
        services.message_edit(message=edited, editor=buyer, body="Typo here")
        deleted = services.message_send(conversation=rich, sender=buyer, body="Oops")
        services.message_delete(message=deleted, user=buyer)
        services.message_send(conversation=rich, sender=seller, body="Quote", reply_to_id=first.pk)
        services.message_react(message=reply, user=buyer, emoji="👍")
        removed = services.message_send(conversation=rich, sender=buyer, body="Call me on +1 555 0100 0100")
        report = moderation.report_create(reporter=seller, conversation=rich, reason="spam", message=removed)
        moderation.message_remove(message=removed, moderator=self.moderator, report=report)
        declined = services.offer_make(conversation=rich, user=buyer, amount="150")
        services.offer_decline(offer=declined, user=seller)
        withdrawn = services.offer_make(conversation=rich, user=buyer, amount="160")
        services.offer_withdraw(offer=withdrawn, user=buyer)
        expired = services.offer_make(conversation=rich, user=buyer, amount="170")
        Offer.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(minutes=1))
        services.offers_expire_due(now=now)
        countered = services.offer_make(conversation=rich, user=buyer, amount="175")
        services.offer_make(conversation=rich, user=seller, amount="190")
        assert Offer.objects.get(pk=countered.pk).status == Offer.Status.COUNTERED
        self.open_report = moderation.report_create(reporter=buyer, conversation=rich, reason="scam")
        self.scene("active ad, every message and offer state", rich)
        # Pinned and labelled by the seller (the buyer's labels are theirs: the crawler tries both ids).
        services.conversation_set_pinned(conversation=rich, user=seller, pinned=True)
        sold = services.label_create(user=seller, name="sold")
        services.conversation_set_labels(conversation=rich, user=seller, label_ids=[sold.pk])
        services.label_create(user=buyer, name="to collect")

        # An accepted offer waiting for the seller's deal.
        accepted_ad = self.ad(title="Oak table")
        accepted, _ = self.start(buyer=buyer, ad=accepted_ad)
        offer = services.offer_make(conversation=accepted, user=buyer, amount="180")
        services.offer_accept(offer=offer, user=seller)
        self.start(buyer=self.other_buyer, ad=accepted_ad)
        self.scene("offer accepted", accepted)

        for state, deal in (("ad reserved", services.offer_reserve), ("ad sold", services.offer_mark_sold)):
            deal_ad = self.ad(title=f"Lamp ({state})")
            conversation, _ = self.start(buyer=buyer, ad=deal_ad)
            self.start(buyer=self.other_buyer, ad=deal_ad)
            offer = services.offer_make(conversation=conversation, user=buyer, amount="190")
            services.offer_accept(offer=offer, user=seller)
            deal(offer=offer, user=seller)
            self.scene(state, conversation)

        # The seller removes an ad with a pending offer; another's price changes under a pending offer.
        removed_ad = self.ad(title="Bicycle")
        conversation, _ = self.start(buyer=buyer, ad=removed_ad)
        services.offer_make(conversation=conversation, user=buyer, amount="120")
        ad_services.ad_remove(ad=removed_ad, user=seller)
        self.scene("ad removed", conversation)

        repriced_ad = self.ad(title="Guitar")
        conversation, _ = self.start(buyer=buyer, ad=repriced_ad)
        services.offer_make(conversation=conversation, user=buyer, amount="150")
        ad_services.ad_update(
            ad=repriced_ad,
            user=seller,
            category=self.category,
            title="Guitar, with case",
            description="Now with its case.",
            price=Decimal("80.00"),
            city="Oakland",
        )
        self.scene("ad price and title edited", conversation)

        hidden, _ = self.start(buyer=buyer, ad=self.ad(title="Chair"))
        services.conversation_hide(conversation=hidden, user=buyer)
        self.scene("hidden by the buyer", hidden)

        archived, _ = self.start(buyer=buyer, ad=self.ad(title="Desk"))
        services.conversation_set_archived(conversation=archived, user=seller, archived=True)
        services.conversation_set_archived(conversation=archived, user=buyer, archived=True)
        self.scene("archived by both", archived)

        # Blocks are between two people, so each blocked conversation has a buyer of its own.
        for state, who_blocks in (("blocked by the buyer", "buyer"), ("blocked by the seller", "seller")):
            blocked_buyer = UserFactory(display_name=f"Buyer {who_blocks}")
            conversation, _ = self.start(buyer=blocked_buyer, ad=self.ad(title="Mirror"))
            if who_blocks == "buyer":
                account_services.user_block(blocker=blocked_buyer, blocked=seller)
            else:
                account_services.user_block(blocker=seller, blocked=blocked_buyer)
            self.scene(state, conversation)

        # Old enough for reviews: one review pending, and one conversation where both reviewed (published).
        for state, reviewers in (("review pending", (buyer,)), ("reviews published", (buyer, seller))):
            conversation, _ = self.start(buyer=buyer, ad=self.ad(title=f"Rug ({state})"), days_ago=3)
            for days, sender in ((2.9, seller), (2.8, buyer), (2.7, seller)):
                services.message_send(
                    conversation=conversation,
                    sender=sender,
                    body="Deal.",
                    created_at=now - timedelta(days=days),
                )
            reviews = [
                services.review_create(
                    conversation=conversation, author=author, reliability=5, friendliness=4
                )
                for author in reviewers
            ]
            self.scene(state, conversation, review_id=[(state, str(r.pk)) for r in reviews])
        self.published_review = reviews[0]

        # A suspended buyer, and a suspended seller whose ads left the site.
        conversation, _ = self.start(buyer=self.suspended, ad=self.ad(title="Kettle"))
        dismissed = moderation.report_create(reporter=seller, conversation=conversation, reason="harassment")
        moderation.report_dismiss(report=dismissed, moderator=self.moderator)
        actioned = moderation.report_create(reporter=seller, conversation=conversation, reason="scam")
        moderation.user_suspend(user=self.suspended, moderator=self.moderator, report=actioned)
        self.scene("buyer suspended", conversation)
        suspended_seller = UserFactory(display_name="Sid Suspended-Seller")
        conversation, _ = self.start(buyer=buyer, ad=self.ad(owner=suspended_seller, title="Radio"))
        moderation.user_suspend(user=suspended_seller, moderator=self.moderator)
        self.scene("seller suspended", conversation)

        # A first message held for a moderator, a push subscription, an API device token.
        moderation.held_message_create(sender=self.other_buyer, ad=rich_ad, body="Same text to many")
        account_services.push_subscription_save(
            user=buyer,
            endpoint="https://fcm.googleapis.com/fcm/send/crawler",
            # A point on P-256 and a 16-byte secret (the service refuses keys push cannot encrypt with).
            p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
            auth="tBHItJI5svbpez7KI4CCXg",
        )
        self.api_token, _ = account_services.api_token_create(user=buyer, device="Crawler phone")
        self.saved_search = saved_searches.saved_search_create(user=buyer, query="q=sofa&area=oakland")

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


def _message_state(message: Message) -> str:
    if message.removed_by_moderator_at:
        return "message removed by a moderator"
    if message.deleted_at:
        return "message deleted"
    if message.edited_at:
        return "message edited"
    return f"message {message.kind}"
