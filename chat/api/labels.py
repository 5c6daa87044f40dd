"""The viewer's own labels in the API's conversation representations: the label's shape, and one query per
response for all the conversations in it (``ConversationSerializer`` uses both)."""

from __future__ import annotations

from rest_framework import serializers

from chat import selectors
from chat.models import LABEL_NAME_MAX_LENGTH


class LabelSerializer(serializers.Serializer):
    """One of the viewer's own labels (private to them)."""

    id = serializers.IntegerField()
    name = serializers.CharField(max_length=LABEL_NAME_MAX_LENGTH)


def labels_fetch(context: dict, conversation_ids: list[int]) -> dict[int, list]:
    """Return the viewer's labels on *conversation_ids*, ``{conversation id: [labels]}``, kept in the
    serializer *context* so that one response asks once: one query for a whole list, none for an id already
    asked."""
    on = context.setdefault("labels_on", {})
    wanted = [conversation_id for conversation_id in conversation_ids if conversation_id not in on]
    if wanted:
        _own, found = selectors.labels_for_user(user=context["viewer"], conversation_ids=wanted)
        on.update({conversation_id: found.get(conversation_id, []) for conversation_id in wanted})
    return on


class ConversationListSerializer(serializers.ListSerializer):
    """Conversations (``many=True``): the viewer's labels on all of them in one query, before the rows."""

    def to_representation(self, data):
        rows = list(data)
        labels_fetch(self.context, [row.id for row in rows])
        return super().to_representation(rows)
