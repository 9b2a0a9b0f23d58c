"""An article's comments in pages of threads: the newest page by default, ?comments=N, links that find a comment."""

from datetime import timedelta

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caspian.comments import moderation
from caspian.comments.display import CommentPages, comment_url
from caspian.comments.factories import CommentFactory
from caspian.comments.models import Comment

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, errors, post

THREADS = 450  # 9 pages of 50
REPLIED = range(0, THREADS, 9)  # 50 threads with a reply, sent after every thread had started


class PagedCommentsTests(CommentsTestCase):
    """500 approved comments on ``cls.article``: 450 threads, 50 of them with a late reply."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        start, minute = cls.now - timedelta(days=1), timedelta(minutes=1)  # before any comment a test posts
        cls.threads = Comment.objects.bulk_create(
            CommentFactory.build(article=cls.article, approved=True, created_at=start + n * minute)
            for n in range(THREADS)
        )
        cls.replies = Comment.objects.bulk_create(
            CommentFactory.build(
                article=cls.article, parent=cls.threads[n], approved=True, created_at=start + (THREADS + n) * minute
            )
            for n in REPLIED
        )
        moderation.recount([cls.article.pk], announce=False)
        cls.first_reply = cls.replies[0]  # to the oldest thread, and the newest comment of all

    def page(self, query=""):
        return html(self.get(f"{self.article.url}{query}"))

    @staticmethod
    def top_level(page):
        return [int(li["id"].removeprefix("comment-")) for li in page.select("ol.comment-list > li")]

    def test_the_article_shows_the_newest_threads_oldest_first(self):
        page = self.page()
        self.assertEqual(self.top_level(page), [c.pk for c in self.threads[400:]])
        self.assertEqual(page.select_one("#comments h2").get_text(), "500 comments")
        self.assertEqual(page.select_one(".article__comment-count").get_text(), "500 comments")
        navs = page.select("#comments nav.pagination")
        self.assertEqual(len(navs), 2)  # above the threads and below them
        nav = navs[1]
        self.assertEqual(nav["aria-label"], "Pages of comments, below them")
        self.assertEqual(nav.select_one("a[rel=prev]")["href"], f"{self.article.url}?comments=8#comments")
        self.assertEqual(nav.select_one("a[rel=prev]").get_text(), "Older comments")
        self.assertIsNone(nav.select_one("a[rel=next]"))
        self.assertIn("Page 9 of 9", nav.get_text())
        self.assertEqual(nav.select_one("[aria-current=page]").get_text(), "Page 9")
        # The form is there, for a new thread on this page.
        self.assertEqual(page.select_one("#respond #commentform input[name=parent]").get("value", ""), "")

    def test_each_page_holds_its_threads_with_their_replies(self):
        page = self.page("?comments=1")
        self.assertEqual(self.top_level(page), [c.pk for c in self.threads[:50]])
        oldest = self.threads[0]
        self.assertEqual(
            [li["id"] for li in page.select(f"#comment-{oldest.pk} > ol.comment-replies > li")],
            [self.first_reply.anchor],
        )
        self.assertEqual(len(page.select("li.comment")), 50 + 6)  # threads 0, 9, ... 45 have a reply
        nav = page.select_one("#comments nav.pagination")
        self.assertIsNone(nav.select_one("a[rel=prev]"))
        self.assertEqual(nav.select_one("a[rel=next]")["href"], f"{self.article.url}?comments=2#comments")
        self.assertEqual(nav.select_one("a[rel=next]").get_text(), "Newer comments")
        numbers = " ".join(nav.select_one(".comments__pages").get_text(" ", strip=True).split())
        self.assertEqual(numbers, "Page 1 Page 2 Page 3 … Page 9")
        self.assertEqual(
            [a["href"] for a in nav.select(".comments__pages a")],
            [f"{self.article.url}?comments={n}#comments" for n in (2, 3, 9)],
        )

    @override_settings(COMMENTS_PER_PAGE=100)
    def test_the_page_size_is_a_setting(self):
        page = self.page("?comments=2")
        self.assertEqual(self.top_level(page), [c.pk for c in self.threads[100:200]])
        self.assertIn("Page 2 of 5", page.select_one("#comments nav.pagination").get_text())

    def test_a_page_past_the_end_shows_the_last_and_junk_is_no_page(self):
        last = [c.pk for c in self.threads[400:]]
        for value in ("10", "9223372036854775807", ""):
            with self.subTest(value=value):
                self.assertEqual(self.top_level(self.page(f"?comments={value}")), last)
        for value in ("0", "-1", "abc", "%C2%B2", "%D9%A3", "%EF%BC%92", "+2", "%202", "1.5", "1e3", "%00",
                      "99999999999999999999", "9" * 5000):  # fmt: skip
            with self.subTest(value=value[:30]):
                self.assertEqual(self.client.get(f"{self.article.url}?comments={value}").status_code, 404)

    def test_links_to_a_comment_name_its_page(self):
        page = self.page("?comments=3")
        for comment in self.threads[100:150]:
            permalink = page.select_one(f"#comment-{comment.pk} > article a.comment__permalink")
            self.assertEqual(permalink["href"], f"{self.article.url}?comments=3#comment-{comment.pk}")
        self.assertEqual(comment_url(self.first_reply), f"{self.article.url}?comments=1#{self.first_reply.anchor}")
        self.assertEqual(
            comment_url(self.threads[449], full=True),
            f"{self.article.get_full_url()}?comments=9#comment-{self.threads[449].pk}",
        )
        self.assertEqual(CommentPages.for_article(self.article).page_of(self.threads[50].pk), 2)

    def test_replying_shows_the_form_on_the_page_of_the_comment(self):
        oldest = self.threads[0]
        page = self.page("?comments=1")
        href = page.select_one(f"#comment-{oldest.pk} > article .comment__reply")["href"]
        self.assertEqual(href, f"{self.article.url}?comments=1&replyto={oldest.pk}#respond")
        for url in (href.split("#")[0], f"{self.article.url}?replyto={oldest.pk}"):  # an older link, without a page
            with self.subTest(url=url):
                page = html(self.get(url))
                self.assertIn(oldest.pk, self.top_level(page))
                form = page.select_one("#commentform")
                self.assertEqual(form.select_one("input[name=parent]")["value"], str(oldest.pk))
                self.assertFalse(form.select_one(".comment-form__replying").has_attr("hidden"))
                cancel = form.select_one(".comment-form__cancel")["href"]
                self.assertEqual(cancel, f"{self.article.url}?comments=1#respond")
        # A reply to nothing shown is no reply: the page asked for, with an empty form.
        for junk in ("%C2%B2", "99999999999999999999"):
            with self.subTest(replyto=junk):
                page = self.page(f"?comments=2&replyto={junk}")
                self.assertEqual(self.top_level(page), [c.pk for c in self.threads[50:100]])
                self.assertEqual(page.select_one("#commentform input[name=parent]").get("value", ""), "")

    def test_a_refused_reply_comes_back_on_the_page_of_its_thread(self):
        oldest = self.threads[0]
        response = post(self.client, self.article, parent=str(oldest.pk), author="")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response)["author"], "Please enter your name here")
        page = html(response)
        self.assertIn(oldest.pk, self.top_level(page))
        self.assertIn("Page 1 of 9", page.select_one("#comments nav.pagination").get_text())
        self.assertEqual(page.select_one("#commentform input[name=parent]")["value"], str(oldest.pk))

    @override_settings(COMMENTS_MODERATION="post")
    def test_a_reply_leads_to_the_page_of_its_thread(self):
        oldest = self.threads[0]
        response = post(self.client, self.article, parent=str(oldest.pk))
        reply = Comment.objects.latest("pk")
        self.assertEqual(response["Location"], f"{self.article.url}?comments=1#{reply.anchor}")
        self.assertIn(reply.anchor, [li["id"] for li in html(self.get(response["Location"])).select("li.comment")])
        # A new thread goes on the last page, the one the article shows.
        post(self.client, self.article, comment="A new thought.")
        thread = Comment.objects.latest("pk")
        link = comment_url(thread)
        self.assertEqual(link, f"{self.article.url}?comments=10#{thread.anchor}")
        self.assertEqual(self.top_level(self.page()), [thread.pk])
        self.assertEqual(self.top_level(html(self.get(link.split("#")[0]))), [thread.pk])

    def test_a_held_reply_returns_its_writer_to_the_page_they_were_reading(self):
        response = post(self.client, self.article, parent=str(self.threads[0].pk))
        self.assertEqual(response["Location"], f"{self.article.url}?comments=1#comment-held")
        # On the page the article shows anyway, the article's own address (the one the cache has).
        response = post(self.client, self.article, parent=str(self.threads[449].pk), comment="Another reply.")
        self.assertEqual(response["Location"], f"{self.article.url}#comment-held")
        response = post(self.client, self.article, comment="A new thread.")
        self.assertEqual(response["Location"], f"{self.article.url}#comment-held")

    def test_a_report_returns_the_reader_to_the_page_they_were_reading(self):
        for comment, expected in ((self.threads[60], "?comments=2"), (self.threads[420], "")):
            with self.subTest(comment=comment.pk):
                response = self.client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR="192.0.2.1")
                self.assertEqual(response["Location"], f"{self.article.url}{expected}#comment-reported")

    def count_queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            page = html(self.get(url))
        return len(queries), page

    # Rendered each time: kept pages of comments (caspian.fragments) would hide the cost measured here.
    @override_settings(FRAGMENT_CACHE=False)
    def test_500_comments_cost_the_queries_of_10_and_show_one_page(self):
        """About 2 s: the article is rendered five times, the first making its image renditions."""
        self.get(self.article.url)  # the first view makes image renditions; measure the next ones
        many, page = self.count_queries(self.article.url)
        self.assertEqual(len(page.select("ol.comment-list > li")), 50)
        self.assertEqual(len(page.select("li.comment")), 50 + 5)  # threads 405, 414, ... 441 have a reply
        self.assertLess(len(page.prettify()), 400_000)
        Comment.objects.exclude(pk__in=[c.pk for c in self.threads[:5] + self.replies[:5]]).delete()
        moderation.recount([self.article.pk], announce=False)
        few, page = self.count_queries(self.article.url)
        self.assertEqual(len(page.select("li.comment")), 10)
        self.assertEqual(many, few)
        # A page chosen by number, or by the comment replied to, costs the same.
        self.assertEqual(self.count_queries(f"{self.article.url}?comments=1")[0], few)
        self.assertEqual(self.count_queries(f"{self.article.url}?replyto={self.threads[0].pk}")[0], few)
