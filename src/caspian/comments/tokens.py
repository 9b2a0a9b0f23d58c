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

import functools
import os
import time

from django.conf import settings
from django.core import signing
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.safestring import mark_safe

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
    return hidden_inputs(csrf_token(request), getattr(request, "form_token_issued", None))


def hidden_inputs(csrf, issued=None):
    """The form secrets for a masked CSRF token ``csrf`` (see :func:`csrf_token`).

    Both values are made here of URL-safe characters only (the CSRF
    alphabet; Django's signing output), so nothing in them needs escaping:
    a plain string is built, as cached pages are served this way per hit.
    """
    return mark_safe(_HIDDEN_INPUTS % (csrf, FIELD, issue(issued)))


_HIDDEN_INPUTS = '<input type="hidden" name="csrfmiddlewaretoken" value="%s"><input type="hidden" name="%s" value="%s">'


def csrf_token(request):
    """Django's ``get_token``, in a tenth of the time: every cached article view calls it.

    The same contract and token format: the reader's secret (from the
    cookie ``CsrfViewMiddleware`` read, or a new one it will set), masked
    afresh for each response (:func:`mask`). Django's own draws each random
    character with a separate system call.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = new_csrf_secret()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(secret)


def new_csrf_secret():
    return _random_string(CSRF_SECRET_LENGTH)


def mask(secret):
    """``secret`` masked with fresh randomness, as Django masks it, so compression cannot reveal it."""
    pad = _random_string(CSRF_SECRET_LENGTH)
    return pad + "".join(map(_MASKED.__getitem__, zip(secret, pad, strict=True)))


# Every (secret character, pad character) pair and the character Django's masking makes of them.
_MASKED = {
    (x, y): CSRF_ALLOWED_CHARS[(i + j) % len(CSRF_ALLOWED_CHARS)]
    for i, x in enumerate(CSRF_ALLOWED_CHARS)
    for j, y in enumerate(CSRF_ALLOWED_CHARS)
}
# Random bytes to characters, in C: bytes from the largest multiple of the
# alphabet's size up are dropped, so every character is equally likely.
_UNBIASED = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_BIASED_BYTES = bytes(range(_UNBIASED, 256))
_TO_ALPHABET = bytes(ord(CSRF_ALLOWED_CHARS[b % len(CSRF_ALLOWED_CHARS)]) for b in range(256))


def _random_string(length):
    chars = b""
    while len(chars) < length:
        chars += os.urandom(length).translate(None, _BIASED_BYTES)
    return chars[:length].translate(_TO_ALPHABET).decode("ascii")


def issue(now=None):
    return _issued_at(int(now if now is not None else time.time()))


@functools.lru_cache(maxsize=8)
def _issued_at(second):
    # The same token for every form shown in one second: signing is not free.
    return signing.dumps({"t": second}, salt=SALT, compress=False)


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
