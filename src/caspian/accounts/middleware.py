"""Admin-wide rules, enforced over the whole admin prefix rather than view by view.

- :class:`AdminSecurityHeadersMiddleware`: security headers and no caching on every admin response.
- :class:`StaffSessionMiddleware`: idle expiry and the sessions list.
- :class:`TwoFactorMiddleware`: nobody with a second factor, or in a role that requires one, reaches an admin
  page on a password alone.

Reader pages are left alone: none of these reads the session outside the admin.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from . import sessions, two_factor

# Where the admin may be framed: nowhere, except its own preview panel (which Wagtail marks SAMEORIGIN).
ADMIN_CSP = "frame-ancestors {ancestors}; base-uri 'self'; object-src 'none'; form-action 'self'"


def is_admin(request):
    return request.path_info.startswith(settings.ADMIN_URL_PREFIX)


class AdminSecurityHeadersMiddleware:
    """Every admin response (the sign-in page included) is ``no-store, private`` and refuses to be framed.

    ``frame-ancestors`` follows X-Frame-Options as Wagtail set it: DENY in
    general, SAMEORIGIN for the preview the admin frames itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_admin(request):
            return response
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        frame = response.headers.get("X-Frame-Options", "DENY").upper()
        if frame not in {"DENY", "SAMEORIGIN"}:
            frame = "DENY"
        response.headers["X-Frame-Options"] = frame
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        ancestors = "'self'" if frame == "SAMEORIGIN" else "'none'"
        response.headers.setdefault("Content-Security-Policy", ADMIN_CSP.format(ancestors=ancestors))
        return response


class StaffSessionMiddleware:
    """On admin requests by signed-in staff: end a session idle too long, else note it as seen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_admin(request) or not request.user.is_authenticated:
            return self.get_response(request)
        if sessions.idle_too_long(request):
            sessions.forget(request.session.session_key)
            logout(request)
            messages.info(request, "You were signed out after a while without using the admin. Sign in again.")
            return redirect_to_login(request)
        sessions.touch(request)
        token = sessions.current_session_key.set(request.session.session_key)
        try:
            return self.get_response(request)
        finally:
            sessions.current_session_key.reset(token)


def redirect_to_login(request):
    return redirect(f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.get_full_path()})}")


# Admin addresses (URL names) a person signed in with a password alone may reach.
VERIFYING = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "accounts_verify",
    "credential-authentication-begin",
    "credential-authentication-complete",
    "js-i18n-catalog",
    # What the admin's own pages load by script: its icons and its translations.
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}
# ...and, when they have no second factor yet but must have one, to set one up.
ENROLLING = {
    "accounts_two_factor",
    "accounts_setup_authenticator",
    "accounts_recovery_codes",
    "credential-registration-begin",
    "credential-registration-complete",
}


class TwoFactorMiddleware:
    """Send a person signed in with only a password to give their second factor, or to set one up if required.

    Installed after django-otp's ``OTPMiddleware`` (``request.user.is_verified()``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin(request) and request.user.is_authenticated and not request.user.is_verified():
            name = _url_name(request)
            if name not in VERIFYING:
                if two_factor.has_second_factor(request.user):
                    return _redirect_with_next("accounts_verify", request)
                if name not in ENROLLING and two_factor.required_for(request.user):
                    return _redirect_with_next("accounts_two_factor", request)
        return self.get_response(request)


def _url_name(request):
    from django.urls import Resolver404, resolve

    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _redirect_with_next(url_name, request):
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
