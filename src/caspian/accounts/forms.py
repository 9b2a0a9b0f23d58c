"""The admin's sign-in form with throttling, and the second-factor forms."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms.auth import LoginForm

from caspian.security import client_ip

from . import throttle


class ThrottledLoginForm(LoginForm):
    """Wagtail's sign-in form (``WAGTAILADMIN_USER_LOGIN_FORM``), asking the throttles first.

    A throttled attempt is answered with :data:`throttle.THROTTLED_MESSAGE`
    without checking the password, so the right password is refused too
    while the lock lasts; the message is the same for every name typed.
    """

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        ip = client_ip(self.request) if self.request is not None else None
        if throttle.refusal(username, ip) is not None:
            throttle.record_failure(username, ip, refused=True)
            raise ValidationError(throttle.THROTTLED_MESSAGE, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is None:  # a wrong password (not an inactive account's right one)
                if throttle.record_failure(username, ip):
                    raise ValidationError(throttle.THROTTLED_MESSAGE, code="throttled") from None
            raise
        throttle.record_success(username)
        return cleaned


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            autocomplete="one-time-code", inputmode="text", autocapitalize="off", spellcheck="false"
        )

    def clean(self, value):
        # People copy codes with spaces or a dash in the middle.
        return super().clean(value).replace(" ", "").replace("-", "")


class ConfirmAuthenticatorForm(forms.Form):
    code = CodeField(label="Code from your authenticator app", help_text="Six digits; a new one every 30 seconds.")

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.device.verify_token(code):
            raise ValidationError(
                "That code did not match. Check the time on your phone is right, then type the code showing now."
            )
        return code


class SecondFactorForm(forms.Form):
    code = CodeField(
        label="Code",
        help_text="The six digits from your authenticator app, or one of your recovery codes.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        from django_otp import match_token

        code = self.cleaned_data["code"]
        self.device = match_token(self.user, code)
        if self.device is None:
            raise ValidationError(
                "That code did not work. Type the code your app shows now, or a recovery code you have not used."
            )
        return code
