"""API keys per partner, and their usage counted per day."""

import hashlib
import re
import secrets

from django.conf import settings
from django.db import models

# The start of every key: partners (and secret scanners) can tell what it is.
KEY_PREFIX = "csp_"
KEY_BYTES = 32
# What ApiKey.issue() gives: the prefix and token_urlsafe(KEY_BYTES), 43 characters of base64url.
KEY_FORMAT = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_-]{43}")


def looks_like_a_key(raw_key):
    """Whether ``raw_key`` has the form of a key :meth:`ApiKey.issue` gives (whether it is one is for the database)."""
    return KEY_FORMAT.fullmatch(raw_key) is not None


def hash_key(raw_key):
    """The stored form of a key: SHA-256 is enough for a random 256-bit secret (no password stretching needed)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A partner's key. Only its hash is stored: the key itself is shown once, when it is created."""

    partner = models.CharField(max_length=120, help_text="Who uses this key, e.g. the mobile app or a partner's name.")
    contact_email = models.EmailField(blank=True, help_text="Whom to tell about changes to the API or to this key.")
    prefix = models.CharField(
        max_length=16, unique=True, editable=False, help_text="The start of the key, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Requests allowed per minute with this key. Leave empty for the site's default "
        "(CASPIAN_API_RATE_LIMIT).",
    )
    active = models.BooleanField(
        default=True, help_text="Untick to revoke the key: requests with it are refused at once."
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API key"
        ordering = ["partner", "pk"]

    def __str__(self):
        return f"{self.partner} ({self.prefix}…)"

    def issue(self):
        """Give this (unsaved) key a new secret; returns the key in full, which is never stored or shown again."""
        raw = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
        self.prefix = raw[: len(KEY_PREFIX) + 8]
        self.key_hash = hash_key(raw)
        return raw

    @property
    def rate_limit(self):
        """Requests allowed per minute: the key's own limit, else the site's default."""
        return self.requests_per_minute or settings.API_RATE_LIMIT


class ApiKeyUsage(models.Model):
    """Requests made with a key on one day (UTC), moved in from the shared cache by :func:`.keys.fold_usage`."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0, help_text="Requests answered 429: over the rate limit.")

    class Meta:
        verbose_name = "API usage"
        verbose_name_plural = "API usage"
        ordering = ["-day", "key"]
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="api_usage_one_row_per_key_and_day")]

    def __str__(self):
        return f"{self.key.partner} on {self.day}: {self.requests}"
