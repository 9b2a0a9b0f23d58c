"""What the API shows: every resource, its filters, and never what a reader could not see."""

import json
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from caspian.newsroom import sites
from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage, AuthorPage

from .scenario import ApiTestCase

TOO_BIG = "9" * 20  # above 2**63 - 1, the largest id a page can have


def ids(page):
    return [item["id"] for item in page["items"]]


class ContentTests(ApiTestCase):
    def public_ids(self):
        """The public articles of the site, newest first (the live blog is newest)."""
        return [self.live_blog.pk, *(article.pk for article in self.articles)]

    def test_articles_are_the_sites_public_ones_newest_first(self):
        page = self.api("articles/")
        self.assertEqual(ids(page), self.public_ids())
        self.assertIsNone(page["next"])
        for hidden in (self.draft, self.private, self.foreign):
            self.api(f"articles/{hidden.pk}/", status=404)

    def test_an_article_in_full(self):
        article = self.articles[1]
        data = self.api(f"articles/{article.pk}/")
        self.assertEqual(data["title"], article.title)
        self.assertEqual(data["kind"], "article")
        self.assertEqual(data["language"], "en")
        self.assertEqual(data["url"], article.full_url)
        self.assertEqual(data["api_url"], f"http://testserver/api/v1/articles/{article.pk}/")
        self.assertEqual(data["section"]["slug"], self.caucasus.slug)
        self.assertEqual([author["name"] for author in data["bylines"]], ["Nino Kapanadze"])
        self.assertEqual(data["tags"], [{"name": "Rail", "slug": "rail"}])
        self.assertEqual(data["body"][0]["type"], "paragraph")
        self.assertIn("The first paragraph of the story.", data["body"][0]["value"])
        self.assertIn("<p>The first paragraph of the story.</p>", data["body_html"])
        self.assertEqual([c["text"] for c in data["corrections"]], ["The vote is on 3 March."])
        self.assertEqual(data["published_at"][:16], article.first_published_at.isoformat()[:16])
        self.assertIsNone(data["updated_at"])
        renditions = data["lead_image"]["renditions"]
        self.assertEqual(set(renditions), {"thumbnail", "medium", "large"})
        self.assertTrue(renditions["thumbnail"]["url"].startswith("http://testserver/media/images/"))
        self.assertEqual((renditions["thumbnail"]["width"], renditions["thumbnail"]["height"]), (320, 180))

    def test_an_updated_article_gives_its_honest_dates(self):
        article = self.articles[2]
        updated_at = article.first_published_at + timedelta(hours=2)
        ArticlePage.objects.filter(pk=article.pk).update(updated_at=updated_at)
        article.updates.create(note="Adds the minister's answer.", published_at=updated_at)
        data = self.api(f"articles/{article.pk}/")
        self.assertEqual(data["updated_at"][:19], updated_at.isoformat()[:19])
        self.assertEqual(data["updates"][0]["note"], "Adds the minister's answer.")

    def test_filters(self):
        caucasus = [pk for pk in self.public_ids() if pk not in (self.articles[0].pk, self.articles[3].pk)]
        self.assertEqual(ids(self.api("articles/?section=south-caucasus")), caucasus)
        self.assertEqual(ids(self.api(f"articles/?section={self.caucasus.pk}")), caucasus)
        self.assertEqual(ids(self.api("articles/?tag=ports")), [a.pk for a in self.articles[::2]])
        self.assertEqual(ids(self.api("articles/?author=timur-saidov")), [self.live_blog.pk])
        self.assertEqual(ids(self.api(f"articles/?topic={self.topic.slug}")), [self.articles[0].pk])
        middle = self.articles[2].first_published_at.isoformat()
        older = ids(self.api("articles/", data={"published_before": middle}))
        self.assertEqual(older, [a.pk for a in self.articles[3:]])
        newer = ids(self.api("articles/", data={"published_after": middle}))
        self.assertEqual(newer, self.public_ids()[:3])
        since = (self.now - timedelta(minutes=15)).isoformat()
        self.assertEqual(ids(self.api("articles/", data={"updated_since": since})), [self.live_blog.pk])

    def test_bad_filters_say_what_is_allowed(self):
        error = self.api("articles/?section=nowhere", status=400)
        self.assertEqual(error["status"], 400)
        self.assertIn("No section 'nowhere'", error["error"])
        self.assertIn("/api/v1/sections/", error["error"])
        self.assertIn("/api/v1/tags/", self.api("articles/?tag=nothing", status=400)["error"])
        error = self.api("articles/?published_after=yesterday", status=400)["error"]
        self.assertIn("published_after", error)
        self.assertIn("limit", self.api("articles/?limit=1000", status=400)["error"])
        self.assertIn("staff-only", str(self.api("articles/?section=staff-only", status=400)))

    def test_sections_authors_topics_and_tags(self):
        sections = self.api("sections/")
        self.assertEqual([s["slug"] for s in sections["items"]], ["central-asia", "south-caucasus"])
        self.assertEqual(self.api(f"sections/{self.caucasus.pk}/")["title"], "South Caucasus")
        self.api(f"sections/{self.private_section.pk}/", status=404)
        authors = self.api("authors/")["items"]
        self.assertEqual([a["name"] for a in authors], ["Nino Kapanadze", "Timur Saidov"])
        self.assertEqual(set(authors[0]["photo"]["renditions"]), {"thumbnail", "medium", "large"})
        self.assertEqual(self.api(f"authors/{self.author.pk}/")["bio"], self.author.bio)
        self.assertEqual(ids(self.api("topics/")), [self.topic.pk])
        self.assertEqual(self.api(f"topics/{self.topic.pk}/")["title"], "Caspian ports")
        self.assertEqual([t["slug"] for t in self.api("tags/")["items"]], ["ports", "rail"])
        self.assertEqual(self.api("tags/ports/")["name"], "Ports")
        self.api("tags/nothing/", status=404)

    def test_live_blogs_and_their_entries(self):
        self.assertEqual(ids(self.api("live-blogs/")), [self.live_blog.pk])
        page = self.api(f"live-blogs/{self.live_blog.pk}/entries/?limit=2")
        self.assertTrue(page["live_blog_open"])
        self.assertEqual(page["live_blog"]["kind"], "live_blog")
        entries = list(self.live_blog.entries.order_by("-posted_at"))
        self.assertEqual(ids(page), [entry.pk for entry in entries[:2]])
        self.assertEqual(page["items"][0]["author"]["name"], "Nino Kapanadze")
        self.assertIn("What happened", page["items"][0]["body_html"])
        rest = self.api(page["next"])
        self.assertEqual(ids(rest), [entries[2].pk])
        self.assertIsNone(rest["next"])
        self.api(f"live-blogs/{self.articles[0].pk}/entries/", status=404)
        self.assertTrue(self.api(f"articles/{self.live_blog.pk}/")["live_blog_open"])

    def test_corrections_log_is_what_the_corrections_page_shows(self):
        page = self.api("corrections/")
        self.assertEqual([c["text"] for c in page["items"]], ["The vote is on 3 March."])
        self.assertEqual(page["items"][0]["article"]["id"], self.articles[1].pk)
        self.assertContains(self.client.get("/corrections/"), "The vote is on 3 March.")

    def test_another_site_sees_its_own(self):
        page = self.api("articles/", HTTP_HOST="other.example")
        self.assertEqual(ids(page), [self.foreign.pk])
        self.api(f"articles/{self.articles[0].pk}/", status=404, HTTP_HOST="other.example")
        corrections = self.api("corrections/", HTTP_HOST="other.example")["items"]
        self.assertEqual([c["article"]["id"] for c in corrections], [self.foreign.pk])
        self.assertEqual([t["slug"] for t in self.api("tags/", HTTP_HOST="other.example")["items"]], [])

    def test_head_answers_as_get_without_a_body(self):
        response = self.client.head("/api/v1/sections/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["ETag"], self.client.get("/api/v1/sections/")["ETag"])

    def test_errors_are_json(self):
        self.assertIn("No article", self.api("articles/999999/", status=404)["error"])
        self.assertIn("/api/v1/docs", self.api("/api/v1/nothing/here", status=404)["error"])
        self.api("articles/not-a-number/", status=404)

    def test_ids_no_page_can_have_are_a_404_or_400_before_any_page_query(self):
        for path in (f"articles/{TOO_BIG}/", f"sections/{TOO_BIG}/", f"authors/{TOO_BIG}/", f"topics/{TOO_BIG}/"):
            with self.subTest(path), CaptureQueriesContext(connection) as queries:
                self.assertIn("is published here", self.api(path, status=404)["error"])
            self.assertFalse([q for q in queries if f"= {TOO_BIG}" in q["sql"]], path)  # no lookup by that id
        self.api(f"live-blogs/{TOO_BIG}/entries/", status=404)
        for name, value in (("section", TOO_BIG), ("section", "\u00b2"), ("author", "9" * 5000), ("topic", TOO_BIG)):
            with self.subTest(name=name, value=value[:20]):
                error = self.api("articles/", status=400, data={name: value})["error"]
                self.assertIn(f"No {name}", error)
                self.assertIn(f"/api/v1/{name}s/", error)

    def test_times_out_of_range_in_utc_are_a_400_naming_the_filter(self):
        for name, value in (
            ("published_after", "0001-01-01T00:00:00+14:00"),
            ("published_before", "0001-01-01T00:00:00+01:00"),
            ("updated_since", "9999-12-31T23:59:59-14:00"),
        ):
            with self.subTest(name):
                error = self.api("articles/", status=400, data={name: value})["error"]
                self.assertIn(f"{name}: {value} is out of range", error)
        # The ends of the range themselves are fine: everything is after the year 1.
        self.assertEqual(
            ids(self.api("articles/", data={"published_after": "0001-01-01T00:00:00Z"})), self.public_ids()
        )

    def test_a_tag_only_on_drafts_or_private_articles_answers_as_an_unknown_tag(self):
        for hidden in (self.draft, self.private):
            page = ArticlePage.objects.get(pk=hidden.pk)
            page.tags.add("embargoed-merger")
            page.save()
        hidden = self.api("articles/?tag=embargoed-merger", status=400)["error"]
        unknown = self.api("articles/?tag=nothing-like-this", status=400)["error"]
        self.assertEqual(hidden.replace("embargoed-merger", "X"), unknown.replace("nothing-like-this", "X"))

    def test_bylines_keep_the_name_of_an_author_whose_page_is_not_public_without_an_api_url(self):
        article, entries = f"articles/{self.articles[1].pk}/", f"live-blogs/{self.live_blog.pk}/entries/"
        public = self.api(article)["bylines"][0]
        self.assertEqual(public["api_url"], f"http://testserver/api/v1/authors/{self.author.pk}/")
        self.api(public["api_url"])
        self.assertEqual(self.api(entries)["items"][0]["author"]["api_url"], public["api_url"])
        AuthorPage.objects.filter(pk=self.author.pk).update(live=False)
        self._check_unlinked(article, entries)
        AuthorPage.objects.filter(pk=self.author.pk).update(live=True)
        PageViewRestriction.objects.create(page=self.author, restriction_type="login")
        sites.invalidate()
        self._check_unlinked(article, entries)

    def _check_unlinked(self, article, entries):
        self.api(f"authors/{self.author.pk}/", status=404)
        byline = self.api(article)["bylines"][0]
        self.assertEqual((byline["name"], byline["api_url"]), ("Nino Kapanadze", None))
        self.assertEqual([a["api_url"] for a in self.api("articles/?limit=100")["items"][1]["bylines"]], [None])
        entry_author = self.api(entries)["items"][0]["author"]
        self.assertEqual((entry_author["name"], entry_author["api_url"]), ("Nino Kapanadze", None))

    def test_rich_text_in_body_blocks_has_real_links_as_body_html_does(self):
        target = self.articles[2]
        link = f'<a linktype="page" id="{target.pk}">the vote</a>'
        body = [
            {"type": "paragraph", "value": f"<p>See {link}.</p>"},
            {"type": "fact_box", "value": {"title": "Facts", "body": f"<ul><li>{link}</li></ul>"}},
        ]
        article = ArticlePageFactory(section=self.caucasus, authors=[self.author], body=json.dumps(body))
        data = self.api(f"articles/{article.pk}/")
        href = f'href="{target.url}"'
        paragraph, fact_box = data["body"]
        self.assertIn(href, paragraph["value"])
        self.assertEqual(fact_box["value"]["title"], "Facts")
        self.assertIn(href, fact_box["value"]["body"])
        self.assertNotIn("linktype", json.dumps(data["body"]))
        self.assertIn(href, data["body_html"])
