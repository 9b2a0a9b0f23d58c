"""Per-reader secrets in comment forms, kept out of cacheable page HTML.

A page renders :data:`PLACEHOLDER` where a form needs its secrets; the
:class:`~caspian.comments.middleware.FormSecretsMiddleware` swaps in the
reader's CSRF token and a fresh signed form token on the way out. So the
rendered page (what a page cache stores) is the same for every reader, and
every reader still gets a working form, with or without JavaScript.

The form token carries the time it was issued, signed: a post made sooner
than ``COMMENTS_MIN_SECONDS`` after (faster than a person types) or later
than ``COMMENTS_FORM_MAX_AGE_HOURS`` (a replayed form) is refused.
"""

import time

from django.conf import settings
from django.core import signing
from django.middleware.csrf import get_token
from django.utils.html import format_html

# Escaped wherever commenters' text appears, so no comment can contain it.
PLACEHOLDER = "<!--caspian:form-secrets-->"
SALT = "caspian.comments.form-token"
FIELD = "form_token"


class TokenError(Exception):
    """The form token is missing, forged, too fresh or too old; ``str()`` tells the reader what to do.

    ``issued`` is when a genuine token was issued (``None`` for a forged or expired one).
    """

    def __init__(self, message, issued=None):
        super().__init__(message)
        self.issued = issued


def form_secrets(request):
    """The hidden inputs that replace :data:`PLACEHOLDER` for this request.

    A form shown again after a failed post keeps its first issue time
    (``request.form_token_issued``), so fixing a typo quickly is no "bot".
    """
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="{}" value="{}">',
        get_token(request),
        FIELD,
        issue(getattr(request, "form_token_issued", None)),
    )


def issue(now=None):
    return signing.dumps({"t": int(now if now is not None else time.time())}, salt=SALT, compress=False)


def check(value, now=None):
    """When ``value`` was issued; raises :class:`TokenError` unless long enough ago, and not too long."""
    now = now if now is not None else time.time()
    try:
        issued = signing.loads(value or "", salt=SALT)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        raise TokenError("Your form could not be checked. Please send your comment again.") from None
    age = now - issued
    if age > settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600:
        raise TokenError("This form has expired. Your comment is kept below: please send it again.")
    if age < settings.COMMENTS_MIN_SECONDS:
        raise TokenError("That was very quick. Please check your comment, then send it again.", issued)
    return issued
