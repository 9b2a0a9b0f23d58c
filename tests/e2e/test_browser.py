"""Headless Chromium (Debian's package) on the served demo: a reader's visit, and axe-core's audit."""

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import CASPIAN, QUICK_SETTINGS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# COMMENTS_MIN_SECONDS of the served demo, and a little: a form sent sooner is refused as a bot's.
MIN_SECONDS = int(QUICK_SETTINGS["COMMENTS_MIN_SECONDS"]) + 0.2


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


def stored_comments(demo_site, *bodies):
    """The comments with these texts, as the served demo's database holds them (through `caspian manage shell`)."""
    code = (
        "import json; from caspian.comments.models import Comment; "
        f"print(json.dumps({{c['body']: c for c in Comment.objects.filter(body__in={list(bodies)!r}).values("
        "'body', 'article_id', 'parent_id', 'status', 'author_name', 'author_url')}))"
    )
    result = subprocess.run(
        [CASPIAN, "manage", "shell", "--verbosity", "0", "--command", code],
        env=demo_site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    stored = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(stored) == sorted(bodies)
    return [stored[body] for body in bodies]


def wait_out_the_form_token(page, rendered_at):
    """Wait until the form shown at ``rendered_at`` (time.monotonic) is old enough to be sent."""
    page.wait_for_timeout(max(0, MIN_SECONDS - (time.monotonic() - rendered_at)) * 1000)


def test_a_reader_corrects_a_comment_then_replies_to_another(browser, demo_site, page_urls):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    # The form sent with mistakes comes back as 400, which Chromium logs; anything else is a problem.
    page.on("console", lambda m: m.type == "error" and "status of 400" not in m.text and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    article_url = page_urls["article"]
    page.goto(article_url)
    title = page.locator("h1").inner_text()
    form = page.locator("#commentform")
    article_id = int(re.fullmatch(r"/comments/post/(\d+)/#respond", form.get_attribute("action")).group(1))
    fields = {name: form.get_by_label(name, exact=True) for name in ("Comment", "Name", "Email", "Website")}

    # (a) Nothing to say, no name, half an email address: the article comes back with a message beside each field.
    fields["Email"].fill("leyla@")
    fields["Website"].fill("leyla.example.org")
    with page.expect_navigation() as sent:
        form.get_by_role("button", name="Post comment").click()
    assert sent.value.status == 400
    assert page.url.endswith("#respond")
    assert page.locator("h1").inner_text() == title
    expect(page.locator("#respond #commentform")).to_be_visible()
    expect(page.locator("#reply-title")).to_be_in_viewport()
    expect(form.locator(".form-errors[role=alert]")).to_be_visible()
    messages = {
        "comment": "Please enter your comment!",
        "author": "Please enter your name here",
        "email": "You have entered an incorrect email address!",
    }
    assert form.locator(".field-error").count() == len(messages)
    for name, message in messages.items():
        error = form.locator(f".comment-form__field--{name} .field-error")
        assert error.inner_text() == message
        field = form.locator(f"[name={name}]")
        assert field.get_attribute("aria-invalid") == "true", name
        assert error.get_attribute("id") in field.get_attribute("aria-describedby").split(), name
    assert fields["Email"].input_value() == "leyla@"
    assert fields["Website"].input_value() == "leyla.example.org"
    rendered_at = time.monotonic()

    # (b) Corrected, and sent no sooner than a person could: held for a moderator, with a notice saying so.
    stamp = time.time_ns()
    first = f"The workshop idea is lovely. Will the dombra session be in English or German? ({stamp})"
    fields["Comment"].fill(first)
    fields["Name"].fill("Leyla Məmmədova")
    fields["Email"].fill("leyla@example.org")
    form.get_by_label("Save my name, email, and website", exact=False).check()
    wait_out_the_form_token(page, rendered_at)
    with page.expect_navigation() as sent:
        form.get_by_role("button", name="Post comment").click()
    assert sent.value.status == 200
    assert page.url == article_url + "#comment-held"
    expect(page.locator("#comment-held")).to_be_visible()
    expect(page.locator("#comment-held")).to_contain_text("your comment is waiting for a moderator")
    expect(page.locator("#comment-reported")).to_be_hidden()
    expect(page.get_by_text(first)).to_have_count(0)
    # The article is the page every reader gets (from the cache): its form has no token until the reader starts.
    assert form.locator("[name=form_token]").input_value() == ""

    # (c) "Reply" moves the form under the comment, the saved details filled in; the reply names its parent.
    reply_link = page.locator(".comment--depth-2 > .comment__card a.comment__reply").first
    parent_id, parent_name = reply_link.get_attribute("data-reply-to"), reply_link.get_attribute("data-reply-name")
    reply_link.click()
    expect(form.locator("[name=form_token]")).not_to_have_value("")  # fetched by comments.js
    rendered_at = time.monotonic()
    assert page.url == article_url + "#comment-held", "the reply link is handled on the page"
    expect(page.locator(f"#comment-{parent_id} > #respond")).to_have_count(1)
    expect(form.locator(".comment-form__replying")).to_be_visible()
    expect(form.locator(".comment-form__replying")).to_contain_text(f"Replying to {parent_name}")
    assert form.locator("[name=parent]").input_value() == parent_id
    expect(fields["Comment"]).to_be_focused()
    assert fields["Name"].input_value() == "Leyla Məmmədova"
    assert fields["Email"].input_value() == "leyla@example.org"
    reply = f"Thank you, {parent_name.split()[0]}: that answers my question. ({stamp})"
    fields["Comment"].fill(reply)
    wait_out_the_form_token(page, rendered_at)
    with page.expect_navigation():
        form.get_by_role("button", name="Post comment").click()
    assert page.url == article_url + "#comment-held"
    expect(page.locator("#comment-held")).to_be_visible()
    assert problems == []
    context.close()

    top_level, answer = stored_comments(demo_site, first, reply)
    assert top_level["parent_id"] is None
    assert answer["parent_id"] == int(parent_id)
    assert answer["article_id"] == top_level["article_id"] == article_id
    for comment in (top_level, answer):
        assert comment["status"] == "pending"
        assert comment["author_name"] == "Leyla Məmmədova"
        assert comment["author_url"] == "https://leyla.example.org"
