"""The reader's search page, on the real search backend (SQLite FTS5, or PostgreSQL)."""

from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import NewsroomTestCase, html


class SearchTests(NewsroomTestCase):
    def titles(self, response):
        return [a.get_text() for a in html(response).select(".search-result__title a")]

    def test_a_title_match_outranks_a_body_match(self):
        body_only = ArticlePageFactory(
            section=self.caucasus,
            authors=[self.author],
            title="Harbour works resume",
            body=[("paragraph", RichText("<p>Divers checked the sturgeon nets near the pier.</p>"))],
        )
        in_title = ArticlePageFactory(section=self.central_asia, authors=[self.author], title="Sturgeon quotas cut")
        titles = self.titles(self.get("/search/?q=sturgeon"))
        self.assertEqual(titles, [in_title.title, body_only.title])

    def test_only_public_articles_of_this_site(self):
        hidden = ArticlePageFactory(section=self.caucasus, authors=[self.author], title="Secret sturgeon plan")
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
        draft = ArticlePageFactory(section=self.caucasus, authors=[self.author], title="Draft sturgeon story")
        ArticlePage.objects.get(pk=draft.pk).unpublish()
        self.assertEqual(self.titles(self.get("/search/?q=sturgeon")), [])

    def test_the_query_is_shown_back_escaped_and_nothing_found_is_polite(self):
        response = self.get("/search/?q=<script>alert(1)</script>")
        self.assertNotIn(b"<script>alert(1)", response.content)
        page = html(response)
        self.assertEqual(page.select_one("#search-q")["value"], "<script>alert(1)</script>")
        self.assertIn("Nothing found for “<script>alert(1)</script>”.", page.select_one(".search-summary").get_text())
        self.assertIn("South Caucasus", page.select_one(".search-suggestions").get_text())

    def test_empty_long_and_odd_queries_never_fail(self):
        for query in ("", "   ", "x" * 5000, '"unbalanced', "AND OR NOT", "*", "ö ç ğ 🐟", "%00", "(((", "-"):
            with self.subTest(query=query[:20]):
                response = self.client.get("/search/", {"q": query})
                self.assertEqual(response.status_code, 200)
                self.assertLessEqual(len(html(response).select_one("#search-q")["value"]), 200)

    def test_results_are_paged_and_pages_keep_the_query(self):
        for n in range(25):
            ArticlePageFactory(section=self.caucasus, authors=[self.author], title=f"Caviar report {n}")
        first = html(self.get("/search/?q=caviar"))
        self.assertIn("25 articles found", first.select_one(".search-summary").get_text())
        self.assertEqual(first.select_one('.pagination a[rel="next"]')["href"], "?q=caviar&page=2")
        self.assertTrue(self.titles(self.get("/search/?q=caviar&page=2")))

    def test_filters_by_section_author_and_dates(self):
        from datetime import timedelta

        old = ArticlePageFactory(
            section=self.central_asia,
            authors=[self.second_author],
            title="Sturgeon farms in the delta",
            first_published_at=self.now - timedelta(days=40),
        )
        new = ArticlePageFactory(section=self.caucasus, authors=[self.author], title="Sturgeon exports rise")

        def found(**filters):
            return self.titles(self.client.get("/search/", {"q": "sturgeon", **filters}))

        self.assertEqual(set(found()), {old.title, new.title})
        self.assertEqual(found(section=self.caucasus.slug), [new.title])
        self.assertEqual(found(author=self.second_author.slug), [old.title])
        day = (self.now - timedelta(days=40)).date()
        self.assertEqual(
            found(**{"from": str(day - timedelta(days=1)), "to": str(day + timedelta(days=1))}), [old.title]
        )
        self.assertEqual(found(**{"from": str(self.now.date())}), [new.title])
        response = self.client.get("/search/", {"q": "sturgeon", "from": "last week"})
        self.assertEqual(set(self.titles(response)), {old.title, new.title})  # the bad date is left out, and said so
        self.assertIn("“last week” is not a date", html(response).select_one(".search-problem").get_text())

    def test_search_words_are_highlighted_safely(self):
        ArticlePageFactory(
            section=self.caucasus, authors=[self.author], title="Sturgeon & <caviar>", standfirst="Sturgeons return."
        )
        result = html(self.get("/search/?q=sturgeon"))
        self.assertEqual([m.get_text() for m in result.select(".search-result mark")], ["Sturgeon", "Sturgeons"])
        self.assertEqual(result.select_one(".search-result__title").get_text(), "Sturgeon & <caviar>")
        self.assertIsNone(result.select_one(".search-result caviar"))

    def test_the_masthead_links_to_search(self):
        self.assertEqual(html(self.get("/")).select_one(".masthead__search a")["href"], "/search/")
