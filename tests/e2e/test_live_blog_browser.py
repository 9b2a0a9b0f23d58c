"""Headless Chromium on the served demo: a reader keeps a live blog open and a new entry appears without reloading."""

import json
import subprocess
import time

import pytest

from caspian.newsroom.models.liveblogs import POLL_SECONDS

from .conftest import CASPIAN
from .test_browser import AXE, WCAG_TAGS

pytestmark = pytest.mark.browser

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from wagtail.rich_text import RichText
from caspian.newsroom.models import ArticleByline, AuthorPage, LiveBlogEntry, LiveBlogPage, SectionPage
author = AuthorPage.objects.get(slug="nino-kapanadze")
# A month old: it must not change the front page the other browser tests look at.
started = timezone.now() - timedelta(days=30)
folder = SectionPage.objects.get(slug="south-caucasus").year_folder(timezone.localtime(started).year)
first = LiveBlogEntry(headline="Crews walk off", body="<p>The first ferry stays in port.</p>", pinned=True)
first.author = author
blog = LiveBlogPage(
    title="Browser test: ferry strike live", slug="browser-test-ferry-strike-live-{stamp}",
    standfirst="Crews stopped work at dawn.", body=[("paragraph", RichText("<p>What we know so far.</p>"))],
    first_published_at=started, bylines=[ArticleByline(author=author)], entries=[first],
)
folder.add_child(instance=blog)
blog.save_revision().publish()
print(json.dumps({{"id": blog.pk, "url": blog.url}}))
"""

NEW_ENTRY = """
from caspian.newsroom.models import AuthorPage, LiveBlogEntry, LiveBlogPage
blog = LiveBlogPage.objects.get(pk={id})
author = AuthorPage.objects.get(slug="nino-kapanadze")
entry = LiveBlogEntry(headline="Talks resume at noon", body="<p>Union and port meet again.</p>", author=author)
blog.entries.add(entry)
blog.save_revision().publish()
"""

TEARDOWN = "from caspian.newsroom.models import LiveBlogPage; LiveBlogPage.objects.filter(pk={id}).delete()"


def run_in_demo(demo_site, code):
    """Run ``code`` in the served demo's Django (through `caspian manage shell`), as an editor's publication would."""
    result = subprocess.run(
        [CASPIAN, "manage", "shell", "--verbosity", "0", "--command", code],
        env=demo_site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


# One blog for the module: each `caspian manage shell` costs seconds, and only the
# first test adds entries (the others look at the page, whatever it holds).
@pytest.fixture(scope="module")
def live_blog(demo_site):
    blog = json.loads(run_in_demo(demo_site, SETUP.format(stamp=time.time_ns())))
    yield blog
    run_in_demo(demo_site, TEARDOWN.format(id=blog["id"]))


def test_a_new_entry_appears_without_reloading(browser, demo_site, live_blog):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    # The page's timers run on a clock the test moves on: no waiting out the polling interval.
    page.clock.install()
    page.goto(demo_site.url + live_blog["url"])
    expect(page.locator(".live-blog__status")).to_have_text("Developing story")
    expect(page.locator(".live-blog__refresh")).to_have_text("New updates appear here as they are published.")
    expect(page.locator(".live-entry")).to_have_count(1)
    page.evaluate("window.stillTheSamePage = true")

    def poll():
        with page.expect_response(lambda response: response.url.endswith(live_blog["url"] + "updates/")) as polled:
            page.clock.run_for((POLL_SECONDS + 1) * 1000)
        assert polled.value.status in (200, 304)

    poll()  # nothing new yet
    expect(page.locator(".live-entry")).to_have_count(1)
    run_in_demo(demo_site, NEW_ENTRY.format(id=live_blog["id"]))
    poll()
    expect(page.locator(".live-entry")).to_have_count(2)
    newest = page.locator(".live-blog__feed > .live-entry").first
    expect(newest).to_contain_text("Talks resume at noon")
    expect(newest.locator(".live-entry__author a")).to_have_text("Nino Kapanadze")
    page.clock.run_for(1000)
    expect(page.locator("[data-live-announcer]")).to_have_text("1 new update")
    assert page.evaluate("window.stillTheSamePage") is True, "the page was reloaded"
    assert problems == [], "console errors (a blocked resource breaks the Content-Security-Policy)"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_live_blog_is_accessible_and_fits_a_small_screen(browser, demo_site, live_blog, scheme):
    assert AXE.exists(), "run `npm ci` for axe-core (make test does)"
    # Our Content-Security-Policy rightly forbids injected scripts; the audit bypasses it.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(demo_site.url + live_blog["url"])
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [f"{v['id']}: {v['help']} ({v['nodes'][0]['target']})" for v in result["violations"]]
    assert violations == []
    assert result["passes"], "axe ran no checks"
    context.close()
