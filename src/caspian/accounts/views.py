"""Admin views of the account area: second factors, recovery codes, sessions; resetting a colleague's factors.

Registered under the admin prefix by ``wagtail_hooks.py`` (so Wagtail's
``require_admin_access`` guards them and logs with the user as actor).
Sign-in itself stays Wagtail's own view, with our form.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from caspian.query_parameters import reads_query
from caspian.security import client_ip

from . import audit, sessions, throttle, two_factor
from .forms import ConfirmAuthenticatorForm, SecondFactorForm
from .models import SignInThrottle, StaffSession


def _render(request, template, context):
    """An admin page whose browser tab says what the heading says."""
    return TemplateResponse(request, template, {**context, "header_title": context["page_title"]})


def _next_url(request, default="wagtailadmin_home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def two_factor_page(request):
    """The account's two-factor page: what is set up, and the ways to add or remove a factor."""
    user = request.user
    context = {
        "page_title": "Two-factor sign-in",
        "required": two_factor.required_for(user),
        "verified": user.is_verified(),
        "authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "passkeys": two_factor.passkeys(user),
        "has_second_factor": two_factor.has_second_factor(user),
        "next": _next_url(request),
    }
    return _render(request, "accounts/two_factor.html", context)


def setup_authenticator(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with a first code.

    On success the session counts as verified, and the first set of recovery codes is shown (once).
    """
    device = two_factor.pending_authenticator(request.user)
    form = ConfirmAuthenticatorForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        two_factor.confirm_authenticator(device)
        otp_login(request, device)
        messages.success(request, "Your authenticator app is set up: you will be asked for a code when you sign in.")
        if two_factor.recovery_codes_left(request.user) == 0:
            return _show_recovery_codes(request, two_factor.new_recovery_codes(request.user))
        return redirect(_next_url(request))
    context = {
        "page_title": "Set up an authenticator app",
        "form": form,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_text(device),
        "next": _next_url(request),
    }
    return _render(request, "accounts/setup_authenticator.html", context)


def recovery_codes(request):
    """GET: what recovery codes are; POST: make a new set and show it once (the old set stops working)."""
    if request.method == "POST":
        if not two_factor.has_second_factor(request.user):
            messages.error(request, "Set up an authenticator app or a passkey first: recovery codes stand in for one.")
            return redirect("accounts_two_factor")
        return _show_recovery_codes(request, two_factor.new_recovery_codes(request.user))
    context = {"page_title": "Recovery codes", "left": two_factor.recovery_codes_left(request.user)}
    return _render(request, "accounts/recovery_codes.html", context)


def _show_recovery_codes(request, codes):
    context = {"page_title": "Your recovery codes", "codes": codes, "next": _next_url(request)}
    return _render(request, "accounts/recovery_codes_shown.html", context)


def verify(request):
    """The second step of signing in: a code from the authenticator app, a recovery code, or a passkey."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, form.device)
            audit.log(
                user,
                audit.SIGNED_IN,
                user=user,
                data={"ip": client_ip(request), "device": two_factor.describe(form.device)},
            )
            if isinstance(form.device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request, f"You used a recovery code: {left} left. Make new ones if you are running out."
                )
            return redirect(_next_url(request))
        audit.log(user, audit.SECOND_FACTOR_FAILED, user=user, data={"ip": client_ip(request)})
    context = {
        "page_title": "Second step of signing in",
        "form": form,
        "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        "next": _next_url(request),
    }
    return _render(request, "accounts/verify.html", context)


@require_POST
def remove_device(request, kind, pk):
    """Remove the user's own authenticator or passkey (a second factor is needed to get here, see the middleware)."""
    models = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}
    if kind not in models:
        raise Http404
    device = get_object_or_404(models[kind], pk=pk, user=request.user)
    others = [d for d in two_factor.second_factors(request.user) if d != device and not _is_static(d)]
    if not others and two_factor.required_for(request.user):
        messages.error(request, "Your role requires a second factor: add another before removing this one.")
        return redirect("accounts_two_factor")
    two_factor.remove(request.user, device)
    messages.success(request, f"{two_factor.describe(device)} removed.")
    return redirect("accounts_two_factor")


def _is_static(device):
    return isinstance(device, StaticDevice)


def sessions_page(request):
    """The user's signed-in sessions; POST ends one, all the others, or all of them."""
    user = request.user
    current = request.session.session_key
    if request.method == "POST":
        which = request.POST.get("end", "")
        if which in ("all", "others"):
            count = sessions.end_sessions(user, reason=f"signed out of {which} sessions", keep=current)
        elif which.isascii() and which.isdigit():
            one = StaffSession.objects.filter(user=user, pk=int(which))
            count = sessions.end_sessions(user, reason="signed out of a session", keep=current, sessions=one)
        else:
            return redirect("accounts_sessions")
        if which == "all":
            logout(request)  # this one too, the usual way (its end is logged as a sign-out)
            messages.success(request, "You are signed out everywhere.")
            return redirect("wagtailadmin_login")
        messages.success(request, f"{count} other session(s) ended.")
        return redirect("accounts_sessions")
    context = {"page_title": "Your sessions", "sessions": StaffSession.objects.for_user(user), "current": current}
    return _render(request, "accounts/sessions.html", context)


def _may_manage(request_user, user):
    if not request_user.has_perm(f"{user._meta.app_label}.change_{user._meta.model_name}"):
        return False
    return request_user.is_superuser or not user.is_superuser


def reset_two_factor(request, user_id):
    """An administrator removes a colleague's second factors (a lost phone); logged, and their sessions end."""
    user = get_object_or_404(get_user_model(), pk=user_id)
    if not _may_manage(request.user, user):
        raise PermissionDenied
    if request.method == "POST":
        two_factor.reset(user, by=request.user)
        messages.success(
            request,
            f"{user.get_username()}'s second factors are removed and their sessions ended. "
            + ("They will set up a new one when they next sign in." if two_factor.required_for(user) else ""),
        )
        return redirect("wagtailusers_users:edit", user.pk)
    context = {
        "page_title": f"Reset two-factor sign-in for {user.get_username()}",
        "target": user,
        "factors": [two_factor.describe(d) for d in two_factor.second_factors(user)],
    }
    return _render(request, "accounts/reset_two_factor.html", context)


def release_lock(request, pk):
    """Lift a sign-in lock (for an account name or an address): GET asks to confirm, POST lifts it."""
    if not request.user.has_perm("accounts.change_signinthrottle"):
        raise PermissionDenied
    lock = get_object_or_404(SignInThrottle, pk=pk)
    if request.method == "POST":
        throttle.release(lock, by=request.user)
        messages.success(request, f"Lock lifted: {lock}. Signing in works again at once.")
        return redirect("accounts_signinthrottle:index")
    context = {"page_title": f"Lift the sign-in lock on {lock}", "lock": lock}
    return _render(request, "accounts/release_lock.html", context)


@reads_query("next")
def the_one_sign_in_page(request):
    """Wagtail's sign-in page for private pages, sent on to the admin's: the only one, with its throttle and locks."""
    next_url = request.GET.get("next")
    return redirect(reverse("wagtailadmin_login") + (f"?{urlencode({'next': next_url})}" if next_url else ""))
