"""Sentences that end with a name or title people typed, without doubling its full stop.

A display name or ad title may itself end a sentence ("Sam Jr.", "Yes!"): "Marked as sold to %(name)s."
would then read "Marked as sold to Sam Jr..". The template's full stop is dropped after such a value,
wherever the translation puts it. Python strings go through ``sentence_format`` (or ``sentence_template``
when Django interpolates later, as ``ValidationError`` does); templates through the ``single_stop``
filter (``marketplace_tags``).
"""

from __future__ import annotations

import re

from django.utils.html import escape

# A value ending in one of these already ends a sentence: the full stop after it is dropped.
SENTENCE_ENDS = (".", "!", "?", "…")


def ends_sentence(value) -> bool:
    """Return whether *value* (any object, read as str; None is "") ends with a sentence's end mark."""
    return value is not None and str(value).endswith(SENTENCE_ENDS)


def sentence_template(template, params: dict) -> str:
    """Return the %-format *template* (str or lazy translation, read in the active language) without the
    full stop that follows ``%(key)s`` for each *params* value that ends a sentence (``ends_sentence``).

    Only that one character after the placeholder goes; the values are never changed.
    """
    text = str(template)
    for key, value in params.items():
        if ends_sentence(value):
            text = re.sub(rf"(?<!%)%\({re.escape(key)}\)s\.", f"%({key})s", text)
    return text


def sentence_format(template, params: dict) -> str:
    """Return *template* % *params* with no doubled full stop after a value (see ``sentence_template``).

    Raises KeyError for a placeholder missing from *params*, like ``%``.
    """
    return sentence_template(template, params) % params


def single_stop(text: str, value) -> str:
    """Return the rendered sentence *text* without the full stop that follows *value* when *value* ends a
    sentence: for template sentences, where the template (not Python) interpolated *value*. *value* is
    matched as written and HTML-escaped, so escaped and unescaped output both work."""
    if not ends_sentence(value):
        return text
    for written in dict.fromkeys((str(value), str(escape(value)))):
        text = text.replace(f"{written}.", written)
    return text
