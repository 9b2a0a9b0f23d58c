"""Searching the admin: pages, images, documents and the choosers, whole words and as-you-type, on either database."""

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from caspian.newsroom.factories import ArticlePageFactory, NewsImageFactory

from ..newsroom.scenario import NewsroomTestCase


class AdminSearchTests(NewsroomTestCase):
    article_count = 2

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = User.objects.create_superuser("editor", "editor@caspian.example", "not-used")
        cls.story = ArticlePageFactory(
            section=cls.caucasus,
            authors=[cls.author],
            title="Ferry workers in Aktau walk out over pay",
            standfirst="Crews stopped work at dawn, and the port office has said nothing since.",
        )
        # Named in another's short standfirst only: the headline match still comes first.
        cls.mention = ArticlePageFactory(
            section=cls.caucasus, authors=[cls.author], title="Port news", standfirst="Aktau ferry strike."
        )
        cls.image = NewsImageFactory(title="Aktau ferry terminal at dawn")
        cls.document = Document.objects.create(
            title="Aktau port tariffs 2026", file=ContentFile(b"%PDF-", "tariffs.pdf")
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def search(self, url_name, query, **params):
        response = self.client.get(reverse(url_name), {"q": query, **params})
        self.assertEqual(response.status_code, 200, f"{url_name} ?q={query}")
        return response.content.decode()

    def test_pages_are_found_by_word_and_as_typed_headline_first(self):
        for query in ("Aktau", "akt", "ferry workers"):
            with self.subTest(query=query):
                found = self.search("wagtailadmin_pages:search", query)
                self.assertIn(reverse("wagtailadmin_pages:edit", args=[self.story.pk]), found)
        for query in ("Aktau", "akt"):
            with self.subTest(query=query, ranking=True):
                # Found by a word of its standfirst too, after the story with the word in its headline.
                found = self.search("wagtailadmin_pages:search", query)
                headline = found.find(reverse("wagtailadmin_pages:edit", args=[self.story.pk]))
                standfirst = found.find(reverse("wagtailadmin_pages:edit", args=[self.mention.pk]))
                self.assertNotEqual(standfirst, -1, "a story is found by a word of its standfirst")
                self.assertLess(headline, standfirst)

    def test_the_page_chooser_finds_a_story(self):
        for query in ("Aktau", "akt"):
            with self.subTest(query=query):
                found = self.search("wagtailadmin_choose_page_search", query)
                self.assertIn("Ferry workers in Aktau walk out over pay", found)
                self.assertNotIn("About us", found)

    def test_images_and_documents_are_found_in_their_lists_and_choosers(self):
        for url_name, edit in (
            ("wagtailimages:index", reverse("wagtailimages:edit", args=[self.image.pk])),
            ("wagtailimages_chooser:choose_results", reverse("wagtailimages_chooser:chosen", args=[self.image.pk])),
            ("wagtaildocs:index", reverse("wagtaildocs:edit", args=[self.document.pk])),
            ("wagtaildocs_chooser:choose_results", reverse("wagtaildocs_chooser:chosen", args=[self.document.pk])),
        ):
            for query in ("Aktau", "akt"):
                with self.subTest(url_name=url_name, query=query):
                    self.assertIn(edit, self.search(url_name, query))
