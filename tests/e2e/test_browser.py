"""Headless Chromium (Debian's package) on the served demo: a reader's visit, and axe-core's audit."""

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "install Debian's chromium package (make test does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_a_reader_opens_the_front_page_and_an_article(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(demo_site.url + "/")
    assert page.locator("h1").inner_text() == "The Caspian Times"
    headline = page.locator(".lead-story__headline a")
    title = headline.inner_text()
    headline.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".masthead__date").is_visible()
    assert page.locator(".author-box").first.is_visible()
    assert page.locator(".article__lead-image img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert problems == [], "console errors (a blocked resource breaks the Content-Security-Policy)"
    context.close()


@pytest.mark.parametrize("width", [320, 768])
def test_pages_fit_small_screens(browser, page_urls, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for name, url in page_urls.items():
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width}px"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_accessibility_violations(browser, page_urls, scheme):
    assert AXE.exists(), "run `npm ci` for axe-core (make test does)"
    # Our Content-Security-Policy rightly forbids injected scripts; the audit bypasses it.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = {}
    for name, url in page_urls.items():
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})" for v in result["violations"]
        ]
        if violations:
            found[name] = violations
        assert result["passes"], "axe ran no checks"
    context.close()
    assert found == {}
