"""Live blogs: routing, entries, key updates, open and closed states, the updates address, JSON-LD, the "Live" label."""

import json
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from caspian.newsroom.factories import (
    LiveBlogEntryFactory,
    LiveBlogPageFactory,
    NewsImageFactory,
    TopicPageFactory,
)
from caspian.newsroom.models import ArticleCorrection, ArticlePage, LiveBlogEntry, LiveBlogPage
from caspian.newsroom.models.liveblogs import POLL_SECONDS, UPDATES_ENTRY_COUNT
from tests.pagecache.client import forget_local_copies
from tests.pagecache.helpers import PageCacheTestCase

from .scenario import NewsroomTestCase, html


class LiveBlogScenario:
    """A live blog in South Caucasus, part of a topic: three entries, the oldest pinned, the middle one with a photo."""

    @classmethod
    def make_live_blog(cls):
        cls.topic = TopicPageFactory(parent=cls.home, title="Caspian ferry strike")
        cls.photo = NewsImageFactory(title="Ferry terminal", credit="Photo: Leyla Aliyeva")
        started = cls.now - timedelta(hours=3)
        cls.blog = LiveBlogPageFactory(
            title="Ferry strike: live",
            section=cls.caucasus,
            authors=[cls.author],
            topics=[cls.topic],
            tags=["Ports"],
            first_published_at=started,
            entries=[
                LiveBlogEntryFactory.build(
                    headline="Strike begins at dawn",
                    body="<p>Crews walked off the ferries at <b>six</b>.</p>",
                    posted_at=started + timedelta(minutes=5),
                    author=cls.author,
                    pinned=True,
                ),
                LiveBlogEntryFactory.build(
                    headline="Queues at the terminal",
                    body="<p>Lorries wait in a line two kilometres long.</p>",
                    posted_at=started + timedelta(hours=1),
                    author=cls.second_author,
                    image=cls.photo,
                    image_alt="Lorries queueing at the ferry terminal",
                ),
                LiveBlogEntryFactory.build(
                    headline="",
                    body="<p>Talks between the union and the port resume at noon &amp; go on.</p>",
                    posted_at=started + timedelta(hours=2),
                    author=cls.author,
                ),
            ],
        )

    def entries(self):
        """The blog's entries, newest first (as the page shows them)."""
        return list(LiveBlogEntry.objects.filter(live_blog=self.blog).order_by("-posted_at"))

    def publish(self, blog, **changes):
        """Publish ``blog`` through a revision, as editors do, after ``changes`` (``new_entry=`` adds one)."""
        blog = LiveBlogPage.objects.get(pk=blog.pk)
        new_entry = changes.pop("new_entry", None)
        for name, value in changes.items():
            setattr(blog, name, value)
        if new_entry is not None:
            blog.entries.add(new_entry)
        with self.captureOnCommitCallbacks(execute=True):
            blog.save_revision().publish()
        return LiveBlogPage.objects.get(pk=blog.pk)


class LiveBlogPageTests(LiveBlogScenario, NewsroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()

    def test_a_live_blog_is_served_as_a_live_blog(self):
        response = self.get(self.blog)
        self.assertIs(type(response.context["page"]), LiveBlogPage)
        self.assertTemplateUsed(response, "newsroom/live_blog_page.html")
        self.assertTemplateNotUsed(response, "newsroom/article_page.html")
        # Its routes too, and a plain article is still an article.
        self.assertEqual(self.get(self.blog.url + "updates/")["Content-Type"], "application/json")
        article = self.get(self.articles[1])
        self.assertIs(type(article.context["page"]), ArticlePage)
        self.assertTemplateUsed(article, "newsroom/article_page.html")

    def test_a_year_folder_routes_to_its_live_blog_as_a_live_blog(self):
        folder = self.blog.get_parent().specific
        request = RequestFactory().get(self.blog.url)
        page, args, kwargs = folder.route(request, [self.blog.slug])
        self.assertIs(type(page), LiveBlogPage)
        page, args, kwargs = folder.route(request, [self.blog.slug, "updates"])
        self.assertIs(type(page), LiveBlogPage)
        self.assertEqual(args[0].__name__, "live_updates")

    def test_entries_newest_first_with_anchor_time_author_and_permalink(self):
        page = html(self.get(self.blog))
        shown = page.select(".live-blog__feed > article.live-entry")
        entries = self.entries()
        self.assertEqual([entry["id"] for entry in shown], [f"entry-{entry.pk}" for entry in entries])
        newest, middle, oldest = shown
        self.assertIsNone(newest.select_one(".live-entry__headline"))  # it has none
        self.assertEqual(middle.select_one("h3").get_text(), "Queues at the terminal")
        self.assertIn("Talks between the union and the port resume at noon & go on.", newest.get_text())
        self.assertEqual(oldest.select_one(".live-entry__body b").get_text(), "six")
        for element, entry in zip(shown, entries, strict=True):
            time = element.select_one("time")
            self.assertEqual(datetime.fromisoformat(time["datetime"]), entry.posted_at.replace(microsecond=0))
            self.assertEqual(element.select_one(".live-entry__time a")["href"], f"{self.blog.url}#entry-{entry.pk}")
            author = element.select_one(".live-entry__author a[rel=author]")
            self.assertEqual(author.get_text(), entry.author.title)
            self.assertEqual(author["href"], entry.author.url)

    def test_an_entry_image_has_its_alt_text_and_credit(self):
        page = html(self.get(self.blog))
        with_image = page.select(".live-entry")[1]
        img = with_image.select_one("figure.live-entry__image picture img")
        self.assertEqual(img["alt"], "Lorries queueing at the ferry terminal")
        self.assertEqual(img["loading"], "lazy")
        self.assertEqual(with_image.select_one("figcaption").get_text(), "Photo: Leyla Aliyeva")
        self.assertEqual(len(page.select(".live-entry figure")), 1)

    def test_an_image_without_alt_text_is_refused(self):
        entry = LiveBlogEntry(live_blog=self.blog, body="<p>A photo.</p>", image=self.photo, image_alt=" ")
        with self.assertRaises(ValidationError) as raised:
            entry.full_clean()
        self.assertIn("image_alt", raised.exception.message_dict)
        entry.image_alt = "Lorries at the terminal"
        entry.full_clean()

    def test_key_updates_sit_under_the_summary_and_link_to_their_entries(self):
        page = html(self.get(self.blog))
        pinned = self.entries()[-1]
        key_updates = page.select_one("nav.key-updates")
        self.assertEqual(key_updates.select_one("h2").get_text(), "Key updates")
        links = key_updates.select("a")
        self.assertEqual([link["href"] for link in links], [f"#entry-{pinned.pk}"])
        self.assertIn("Strike begins at dawn", links[0].get_text())
        self.assertIn("live-entry--key", page.select_one(f"#entry-{pinned.pk}")["class"])
        # Summary (standfirst, body), then key updates, then the entries.
        order = [
            element
            for element in page.select(".article__standfirst, .live-blog__summary, nav.key-updates, .live-entry")
        ]
        self.assertEqual(order[0]["class"], ["article__standfirst"])
        self.assertIn("live-blog__summary", order[1]["class"])
        self.assertEqual(order[2].name, "nav")

    def test_an_open_live_blog_says_so_and_loads_its_script_without_javascript_needed(self):
        page = html(self.get(self.blog))
        self.assertEqual(page.select_one(".live-blog__status").get_text(strip=True), "Developing story")
        self.assertEqual(page.select_one(".live-blog__refresh").get_text(), "Reload this page for the latest updates.")
        # Without JavaScript every entry is on the page.
        self.assertEqual(len(page.select(".live-entry")), 3)
        root = page.select_one("article.live-blog")
        self.assertEqual(root["data-live-updates"], self.blog.url + "updates/")
        self.assertEqual(root["data-poll-seconds"], str(POLL_SECONDS))
        scripts = page.select("script:not([type='application/ld+json'])")
        self.assertTrue(all(script.get("src") for script in scripts), "no inline script (the CSP forbids it)")
        live_script = page.select_one("script[src$='newsroom/liveblog.js']")
        self.assertTrue(live_script.has_attr("defer"))

    def test_publishing_closed_records_the_closing_time_and_reopening_clears_it(self):
        closed = self.publish(self.blog, is_open=False)
        self.assertEqual(closed.closed_at, closed.last_published_at)
        page = html(self.get(closed))
        status = page.select_one(".live-blog__status")
        self.assertTrue(status.get_text().startswith("This live blog is closed: coverage ended"))
        self.assertEqual(
            datetime.fromisoformat(status.select_one("time")["datetime"]), closed.closed_at.replace(microsecond=0)
        )
        self.assertIsNone(page.select_one("[data-live-updates]"))
        self.assertIsNone(page.select_one("script[src$='newsroom/liveblog.js']"))
        self.assertIsNone(page.select_one(".live-blog__refresh"))
        self.assertEqual(len(page.select(".live-entry")), 3)

        # An edit while closed keeps the time coverage ended.
        edited = self.publish(closed, standfirst="The strike is over.")
        self.assertEqual(edited.closed_at, closed.closed_at)
        reopened = self.publish(edited, is_open=True)
        self.assertIsNone(reopened.closed_at)
        self.assertEqual(
            html(self.get(reopened)).select_one(".live-blog__status").get_text(strip=True), "Developing story"
        )

    def test_links_to_its_topic_and_more_articles(self):
        page = html(self.get(self.blog))
        part_of = page.select_one(".part-of")
        self.assertEqual(part_of.get_text(strip=True), "Part of:Caspian ferry strike")
        self.assertEqual(part_of.select_one("a")["href"], self.topic.url)
        more = page.select(".more-articles .card__title a")
        self.assertTrue(more)
        self.assertTrue(all(link["href"] != self.blog.url for link in more))

    def test_corrections_and_the_update_log_show_as_on_an_article(self):
        ArticleCorrection.objects.create(
            article=self.blog, text="An earlier entry gave the wrong ferry line.", published_at=self.now
        )
        page = html(self.get(self.blog))
        self.assertIn("An earlier entry gave the wrong ferry line.", page.select_one("#corrections").get_text())
        updated = self.publish(self.blog, update_note="Adds the union's statement.")
        self.assertIn("Adds the union's statement.", html(self.get(updated)).select_one(".article__updates").get_text())

    def test_same_query_count_with_3_and_23_entries(self):
        def count():
            self.client.get(self.blog.url)  # renditions made, site cached
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.blog.url).status_code, 200)
            return len(queries)

        few = count()
        LiveBlogEntry.objects.bulk_create(
            LiveBlogEntry(
                live_blog=self.blog,
                headline=f"Update {n}",
                body=f"<p>Update number {n}.</p>",
                posted_at=self.now - timedelta(minutes=n),
                author=self.second_author if n % 2 else self.author,
                image=self.photo if n % 3 == 0 else None,
                image_alt="Lorries queueing",
                pinned=n % 5 == 0,
            )
            for n in range(20)
        )
        self.assertEqual(count(), few)


class UpdatesAddressTests(LiveBlogScenario, NewsroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()

    def updates(self, blog=None):
        response = self.get((blog or self.blog).url + "updates/")
        return response, json.loads(response.content)

    def test_the_newest_entries_with_every_anchor_and_the_page_version(self):
        response, data = self.updates()
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        entries = self.entries()
        anchors = [f"entry-{entry.pk}" for entry in entries]
        self.assertEqual(data["ids"], anchors)
        self.assertEqual([item["id"] for item in data["entries"]], anchors)
        self.assertTrue(data["open"])
        self.assertEqual(data["status"], '<span class="live-label">Developing story</span>')
        page = html(self.get(self.blog))
        self.assertEqual(data["version"], page.select_one("[data-live-version]")["data-live-version"])
        for item in data["entries"]:
            on_page = page.select_one(f"#{item['id']}")
            self.assertEqual(item["version"], on_page["data-version"])
            fragment = html_fragment(item["html"])
            self.assertEqual(fragment["id"], item["id"])
            self.assertEqual(fragment.get_text(" ", strip=True), on_page.get_text(" ", strip=True))
        self.assertIn(f"#entry-{entries[-1].pk}", data["key_updates"])

    def test_only_the_newest_entries_are_sent_in_full(self):
        LiveBlogEntry.objects.bulk_create(
            LiveBlogEntry(live_blog=self.blog, body=f"<p>Old update {n}.</p>", posted_at=self.now - timedelta(days=1))
            for n in range(UPDATES_ENTRY_COUNT)
        )
        _, data = self.updates()
        self.assertEqual(len(data["ids"]), UPDATES_ENTRY_COUNT + 3)
        self.assertEqual(len(data["entries"]), UPDATES_ENTRY_COUNT)
        self.assertEqual([item["id"] for item in data["entries"]], data["ids"][:UPDATES_ENTRY_COUNT])

    def test_a_closed_live_blog_tells_the_script_to_stop(self):
        closed = self.publish(self.blog, is_open=False)
        _, data = self.updates(closed)
        self.assertFalse(data["open"])
        self.assertIn("This live blog is closed", data["status"])
        self.assertEqual(data["version"], closed.live_version)

    def test_an_edited_entry_gets_a_new_version(self):
        _, before = self.updates()
        blog = LiveBlogPage.objects.get(pk=self.blog.pk)
        entries = list(blog.entries.all())
        entry = next(entry for entry in entries if entry.headline == "Queues at the terminal")
        entry.headline = "Queues at the terminal grow"
        blog.entries = entries  # as the editor's form sets them
        with self.captureOnCommitCallbacks(execute=True):
            blog.save_revision().publish()
        _, after = self.updates()
        versions = {item["id"]: item["version"] for item in before["entries"]}
        changed = [item["id"] for item in after["entries"] if versions[item["id"]] != item["version"]]
        self.assertEqual(changed, [f"entry-{entry.pk}"])
        self.assertNotEqual(after["version"], before["version"])

    def test_no_updates_address_below_a_draft(self):
        draft = LiveBlogPageFactory(section=self.caucasus, authors=[self.author], live=False)
        self.assertEqual(self.client.get(draft.url + "updates/").status_code, 404)
        self.assertEqual(self.client.get(self.blog.url + "nothing-here/").status_code, 404)

    def test_same_query_count_with_3_and_23_entries(self):
        def count():
            self.client.get(self.blog.url + "updates/")
            with CaptureQueriesContext(connection) as queries:
                self.client.get(self.blog.url + "updates/")
            return len(queries)

        few = count()
        LiveBlogEntry.objects.bulk_create(
            LiveBlogEntry(
                live_blog=self.blog,
                body=f"<p>Update {n}.</p>",
                posted_at=self.now - timedelta(minutes=n),
                author=self.second_author,
                image=self.photo,
                image_alt="Lorries",
            )
            for n in range(20)
        )
        self.assertEqual(count(), few)


def html_fragment(markup):
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "html.parser").find("article")


class UpdatesCacheTests(LiveBlogScenario, PageCacheTestCase):
    """The updates address is served from the page cache, answers 304s, and changes with every publication."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()

    def test_cached_then_304_then_fresh_after_a_new_entry(self):
        path = self.blog.url + "updates/"
        cached = self.cached(path)
        etag, modified = cached.headers["etag"], cached.headers["last-modified"]
        for hit_source in ("local", "shared"):
            if hit_source == "shared":
                forget_local_copies()
            not_modified = self.reader.get(path, HTTP_IF_NONE_MATCH=etag)
            self.assertEqual(not_modified.status, 304, hit_source)
            self.assertEqual(not_modified.body, b"")
        self.assertEqual(self.reader.get(path, HTTP_IF_MODIFIED_SINCE=modified).status, 304)
        self.assertEqual(self.reader.get(path, HTTP_IF_MODIFIED_SINCE=http_date(0)).status, 200)
        self.assertIn(f"page-{self.blog.pk}", cached.headers["surrogate-key"].split())
        self.cached(self.blog.url)

        new_entry = LiveBlogEntry(headline="Union accepts the offer", body="<p>The strike ends.</p>")
        self.publish(self.blog, new_entry=new_entry)
        fresh = self.assert_fresh(path, expected="Union accepts the offer")
        data = json.loads(fresh.body)
        self.assertEqual(
            data["entries"][0]["id"], f"entry-{LiveBlogEntry.objects.get(headline='Union accepts the offer').pk}"
        )
        self.assertEqual(self.reader.get(path, HTTP_IF_NONE_MATCH=etag).status, 200)
        self.assertNotEqual(fresh.headers["etag"], etag)
        self.assert_fresh(self.blog.url, expected="Union accepts the offer")
        self.assertTrue(self.reader.get(path).hit)

    def test_the_cdn_is_told_about_the_updates_address(self):
        blog = LiveBlogPage.objects.get(pk=self.blog.pk)
        self.assertEqual(blog.get_cached_paths(), ["/", "/updates/"])


class LiveLabelTests(LiveBlogScenario, NewsroomTestCase):
    """Open live blogs are labelled "Live" wherever articles are listed, for no query per card."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()

    def live_cards(self, url):
        page = html(self.get(url))
        return [label.find_next("a").get_text() for label in page.select(".card .live-label")]

    def test_open_live_blogs_are_labelled_in_listings_and_closed_ones_are_not(self):
        for url in ("/", self.caucasus.url, self.author.url, "/tags/ports/", self.articles[0].url):
            self.assertIn("Ferry strike: live", self.live_cards(url), url)
        self.publish(self.blog, is_open=False)
        for url in ("/", self.caucasus.url):
            self.assertEqual(self.live_cards(url), [], url)

    def test_labels_cost_no_query_per_card(self):
        def count():
            self.client.get(self.caucasus.url)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(self.caucasus.url)
            return len(queries)

        one = count()
        for n in range(3):
            LiveBlogPageFactory(
                section=self.caucasus,
                authors=[self.author],
                first_published_at=timezone.now() - timedelta(minutes=n),
            )
        self.assertEqual(len(self.live_cards(self.caucasus.url)), 4)
        self.assertEqual(count(), one)


class LiveBlogJsonLdTests(LiveBlogScenario, NewsroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()

    def json_ld(self, blog):
        scripts = html(self.get(blog)).find_all("script", type="application/ld+json")
        self.assertEqual(len(scripts), 1)
        data = json.loads(scripts[0].string)
        self.assertEqual(data["@context"], "https://schema.org")
        return {item["@type"]: item for item in data["@graph"]}

    def assert_iso_with_zone(self, value):
        self.assertIsNotNone(datetime.fromisoformat(value).tzinfo, value)

    def test_a_live_blog_posting_with_an_update_per_entry(self):
        graph = self.json_ld(self.blog)
        self.assertEqual(set(graph), {"LiveBlogPosting", "BreadcrumbList"})  # not a NewsArticle
        posting = graph["LiveBlogPosting"]
        full_url = f"http://localhost{self.blog.url}"
        self.assertEqual(posting["headline"], "Ferry strike: live")
        self.assertEqual(posting["mainEntityOfPage"], {"@type": "WebPage", "@id": full_url})
        self.assertEqual(datetime.fromisoformat(posting["coverageStartTime"]), self.blog.first_published_at)
        self.assertNotIn("coverageEndTime", posting)
        for key in ("datePublished", "dateModified", "coverageStartTime"):
            self.assert_iso_with_zone(posting[key])
        self.assertEqual(posting["author"][0]["name"], "Nino Kapanadze")
        self.assertEqual(posting["publisher"]["@type"], "NewsMediaOrganization")

        updates = posting["liveBlogUpdate"]
        entries = self.entries()
        self.assertEqual([update["url"] for update in updates], [f"{full_url}#entry-{entry.pk}" for entry in entries])
        for update, entry in zip(updates, entries, strict=True):
            self.assertEqual(update["@type"], "BlogPosting")
            self.assertTrue(update["headline"])
            self.assertLessEqual(len(update["headline"]), 110)
            self.assertEqual(datetime.fromisoformat(update["datePublished"]), entry.posted_at)
            self.assert_iso_with_zone(update["datePublished"])
            self.assertEqual(update["author"]["name"], entry.author.title)
            self.assertEqual(update["author"]["url"], f"http://localhost{entry.author.url}")
            self.assertNotIn("<", update["articleBody"])
        newest, middle, oldest = updates
        self.assertEqual(newest["headline"], "Talks between the union and the port resume at noon & go on.")
        self.assertEqual(oldest["articleBody"], "Crews walked off the ferries at six.")
        self.assertTrue(middle["image"].startswith("http://testserver/media/images/"))
        self.assertTrue(middle["image"].endswith(".jpg"))
        self.assertNotIn("image", newest)

    def test_a_closed_live_blog_says_when_coverage_ended(self):
        closed = self.publish(self.blog, is_open=False)
        posting = self.json_ld(closed)["LiveBlogPosting"]
        self.assertEqual(datetime.fromisoformat(posting["coverageEndTime"]), closed.closed_at)
        self.assert_iso_with_zone(posting["coverageEndTime"])

    def test_an_ordinary_article_keeps_its_news_article(self):
        graph = self.json_ld(self.articles[0])
        self.assertIn("NewsArticle", graph)
        self.assertNotIn("LiveBlogPosting", graph)


class LiveBlogEditorTests(LiveBlogScenario, NewsroomTestCase):
    """What editors get: the live blog's form, and previews of a draft or of a live blog not saved yet."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()

    def setUp(self):
        self.client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))

    def test_the_editor_has_the_live_blog_fields(self):
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.blog.pk]))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for label in ("Developing story", "Entries (newest first on the page)", "Pinned", "Alt text", "Topics"):
            self.assertIn(label, content)
        folder = self.blog.get_parent()
        add_form = reverse("wagtailadmin_pages:add", args=["newsroom", "liveblogpage", folder.pk])
        self.assertEqual(self.client.get(add_form).status_code, 200)

    def test_a_draft_entry_shows_in_the_preview_only(self):
        blog = LiveBlogPage.objects.get(pk=self.blog.pk)
        blog.entries.add(LiveBlogEntry(headline="Not yet checked", body="<p>Unconfirmed reports.</p>"))
        blog.save_revision()
        preview = blog.make_preview_request()
        self.assertEqual(preview.status_code, 200)
        self.assertIn("Not yet checked", preview.content.decode())
        self.assertIsNone(html(preview).select_one("[data-live-updates]"), "the published entries would replace it")
        self.assertNotIn("Not yet checked", self.client.get(self.blog.url).content.decode())
        self.client.logout()
        self.assertNotIn("Not yet checked", self.client.get(self.blog.url + "updates/").content.decode())

    def test_a_live_blog_not_saved_yet_can_be_previewed(self):
        blog = LiveBlogPage(title="A new live blog", slug="a-new-live-blog", standfirst="Just starting.", body=[])
        blog.entries = [LiveBlogEntryFactory.build(headline="First line", pinned=True)]
        response = blog.make_preview_request()
        self.assertEqual(response.status_code, 200)
        page = html(response)
        self.assertEqual(page.select_one(".live-entry h3").get_text(), "First line")
        self.assertEqual(page.select_one(".key-updates a")["href"], f"#{page.select_one('.live-entry')['id']}")
