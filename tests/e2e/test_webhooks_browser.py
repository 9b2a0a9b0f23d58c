"""Webhooks in the admin, in Chromium with JavaScript on: the demo's administrator registers a partner's endpoint.

Nothing is published here (the demo site is shared by the e2e tests), so
nothing is sent: sending is tested against a receiver in tests/webhooks/.
"""

import re

import pytest
from playwright.sync_api import expect

from .test_admin_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def administrator(browser, demo_site):
    page = sign_in(browser, demo_site, "admin")
    yield page
    page.context.close()


def test_an_administrator_registers_an_endpoint_sees_its_secret_and_rotates_it(administrator, demo_site):
    page = administrator
    page.get_by_role("button", name="Webhooks").click()
    page.get_by_role("link", name="Endpoints").click()
    page.wait_for_url(re.compile(r"/admin/webhooks/endpoints/$"))
    page.get_by_role("link", name="Add webhook endpoint").first.click()

    page.get_by_role("textbox", name="URL").fill("http://127.0.0.1:9/hooks")
    page.get_by_role("textbox", name="Description").fill("Caspian News app (iOS)")
    page.get_by_role("textbox", name="Owner's email").fill("apps@partner.example")
    page.get_by_label("Article published").check()
    page.get_by_label("Article corrected").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("resolves to a private or local address (127.0.0.1)")).to_be_visible()

    page.get_by_role("textbox", name="URL").fill("https://93.184.215.14/hooks/caspian")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/admin/webhooks/endpoints/inspect/\d+/$"))
    secret = page.locator("code.webhook-secret")
    expect(secret).to_have_text(re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$"))
    first = secret.text_content()

    page.get_by_role("button", name="Make a new secret").click()
    expect(page.get_by_text("New signing secret made.")).to_be_visible()
    expect(secret).not_to_have_text(first)
    expect(secret).to_have_text(re.compile(r"^whsec_"))

    page.get_by_role("link", name="See this endpoint's deliveries").click()
    page.wait_for_url(re.compile(r"/admin/webhooks/deliveries/\?endpoint=\d+$"))
    expect(page.get_by_role("heading", name="Deliveries")).to_be_visible()
    assert page.problems == []


def test_an_editor_has_no_webhooks(browser, demo_site):
    page = sign_in(browser, demo_site, "editor")
    try:
        expect(page.get_by_role("link", name="Pages")).to_be_visible()
        expect(page.get_by_role("button", name="Webhooks")).to_have_count(0)
    finally:
        page.context.close()
