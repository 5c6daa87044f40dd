"""The poll contract in one place: change tokens (``tokens``), the nothing-new gate that answers a poll
204 before sessions load (``gate``), and rendered fragments cached under those tokens (``fragments``).

The one rule every reader follows: read the token *before* the data it describes
(``tokens.read_before``), so a client holding a token has seen every change committed before it.
"""
