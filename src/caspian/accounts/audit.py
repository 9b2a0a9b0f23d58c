"""The staff audit log: account events as Wagtail log entries, beside Wagtail's own (publishing and the rest).

Everything lands in Wagtail's "Site history" report (Reports › Site history),
which filters by action, user, object type and date and exports CSV and
XLSX: one report for sign-ins, failures, locks, two-factor changes, role and
permission changes and publishing. Events about an account are logged on
the user; a failed sign-in for a name no account has is logged on that
name's sign-in throttle (there is no user to log it on).
"""

from django.contrib.auth import get_user_model
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as wagtail_log

SIGNED_IN = "caspian.accounts.sign_in"
PASSWORD_ACCEPTED = "caspian.accounts.password_accepted"
SIGNED_OUT = "caspian.accounts.sign_out"
SIGN_IN_FAILED = "caspian.accounts.sign_in_failed"
SIGN_IN_REFUSED = "caspian.accounts.sign_in_refused"
SECOND_FACTOR_FAILED = "caspian.accounts.second_factor_failed"
LOCKED = "caspian.accounts.lock"
UNLOCKED = "caspian.accounts.unlock"
TWO_FACTOR_ENROLLED = "caspian.accounts.two_factor_enrolled"
TWO_FACTOR_REMOVED = "caspian.accounts.two_factor_removed"
TWO_FACTOR_RESET = "caspian.accounts.two_factor_reset"
RECOVERY_CODES = "caspian.accounts.recovery_codes"
SESSIONS_ENDED = "caspian.accounts.sessions_ended"
ROLES_CHANGED = "caspian.accounts.roles_changed"
PERMISSIONS_CHANGED = "caspian.accounts.permissions_changed"


def _where(data):
    return f" from {data['ip']}" if data.get("ip") else ""


def _formatter(label, template):
    """A LogFormatter class: ``label`` for the report's action filter, the message built from the entry's data."""

    def format_message(self, log_entry):
        return template(log_entry.data or {})

    return type("AccountsLogFormatter", (LogFormatter,), {"label": label, "format_message": format_message})


def _names(data, key):
    return ", ".join(data.get(key) or []) or "none"


ACTIONS = {
    SIGNED_IN: ("Sign-in", lambda d: f"Signed in{_where(d)}" + (" with a second factor" if d.get("device") else "")),
    PASSWORD_ACCEPTED: ("Password accepted", lambda d: f"Password accepted{_where(d)}; second factor still to give"),
    SIGNED_OUT: ("Sign-out", lambda d: f"Signed out{_where(d)}"),
    SIGN_IN_FAILED: ("Sign-in failed", lambda d: f"Wrong password for '{d.get('username', '')}'{_where(d)}"),
    SIGN_IN_REFUSED: (
        "Sign-in refused",
        lambda d: f"Sign-in as '{d.get('username', '')}'{_where(d)} refused: too many failures",
    ),
    SECOND_FACTOR_FAILED: ("Second factor failed", lambda d: f"Wrong second-factor code{_where(d)}"),
    LOCKED: (
        "Sign-in locked",
        lambda d: f"Signing in locked after {d.get('failures')} failures, until {d.get('until')}",
    ),
    UNLOCKED: (
        "Sign-in lock lifted",
        lambda d: "Lock lifted by an administrator" if d.get("reason") == "administrator" else "Lock ran out",
    ),
    TWO_FACTOR_ENROLLED: ("Two-factor enrolment", lambda d: f"Added a second factor: {d.get('device', '')}"),
    TWO_FACTOR_REMOVED: ("Two-factor removal", lambda d: f"Removed a second factor: {d.get('device', '')}"),
    TWO_FACTOR_RESET: ("Two-factor reset", lambda d: "Second factors reset by an administrator"),
    RECOVERY_CODES: ("Recovery codes made", lambda d: "New recovery codes made (the old ones no longer work)"),
    SESSIONS_ENDED: ("Sessions ended", lambda d: f"{d.get('count', 0)} session(s) ended: {d.get('reason', '')}"),
    ROLES_CHANGED: (
        "Roles changed",
        lambda d: f"Roles added: {_names(d, 'added')}; removed: {_names(d, 'removed')}",
    ),
    PERMISSIONS_CHANGED: (
        "Role permissions changed",
        lambda d: f"Permissions added: {_names(d, 'added')}; removed: {_names(d, 'removed')}",
    ),
}


def register_actions(actions):
    """``register_log_actions`` hook: our actions, with labels for the report's filter."""
    for action, (label, template) in ACTIONS.items():
        actions.register_action(action)(_formatter(label, template))


def log(instance, action, user=None, data=None):
    """Log ``action`` on ``instance``; ``user`` defaults to the admin's signed-in user (Wagtail's log context)."""
    return wagtail_log(_unwrapped(instance), action, user=_unwrapped(user), data=data or {})


def _unwrapped(value):
    """``request.user`` itself: Wagtail looks up the log model by the type, and django-otp wraps the user twice."""
    while isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    return value


def sign_in_failed(username, ip, user=None, refused=False):
    """Log a failed or refused sign-in: on the account if one has that name, else on the name's throttle."""
    from .models import SignInThrottle, account_key

    action = SIGN_IN_REFUSED if refused else SIGN_IN_FAILED
    data = {"username": (username or "")[:150], "ip": ip}
    if user is None:
        user = get_user_model()._default_manager.filter(username=username).first() if username else None
    if user is not None:
        # The actor is nobody (not signed in): the entry's object is the account.
        return log(user, action, user=None, data=data)
    throttle = SignInThrottle.objects.filter(kind=SignInThrottle.ACCOUNT, key=account_key(username)).first()
    if throttle is not None:
        return log(throttle, action, user=None, data=data)
    return None
