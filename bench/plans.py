"""EXPLAIN ANALYZE of the hot queries, written by bench/run next to its results (<label>-plans.txt)."""

from __future__ import annotations

from django.db import connection

from accounts.models import User
from bench import ad_list
from chat import access, selectors
from chat.models import Conversation


def explain_plans() -> str:
    seller = User.objects.get(email="bench-seller@bench.invalid")
    conversation = Conversation.objects.filter(seller=seller).order_by("id").first()
    conversation = access.access_conversation(public_id=conversation.public_id, user=seller)
    plans = {
        # The site's list page: the unpinned rows, then the pinned ones (first page only).
        "conversation list (heavy seller)": selectors.conversation_list_for_user(
            user=seller, pinned=False
        )[:51],
        "pinned conversations (heavy seller)": selectors.conversation_list_for_user(user=seller, pinned=True),
        "latest messages of the 10k conversation": selectors.message_list_visible(
            conversation=conversation
        ).order_by("-created_at", "-id")[:51],
        # The query message_list_after runs (it returns a list, so its queryset is rebuilt here).
        "messages after a cursor": selectors.message_list_visible(conversation=conversation).filter(
            id__gte=conversation.last_message_id - 1
        )[:52],
        # The ORM form of the hand-written ConversationManager.get_for_participant query (same plan).
        "open conversation with both memberships": selectors.conversation_query_for_participant(
            public_id=conversation.public_id, user=seller
        ),
        "ad list, words + filters": ad_list.queryset(ad_list.AD_SEARCH),
        "ad list, filters only": ad_list.queryset(ad_list.AD_FILTERS),
    }
    out = []
    for title, queryset in plans.items():
        if queryset is None:
            continue
        out.append(f"## {title}\n{queryset.explain(analyze=True)}\n")
    with connection.cursor() as cursor:
        for title, sql, params in [
            (
                "unread badge",
                "EXPLAIN ANALYZE SELECT count(*) FROM chat_conversationparticipant WHERE user_id = %s "
                "AND unread_count > 0",
                [seller.pk],
            ),
        ]:
            cursor.execute(sql, params)
            out.append(f"## {title}\n" + "\n".join(row[0] for row in cursor.fetchall()) + "\n")
    return "\n".join(out)
