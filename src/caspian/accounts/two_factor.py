"""Second factors on django-otp: authenticator apps (TOTP), recovery codes (static tokens) and passkeys.

Who must have one is ``settings.TWO_FACTOR_ROLES`` (newsroom group names;
superusers count as Administrator); anyone may add one, and whoever has
one is asked for it at every sign-in (``middleware.TwoFactorMiddleware``).
"""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import audit

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
ADMINISTRATOR_ROLE = "Administrator"


def required_for(user):
    """Whether ``user`` must sign in with a second factor (one of the roles in ``TWO_FACTOR_ROLES``)."""
    roles = set(settings.TWO_FACTOR_ROLES)
    if not roles:
        return False
    if user.is_superuser and ADMINISTRATOR_ROLE in roles:
        return True
    return user.groups.filter(name__in=roles).exists()


def has_second_factor(user):
    """Whether ``user`` has a confirmed authenticator, passkey or recovery code to sign in with."""
    return user_has_device(user, confirmed=True)


def second_factors(user):
    """The user's confirmed devices, as (kind, device) for the two-factor page."""
    return list(devices_for_user(user, confirmed=True))


def pending_authenticator(user):
    """The authenticator being set up for ``user``: made when first asked, the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def qr_code_svg(device):
    """The device's otpauth:// address as an inline SVG QR code, for the authenticator app to scan."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # without the XML declaration, to sit inside HTML


def secret_text(device):
    """The secret in base32 in groups of four, to type into an app that cannot scan."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_authenticator(device):
    """The first code matched: the authenticator counts from now on (any older one of the user's is removed)."""
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.log(device.user, audit.TWO_FACTOR_ENROLLED, data={"device": AUTHENTICATOR_NAME})


@transaction.atomic
def new_recovery_codes(user):
    """Make a fresh set of single-use recovery codes for ``user`` (the old set stops working); returns them.

    The codes are shown once: only the user sees them, at that moment.
    """
    # The same device with new tokens: a session verified by a recovery code stays verified.
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit.log(user, audit.RECOVERY_CODES, data={"count": len(codes)})
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def remove(user, device):
    """Remove one of the user's own devices (an authenticator or a passkey)."""
    device.delete()
    audit.log(user, audit.TWO_FACTOR_REMOVED, data={"device": describe(device)})
    if not any(not isinstance(other, StaticDevice) for other in second_factors(user)):
        # Recovery codes stand in for a lost authenticator: with none left, they would be the only factor.
        StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def reset(user, by):
    """An administrator (``by``) removes all of ``user``'s second factors (a lost phone): logged, sessions ended.

    If ``user`` is in a role that requires two factors, they set up a new one at their next sign-in.
    """
    from . import sessions

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    audit.log(user, audit.TWO_FACTOR_RESET, user=by)
    sessions.end_sessions(user, reason="second factors reset")


def passkeys(user):
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def describe(device):
    if isinstance(device, TOTPDevice):
        return AUTHENTICATOR_NAME
    if isinstance(device, StaticDevice):
        return RECOVERY_NAME
    return f"Passkey {device.name}".strip()
