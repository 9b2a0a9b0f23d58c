"""The newsroom's side, in Chromium with JavaScript on: a demo reporter writes, previews and searches in the admin.

Each step asserts on what the person sees. The staff logins are the ones
`caspian demo` printed.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADLINE = "Ferry crews in Aktau stop work over unpaid overtime"
STANDFIRST = "Crews on the Caspian ferries say they have not been paid for extra shifts since the summer."


def password(demo_site, username):
    return re.search(rf"login: {username} / (\S+)", demo_site.demo_output).group(1)


def sign_in(browser, demo_site, username):
    """A page signed in to the admin as demo ``username``, at the size of a newsroom laptop; it notes script errors."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.problems.append(f"{message.text} ({message.location['url']})"),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?": yes, as the test moves on
    page.goto(demo_site.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password(demo_site, username))
    page.click("button[type=submit]")
    page.wait_for_url(demo_site.url + "/admin/")
    return page


@pytest.fixture(scope="module")
def reporter(browser, demo_site):
    page = sign_in(browser, demo_site, "reporter")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def editor(browser, demo_site):
    page = sign_in(browser, demo_site, "editor")
    yield page
    page.context.close()


@pytest.fixture(autouse=True)
def problems_of_this_test(request):
    """Each test answers for the script errors of its own steps only.

    The signed-in pages are shared by the module's tests: an earlier test
    that leaves a form refused on screen (an over-long headline) may see
    Wagtail's autosave of it refused too (400), which is that test's
    expected outcome, not a problem of the next one.
    """
    for name in ("reporter", "editor"):
        if name in request.fixturenames:
            request.getfixturevalue(name).problems.clear()


def add_article(page, demo_site):
    """The reporter's way to a new article: Pages, the publication, "Add article" beside a section."""
    page.goto(demo_site.url + "/admin/pages/")
    page.get_by_role("link", name="Explore child pages of 'The Caspian Times'").click()
    page.locator("tr", has_text="Central Asia").get_by_role("link", name="Add article").click()
    page.wait_for_url(re.compile(r"/admin/pages/add/newsroom/articlepage/\d+/$"))


def write_draft(page, demo_site, headline, standfirst=STANDFIRST):
    """Type a headline and a standfirst into a new article and save it as a draft, as a reporter does."""
    add_article(page, demo_site)
    field = page.get_by_role("textbox", name="Headline")
    field.click()
    field.press_sequentially(headline)
    page.get_by_role("textbox", name="Standfirst").fill(standfirst)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    return page.url


@pytest.fixture(scope="module")
def draft(reporter, demo_site):
    """The edit page of a draft the reporter wrote."""
    return write_draft(reporter, demo_site, "Caspian seal count finds more pups on the northern ice")


def test_a_reporter_types_a_headline_and_saves_without_touching_the_address(reporter, demo_site):
    add_article(reporter, demo_site)
    headline = reporter.get_by_role("textbox", name="Headline")
    headline.click()
    headline.press_sequentially(HEADLINE)
    expect(reporter.locator("#id_title-length")).to_have_text(f"{len(HEADLINE)} of 255 characters")
    address = reporter.get_by_role("textbox", name="Web address")
    expect(address).to_have_value("ferry-crews-in-aktau-stop-work-over-unpaid-overtime")
    reporter.get_by_role("textbox", name="Standfirst").fill(STANDFIRST)
    # The demo reporter's login is Nino Kapanadze's: her byline is there already.
    expect(reporter.locator("#id_bylines-FORMS [data-chooser-title]")).to_have_text(["Nino Kapanadze"])
    reporter.get_by_role("button", name="Save draft").click()
    reporter.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(reporter.locator(".messages")).to_contain_text(f"Page '{HEADLINE}' created.")
    expect(address).to_have_value("ferry-crews-in-aktau-stop-work-over-unpaid-overtime")
    assert reporter.problems == []


def test_an_over_long_headline_is_counted_refused_and_kept(reporter, demo_site):
    add_article(reporter, demo_site)
    long_headline = f"{HEADLINE}, while the port's owners say the money " + "was never agreed " * 14
    reporter.get_by_role("textbox", name="Headline").fill(long_headline)
    expect(reporter.locator("#id_title-length")).to_have_text(
        f"{len(long_headline)} of 255 characters: {len(long_headline) - 255} too many"
    )
    reporter.get_by_role("button", name="Save draft").click()
    expect(reporter.locator(".messages")).to_contain_text("could not be created")
    expect(reporter.get_by_role("textbox", name="Headline")).to_have_value(long_headline)
    error = reporter.locator("[data-field-wrapper]:has(#id_title) .error-message")
    expect(error).to_contain_text("A headline can have at most 255 characters")


def test_the_preview_panel_shows_the_draft(reporter, draft):
    reporter.goto(draft)
    reporter.get_by_role("button", name="Toggle preview").click()
    preview = reporter.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text("Caspian seal count finds more pups on the northern ice")
    expect(preview.locator("body")).to_contain_text(STANDFIRST)
    assert reporter.problems == []


def test_a_reporter_finds_a_story_by_search_and_an_author_in_the_chooser(reporter, demo_site, draft):
    reporter.goto(demo_site.url + "/admin/")
    reporter.get_by_placeholder("Search all pages…").fill("Tbilisi")
    reporter.keyboard.press("Enter")
    reporter.wait_for_url(re.compile(r"\?q=Tbilisi"))
    found = reporter.locator("main table tbody tr").all_inner_texts()
    assert found and all("Tbilisi" in row for row in found), found

    reporter.goto(draft)
    reporter.get_by_role("button", name="Add byline").click()
    reporter.get_by_role("button", name="Choose a page (Author)").last.click()
    dialog = reporter.get_by_role("dialog")
    dialog.get_by_role("textbox").first.press_sequentially("Anah")
    dialog.get_by_role("link", name="Anahit Sargsyan").click()
    expect(reporter.locator("#id_bylines-FORMS [data-chooser-title]")).to_have_text(
        ["Nino Kapanadze", "Anahit Sargsyan"]
    )
    assert reporter.problems == []


def test_an_editor_schedules_a_story_in_the_publications_time_zone(editor, demo_site):
    editor.goto(demo_site.url + "/admin/pages/search/?q=Tbilisi")
    editor.locator("main table tbody tr").first.get_by_role("link").first.click()
    story = editor.url
    editor.get_by_role("button", name="Toggle status").click()
    editor.get_by_role("button", name="Set schedule").click()
    dialog = editor.get_by_role("dialog", name="Set publishing schedule")
    expect(dialog.locator("#id_go_live_at-time-zone")).to_have_text("Europe/Berlin time")
    go_live = dialog.get_by_role("textbox", name="Go-live time")
    go_live.fill("2027-01-05 13:07")
    editor.keyboard.press("Escape")  # closes the date picker
    editor.keyboard.press("Escape")  # and the dialog: the time typed stays
    expect(dialog).to_be_hidden()
    expect(editor.locator("#id_go_live_at")).to_have_value("2027-01-05 13:07")
    editor.locator("footer").get_by_role("button", name="Publish changes").click()
    expect(editor.locator(".messages")).to_contain_text("scheduled")
    editor.goto(story)
    editor.get_by_role("button", name="Toggle status").click()
    expect(editor.locator("[data-side-panel='status']")).to_contain_text("Go-live: Jan. 5, 2027, 1:07 p.m.")
    assert editor.problems == []


def test_an_editor_requests_changes_and_the_reporter_reads_them(reporter, editor, demo_site):
    story = write_draft(reporter, demo_site, "Aktau port cranes stand idle for a second week")
    reporter.locator("[data-contentpath='body'] .c-sf-add-button").first.click()
    reporter.get_by_role("option", name="Paragraph").first.click()
    reporter.locator("[data-contentpath='body'] [contenteditable='true']").first.click()
    reporter.keyboard.type("The harbour master says repairs wait for parts from abroad.")
    # The editor keeps the text in the form a moment after the last key, as it does for a person.
    expect(reporter.locator("input[name='body-0-value']")).to_have_value(re.compile("parts from abroad"))
    reporter.locator("footer").get_by_role("button", name="More actions").click()
    reporter.get_by_role("button", name="Submit to Editorial review").click()
    expect(reporter.locator(".messages")).to_contain_text("submitted")

    editor.goto(story)
    editor.locator("footer").get_by_role("button", name="More actions").click()
    editor.locator("footer").get_by_role("button", name="Request changes").click()
    dialog = editor.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Comment").fill("Which parts? Ask the port authority for the order date.")
    dialog.get_by_role("button", name="Request changes").click()
    expect(editor.locator(".messages")).to_contain_text("has been updated")

    reporter.goto(story)
    notice = reporter.locator(".messages")
    expect(notice).to_contain_text("Changes requested by Demo editor")
    expect(notice).to_contain_text(
        "“Which parts? Ask the port authority for the order date.” Make them, then submit again."
    )
    # Status › View details names the editor who asked, too.
    reporter.get_by_role("button", name="Toggle status").click()
    reporter.get_by_role("button", name="View details").click()
    expect(reporter.get_by_role("dialog")).to_contain_text("Changes requested by Demo editor")
    reporter.keyboard.press("Escape")
    # And the dashboard lists it with the editor's words.
    reporter.goto(demo_site.url + "/admin/")
    changes = reporter.locator("#newsroom-section ul[aria-labelledby='newsroom-changes-requested']")
    expect(changes).to_contain_text("Aktau port cranes stand idle for a second week")
    expect(changes).to_contain_text("Which parts?")
    assert reporter.problems == []


def test_a_moderator_acts_on_a_comment_from_its_row(browser, demo_site):
    moderator = sign_in(browser, demo_site, "moderator")
    moderator.goto(demo_site.url + "/admin/comments/")
    row = moderator.locator("table.listing tbody tr").first
    author = row.locator(".comment-excerpt strong").inner_text()
    # Spam, not Approve: the demo's counts of approved comments stay as other tests read them.
    row.get_by_role("button", name=f"Spam: the comment by {author}").click()
    expect(moderator.locator(".messages")).to_contain_text(f"Comment by {author} marked as spam.")
    expect(moderator).to_have_url(demo_site.url + "/admin/comments/")
    assert moderator.problems == []
    moderator.context.close()
