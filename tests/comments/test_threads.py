"""How approved comments are shown: threads, depth, order, links, counts."""

from datetime import timedelta

from django.test import override_settings

from caspian.comments import text
from caspian.comments.display import threads
from caspian.comments.models import Comment

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, errors, post


class ThreadTests(CommentsTestCase):
    def make_chain(self, length, **fields):
        """``length`` approved comments, each replying to the one before, a minute apart."""
        chain, parent = [], None
        for minute in range(length):
            parent = self.comment(
                parent=parent, approved=True, created_at=self.now + timedelta(minutes=minute), **fields
            )
            chain.append(parent)
        return chain

    def test_replies_nest_under_their_parent_oldest_first(self):
        first = self.comment(approved=True, created_at=self.now)
        second = self.comment(approved=True, created_at=self.now + timedelta(minutes=5))
        late_reply = self.comment(approved=True, parent=first, created_at=self.now + timedelta(minutes=9))
        early_reply = self.comment(approved=True, parent=first, created_at=self.now + timedelta(minutes=2))
        page = html(self.get(self.article))
        top_level = [li["id"] for li in page.select("ol.comment-list > li")]
        self.assertEqual(top_level, [f"comment-{first.pk}", f"comment-{second.pk}"])
        replies = [li["id"] for li in page.select(f"#comment-{first.pk} > ol.comment-replies > li")]
        self.assertEqual(replies, [f"comment-{early_reply.pk}", f"comment-{late_reply.pk}"])
        self.assertEqual(page.select_one("#comments h2").get_text(), "4 comments")

    def test_each_comment_has_a_permalink_name_and_time(self):
        comment = self.comment(approved=True, author_name="Giorgi Beridze")
        item = html(self.get(self.article)).select_one(f"#comment-{comment.pk}")
        self.assertEqual(item.select_one(".comment__author").get_text(), "Giorgi Beridze")
        permalink = item.select_one("a.comment__permalink")
        # With its page of comments, so the link still finds it when newer threads fill more pages.
        self.assertEqual(permalink["href"], f"{self.article.url}?comments=1#comment-{comment.pk}")
        self.assertTrue(permalink.time["datetime"].startswith(str(comment.created_at.year)))

    def test_a_website_links_the_name_with_nofollow_ugc(self):
        comment = self.comment(approved=True, author_url="https://giorgi.example.org/")
        link = html(self.get(self.article)).select_one(f"#comment-{comment.pk} .comment__author a")
        self.assertEqual((link["href"], link["rel"]), ("https://giorgi.example.org/", ["nofollow", "ugc", "noopener"]))

    @override_settings(COMMENTS_MAX_DEPTH=3)
    def test_replies_below_the_depth_limit_show_at_it_with_no_reply_link(self):
        chain = self.make_chain(5)
        page = html(self.get(self.article))
        depths = {c.pk: int(page.select_one(f"#comment-{c.pk}")["class"][1].split("--depth-")[1]) for c in chain}
        self.assertEqual(list(depths.values()), [1, 2, 3, 3, 3])
        # The 4th and 5th replies sit beside the 3rd, in time order, under the 2nd.
        under_second = [li["id"] for li in page.select(f"#comment-{chain[1].pk} > ol > li")]
        self.assertEqual(under_second, [f"comment-{c.pk}" for c in chain[2:]])
        self.assertIsNotNone(page.select_one(f"#comment-{chain[1].pk} > article .comment__reply"))
        self.assertIsNone(page.select_one(f"#comment-{chain[2].pk} > article .comment__reply"))

    def test_default_depth_is_five(self):
        chain = self.make_chain(7)
        top_level = threads(chain)
        self.assertEqual([c.depth for c in chain], [1, 2, 3, 4, 5, 5, 5])
        self.assertEqual(top_level, [chain[0]])
        self.assertEqual(chain[3].shown_replies, chain[4:])

    def test_a_reply_dated_before_its_parent_still_nests(self):
        parent = self.comment(approved=True, created_at=self.now)
        reply = self.comment(approved=True, parent=parent, created_at=self.now - timedelta(minutes=5))
        top_level = threads([reply, parent])
        self.assertEqual((top_level, parent.shown_replies), ([parent], [reply]))

    def test_one_level_shows_every_comment_flat_in_conversation_order(self):
        chain = self.make_chain(3)
        self.assertEqual(threads(chain, max_depth=1), chain)
        self.assertEqual({c.can_reply for c in chain}, {False})

    def test_a_reply_to_a_removed_comment_moves_to_the_top(self):
        parent = self.comment(trashed=True)
        reply = self.comment(approved=True, parent=parent)
        page = html(self.get(self.article))
        self.assertEqual([li["id"] for li in page.select("ol.comment-list > li")], [f"comment-{reply.pk}"])
        self.assertNotIn(parent.body, page.get_text())

    def test_only_approved_comments_are_shown(self):
        shown = self.comment(approved=True)
        hidden = [self.comment(held=True), self.comment(spam=True), self.comment(trashed=True)]
        content = self.get(self.article).content.decode()
        self.assertIn(shown.body, content)
        for comment in hidden:
            self.assertNotIn(comment.body, content)

    def test_the_reply_link_threads_the_reply_without_javascript(self):
        parent = self.comment(approved=True, author_name="Aigerim Nurlanovna")
        page = html(self.get(self.article))
        href = page.select_one(f"#comment-{parent.pk} .comment__reply")["href"]
        # Absolute, so it also works on the page shown after a failed post (at the form's address).
        self.assertEqual(href, f"{self.article.url}?comments=1&replyto={parent.pk}#respond")
        form = html(self.get(href.split("#")[0])).select_one("#commentform")
        self.assertEqual(form.select_one("input[name=parent]")["value"], str(parent.pk))
        replying = " ".join(form.select_one(".comment-form__replying").get_text().split())
        self.assertEqual(replying, "Replying to Aigerim Nurlanovna. Cancel reply")
        post(self.client, self.article, parent=str(parent.pk))
        self.assertEqual(Comment.objects.exclude(pk=parent.pk).get().parent, parent)

    def test_a_reply_to_a_comment_not_shown_is_refused_with_the_text_kept(self):
        held = self.comment(held=True)
        other_article = self.comment(article=self.articles[1], approved=True)
        shown = self.comment(approved=True)
        junk = ("not-a-number", "99999999999999999999", "9" * 5000, "²", "-1", "0", "\x00", f"+{shown.pk}")
        # Digits int() reads but no browser sends: Arabic-Indic, full-width.
        junk += (chr(0x0660 + shown.pk % 10), chr(0xFF10 + shown.pk % 10), f"{shown.pk}.0", f"{shown.pk}\x00")
        for parent in (str(held.pk), str(other_article.pk), *junk):
            with self.subTest(parent=parent[:30]):
                response = post(self.client, self.article, parent=parent)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    errors(response),
                    {
                        "__all__": "The comment you are replying to is no longer shown. Send yours as a new comment "
                        "instead."
                    },
                )
                form = html(response).select_one("#commentform")
                self.assertEqual(form.select_one("input[name=parent]").get("value", ""), "")
                self.assertIn("Aktau last spring", form.select_one("textarea").get_text())
        self.assertEqual(Comment.objects.count(), 3)
        # Spaces around a real id are a browser's business, not a mistake.
        self.assertEqual(post(self.client, self.article, parent=f" {shown.pk} ").status_code, 302)
        self.assertEqual(Comment.objects.latest("pk").parent, shown)

    @override_settings(COMMENTS_MAX_DEPTH=2)
    def test_a_reply_to_a_comment_at_the_deepest_level_is_shown_beside_it(self):
        """The page offers no Reply there; a hand-made post gets one in anyway, and is shown at that depth."""
        top, deepest = self.make_chain(2, author_name="Aigerim Nurlanovna")
        self.assertIsNone(html(self.get(self.article)).select_one(f"#comment-{deepest.pk} > article .comment__reply"))
        with override_settings(COMMENTS_MODERATION="post"):
            response = post(self.client, self.article, parent=str(deepest.pk))
        reply = Comment.objects.latest("pk")
        self.assertEqual((response.status_code, reply.parent), (302, deepest))
        page = html(self.get(self.article))
        under_top = [li["id"] for li in page.select(f"#comment-{top.pk} > ol > li")]
        self.assertEqual(under_top, [deepest.anchor, reply.anchor])

    def test_counts_on_the_article_and_in_listings(self):
        from caspian.comments import moderation

        comments = [self.comment(held=True) for _ in range(3)]
        moderation.set_status([c.pk for c in comments[:2]], "approved")
        self.assertEqual(html(self.get(self.article)).select_one(".article__comment-count").get_text(), "2 comments")
        section_page = html(self.get(self.article.section))
        card_link = section_page.select_one(f'.card a.card__comments[href="{self.article.url}#comments"]')
        self.assertEqual(card_link.get_text(), "2 comments")
        self.assertEqual(
            html(self.get(self.articles[1])).select_one(".article__comment-count").get_text(), "No comments yet"
        )


class PlainTextTests(CommentsTestCase):
    def test_paragraphs_line_breaks_and_escaping(self):
        self.assertEqual(
            text.render("First <b>line</b>\nsecond & third\n\n\nNew paragraph"),
            "<p>First &lt;b&gt;line&lt;/b&gt;<br>second &amp; third</p><p>New paragraph</p>",
        )

    def test_bare_links_become_safe_links_without_trailing_punctuation(self):
        self.assertEqual(
            text.render("See https://example.org/report?a=1&b=2. Or www.example.net!"),
            '<p>See <a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
            "https://example.org/report?a=1&amp;b=2</a>. Or "
            '<a href="http://www.example.net" rel="nofollow ugc noopener">www.example.net</a>!</p>',
        )

    def test_links_stop_at_quotes_and_brackets(self):
        rendered = text.render('http://x.example/"onmouseover="alert(1) and http://y.example/<script>')
        self.assertIn('href="http://x.example/"', rendered)
        self.assertIn("&quot;onmouseover=&quot;alert(1)", rendered)
        self.assertIn('href="http://y.example/"', rendered)
        self.assertIn("&lt;script&gt;", rendered)

    def test_link_counting(self):
        self.assertEqual(text.count_links("a http://a.example b www.b.example <a href=x> [url=y]"), 4)


class QueryCountTests(CommentsTestCase):
    def count_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.get(self.article)  # the first view makes image renditions; measure the next
        with CaptureQueriesContext(connection) as queries:
            self.get(self.article)
        return len(queries)

    def test_the_comments_cost_the_same_queries_for_2_and_20(self):
        parent = None
        for n in range(2):
            parent = self.comment(approved=True, parent=parent if n % 2 else None)
        few = self.count_queries()
        for n in range(18):
            parent = self.comment(approved=True, parent=parent if n % 3 else None, author_url="https://a.example")
        self.assertEqual(self.count_queries(), few)
