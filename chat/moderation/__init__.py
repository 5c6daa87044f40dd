"""Moderation: reports, held first messages, moderator actions and their audit log, the admin.

A room inside chat (the top-level apps are accounts, ads and chat): it may import the rest of chat, ads
and accounts; nothing else in chat imports it (import-linter contract "Only moderation knows moderation").
It plugs into chat through the first-message screen hook (``chat.screening``), registered in ``apps.py``.
"""
