"""Sending deliveries: one attempt at a time, retried with backoff for a day, pausing endpoints that keep failing.

Everything here runs in the worker (or, without one, a thread of the app
server), never in a reader's or an editor's request. Functions take
``now`` so the tests can move the clock instead of waiting.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from . import outbound, signing
from .models import Attempt, Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

# Seconds to wait after the 1st, 2nd, … failed attempt; the last repeats. Retries stop
# CASPIAN_WEBHOOKS_RETRY_HOURS after the first attempt, with one last try at that moment.
RETRY_SCHEDULE = [30, 2 * 60, 10 * 60, 60 * 60, 3 * 60 * 60, 6 * 60 * 60]
# A run of the task stops taking new deliveries after this long, so it never holds the
# worker's other tasks (search indexing after a publication) for more than about a round.
BATCH_SECONDS = 25
# A claim outlasts the longest attempt by this much; a worker that died mid-attempt lets go then.
CLAIM_MARGIN_SECONDS = 60


def retry_delay(failed_attempts):
    """Seconds to wait after the ``failed_attempts``-th failure in a row (counting from 1)."""
    return RETRY_SCHEDULE[min(failed_attempts, len(RETRY_SCHEDULE)) - 1]


def deliver_due(now=None, batch_seconds=BATCH_SECONDS):
    """Make one attempt at each delivery due now, oldest first; returns how many attempts were made.

    Called by the ``deliver_webhooks`` task, which the scheduler queues
    every round that finds something due. Several workers may run it at
    once: each delivery is claimed before it is sent, so none is sent
    twice at the same time. Stops taking new deliveries after
    ``batch_seconds``; the next round carries on.
    """
    started = time.monotonic()
    made = 0
    while time.monotonic() - started < batch_seconds:
        moment = now or timezone.now()
        delivery = claim_next(moment)
        if delivery is None:
            break
        attempt(delivery, moment)
        made += 1
    return made


def claim_next(now):
    """The next due delivery, claimed for this worker until its attempt must be over; ``None`` if none is due."""
    lease = settings.WEBHOOKS_CONNECT_TIMEOUT + settings.WEBHOOKS_READ_TIMEOUT + CLAIM_MARGIN_SECONDS
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    for pk in Delivery.objects.due(now).values_list("pk", flat=True)[:10]:
        claimed = Delivery.objects.filter(unclaimed, pk=pk, status=Delivery.PENDING).update(
            claimed_until=now + timedelta(seconds=lease)
        )
        if claimed:
            return Delivery.objects.select_related("event", "endpoint").get(pk=pk)
    return None


def attempt(delivery, now=None):
    """Send ``delivery`` once, signed, and record the attempt; schedule the retry or give up; returns the Attempt.

    A 2xx answer is a success. Anything else (another status, a redirect,
    no answer in time, an address refused, an unexpected error of ours
    while signing or sending, which is also logged) is a failure, retried after
    :data:`RETRY_SCHEDULE` until a day after the first attempt. An
    endpoint whose attempts keep failing is paused (:func:`pause`).
    """
    now = now or timezone.now()
    event, endpoint = delivery.event, delivery.endpoint
    started = time.monotonic()
    status_code, excerpt = None, ""
    try:
        headers = signing.headers(endpoint.signing_secrets(now), event.message_id, int(now.timestamp()), event.body)
        answer = outbound.post(endpoint.url, event.body, headers)
    except (outbound.Refused, outbound.Failed) as problem:
        succeeded, error = False, str(problem)
    except Exception as problem:  # a fault of ours must not stop the batch, nor leave the delivery claimed  # noqa: BLE001
        logger.exception("Unexpected error sending webhook delivery %s to %s", delivery.pk, endpoint.url)
        succeeded, error = False, _unexpected_in_words(problem)
    else:
        status_code, excerpt = answer.status, answer.excerpt
        succeeded = 200 <= answer.status < 300
        error = "" if succeeded else _status_in_words(answer.status)
    duration = outbound.elapsed_ms(started)
    with transaction.atomic():
        record = Attempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            succeeded=succeeded,
            status_code=status_code,
            error=error[:300],
            duration_ms=duration,
            response_excerpt=excerpt,
        )
        _schedule(delivery, succeeded, now)
        if succeeded:
            Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, failing_since=None)
        else:
            Endpoint.objects.filter(pk=endpoint.pk).update(
                consecutive_failures=F("consecutive_failures") + 1, failing_since=Coalesce("failing_since", now)
            )
    failures_before = endpoint.consecutive_failures
    endpoint.refresh_from_db()
    # Logged once when an endpoint starts failing and once when it answers again, not at every retry.
    if succeeded and failures_before:
        logger.info("Webhook endpoint %s answers again, after %d failed attempts", endpoint.url, failures_before)
    elif not succeeded and endpoint.consecutive_failures == 1:
        logger.warning(
            "Webhook endpoint %s is failing (%s); retrying with backoff, logged again when it answers or is paused",
            endpoint.url,
            record.outcome,
        )
    if not succeeded and keeps_failing(endpoint, now):
        pause(endpoint, record.outcome, now)
    return record


def _unexpected_in_words(problem):
    # The plain words first: the record keeps 300 characters, and the exception's text may be long.
    return (
        "An unexpected error on Caspian's side, not the endpoint's (tell the site's developers): "
        f"{type(problem).__name__}: {problem}"
    )


def _status_in_words(status):
    if 300 <= status < 400:
        return "a redirect, which is not followed: register the address it points to"
    return ""


def _schedule(delivery, succeeded, now):
    delivery.attempt_count += 1
    delivery.first_attempt_at = delivery.first_attempt_at or now
    delivery.last_attempt_at = now
    delivery.claimed_until = None
    if succeeded:
        delivery.status, delivery.next_attempt_at = Delivery.SUCCEEDED, None
    else:
        deadline = delivery.first_attempt_at + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
        failed_in_a_row = delivery.attempts.filter(attempted_at__gte=delivery.first_attempt_at).count()
        if now >= deadline:
            delivery.status, delivery.next_attempt_at = Delivery.FAILED, None
        else:
            retry_at = now + timedelta(seconds=retry_delay(failed_in_a_row))
            delivery.status, delivery.next_attempt_at = Delivery.PENDING, min(retry_at, deadline)
    delivery.save(
        update_fields=[
            "attempt_count",
            "first_attempt_at",
            "last_attempt_at",
            "claimed_until",
            "status",
            "next_attempt_at",
        ]
    )


def keeps_failing(endpoint, now):
    """Whether ``endpoint`` has failed ``CASPIAN_WEBHOOKS_PAUSE_AFTER_FAILURES`` times in a row, over at least
    ``CASPIAN_WEBHOOKS_PAUSE_AFTER_HOURS`` without a success: then it is paused.

    Both must hold: many events in a short outage fail many attempts, and
    one delivery retried all day fails only a few.
    """
    return (
        endpoint.is_active
        and endpoint.failing_since is not None
        and endpoint.consecutive_failures >= settings.WEBHOOKS_PAUSE_AFTER_FAILURES
        and now - endpoint.failing_since >= timedelta(hours=settings.WEBHOOKS_PAUSE_AFTER_HOURS)
    )


def pause(endpoint, last_outcome, now=None):
    """Pause ``endpoint``: no more deliveries until an administrator resumes it; tell its owner and log it.

    Its waiting deliveries keep waiting, and events recorded meanwhile wait
    with them (:meth:`.EndpointQuerySet.subscribed_to`): all go out when it
    is resumed.
    Returns whether it was paused now (not already paused).
    """
    now = now or timezone.now()
    hours = max(1, round((now - (endpoint.failing_since or now)).total_seconds() / 3600))
    reason = (
        f"{endpoint.consecutive_failures} attempts in a row failed over {hours} h without a success; "
        f"the last: {last_outcome}"
    )[:300]
    paused = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, paused_at=now, paused_reason=reason
    )
    if not paused:
        return False
    endpoint.is_active, endpoint.paused_at, endpoint.paused_reason = False, now, reason
    log(instance=endpoint, action="caspian.webhooks.paused", data={"reason": reason})
    logger.warning("Webhook endpoint %s paused: %s", endpoint.url, reason)
    tell_owner_paused(endpoint)
    return True


def tell_owner_paused(endpoint):
    """Email the endpoint's owner that it is paused, why, and how to resume it. A mail failure is only logged."""
    context = {
        "endpoint": endpoint,
        "edit_url": settings.BASE_URL + reverse("webhook_endpoints:edit", args=[endpoint.pk]),
        "keep_days": settings.WEBHOOKS_KEEP_DAYS,
    }
    subject = render_to_string("webhooks/email/endpoint_paused_subject.txt", context).strip()
    body = render_to_string("webhooks/email/endpoint_paused.txt", context).strip()
    try:
        send_mail(subject, body, None, [endpoint.owner_email])
    except Exception:  # the pause stands; the owner also sees it in the admin  # noqa: BLE001
        logger.exception(
            "Could not email %s that the webhook endpoint %s is paused", endpoint.owner_email, endpoint.url
        )
        return False
    return True


def forget_old_deliveries(now=None):
    """Delete the events (with their deliveries and attempts) older than ``CASPIAN_WEBHOOKS_KEEP_DAYS``
    that have nothing left to send to an active endpoint. Returns how many events went.

    Deliveries waiting for a paused endpoint wait that long at most: an
    endpoint paused for months is not sent months of old news on resuming.
    """
    now = now or timezone.now()
    old = Event.objects.filter(created_at__lt=now - timedelta(days=settings.WEBHOOKS_KEEP_DAYS))
    waiting = Delivery.objects.filter(event=OuterRef("pk"), status=Delivery.PENDING, endpoint__is_active=True)
    return old.exclude(Exists(waiting)).delete()[1].get("webhooks.Event", 0)
