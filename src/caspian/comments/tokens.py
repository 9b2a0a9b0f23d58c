"""The comment form's bot-timing token, kept out of cacheable page HTML.

The token carries the time it was issued, signed: a post made sooner than
``COMMENTS_MIN_SECONDS`` after (faster than a person types) or later than
``COMMENTS_FORM_MAX_AGE_HOURS`` (a replayed form) is refused.

An article page is the same bytes for every reader, so its form carries no
token. ``comments.js`` fetches one from a small ``no-store`` endpoint (see
``views.form_token``) when the reader starts on the form; a reader without
JavaScript posts without one and confirms on a page that carries a fresh
token (``views.post_comment``). A form shown again after a failed post is
not cached, and carries its token in the page.
"""

import functools
import time

from django.conf import settings
from django.core import signing

SALT = "caspian.comments.form-token"
FIELD = "form_token"


class TokenError(Exception):
    """The form token is missing, forged, too fresh or too old; ``str()`` tells the reader what to do.

    ``issued`` is when a genuine token was issued (``None`` for a forged or expired one).
    """

    def __init__(self, message, issued=None, missing=False):
        super().__init__(message)
        self.issued = issued
        self.missing = missing  # no token at all: a reader without JavaScript, or one faster than its fetch


def issue(now=None):
    return _issued_at(int(now if now is not None else time.time()))


@functools.lru_cache(maxsize=8)
def _issued_at(second):
    # The same token for every form shown in one second: signing is not free.
    return signing.dumps({"t": second}, salt=SALT, compress=False)


def check(value, now=None):
    """When ``value`` was issued; raises :class:`TokenError` unless long enough ago, and not too long."""
    now = now if now is not None else time.time()
    if not value:
        raise TokenError("Please check your comment, then send it.", missing=True)
    try:
        issued = signing.loads(value, salt=SALT)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        raise TokenError("Your form could not be checked. Please send your comment again.") from None
    age = now - issued
    if age > settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600:
        raise TokenError("This form has expired. Your comment is kept below: please send it again.")
    if age < settings.COMMENTS_MIN_SECONDS:
        raise TokenError("That was very quick. Please check your comment, then send it again.", issued)
    return issued
