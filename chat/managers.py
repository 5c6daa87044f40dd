"""Fetch bundles for chat models that the ORM would build too slowly on the hot paths."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections, models

# The participant state copied onto the conversation (the names
# ``selectors.conversations._with_membership`` uses): attribute -> (alias of the participant row:
# m = the viewer's, o = the other's; participant field).
MEMBERSHIP_FIELDS = {
    "my_hidden_up_to_id": ("m", "hidden_up_to"),
    "my_last_read_id": ("m", "last_read_message"),
    "my_delivered_up_to": ("m", "delivered_up_to"),
    "my_unread_count": ("m", "unread_count"),
    "my_archived_at": ("m", "archived_at"),
    "my_muted_at": ("m", "muted_at"),
    "my_pin_slot": ("m", "pin_slot"),
    "my_pinned_at": ("m", "pinned_at"),
    "my_role": ("m", "role"),
    "my_last_message_at": ("m", "last_message_at"),
    "my_sent_count": ("m", "sent_count"),
    "other_last_read_id": ("o", "last_read_message"),
    "other_delivered_up_to": ("o", "delivered_up_to"),
    "other_sent_count": ("o", "sent_count"),
}
# Blocks between the two, for the composer: the viewer is one participant, so a block made or received
# by the viewer involving either participant id is a block with the other one.
BLOCK_COLUMNS = {
    "i_blocked_other": "EXISTS (SELECT 1 FROM accounts_userblock ub WHERE ub.blocker_id = %s"
    " AND ub.blocked_id IN (c.buyer_id, c.seller_id))",
    "other_blocked_me": "EXISTS (SELECT 1 FROM accounts_userblock ub WHERE ub.blocked_id = %s"
    " AND ub.blocker_id IN (c.buyer_id, c.seller_id))",
}


def _column(field, alias: str, connection) -> tuple:
    """Return ``(field, select expression, converters, column)``: the converters are those the ORM's
    compiler would apply to the value (SQLite returns datetimes and decimals as text)."""
    column = field.get_col(alias)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    return field, f'{alias}."{field.column}"', converters, column


def _converted(value, column_plan, connection):
    field, _expression, converters, column = column_plan
    for converter in converters:
        value = converter(value, column, connection)
    return value


class ConversationManager(models.Manager):
    def _participant_plan(self, alias: str):
        """Return the query and its column plans, built once per database connection object (they hold
        the connection's converters; connections are per thread)."""
        connection = connections[alias]
        cached = getattr(connection, "_chat_participant_plan", None)
        if cached is not None:
            return cached
        user_model = get_user_model()
        participant_model = self.model._meta.get_field("participants").related_model
        conversation = [_column(field, "c", connection) for field in self.model._meta.concrete_fields]
        buyer = [_column(field, "b", connection) for field in user_model._meta.concrete_fields]
        seller = [_column(field, "s", connection) for field in user_model._meta.concrete_fields]
        membership = {
            name: _column(participant_model._meta.get_field(field_name), row, connection)
            for name, (row, field_name) in MEMBERSHIP_FIELDS.items()
        }
        select = [plan[1] for plan in conversation + buyer + seller + list(membership.values())]
        select += list(BLOCK_COLUMNS.values())
        participant = participant_model._meta.db_table
        sql = (
            f"SELECT {', '.join(select)} FROM chat_conversation c"
            f" JOIN {participant} m ON m.conversation_id = c.id AND m.user_id = %s"
            f" LEFT JOIN {participant} o ON o.conversation_id = c.id AND o.user_id <> %s"
            " JOIN accounts_user b ON b.id = c.buyer_id JOIN accounts_user s ON s.id = c.seller_id"
            " WHERE c.public_id = %s"
        )
        connection._chat_participant_plan = (sql, conversation, buyer, seller, membership, connection)
        return connection._chat_participant_plan

    def get_for_participant(self, *, public_id: str, user_id: int, using: str = "default"):
        """Return the conversation *public_id* as seen by participant *user_id* in one hand-written query,
        or None (missing, or *user_id* is not a participant).

        The result is what ``selectors.conversations._with_membership(...).annotate(blocks)
        .select_related("buyer", "seller")`` returns (instances built with ``Model.from_db``, values through
        the ORM's converters), without compiling that ORM query on every request (~4 ms, the largest single
        cost of a send, a poll and a conversation page; bench/profile_endpoint.py). The column lists come
        from the models, so a new field is picked up; ``tests/chat/test_managers.py`` compares it with the
        ORM query.
        """
        sql, conversation_plan, buyer_plan, seller_plan, membership, connection = self._participant_plan(
            using
        )
        with connection.cursor() as cursor:
            # Placeholders in order: the two EXISTS, the two joins, the public id.
            cursor.execute(sql, [user_id, user_id, user_id, user_id, public_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = iter(row)

        def build(model, plan):
            converted = [_converted(next(values), column_plan, connection) for column_plan in plan]
            return model.from_db(using, [column_plan[0].attname for column_plan in plan], converted)

        conversation = build(self.model, conversation_plan)
        user_model = get_user_model()
        conversation.buyer = build(user_model, buyer_plan)
        conversation.seller = build(user_model, seller_plan)
        for name, column_plan in membership.items():
            setattr(conversation, name, _converted(next(values), column_plan, connection))
        for name in BLOCK_COLUMNS:
            setattr(conversation, name, bool(next(values)))
        return conversation


class MessageManager(models.Manager):
    def list_from(
        self, *, conversation_id: int, from_id: int, after_hidden_id: int | None, limit: int
    ) -> list:
        """Return up to *limit* messages of conversation *conversation_id* with ids from *from_id* on (and
        after *after_hidden_id*, the viewer's hidden history), oldest first, each with its ``offer`` and
        ``reply_to`` (the quoted message).

        A raw query (``Manager.raw``: the ORM's converters, no query compilation) for the delivering poll
        and the send's answer; offers and quoted messages are fetched in one more query each, only when a
        message has one. The ORM
        form of the same read is ``selectors.message_list_visible``; the tests compare the two.
        """
        columns = ", ".join(f'"{field.column}"' for field in self.model._meta.concrete_fields)
        sql = (
            f'SELECT {columns} FROM "{self.model._meta.db_table}"'
            " WHERE conversation_id = %s AND id >= %s AND id > %s ORDER BY created_at, id LIMIT %s"
        )
        messages = list(self.raw(sql, [conversation_id, from_id, after_hidden_id or 0, limit]))
        offer_ids = {message.offer_id for message in messages if message.offer_id}
        if offer_ids:
            offers = self.model._meta.get_field("offer").related_model.objects.in_bulk(offer_ids)
            for message in messages:
                if message.offer_id:
                    message.offer = offers[message.offer_id]
        quoted_ids = {message.reply_to_id for message in messages if message.reply_to_id}
        if quoted_ids:
            quoted = self.in_bulk(quoted_ids)
            for message in messages:
                if message.reply_to_id:
                    message.reply_to = quoted.get(message.reply_to_id)
        return messages


class ParticipantManager(models.Manager):
    def unread_conversation_count(self, *, user_id: int) -> int:
        """Return how many of user *user_id*'s conversations have unread messages: one COUNT served by the
        partial index ``participant_unread_idx`` (``unread_count > 0``), as raw SQL because the header
        badge is on every page and poll and compiling the ORM query cost more than running it."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f'SELECT COUNT(*) FROM "{self.model._meta.db_table}" WHERE user_id = %s AND unread_count > 0',
                [user_id],
            )
            return cursor.fetchone()[0]
