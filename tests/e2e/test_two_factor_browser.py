"""Two-factor sign-in in Chromium with JavaScript on, as an editor meets it on the demo.

The package's demo is served a second time, from the same data, with the
demo's default (second factor required of Editors and Administrators) and at
``localhost``, where browsers allow passkeys over plain HTTP. A new editor
signs in, is made to set up an authenticator app (the test reads the secret
off the page and computes the code, as the app would), sees the recovery
codes, adds a passkey (Chromium's virtual authenticator), and signs in again
with a code and then with the passkey.
"""

import base64
import re
import subprocess
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from .conftest import CASPIAN, free_port, stop, wait_until_up

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "night-editor", "lantern-harbour-copper-58"
MAKE_EDITOR = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user({USERNAME!r}, password={PASSWORD!r}, first_name="Night", last_name="Editor")
user.groups.add(Group.objects.get(name="Editor"))
"""


@pytest.fixture(scope="module")
def strict_site(demo_site):
    """The demo served at http://localhost:PORT with two-factor sign-in required as by default, and a new editor."""
    env = {k: v for k, v in demo_site.env.items() if k != "CASPIAN_TWO_FACTOR_ROLES"}
    port = free_port()
    env["CASPIAN_BASE_URL"] = url = f"http://localhost:{port}"
    made = subprocess.run([CASPIAN, "manage", "shell", "-c", MAKE_EDITOR], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    server = subprocess.Popen(
        [CASPIAN, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(url + "/", server)
        yield url
    finally:
        stop(server)


def step_now():
    """The 30-second step an authenticator app is on now."""
    return int(time.time()) // 30


def code_for(secret, step):
    """What an authenticator app shows for ``secret`` (base32, as on the page) during ``step``."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = step * 30
    return f"{totp.token():06d}"


def sign_in_with_password(page, url):
    page.goto(url + "/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_an_editor_sets_up_two_factors_and_signs_in_with_each(browser, strict_site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in_with_password(page, strict_site)
    # Straight to setting up a second factor: no admin page before it.
    expect(page.get_by_text("Your role requires two-factor sign-in")).to_be_visible()
    page.goto(strict_site + "/admin/pages/")
    expect(page).to_have_url(re.compile(r"/admin/account/two-factor/\?next="))
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.locator(".accounts-qr-code svg")).to_be_visible()
    secret = page.locator("#authenticator-secret").inner_text()
    enrolled_at = step_now()
    page.get_by_label("Code from your authenticator app").fill(code_for(secret, enrolled_at))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("shown only this once")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/$"))

    # A passkey too, from the browser's (virtual) authenticator.
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto(strict_site + "/admin/account/two-factor/")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkey-register-status-message")).to_contain_text("Registration successful")
    page.reload()
    expect(page.get_by_text(re.compile(r"added \d+ \w+ \d{4}"))).to_be_visible()

    # Signing out and in again: the password, then a code.
    context.clear_cookies()  # signed out
    sign_in_with_password(page, strict_site)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    # A code is good once: in the step the app was set up in, the next step's (the server allows one
    # step either way). Not always the next step's: had the set-up code arrived in the step after its
    # own, the server took the phone's clock for a step slow (django-otp's drift) and would refuse it.
    page.locator("#id_code").fill(code_for(secret, max(step_now(), enrolled_at + 1)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(strict_site + "/admin/")

    # And with the passkey.
    context.clear_cookies()
    sign_in_with_password(page, strict_site)
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(strict_site + "/admin/")
    assert problems == []
    context.close()
