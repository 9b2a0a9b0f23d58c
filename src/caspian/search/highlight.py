"""Marking the reader's search words in result titles and summaries."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe


def highlight(text, words):
    """``text`` escaped, with each of ``words`` (whole words, any case) in ``<mark>``."""
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):  # escape around the matches, so no word can match inside an entity
        pieces += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))
