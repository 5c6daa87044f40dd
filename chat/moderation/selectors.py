"""Reads for the moderators' pages: a report's case, users' history, a conversation's messages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from chat.models import Conversation, Message
from chat.moderation.models import ModerationAction, Report

# Messages shown on each side of a reported message on its case page.
CONTEXT_MESSAGES = 10
# Newest messages shown by the logged "Read the messages" action.
READ_LIMIT = 200


def report_get_for_case(*, report_id: int | None) -> Report:
    """Return report *report_id* with what its case page shows; Http404 for a missing id (or None: the
    caller could not read one, ``chat.forms.read_id``)."""
    report = (
        Report.objects.select_related(
            "reporter",
            "reported_user",
            "conversation__ad__owner",
            "ad__owner",
            "review",
            "message",
            "resolved_by",
        )
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report


def report_context_messages(*, report: Report) -> list[Message]:
    """Return the messages around *report*'s message (CONTEXT_MESSAGES before it, it and CONTEXT_MESSAGES
    after), or the conversation's latest 2 × CONTEXT_MESSAGES for a report about the whole conversation;
    oldest first, with senders, photos and earlier versions of edited ones (6 queries: each half
    prefetches its own); none for a report about an ad."""
    if report.conversation is None:
        return []
    messages = report.conversation.messages.select_related("sender").prefetch_related("photos", "edits")
    if not report.message_id:
        return list(messages.order_by("-created_at", "-id")[: 2 * CONTEXT_MESSAGES])[::-1]
    before = messages.filter(id__lt=report.message_id).order_by("-created_at", "-id")[:CONTEXT_MESSAGES]
    after = messages.filter(id__gte=report.message_id).order_by("created_at", "id")[: CONTEXT_MESSAGES + 1]
    return list(before)[::-1] + list(after)


def report_message_get(*, report: Report, message_id: int | None, moderator: User) -> Message:
    """Return message *message_id* of *report*'s conversation for *moderator* to act on; Http404 for
    anything else (None too) and when *moderator* has no grounds to read the conversation
    (``moderator_may_read``: their own report is none)."""
    message = Message.objects.filter(pk=message_id, conversation_id=report.conversation_id).first()
    if message is None or not moderator_may_read(moderator=moderator, conversation=message.conversation):
        raise Http404("No such message in this conversation.")
    return message


def user_history(*, user: User) -> dict:
    """Return what a moderator needs to judge *user*: account age (days), reports against and by them
    (one aggregate query) and their last 10 moderation actions."""
    counts = Report.objects.aggregate(
        against=Count("id", filter=Q(reported_user=user)),
        open_against=Count("id", filter=Q(reported_user=user, status=Report.Status.OPEN)),
        actioned_against=Count("id", filter=Q(reported_user=user, status=Report.Status.ACTIONED)),
        made=Count("id", filter=Q(reporter=user)),
    )
    return {
        "user": user,
        "account_age_days": (timezone.now() - user.date_joined).days,
        **counts,
        "actions": ModerationAction.objects.filter(target_user=user).select_related("moderator")[:10],
    }


def conversation_get_for_moderator(*, conversation_id: int) -> Conversation:
    """Return conversation *conversation_id* with both participants; Http404 when missing."""
    conversation = Conversation.objects.select_related("buyer", "seller").filter(pk=conversation_id).first()
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def conversation_messages_for_moderator(*, conversation: Conversation) -> tuple[list[Message], bool]:
    """Return the newest READ_LIMIT messages of *conversation*, oldest first, and whether older ones
    exist. Only for the logged "Read the messages" action (``services.conversation_view_logged``)."""
    newest = list(
        conversation.messages.select_related("sender")
        .prefetch_related("edits")
        .order_by("-created_at", "-id")[: READ_LIMIT + 1]
    )
    return newest[:READ_LIMIT][::-1], len(newest) > READ_LIMIT


def moderator_may_read(*, moderator: User, conversation: Conversation) -> bool:
    """True when *moderator* has grounds to read *conversation* (and its photos): a report on it filed by
    someone else, or their own logged "read the messages" action on it
    (``services.conversation_view_logged``).
    A report the moderator filed is no grounds: anyone logged in may report a published review, whose
    conversation comes with the report, so it would open any conversation with a review. One query."""
    return (
        Report.objects.filter(conversation=conversation).exclude(reporter=moderator).exists()
        or ModerationAction.objects.filter(
            moderator=moderator,
            conversation=conversation,
            action=ModerationAction.Action.VIEW_CONVERSATION,
        ).exists()
    )
