"""Reader comments and the moderators' blocklist."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"
    TRASH = "trash", "Trash"


class SpamVerdict(models.TextChoices):
    UNCHECKED = "", "Not checked"
    HAM = "ham", "Not spam"
    SPAM = "spam", "Spam"
    UNSURE = "unsure", "Unsure"
    ERROR = "error", "Check failed"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def pending(self):
        return self.filter(status=Status.PENDING)

    def by_email(self, email):
        return self.filter(author_email__iexact=email)

    def for_queue(self):
        return self.select_related("article", "parent").order_by("-created_at", "-pk")


# How moderation.flag() begins the reason of a comment readers' reports sent back to the queue.
REPORTED = "Reported by readers"


def reports_note(count):
    """How many times readers reported a comment, as moderators read it: "… once." or "… 3 times."."""
    return f"{REPORTED} once." if count == 1 else f"{REPORTED} {count} times."


class Comment(models.Model):
    """A reader's comment on an article, in plain text (see :mod:`caspian.comments.text`)."""

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    body = models.TextField()
    author_name = models.CharField(max_length=80)
    author_email = models.EmailField()
    author_url = models.URLField(max_length=200, blank=True)
    notify_replies = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why the comment is held or was marked spam, for moderators."
    )
    spam_verdict = models.CharField(max_length=10, choices=SpamVerdict.choices, default="", blank=True)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    reply_notified = models.BooleanField(default=False)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            # Django compares case-insensitively with UPPER() on PostgreSQL.
            models.Index(Upper("author_email"), name="comment_email_idx"),
        ]
        permissions = [("moderate_comment", "Can moderate reader comments")]

    def __str__(self):
        return f"{self.author_name} on {self.article_id}: {self.body[:40]}"

    @property
    def moderation_note(self):
        """Why the comment is held, with readers' reports counted as they stand, in one wording."""
        reported = reports_note(self.flag_count) if self.flag_count else ""
        reason = "" if self.reason.startswith(REPORTED) else self.reason  # the count it gives may be out of date
        return " ".join(filter(None, [reason, reported]))

    @property
    def anchor(self):
        return f"comment-{self.pk}"


class BlockRule(models.Model):
    """A word, email address or IP address whose comments go straight to spam."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        EMAIL = "email", "Email address or @domain"
        IP = "ip", "IP address or network"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(
        max_length=200,
        help_text="A word or phrase (matched anywhere, any case); an email address, or @example.com for a "
        "whole domain; an IP address, or a network such as 203.0.113.0/24.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why this is blocked, for other moderators.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = "blocked word or sender"
        verbose_name_plural = "blocked words and senders"
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="unique_block_rule")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        self.value = self.value.strip()
        if self.kind == self.Kind.IP:
            try:
                ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                message = "Enter an IP address (203.0.113.7) or a network (203.0.113.0/24)."
                raise ValidationError({"value": message}) from None
        if self.kind == self.Kind.EMAIL and "@" not in self.value:
            raise ValidationError({"value": "Enter an email address, or @example.com for a whole domain."})

    def matches(self, comment):
        value = self.value.lower()
        if self.kind == self.Kind.WORD:
            return any(value in text.lower() for text in (comment.body, comment.author_name, comment.author_url))
        if self.kind == self.Kind.EMAIL:
            email = comment.author_email.lower()
            return email.endswith(value) if value.startswith("@") else email == value
        if self.kind == self.Kind.IP and comment.ip_address:
            try:
                return ipaddress.ip_address(comment.ip_address) in ipaddress.ip_network(value, strict=False)
            except ValueError:
                return False
        return False
