"""Pluggable spam checks, chosen by dotted path in ``COMMENTS_SPAM_BACKEND``.

See :class:`.base.BaseSpamBackend` for the contract. A backend whose check
is ``remote`` never runs in the reader's request: it is queued for the
worker, and whatever it answers can only hold a comment or mark it spam.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSpamBackend, SpamCheckUnavailable, Verdict

__all__ = ["BaseSpamBackend", "SpamCheckUnavailable", "Verdict", "get_backend"]


def get_backend():
    return import_string(settings.COMMENTS_SPAM_BACKEND)()
