"""What readers put in addresses, checked before it goes near the database or back onto a page.

Anything can arrive in a path or a query string: NUL characters (which
PostgreSQL refuses in a text value, failing the request), control
characters, thousands of characters. The views that read an address check
it with these first, so a value that cannot name anything is a 404 or a
message to the reader, never a database error.
"""

import re

# What Wagtail's page slugs and taggit's tag slugs are made of (Django's slugify with allow_unicode).
_SLUG = re.compile(r"[-\w]+")
# Wagtail's page slugs are at most this long; taggit's tag slugs, 100.
SLUG_LENGTH = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_slug(value, max_length=SLUG_LENGTH):
    """Whether ``value`` could be the slug of a page or tag: letters, digits, ``-`` and ``_``, not too long."""
    return len(value) <= max_length and _SLUG.fullmatch(value) is not None


def printable(text):
    """``text`` with control characters (NUL, newlines, escapes) made spaces: safe to show back to the reader."""
    return _CONTROL.sub(" ", text)


def words(text, max_length):
    """What a reader typed in a text box, cut to ``max_length``: control characters and runs of spaces as one space."""
    return " ".join(printable(text).split())[:max_length]
