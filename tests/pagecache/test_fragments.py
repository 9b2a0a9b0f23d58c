"""Parts of pages kept rendered under the page cache's tags (caspian.fragments, pagecache/fragments.py).

First the keeper itself, with parts that count their renders; then the
article page, whose Must read, Latest, More articles, comments and author
boxes are such parts: a miss renders only what changed, and every change
readers should see still shows on the next page.
"""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caspian import fragments
from caspian.comments.factories import CommentFactory
from caspian.comments.models import Status
from caspian.comments.moderation import set_status
from caspian.newsroom.cache_tags import LATEST, page_tag
from caspian.newsroom.models import ArticlePage, SectionPage
from caspian.pagecache import dependencies, store

from .helpers import PageCacheTestCase


class Part:
    """A part that counts its renders and loads ``article`` while rendering, as a list of teasers would."""

    def __init__(self, article=None):
        self.renders = 0
        self.article = article

    def __call__(self):
        self.renders += 1
        if self.article is not None:
            ArticlePage.objects.get(pk=self.article.pk)
        return f"<p>render {self.renders}</p>"


class KeeperTests(PageCacheTestCase):
    def test_a_part_is_rendered_once_and_kept_until_a_tag_it_declares_changes(self):
        part = Part()
        self.assertEqual(fragments.cached("part", part, {LATEST}), "<p>render 1</p>")
        self.assertEqual(fragments.cached("part", part, {LATEST}), "<p>render 1</p>")
        store.invalidate({"must-read"})  # not one of its tags
        self.assertEqual(fragments.cached("part", part, {LATEST}), "<p>render 1</p>")
        store.invalidate({LATEST})  # soft, as a publication does: a part is never served stale
        self.assertEqual(fragments.cached("part", part, {LATEST}), "<p>render 2</p>")

    def test_a_page_loaded_while_rendering_is_a_tag_of_the_part_and_of_the_page_around_it(self):
        article = self.articles[2]
        part = Part(article)
        for _ in range(2):  # rendered, then kept: the page around it depends on the article either way
            with dependencies.collecting() as collected:
                fragments.cached("part", part)
            self.assertIn(page_tag(article.pk), collected)
        self.assertEqual(part.renders, 1)
        store.invalidate({page_tag(article.pk)})
        fragments.cached("part", part)
        self.assertEqual(part.renders, 2)

    def test_a_part_rendered_while_something_was_invalidated_is_not_kept(self):
        def render():
            store.invalidate({"must-read"})  # another request's publication, during this render
            return "<p>maybe stale</p>"

        fragments.cached("part", render, {LATEST})
        part = Part()
        fragments.cached("part", part, {LATEST})
        self.assertEqual(part.renders, 1)

    @override_settings(FRAGMENT_CACHE=False)
    def test_switched_off_every_part_is_rendered_every_time(self):
        part = Part()
        fragments.cached("part", part)
        fragments.cached("part", part)
        self.assertEqual(part.renders, 2)


@override_settings(PAGE_CACHE=False)  # every request renders the page: only its parts are kept
class ArticlePartsTests(PageCacheTestCase):
    def queries(self, path):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return response.content.decode(), [query["sql"] for query in queries]

    def test_a_second_article_reads_no_list_it_shares_with_the_first(self):
        self.queries(self.articles[1].url)
        _, first = self.queries(self.articles[1].url)
        self.queries(self.articles[2].url)  # its own More articles, comments: rendered once
        _, second = self.queries(self.articles[2].url)
        self.assertEqual(len(first), len(second))
        self.assertFalse([sql for sql in second if "comments_comment" in sql], "the comments came rendered")

    def test_latest_leaves_out_the_article_itself_and_shows_a_new_publication(self):
        page, _ = self.queries(self.articles[0].url)
        latest = page[page.index('id="latest-heading"') :]
        self.assertNotIn(self.articles[0].title, latest)  # the newest article: not in its own Latest
        self.assertIn(self.articles[1].title, latest)
        draft = self.new_draft("Ferry timetable doubles for the spring")
        self.publish(draft)
        page, _ = self.queries(self.articles[3].url)
        self.assertIn("Ferry timetable doubles for the spring", page[page.index('id="latest-heading"') :])

    def test_an_approved_comment_and_an_edited_teaser_show_on_the_next_render(self):
        article, other = self.articles[1], self.articles[2]
        self.queries(article.url)
        comment = CommentFactory(article=article, body="Kept parts never hide this.", status=Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            set_status([comment.pk], Status.APPROVED)
        self.publish(other, title="Port authority names a new director")
        page, _ = self.queries(article.url)
        self.assertIn("Kept parts never hide this.", page)
        self.assertIn("Port authority names a new director", page)  # in Latest, Must read or More articles

    def test_the_article_itself_is_kept_until_it_or_its_section_changes(self):
        article = self.articles[1]
        self.queries(article.url)
        page, queries = self.queries(article.url)
        self.assertFalse([sql for sql in queries if "newsroom_articlebyline" in sql], "the byline came kept")
        section = SectionPage.objects.get(pk=article.section_id)
        section.title = "Caucasus and Caspian"
        with self.captureOnCommitCallbacks(execute=True):
            section.save_revision().publish()
        page, _ = self.queries(article.url)
        self.assertIn("Caucasus and Caspian</a></p>", page)  # the kicker above the headline

    def test_a_listing_shows_an_edited_card(self):
        self.queries(self.caucasus.url)
        self.publish(self.articles[1], title="Port authority names a new director")
        page, _ = self.queries(self.caucasus.url)
        self.assertIn("Port authority names a new director", page)
