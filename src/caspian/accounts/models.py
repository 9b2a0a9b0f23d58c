"""What the accounts app stores: sign-in throttles (failures and locks) and staff sessions."""

import datetime
import ipaddress

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignInThrottleQuerySet(models.QuerySet):
    def locked(self, now=None):
        """Throttles whose lock has not run out yet."""
        return self.filter(locked_until__gt=now or timezone.now())

    def for_attempt(self, username, ip):
        """The account's and the address's throttles (those that exist) for a sign-in attempt."""
        keys = models.Q()
        for kind, key, _lock_after in SignInThrottle.keys_for(username, ip):
            keys |= models.Q(kind=kind, key=key)
        return self.filter(keys)


def address_key(ip):
    """The throttle key of an address: the address itself, or for IPv6 its /64 (one client holds all of one)."""
    if not ip:
        return None
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def account_key(username):
    """The throttle key of a username: the same for every spelling a person might type."""
    return (username or "").strip().lower()[:254]


class SignInThrottle(models.Model):
    """Failed sign-ins counted for one account name or one IP address, and the lock they led to.

    A row exists for any name typed, whether or not such an account exists,
    so that the answers do not tell the two apart. The thresholds are settings
    (``CASPIAN_SIGNIN_*``, see ``throttle.py``); the row only keeps the counts.
    """

    ACCOUNT = "account"
    ADDRESS = "address"
    KINDS = [(ACCOUNT, "Account"), (ADDRESS, "IP address")]

    kind = models.CharField(max_length=10, choices=KINDS)
    key = models.CharField("account or address", max_length=254)
    failures = models.PositiveIntegerField("failed attempts", default=0)
    last_failure_at = models.DateTimeField("last failure", null=True, blank=True)
    wait_until = models.DateTimeField("next attempt allowed", null=True, blank=True)
    locked_until = models.DateTimeField("locked until", null=True, blank=True)

    objects = SignInThrottleQuerySet.as_manager()

    class Meta:
        verbose_name = "sign-in lock"
        verbose_name_plural = "sign-in locks"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="accounts_throttle_kind_key")]
        indexes = [models.Index(fields=["locked_until"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"

    @classmethod
    def keys_for(cls, username, ip):
        """``[(kind, key, lock threshold)]`` a sign-in attempt for ``username`` from ``ip`` counts against."""
        pairs = [(cls.ACCOUNT, account_key(username), settings.SIGNIN_LOCK_AFTER)]
        if ip:
            pairs.append((cls.ADDRESS, address_key(ip), settings.SIGNIN_IP_LOCK_AFTER))
        return pairs

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def refusal_until(self, now=None):
        """Until when an attempt is refused without checking the password, or ``None`` when it may go ahead."""
        now = now or timezone.now()
        until = max((t for t in (self.wait_until, self.locked_until) if t is not None and t > now), default=None)
        return until


class StaffSessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).order_by("-last_seen_at")

    def stale(self, now=None):
        """Rows whose session has surely ended by inactivity (kept a day past the idle limit for the listing)."""
        idle = datetime.timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES)
        return self.filter(last_seen_at__lt=(now or timezone.now()) - idle - datetime.timedelta(days=1))


class StaffSession(models.Model):
    """A signed-in staff session as seen by the admin: which device, from where, when last.

    Kept beside the session store (database or cache alike) because a cache
    cannot be listed: ending a session deletes it from the store by its key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField("address", null=True, blank=True)
    signed_in_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    objects = StaffSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "staff session"

    def __str__(self):
        return f"{self.user} on {self.device_label()}"

    def device_label(self):
        """A short human description of the browser and system, e.g. "Firefox on Linux"."""
        return describe_user_agent(self.user_agent)


_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def describe_user_agent(user_agent):
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
