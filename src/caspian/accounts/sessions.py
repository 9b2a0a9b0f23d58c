"""Staff sessions: what the admin knows of each signed-in browser, and ending them.

Any session engine works (database, cache, signed cookies excepted): the
list is our own table (:class:`~.models.StaffSession`), filled as staff use
the admin, and a session is ended by deleting it from the engine's store by
its key. Reader pages never touch the session (the page cache needs them
cookie-free), so only admin requests are seen here.
"""

import contextvars
import datetime
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from caspian.security import client_ip

from . import audit
from .models import StaffSession

# How often an admin request updates "last seen" (a write per request would be wasteful).
TOUCH_EVERY = datetime.timedelta(minutes=1)
LAST_SEEN_KEY = "caspian_last_seen"
# The session key the list knows this session by: Django gives a session a new
# key on a password change (update_session_auth_hash) and the data moves with it.
LISTED_AS_KEY = "caspian_listed_as"

# The session key of the admin request being served, so that ending "other" sessions spares it.
current_session_key = contextvars.ContextVar("current_session_key", default=None)


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def idle_too_long(request, now=None):
    """Whether this session went unused for longer than ``STAFF_SESSION_IDLE_MINUTES``."""
    seen = request.session.get(LAST_SEEN_KEY)
    if seen is None:
        return False
    idle = datetime.timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES)
    return (now or timezone.now()).timestamp() - seen > idle.total_seconds()


def touch(request, now=None):
    """Note that this staff session is in use: in the session (idle expiry) and in the sessions list.

    At most once a minute per session, so most admin requests write nothing.
    """
    now = now or timezone.now()
    seen = request.session.get(LAST_SEEN_KEY)
    listed_as = request.session.get(LISTED_AS_KEY)
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    if seen is not None and listed_as == key and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
        return
    if listed_as and listed_as != key:
        forget(listed_as)  # the same browser under its old key
    request.session[LAST_SEEN_KEY] = now.timestamp()
    request.session[LISTED_AS_KEY] = key
    StaffSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": request.user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "ip": client_ip(request),
            "last_seen_at": now,
        },
    )


def forget(session_key):
    """The session was ended by signing out: drop it from the list."""
    if session_key:
        StaffSession.objects.filter(session_key=session_key).delete()


def end_sessions(user, reason, keep=None, sessions=None):
    """End ``user``'s sessions (all of them, or ``sessions``), except ``keep`` (a session key); returns how many.

    ``keep`` defaults to the session of the admin request being served, so
    that a person ending their own other sessions stays signed in.
    """
    keep = keep if keep is not None else current_session_key.get()
    rows = sessions if sessions is not None else StaffSession.objects.filter(user=user)
    keys = [key for key in rows.values_list("session_key", flat=True) if key != keep]
    for key in keys:
        _store(key).delete()
    StaffSession.objects.filter(session_key__in=keys).delete()
    if keys:
        audit.log(user, audit.SESSIONS_ENDED, data={"count": len(keys), "reason": reason})
    return len(keys)
