"""The database's own limit for sends: a send's transaction replayed by ``pgbench``, without Python.

``bench/run`` calls ``replay`` right after it measured the sends through the site (the same sitting,
the same connections and seconds), so each send row can be read as a share of what PostgreSQL alone
does on this machine. The statements are those ``chat.services.messages.message_send`` runs inside its
transaction for a text message from the seller (tests/chat/test_views_messages.py holds their count):
lock the conversation, look for an earlier message with the idempotency key, check blocks and the
recipient's suspension in one query, insert the message, make it the conversation's last one, move both
participants in one statement, commit. What the site adds around them (session, user, access check,
rendering the answer, Redis) is what the share leaves out. The replayed messages stay in the benchmark
database (body ``pgbench replay of a send``), as the site's bench sends do.

Needs Debian's ``pgbench`` (package postgresql-client or postgresql) and the heavy seller of
``bench/generate``, whose conversations have consecutive ids there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = r"""
\set cid random(:lo, :hi)
\set k random(1, 9000000000000000000)
BEGIN;
SELECT buyer_id AS other FROM chat_conversation WHERE id = :cid FOR UPDATE \gset
SELECT id FROM chat_message WHERE sender_id = :seller AND idempotency_key = 'replay-' || :k;
SELECT display_name, is_active,
       EXISTS(SELECT 1 FROM accounts_userblock WHERE blocker_id = :other AND blocked_id = :seller),
       EXISTS(SELECT 1 FROM accounts_userblock WHERE blocker_id = :seller AND blocked_id = :other)
  FROM accounts_user WHERE id = :other;
INSERT INTO chat_message (conversation_id, sender_id, body, kind, notice, notice_params, offer_id,
    created_at, photo_count, removed_by_moderator_at, idempotency_key, idempotency_fingerprint,
    reply_to_id, edited_at, deleted_at, reaction_count, change_seq)
  VALUES (:cid, :seller, 'pgbench replay of a send', 'text', '', '{}', NULL, now(), 0, NULL,
    'replay-' || :k, 'replay', NULL, NULL, NULL, 0, NULL) RETURNING id AS message_id \gset
UPDATE chat_conversation SET last_message_at = now(), last_message_id = :message_id, updated_at = now()
  WHERE id = :cid;
UPDATE chat_conversationparticipant SET
    last_read_message_id = CASE WHEN user_id = :seller THEN :message_id ELSE last_read_message_id END,
    unread_count = CASE WHEN user_id = :seller THEN 0 ELSE unread_count + 1 END,
    sent_count = CASE WHEN user_id = :seller THEN sent_count + 1 ELSE sent_count END,
    archived_at = CASE WHEN user_id = :seller THEN archived_at ELSE NULL END,
    last_message_at = now(), updated_at = now()
  WHERE conversation_id = :cid;
END;
"""


def replay(
    database_url: str, *, seller_id: int, first_id: int, last_id: int, clients: int, seconds: int
) -> dict:
    """Run the send transaction with pgbench for *seconds* (int) from *clients* connections (prepared
    statements, no vacuum), each transaction on a random conversation with an id in [*first_id*,
    *last_id*] (all the seller *seller_id*'s). Returns ``{"tps", "transactions", "failed", "latency_ms"}``
    (pgbench's figures, transactions per second without the connection time). Raises RuntimeError when
    pgbench is missing or fails."""
    if shutil.which("pgbench") is None:
        raise RuntimeError("pgbench is not installed (apt-get install postgresql-client)")
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "send.sql"
        script.write_text(SCRIPT)
        command = [
            "pgbench",
            "--no-vacuum",
            "--protocol=prepared",
            f"--client={clients}",
            f"--jobs={min(clients, 2)}",
            f"--time={seconds}",
            f"--file={script}",
            "--define",
            f"lo={first_id}",
            "--define",
            f"hi={last_id}",
            "--define",
            f"seller={seller_id}",
            database_url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return _figures(done.stdout)


def _figures(output: str) -> dict:
    """Read pgbench's summary: transactions, failed ones (PostgreSQL 15 prints them), latency, tps."""

    def number(pattern: str) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else 0.0

    return {
        "tps": round(number(r"tps = ([\d.]+) \(without initial connection time\)"), 1),
        "transactions": int(number(r"number of transactions actually processed: (\d+)")),
        "failed": int(number(r"number of failed transactions: (\d+)")),
        "latency_ms": round(number(r"latency average = ([\d.]+) ms"), 2),
    }
