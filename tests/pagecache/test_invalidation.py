"""Every change readers should see takes the old cached pages away: one test per event.

Each test fills the cache with the pages that show the change, makes the
change the way editors (or moderators) do, and checks that the next
request for each page is rendered afresh and shows it.
"""

from caspian.comments.factories import CommentFactory
from caspian.comments.models import Status
from caspian.comments.moderation import set_status
from caspian.newsroom.models import ArticlePage, AuthorPage, HomePage, MustReadPick, PublicationSettings, SectionPage

from .helpers import PageCacheTestCase

FEEDS = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]


class ArticleEventTests(PageCacheTestCase):
    def listings(self, article):
        """Pages that list ``article`` (or would list a new one like it)."""
        tags = [f"/tags/{tag.slug}/" for tag in article.tags.all()]
        return ["/", article.section.url, article.get_parent().url, self.author.url, *tags, *FEEDS]

    def test_publishing_a_new_article(self):
        other = self.articles[3]
        watched = ["/", self.caucasus.url, self.author.url, "/tags/ports/", other.url, *FEEDS, "/sitemap-articles.xml"]
        for path in watched:
            self.cached(path)
        draft = self.new_draft("Ferry timetable doubles for the spring", tags=["Ports"])
        article = self.publish(draft)
        for path in [*watched, article.get_parent().url]:
            self.assert_fresh(path, expected=article.slug)  # linked from pages, listed in the sitemap

    def test_publishing_an_edit(self):
        article = self.articles[1]
        watched = [article.url, *self.listings(article), self.articles[2].url]
        for path in watched:
            self.cached(path)
        self.publish(article, title="Port authority names a new director")
        for path in watched:
            self.assert_fresh(path, expected="Port authority names a new director")

    def test_an_edit_leaves_pages_that_do_not_show_the_article_cached(self):
        article = self.articles[1]  # South Caucasus
        self.cached(self.central_asia.url)
        self.publish(article, title="Port authority names a new director")
        self.assertTrue(self.reader.get(self.central_asia.url).hit)

    def assert_taken_down(self, take_down):
        """After ``take_down(article)``, the article is gone and no page lists it."""
        article = self.articles[0]
        watched = self.listings(article)
        for path in [article.url, *watched]:
            self.cached(path)
        with self.captureOnCommitCallbacks(execute=True):
            take_down(ArticlePage.objects.get(pk=article.pk))
        self.assert_fresh(article.url, status=404)
        for path in watched:
            self.assert_fresh(path, absent=article.title)

    def test_unpublishing(self):
        self.assert_taken_down(lambda article: article.unpublish())

    def test_deleting(self):
        self.assert_taken_down(lambda article: article.delete())

    def test_moving_to_another_section(self):
        article = self.articles[1]  # South Caucasus
        old_url = article.url
        for path in [old_url, self.caucasus.url, self.central_asia.url]:
            self.cached(path)
        folder = self.central_asia.year_folder(article.first_published_at.year)
        with self.captureOnCommitCallbacks(execute=True):
            ArticlePage.objects.get(pk=article.pk).move(folder, pos="last-child")
        moved = ArticlePage.objects.get(pk=article.pk)
        redirect = self.assert_fresh(old_url, status=301)  # Wagtail's automatic redirect
        self.assertEqual(redirect.headers["location"], moved.url)
        self.assert_fresh(self.caucasus.url, absent=article.title)
        self.assert_fresh(self.central_asia.url, expected=article.title)
        self.assert_fresh(moved.url, expected="Central Asia")


class CommentTests(PageCacheTestCase):
    def test_approving_a_comment(self):
        article = self.articles[1]
        comment = CommentFactory(article=article, body="The harbour master confirmed it.", status=Status.PENDING)
        self.cached(article.url)
        self.cached(self.caucasus.url)
        self.cached(self.central_asia.url)
        with self.captureOnCommitCallbacks(execute=True):
            set_status([comment.pk], Status.APPROVED)
        self.assert_fresh(article.url, expected="The harbour master confirmed it.")
        self.assert_fresh(self.caucasus.url)  # its card shows the comment count
        self.assertTrue(self.reader.get(self.central_asia.url).hit)  # does not show the article

    def test_removing_a_comment(self):
        article = self.articles[1]
        comment = CommentFactory(article=article, body="A comment that breaks the rules.", status=Status.APPROVED)
        self.cached(article.url)
        with self.captureOnCommitCallbacks(execute=True):
            set_status([comment.pk], Status.TRASH)
        self.assert_fresh(article.url, absent="A comment that breaks the rules.")


class CurationTests(PageCacheTestCase):
    def test_changing_must_read(self):
        pick, reader_page = self.articles[4], self.articles[0]
        for path in ["/", reader_page.url]:
            self.cached(path)
        home = HomePage.objects.get(pk=self.home.pk)
        home.must_read_picks.add(MustReadPick(article=pick, sort_order=0))
        with self.captureOnCommitCallbacks(execute=True):
            home.save_revision().publish()
        for path in ["/", reader_page.url]:
            response = self.assert_fresh(path)
            must_read = response.html().select_one(".must-read")
            self.assertIsNotNone(must_read, path)
            self.assertIn(pick.title, must_read.get_text(), path)

    def test_editing_an_author(self):
        article = self.articles[1]
        for path in [article.url, self.author.url]:
            self.cached(path)
        author = AuthorPage.objects.get(pk=self.author.pk)
        author.bio = "Nino now reports from Yerevan."
        with self.captureOnCommitCallbacks(execute=True):
            author.save_revision().publish()
        for path in [article.url, self.author.url]:
            self.assert_fresh(path, expected="Nino now reports from Yerevan.")

    def test_editing_a_section(self):
        article = self.articles[1]
        watched = ["/", self.caucasus.url, article.url]
        for path in watched:
            self.cached(path)
        section = SectionPage.objects.get(pk=self.caucasus.pk)
        section.title = "Caucasus and Black Sea"
        with self.captureOnCommitCallbacks(execute=True):
            section.save_revision().publish()
        for path in watched:
            self.assert_fresh(path, expected="Caucasus and Black Sea")

    def test_changing_publication_settings(self):
        self.cached("/")
        publication = PublicationSettings.objects.get()
        publication.tagline = "Reporting from the Caspian shore since 2026"
        with self.captureOnCommitCallbacks(execute=True):
            publication.save()
        self.assert_fresh("/", expected="Reporting from the Caspian shore since 2026")


class BulkWriteTests(PageCacheTestCase):
    def test_generating_an_archive_empties_the_page_cache(self):
        from caspian.demo import archive

        for path in ["/", self.caucasus.url, self.articles[0].url]:
            self.cached(path)
        archive.generate(3, lead_images=False, search_index=False)
        for path in ["/", self.caucasus.url, self.articles[0].url]:
            self.assert_fresh(path)
