"""Conversations, their participants' own state, and offers."""

import functools

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ads.models import Ad
from chat.managers import ConversationManager, ParticipantManager
from marketplace.ids import new_public_id

# How many conversations one user may pin to the top of their list (enough for the few deals in progress;
# more would push the rest of the list off a phone's first screen).
PIN_SLOTS = 5


@functools.lru_cache(maxsize=16)
def _detail_url_pattern(script_prefix: str) -> str:
    """The conversation URL with a ``{public_id}`` placeholder, reversed once per script prefix.

    Public ids are nanoid strings (``[A-Za-z0-9_-]``), so they need no URL quoting.
    """
    return reverse("chat:detail", kwargs={"public_id": "PUBLICID00"}).replace("PUBLICID00", "{public_id}")


class Conversation(models.Model):
    """A buyer–seller conversation about one ad, with a snapshot of the ad taken at creation.

    The snapshot (``ad_*`` fields) keeps the chat's context when the ad is edited or disappears; only
    ``ad_status`` (sold/removed) and ``ad_current_title``/``ad_current_price`` follow the live ad.
    ``last_message`` and ``last_message_at`` are kept by ``chat.services`` under a row lock so the list
    renders without per-row queries. ``updated_at`` records when something a participant sees last
    changed (for moderators); polls do not read it, they compare cached poll tokens
    (``chat.delivery.tokens``).
    """

    public_id = models.CharField(
        _("public id"), max_length=10, unique=True, default=new_public_id, editable=False
    )
    ad = models.ForeignKey(
        Ad,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("ad"),
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("seller")
    )
    # Listing snapshot, written once at creation.
    ad_entity_type = models.CharField(_("ad entity type"), max_length=60)
    ad_public_id = models.CharField(_("ad public id"), max_length=10)
    ad_title = models.CharField(_("ad title"), max_length=120)
    ad_thumbnail_url = models.CharField(_("ad thumbnail URL"), max_length=500, blank=True)
    ad_price = models.DecimalField(_("ad price"), max_digits=12, decimal_places=2, null=True, blank=True)
    ad_link = models.CharField(_("ad link"), max_length=500)
    # The reserved/sold/removed flag: the one snapshot field kept in step with the live ad.
    ad_status = models.CharField(
        _("ad status"), max_length=10, choices=Ad.Status.choices, default=Ad.Status.ACTIVE
    )
    # The live ad's title and price (None: price on request), kept in step with it by
    # chat.services.conversations_sync_ad_details; ad_title and ad_price keep what the conversation
    # started about. Pages show both when they differ, and offers compare with the current price.
    ad_current_title = models.CharField(_("ad's current title"), max_length=120, blank=True)
    ad_current_price = models.DecimalField(
        _("ad's current price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # When the ad was reserved for or sold to this conversation's buyer (the deal was closed here); None
    # otherwise. Kept with ad_status by chat.services.deals.
    deal_at = models.DateTimeField(_("deal closed at"), null=True, blank=True)
    # The seller's first message (not a notice), and how long after the buyer's first message it came
    # (seconds; None when the seller wrote first): the sample of the seller's response time.
    first_reply_at = models.DateTimeField(_("seller's first reply at"), null=True, blank=True)
    first_reply_delay_s = models.PositiveIntegerField(_("first-reply delay (seconds)"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    last_message = models.ForeignKey(
        "Message",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("last message"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Counts changes to messages already sent (edits, deletions, reactions, removals): each such change
    # gives the message the next value (``Message.change_seq``), and a page that has seen the
    # conversation up to value N asks its poll for the messages with a change_seq above N
    # (``chat.services.edits``).
    change_seq = models.PositiveBigIntegerField(_("change seq"), default=0)

    objects = ConversationManager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "seller", "ad"], name="conversation_unique_buyer_seller_ad"
            ),
            models.CheckConstraint(
                condition=~models.Q(buyer=models.F("seller")), name="conversation_not_with_self"
            ),
        ]
        indexes = [
            models.Index(fields=["-last_message_at", "-id"], name="conversation_last_msg_idx"),
            models.Index(fields=["ad_public_id"], name="conversation_ad_public_id_idx"),
            # A seller's recent first-reply delays (response time); only answered conversations are in it.
            models.Index(
                fields=["seller", "first_reply_at"],
                condition=models.Q(first_reply_delay_s__isnull=False),
                name="conversation_first_reply_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id}: {self.ad_title}"

    def get_absolute_url(self) -> str:
        # Lists render dozens of these; reverse() costs ~60 µs each, a format ~1 µs.
        return _detail_url_pattern(get_script_prefix()).format(public_id=self.public_id)

    def other_user_id(self, user_id: int) -> int:
        """Return the id of the participant who is not *user_id*."""
        return self.seller_id if user_id == self.buyer_id else self.buyer_id

    def other_participant(self, user):
        """Return the participant who is not *user* (buyer for the seller and vice versa)."""
        return self.seller if user.pk == self.buyer_id else self.buyer


class ConversationParticipant(models.Model):
    """One participant's own state in a conversation: read pointer, hidden history, archive.

    ``hidden_up_to`` is the last message this participant hid from their own view ("Hide
    conversation", ``conversation_hide``); they see only later messages, and the conversation is out of
    their list until one arrives.
    ``last_read_message`` is the read pointer, ``delivered_up_to`` the delivery pointer; ``unread_count``
    counts the other participant's messages after it, kept by ``chat.services`` on every send and read so
    neither the list nor the header badge ever counts message history. ``archived_at`` moves the
    conversation to the "Archived" filter until the other participant writes again.
    """

    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SELLER = "seller", _("Seller")

    # No separate indexes: participant_unique_user starts with conversation_id, participant_user_idx with
    # user_id.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("conversation"),
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conversation_participations",
        verbose_name=_("user"),
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    last_read_message = models.ForeignKey(
        "Message",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("last read message"),
    )
    hidden_up_to = models.ForeignKey(
        "Message",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("hidden up to"),
    )
    # The newest message id this participant's device has fetched (a poll, an API answer or a page that
    # contained it): the other side's messages up to it show "delivered". Only ever moves forward
    # (chat.services.read_state); 0 = nothing yet. An id, not a foreign key: no index, no PROTECT.
    delivered_up_to = models.BigIntegerField(_("delivered up to message"), default=0, db_default=0)
    unread_count = models.PositiveIntegerField(_("unread messages"), default=0)
    # Messages and offers this participant wrote here (not notices): the review gate reads it.
    sent_count = models.PositiveIntegerField(_("messages written"), default=0)
    hidden_at = models.DateTimeField(_("hidden by participant at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The newest message id an unread-messages email already covered (chat.delivery.email): the next
    # email only mentions conversations with messages after it.
    notified_up_to_message_id = models.BigIntegerField(_("emailed up to message"), null=True, blank=True)
    # The newest message a Web Push already announced (chat.delivery.web_push.push_unread): no further push
    # for this conversation until the participant has read up to it (one push per burst).
    pushed_up_to_message_id = models.BigIntegerField(_("pushed up to message"), null=True, blank=True)
    # "Mute notifications" for this conversation: no Web Push (the messages still count as unread).
    muted_at = models.DateTimeField(_("muted at"), null=True, blank=True)
    # Copy of Conversation.last_message_at, written in the same transaction as every message: the chat
    # list reads one user's rows newest first straight off participant_list_idx instead of scanning
    # conversations by time (which degrades with the size of the whole table).
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    # Pinned to the top of this participant's list: one of PIN_SLOTS numbered slots per user (a unique
    # constraint on (user, pin_slot) and a check on its range, so no race can pin a sixth).
    pin_slot = models.PositiveSmallIntegerField(_("pin slot"), null=True, blank=True)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)
    # This participant's own labels on the conversation (private to them; chat.models.labels).
    labels = models.ManyToManyField(
        "ConversationLabel",
        through="ParticipantLabel",
        related_name="+",
        blank=True,
        verbose_name=_("labels"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ParticipantManager()

    class Meta:
        verbose_name = _("conversation participant")
        verbose_name_plural = _("conversation participants")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_unique_user"),
            models.UniqueConstraint(fields=["conversation", "role"], name="participant_unique_role"),
            # At most PIN_SLOTS pinned conversations per user, held by the database.
            models.UniqueConstraint(fields=["user", "pin_slot"], name="participant_unique_pin_slot"),
            models.CheckConstraint(
                condition=models.Q(pin_slot__isnull=True)
                | models.Q(pin_slot__gte=1, pin_slot__lte=PIN_SLOTS),
                name="participant_pin_slot_range",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-last_message_at", "-conversation"], name="participant_list_idx"),
            # The header badge counts only rows with unread messages: a small partial index.
            models.Index(
                fields=["user"], condition=models.Q(unread_count__gt=0), name="participant_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_role_display())


class Offer(models.Model):
    """A price proposed in a conversation by either participant; the other one accepts or declines it.

    A negotiation is a chain: answering a pending offer with another price makes a counter-offer
    (``counter_to``) and marks the answered one ``countered``; a new price from the same side replaces
    its own pending offer. At most one offer per conversation is pending (a partial unique constraint). A
    pending offer past ``expires_at`` counts as expired (see ``current_status``) and is recorded as such
    by the next action on the conversation's offers.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REPLACED = "replaced", _("Replaced")
        COUNTERED = "countered", _("Countered")
        EXPIRED = "expired", _("Expired")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="offers", verbose_name=_("conversation")
    )
    # The participant who proposed the price (buyer or seller).
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    # The other side's offer this one answers (a counter-offer); None for the first price of a chain.
    counter_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("counter-offer to"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="offer_amount_positive"),
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(status="pending"),
                name="offer_one_pending_per_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.status})"

    def current_status(self, *, now=None) -> str:
        """Return the status, reading a pending offer past its expiry as expired."""
        if self.status == self.Status.PENDING and (now or timezone.now()) >= self.expires_at:
            return self.Status.EXPIRED
        return self.status
