"""Public identifiers for URLs (nanoid), so database primary keys are never exposed or guessable."""

from nanoid import generate

# Letters and digits only: ids stay readable in URLs and are safe to double-click-select.
PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PUBLIC_ID_LENGTH = 10


def new_public_id() -> str:
    """Return a random 10-character public id (62**10 ≈ 8e17 values; collisions are also a unique index)."""
    return generate(PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH)
