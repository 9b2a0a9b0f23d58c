"""Endpoints partners register, the events we tell them about, and each delivery with its attempts."""

import base64
import json
import secrets
import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

EVENT_TYPES = [
    ("article.published", "Article published"),
    ("article.updated", "Article updated (material update)"),
    ("article.corrected", "Article corrected"),
    ("article.unpublished", "Article unpublished"),
    ("article.deleted", "Article deleted"),
    ("liveblog.entry_added", "Live blog entry added"),
]
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# After a rotation, deliveries are signed with the old secret as well for this long, so a
# partner can switch over without losing a message.
PREVIOUS_SECRET_HOURS = 24


def new_secret():
    """A fresh signing secret: ``whsec_`` and the base64 of 32 random bytes (Standard Webhooks' form)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id():
    """A message id, unique per event and kept across retries and resends (``webhook-id``)."""
    return f"msg_{uuid.uuid4().hex}"


class EndpointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def subscribed_to(self, event_type):
        """The endpoints that asked for ``event_type``, paused ones included, as a list.

        A paused endpoint gets its deliveries too: they wait (nothing is sent
        to it, see :meth:`DeliveryQuerySet.due`) and go out once it is resumed.
        Endpoints are few (one per partner), so the event list is read here
        rather than with a JSON lookup SQLite does not have: one query.
        """
        return [endpoint for endpoint in self if event_type in endpoint.events]


class Endpoint(models.Model):
    """A partner's address for webhooks, with the events it wants and the secret deliveries are signed with."""

    url = models.URLField(
        "URL",
        max_length=500,
        help_text="The partner's address that receives the webhooks (https:// recommended). "
        "It must be reachable on the public internet.",
    )
    description = models.CharField(max_length=200, help_text="Who this is for, e.g. 'Caspian News app (iOS)'.")
    owner_email = models.EmailField("owner's email", help_text="Told when the endpoint keeps failing and is paused.")
    events = models.JSONField(default=list, help_text="The events this endpoint receives.")
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Untick to pause deliveries. An endpoint that keeps failing is paused by itself; "
        "tick again to resume: waiting deliveries are then sent.",
    )
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_reason = models.CharField(max_length=300, blank=True, editable=False)
    # Failed attempts since the last success, and when that run of failures began.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["description", "pk"]

    def __str__(self):
        return f"{self.description} ({self.url})"

    def save(self, *args, **kwargs):
        if self.is_active and self.paused_at:  # resumed: its run of failures is forgiven
            self.paused_at, self.paused_reason = None, ""
            self.consecutive_failures, self.failing_since = 0, None
        super().save(*args, **kwargs)

    @property
    def status(self):
        if self.is_active:
            return "Active"
        return "Paused (kept failing)" if self.paused_at else "Paused"

    def event_labels(self):
        labels = dict(EVENT_TYPES)
        return ", ".join(labels.get(event, event) for event in self.events)

    event_labels.short_description = "Events"

    def signing_secrets(self, now=None):
        """The secrets a delivery made at ``now`` is signed with: the current one, and the previous for a day."""
        now = now or timezone.now()
        keep_previous = self.secret_rotated_at and now - self.secret_rotated_at < timedelta(hours=PREVIOUS_SECRET_HOURS)
        return [self.secret, *([self.previous_secret] if keep_previous and self.previous_secret else [])]

    def rotate_secret(self, now=None):
        """Replace the signing secret; the old one still signs deliveries for a day. Returns the new secret."""
        self.previous_secret, self.secret = self.secret, new_secret()
        self.secret_rotated_at = now or timezone.now()
        Endpoint.objects.filter(pk=self.pk).update(
            secret=self.secret, previous_secret=self.previous_secret, secret_rotated_at=self.secret_rotated_at
        )
        return self.secret


class Event(models.Model):
    """Something that happened to an article, as sent: one message, the same body to every endpoint.

    ``body`` is the exact JSON text sent (and signed), so every attempt
    and resend sends the same bytes under the same ``message_id``.
    """

    message_id = models.CharField(max_length=40, unique=True, default=new_message_id, editable=False)
    type = models.CharField(max_length=40, choices=EVENT_TYPES)
    created_at = models.DateTimeField(default=timezone.now)
    page_id = models.PositiveIntegerField(null=True, db_index=True, help_text="The article's page id.")
    headline = models.CharField(max_length=255, blank=True)
    body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.type}: {self.headline}" if self.headline else self.type

    @property
    def payload(self):
        return json.loads(self.body)


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Deliveries waiting to be sent by ``now`` to an active endpoint, and not being sent by another worker."""
        return self.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=Delivery.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        ).order_by("next_attempt_at", "pk")

    def for_listing(self):
        return self.select_related("event", "endpoint")


class Delivery(models.Model):
    """One event for one endpoint: sent, retried with backoff for a day, or given up."""

    PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
    STATUSES = [(PENDING, "Waiting"), (SUCCEEDED, "Delivered"), (FAILED, "Failed")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    attempt_count = models.PositiveIntegerField("attempts", default=0)
    # Retries end a day (CASPIAN_WEBHOOKS_RETRY_HOURS) after the first attempt; a resend starts a new day.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField("last attempt", null=True, blank=True)
    next_attempt_at = models.DateTimeField("next attempt", null=True, blank=True)
    # Set while a worker sends it, so two workers never send it at once; a crashed worker's claim runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_one_delivery_per_endpoint")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhooks_due")]

    def __str__(self):
        return f"{self.event.type} to {self.endpoint.description}"

    def resend(self, now=None):
        """Send again as soon as the worker comes round, with a new day of retries; same message id and body."""
        now = now or timezone.now()
        self.status, self.next_attempt_at, self.first_attempt_at, self.claimed_until = self.PENDING, now, None, None
        self.save(update_fields=["status", "next_attempt_at", "first_attempt_at", "claimed_until"])


class Attempt(models.Model):
    """One try at sending a delivery: when, what came back (or what went wrong, in plain words), how long."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True, help_text="The first bytes of the response.")

    class Meta:
        ordering = ["attempted_at", "pk"]

    @property
    def outcome(self):
        if self.status_code is not None:
            return f"HTTP {self.status_code}" + (f": {self.error}" if self.error else "")
        return self.error
