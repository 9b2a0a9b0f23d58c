"""What the API shows: every resource, its filters, and never what a reader could not see."""

from datetime import timedelta

from caspian.newsroom.models import ArticlePage

from .scenario import ApiTestCase


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
