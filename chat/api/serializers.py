"""What the chat API returns and accepts. Output serializers read the objects the selectors return (a
conversation annotated with the viewer's state, messages with their offer and quote); the view passes the
viewer and the batch-fetched photos and reactions in ``context``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import PublicUserSerializer
from ads.models import Ad
from chat import safety, selectors

# The request bodies live in chat.api.inputs; the views read them as ``s.<name>`` too.
from chat.api.inputs import (  # noqa: E402, F401
    EditSerializer,
    FlagSerializer,
    OfferInputSerializer,
    ReactionInputSerializer,
    ReviewInputSerializer,
    SendPhotosSerializer,
    SendSerializer,
    StartSerializer,
)
from chat.api.labels import ConversationListSerializer, LabelSerializer, labels_fetch
from chat.api.receipts import DeliveryPointerSerializer, MessageStatusSerializer, receipts_context
from chat.models import (
    MESSAGE_REACTIONS,
    ConversationParticipant,
    Message,
    Offer,
)
from chat.presenters.safety import NONE as NO_NOTES
from chat.presenters.safety import safety_for
from marketplace import api

IDEMPOTENCY = OpenApiParameter(
    api.IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="16–64 of [A-Za-z0-9_-], fresh per message: a repeat gets the first answer, stores nothing.",
)


class SnapshotSerializer(serializers.Serializer):
    """The listing snapshot taken when the conversation started; ``status``, ``current_title`` and
    ``current_price`` follow the live ad."""

    public_id = serializers.CharField(source="ad_public_id")
    title = serializers.CharField(source="ad_title")
    price = serializers.DecimalField(source="ad_price", max_digits=12, decimal_places=2, allow_null=True)
    current_title = serializers.CharField(
        source="ad_current_title", help_text="The ad's title now (the seller may have edited it)."
    )
    current_price = serializers.DecimalField(
        source="ad_current_price",
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="The ad's price now (null: price on request); offers above it ask for confirmation.",
    )
    thumbnail_url = serializers.CharField(source="ad_thumbnail_url")
    status = serializers.ChoiceField(source="ad_status", choices=Ad.Status.choices)
    url = serializers.CharField(source="ad_link")
    deal_is_mine = serializers.SerializerMethodField(
        help_text="Reserved for or sold to this conversation's buyer."
    )

    def get_deal_is_mine(self, conversation) -> bool:
        return conversation.deal_at is not None


class LastMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Message.Kind.choices)
    preview = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_preview(self, message) -> str:
        if message.is_withdrawn:
            return gettext("Message deleted")
        return message.text[:140] if message.text else gettext("Photo")

    def get_mine(self, message) -> bool:
        return message.sender_id == self.context["viewer"].pk


class ConversationSerializer(serializers.Serializer):
    """A conversation as its participant sees it (list rows and detail)."""

    class Meta:
        list_serializer_class = ConversationListSerializer

    public_id = serializers.CharField()
    role = serializers.ChoiceField(source="my_role", choices=ConversationParticipant.Role.choices)
    other = serializers.SerializerMethodField()
    ad = SnapshotSerializer(source="*")
    last_message = serializers.SerializerMethodField()
    last_message_at = serializers.DateTimeField(source="my_last_message_at")
    unread_count = serializers.IntegerField(source="my_unread_count")
    archived = serializers.SerializerMethodField()
    muted = serializers.SerializerMethodField()
    pinned = serializers.SerializerMethodField(help_text="Pinned to the top of the viewer's list.")
    labels = serializers.SerializerMethodField(help_text="The viewer's own labels on it, by name.")

    @extend_schema_field(PublicUserSerializer)
    def get_other(self, conversation) -> dict:
        return PublicUserSerializer(conversation.other_participant(self.context["viewer"])).data

    @extend_schema_field(LastMessageSerializer(allow_null=True))
    def get_last_message(self, conversation) -> dict | None:
        message = conversation.last_message if conversation.last_message_id else None
        hidden = conversation.my_hidden_up_to_id
        if message is None or (hidden is not None and message.id <= hidden):
            return None
        return LastMessageSerializer(message, context=self.context).data

    def get_archived(self, conversation) -> bool:
        return conversation.my_archived_at is not None

    def get_muted(self, conversation) -> bool:
        return getattr(conversation, "my_muted_at", None) is not None

    def get_pinned(self, conversation) -> bool:
        return getattr(conversation, "my_pin_slot", None) is not None

    @extend_schema_field(LabelSerializer(many=True))
    def get_labels(self, conversation) -> list[dict]:
        on = labels_fetch(self.context, [conversation.id])
        return LabelSerializer(on[conversation.id], many=True).data


class ConversationDetailSerializer(ConversationSerializer, DeliveryPointerSerializer):
    """One conversation: the list row plus the other side's public state and what the viewer may do."""

    other_read_up_to = serializers.SerializerMethodField(
        help_text="The other participant's read pointer (a message id), null unless both share read receipts."
    )
    blocked_by_me = serializers.BooleanField(source="i_blocked_other")
    blocked_me = serializers.BooleanField(source="other_blocked_me")
    offers_open = serializers.SerializerMethodField()
    change_seq = serializers.IntegerField()

    def get_other_read_up_to(self, conversation) -> int | None:
        viewer = self.context["viewer"]
        other = conversation.other_participant(viewer)
        if not (viewer.share_read_receipts and other.share_read_receipts):
            return None
        return conversation.other_last_read_id

    def get_offers_open(self, conversation) -> bool:
        blocked = conversation.i_blocked_other or conversation.other_blocked_me
        return conversation.ad_status == "active" and not blocked


class ConversationPageSerializer(serializers.Serializer):
    results = ConversationSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True, help_text="Pass as `before` for the next page.")


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    counter_to = serializers.IntegerField(source="counter_to_id", allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=Offer.Status.choices))
    def get_status(self, offer) -> str:
        return offer.current_status()

    def get_mine(self, offer) -> bool:
        return offer.made_by_id == self.context["viewer"].pk


class MessagePhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, photo) -> str:
        return f"{self.context['photos_url']}{photo.id}/full/"

    def get_thumbnail_url(self, photo) -> str:
        return f"{self.context['photos_url']}{photo.id}/thumb/"


class ReactionSerializer(serializers.Serializer):
    emoji = serializers.ChoiceField(choices=MESSAGE_REACTIONS)
    mine = serializers.SerializerMethodField()

    def get_mine(self, reaction) -> bool:
        return reaction.user_id == self.context["viewer"].pk


class QuoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    preview = serializers.SerializerMethodField()

    def get_preview(self, message) -> str:
        if message.removed_by_moderator_at:
            return gettext("Removed by a moderator")
        if message.deleted_at:
            return gettext("Message deleted")
        return message.text[:100] if message.text else gettext("Photo")


class SafetyNoteSerializer(serializers.Serializer):
    """A scam note next to the other person's message (``chat.safety``), in the reader's language."""

    category = serializers.ChoiceField(choices=[(key, key) for key in safety.NOTES])
    text = serializers.CharField()
    help_url = serializers.CharField(help_text="The site path of the help page's section on this family.")


class MessageSerializer(MessageStatusSerializer):
    """A message as its viewer sees it: ``body`` is null once deleted or removed by a moderator; the
    page's scam notes next to the other person's text (``hold``: fold it behind "Show message")."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Message.Kind.choices)
    mine = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.SerializerMethodField()
    removed_by_moderator = serializers.SerializerMethodField()
    reply_to = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()
    offer = serializers.SerializerMethodField()
    safety_notes = serializers.SerializerMethodField()
    safety_level = serializers.SerializerMethodField()

    def get_mine(self, message) -> bool:
        return message.sender_id == self.context["viewer"].pk

    def get_body(self, message) -> str | None:
        return None if message.is_withdrawn else message.text

    def get_deleted(self, message) -> bool:
        return message.deleted_at is not None

    def get_removed_by_moderator(self, message) -> bool:
        return message.removed_by_moderator_at is not None

    @extend_schema_field(QuoteSerializer(allow_null=True))
    def get_reply_to(self, message) -> dict | None:
        return QuoteSerializer(message.reply_to).data if message.reply_to_id and message.reply_to else None

    @extend_schema_field(MessagePhotoSerializer(many=True))
    def get_photos(self, message) -> list[dict]:
        if message.is_withdrawn:
            return []
        photos = self.context["photos"].get(message.id, [])
        return MessagePhotoSerializer(photos, many=True, context=self.context).data

    @extend_schema_field(ReactionSerializer(many=True))
    def get_reactions(self, message) -> list[dict]:
        reactions = self.context["reactions"].get(message.id, [])
        return ReactionSerializer(reactions, many=True, context=self.context).data

    @extend_schema_field(OfferSerializer(allow_null=True))
    def get_offer(self, message) -> dict | None:
        if message.offer_id is None or message.offer is None:
            return None
        return OfferSerializer(message.offer, context=self.context).data

    @extend_schema_field(SafetyNoteSerializer(many=True))
    def get_safety_notes(self, message) -> list[dict]:
        notes = self.context.get("safety", {}).get(message.id, NO_NOTES)["safety_notes"]
        return SafetyNoteSerializer(notes, many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=[("", "none"), ("note", "note"), ("hold", "hold")]))
    def get_safety_level(self, message) -> str:
        return self.context.get("safety", {}).get(message.id, NO_NOTES)["safety_level"]


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField(help_text="More messages beyond this page in the direction asked.")


class ChangesSerializer(serializers.Serializer):
    """What changed in a conversation since the client's ``after``/``change_seq``: new messages (at most a
    page), messages changed since (edits, deletions, reactions, offer decisions; about a page), the change
    seq covered (the next ``change_seq``), ``has_more`` when either list was cut, the other participant's
    read pointer and the conversation as it is now."""

    messages = MessageSerializer(many=True)
    has_more = serializers.BooleanField(
        help_text="A list was cut (new or changed messages): ask again at once with the new cursor."
    )
    changed = MessageSerializer(many=True)
    change_seq = serializers.IntegerField(
        help_text=(
            "The change seq this answer covers: send it back as `change_seq` next time. Lower than "
            "`conversation.change_seq` when the changed list was cut; resuming from the conversation's "
            "would skip changes."
        )
    )
    conversation = ConversationDetailSerializer()


class ListChangesSerializer(serializers.Serializer):
    unread_conversations = serializers.IntegerField()
    conversations = ConversationSerializer(many=True)


class StartedSerializer(serializers.Serializer):
    conversation = ConversationDetailSerializer()
    message = MessageSerializer()


class OfferActionSerializer(serializers.Serializer):
    offer = OfferSerializer()
    conversations_told = serializers.IntegerField(required=False)


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reliability = serializers.IntegerField()
    friendliness = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    published = serializers.SerializerMethodField()

    def get_published(self, review) -> bool:
        return review.published_at is not None


class UnreadSerializer(serializers.Serializer):
    unread_conversations = serializers.IntegerField()


class SearchHitSerializer(serializers.Serializer):
    """A message whose text matches: where it is and the start of its text."""

    conversation = serializers.CharField(help_text="The conversation's public id.")
    message = serializers.IntegerField(help_text="The message id.")
    body = serializers.CharField(help_text="Its first 300 characters.")
    created_at = serializers.DateTimeField()


class SearchSerializer(serializers.Serializer):
    messages = SearchHitSerializer(many=True)
    conversations = ConversationSerializer(many=True)


class ConversationSearchSerializer(serializers.Serializer):
    results = MessageSerializer(many=True, help_text="Matches, newest first.")
    limited = serializers.BooleanField(help_text="More matched than shown (the latest 50 are).")


def message_context(conversation, messages: list, *, viewer) -> dict:
    """What MessageSerializer needs beside the messages: photos and reactions (a query each, none when no
    message has any), the photos' URL, *viewer*'s receipt pointers and scam notes (``safety_for``)."""
    return {
        **receipts_context(viewer=viewer, conversation=conversation),
        "photos": selectors.message_photos_for(messages),
        "reactions": selectors.message_reactions_for(messages),
        "photos_url": f"/api/v1/conversations/{conversation.public_id}/photos/",
        "safety": safety_for(messages, viewer_id=viewer.pk, conversation=conversation, now=timezone.now()),
    }


def serialize_messages(request, conversation, messages: list) -> list[dict]:
    """The viewer's JSON of *messages* (batch-fetching their photos, reactions and scam notes)."""
    context = message_context(conversation, messages, viewer=request.user)
    return MessageSerializer(messages, many=True, context=context).data
