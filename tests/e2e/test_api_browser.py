"""The content API in Chromium with JavaScript on: its browsable docs, and an administrator giving a partner a key."""

import re

import pytest
from playwright.sync_api import expect

from .test_admin_browser import sign_in

pytestmark = pytest.mark.browser


def test_the_api_docs_work_under_the_content_security_policy(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(demo_site.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Caspian content API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/articles/{id}/")).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/sections/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    assert problems == [], "console errors (a script or style the Content-Security-Policy blocked?)"
    context.close()


def test_an_administrator_gives_a_partner_a_key_shown_once(browser, demo_site):
    page = sign_in(browser, demo_site, "admin")
    page.get_by_role("button", name="Partners").click()
    page.get_by_role("link", name="API keys").click()
    page.get_by_role("link", name="Add API key").click()
    page.get_by_role("textbox", name="Partner").fill("The morning app")
    page.get_by_role("spinbutton", name="Requests per minute").fill("2")
    page.get_by_role("button", name="Create").click()
    key = page.get_by_label("API key").input_value()
    assert re.fullmatch(r"csp_[\w-]{40,}", key)

    def articles():
        return page.request.get(demo_site.url + "/api/v1/articles/", headers={"Authorization": f"Bearer {key}"})

    assert [articles().status for _ in range(3)] == [200, 200, 429]
    page.get_by_role("link", name="Done: back to the API keys").click()
    expect(page.get_by_role("table")).to_contain_text("The morning app")
    expect(page.locator("body")).not_to_contain_text(key)
    assert page.problems == []
    page.context.close()
