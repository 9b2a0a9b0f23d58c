"""Signing in the way a person does: Wagtail's sign-in form, its CSRF token, then the second step."""

import html
import re

from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

PASSWORD = "quiet-harbour-lantern-47"


def staff(username, *roles, superuser=False):
    """A member of staff in ``roles`` (newsroom group names) with :data:`PASSWORD`."""
    make = User.objects.create_superuser if superuser else User.objects.create_user
    user = make(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        first_name=username.title(),
        last_name="Staff",
    )
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def browser(ip="198.51.100.7"):
    """A client that checks CSRF as a browser would meet it, from ``ip``."""
    return Client(
        enforce_csrf_checks=True, REMOTE_ADDR=ip, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    )


def post_form(client, url, data, follow=False):
    """GET ``url`` (for the CSRF cookie), then POST ``data`` to it with the token."""
    client.get(url)
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **data}
    return client.post(url, data, follow=follow)


def sign_in(client, username, password=PASSWORD, next_url="/admin/"):
    """Send Wagtail's sign-in form; returns the response (a redirect when the password was taken)."""
    return post_form(
        client, reverse("wagtailadmin_login"), {"username": username, "password": password, "next": next_url}
    )


def form_errors(response):
    """The error messages the sign-in page shows."""
    return [
        html.unescape(re.sub(r"\s+", " ", m).strip())
        for m in re.findall(r'<li class="error">(.*?)</li>', response.content.decode(), re.S)
    ]


def current_code(device, steps_ahead=0):
    """The code the user's authenticator app shows (``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def filled_form(page, form_selector="form[method=post]"):
    """What a browser sends for the first form on ``page`` matching ``form_selector``, untouched."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(page.content, "html.parser").select_one(form_selector)
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        kind = field.get("type", "text")
        if field.name == "select":
            option = field.select_one("option[selected]") or field.select_one("option")
            data[field["name"]] = option.get("value", option.get_text()) if option else ""
        elif kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[field["name"]] = field.get("value", "on")
        elif kind not in ("submit", "button", "file"):
            data[field["name"]] = field.get("value", field.get_text() if field.name == "textarea" else "")
    return data
