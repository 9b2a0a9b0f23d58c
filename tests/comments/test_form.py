"""The comment form: its fields, the exact messages, and what a valid post does."""

from bs4 import BeautifulSoup
from django.test import override_settings

from caspian.comments.models import Comment, Status
from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, errors, post


class FormTests(CommentsTestCase):
    def test_article_page_has_the_form_with_every_field(self):
        page = html(self.get(self.article))
        form = page.select_one("#respond form#commentform")
        self.assertEqual(page.select_one("#respond h2").get_text(), "Leave a reply")
        self.assertEqual(form["method"], "post")
        self.assertEqual(form["action"], f"/comments/post/{self.article.pk}/#respond")
        labels = [label.get_text(strip=True) for label in form.select("label")]
        for label in ("Comment", "Name", "Email", "Website"):
            self.assertIn(label, labels)
        self.assertIn("Save my name, email, and website in this browser for the next time I comment.", labels)
        self.assertIn("Your email address will not be published.", form.get_text())

    def test_the_served_page_holds_no_per_reader_secret(self):
        """The form has no CSRF token, and an empty form token that comments.js fills in."""
        form = html(self.get(self.article)).select_one("#commentform")
        self.assertIsNone(form.select_one("input[name=csrfmiddlewaretoken]"))
        self.assertEqual(form.select_one("input[name=form_token]")["value"], "")
        self.assertEqual(form["data-token-url"], "/comments/token/")

    def test_the_rendered_page_is_the_same_for_every_reader(self):
        """What a page cache would store is the same for every reader, whatever cookies they bring."""
        from django.test import RequestFactory

        def render(cookie):
            request = RequestFactory().get(self.article.url, HTTP_COOKIE=cookie)
            return self.article.serve(request).render().content.decode()

        first, second = render("csrftoken=aaaa"), render("csrftoken=bbbb; caspian_commenter=author=Leyla")
        sections = [BeautifulSoup(page, "html.parser").select_one("#comments") for page in (first, second)]
        self.assertEqual(sections[0], sections[1])
        self.assertNotIn("Leyla", second)

    def test_empty_fields_get_the_exact_messages_and_keep_the_text(self):
        response = post(self.client, self.article, comment="  ", author="", email="not-an-email", url="Ahmad's site")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            errors(response),
            {
                "__all__": "Your comment was not sent: please correct what is marked below.",
                "comment": "Please enter your comment!",
                "author": "Please enter your name here",
                "email": "You have entered an incorrect email address!",
                "url": "Please enter a website address starting with http:// or https://, or leave it empty.",
            },
        )
        form = html(response).select_one("#commentform")
        self.assertEqual(form.select_one("input[name=email]")["value"], "not-an-email")
        self.assertEqual(form.select_one("input[name=email]")["aria-invalid"], "true")
        self.assertEqual(form.select_one("input[name=email]")["aria-describedby"], "id_email_helptext id_email_error")
        self.assertEqual(Comment.objects.count(), 0)

    def test_the_text_is_kept_when_another_field_is_wrong(self):
        response = post(self.client, self.article, author="")
        textarea = html(response).select_one("#commentform textarea[name=comment]")
        self.assertEqual(textarea.get_text().strip(), "The port figures match what I saw in Aktau last spring.")

    def test_missing_email_and_non_web_addresses(self):
        self.assertEqual(
            errors(post(self.client, self.article, email=""))["email"], "Please enter your email address here"
        )
        for url in (
            "javascript:alert(1)",
            "ftp://files.example.org/",
            "data:text/html,hi",
            "http://",
            "invoice\u202egpj.exe",
        ):
            with self.subTest(url=url):
                self.assertIn(
                    "starting with http:// or https://", errors(post(self.client, self.article, url=url))["url"]
                )

    def test_names_lose_direction_overrides_and_line_breaks(self):
        post(self.client, self.article, author="Leyla\u202e\n  Mammadova")
        self.assertEqual(Comment.objects.get().author_name, "Leyla Mammadova")
        response = post(self.client, self.article, author="\u202e\u2066 ", comment="Nameless.")
        self.assertEqual(errors(response)["author"], "Please enter your name here")

    def test_a_website_made_longer_by_its_scheme_is_still_measured(self):
        response = post(self.client, self.article, url="example.org/" + "a" * 188)  # 200, then 208 with https://
        self.assertEqual(errors(response)["url"], "Please shorten the website address to 200 characters or fewer.")
        self.assertEqual(Comment.objects.count(), 0)

    @override_settings(COMMENTS_MAX_LENGTH=20)
    def test_line_breaks_count_once_as_the_browser_counts_them(self):
        self.assertEqual(post(self.client, self.article, comment="0123456789\r\n012345678").status_code, 302)
        self.assertEqual(Comment.objects.get().body, "0123456789\n012345678")

    def test_a_website_without_scheme_gets_https(self):
        post(self.client, self.article, url="leyla.example.org")
        self.assertEqual(Comment.objects.get().author_url, "https://leyla.example.org")

    @override_settings(COMMENTS_MAX_LENGTH=100)
    def test_a_comment_over_the_limit_says_by_how_much_and_keeps_the_text_up_to_it(self):
        text = "".join(f"{n:03d}." for n in range(40)) + "\r\n" + "y" * 49  # 160 + 1 + 49: 210 as counted
        response = post(self.client, self.article, comment=text)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            errors(response)["comment"],
            "Your comment is 110 characters too long (the limit is 100). Its first 100 characters are kept "
            "below: shorten it, then send it again.",
        )
        kept = html(response).select_one("#commentform textarea[name=comment]").get_text()
        self.assertEqual(kept.strip("\n"), text[:100])
        self.assertEqual(Comment.objects.count(), 0)

    @override_settings(COMMENTS_MAX_LENGTH=100)
    def test_one_character_over_is_one_character(self):
        self.assertEqual(
            errors(post(self.client, self.article, comment="é" * 101))["comment"],
            "Your comment is 1 character too long (the limit is 100). Its first 100 characters are kept below: "
            "shorten it, then send it again.",
        )

    def test_a_valid_comment_is_held_and_the_reader_is_told(self):
        response = post(self.client, self.article)
        comment = Comment.objects.get()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{self.article.url}#comment-held")
        self.assertEqual((comment.status, comment.ip_address), (Status.PENDING, "198.51.100.7"))
        notice = html(self.get(self.article)).select_one("#comment-held")
        self.assertIn("waiting for a moderator", notice.get_text())
        self.assertNotIn(comment.body, self.get(self.article).content.decode())

    @override_settings(COMMENTS_MODERATION="post")
    def test_a_shown_comment_redirects_to_its_anchor_and_counts(self):
        response = post(self.client, self.article)
        comment = Comment.objects.get()
        self.assertEqual(response["Location"], f"{self.article.url}?comments=1#comment-{comment.pk}")
        page = html(self.get(self.article))
        self.assertEqual(page.select_one(f"#comment-{comment.pk} .comment__text").get_text(), comment.body)
        self.assertEqual(page.select_one(".article__comment-count").get_text(), "1 comment")
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 1)

    def test_the_details_cookie_is_set_only_when_asked(self):
        response = post(self.client, self.article)
        self.assertEqual(response.cookies["caspian_commenter"].value, "")  # deleted, never set
        response = post(self.client, self.article, comment="Second thought.", save_details="on")
        cookie = response.cookies["caspian_commenter"]
        self.assertEqual(cookie.value, "author=Leyla+Mammadova&email=leyla%40example.org&url=")
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertFalse(cookie["httponly"])

    def test_closed_comments_keep_the_text_and_say_so(self):
        ArticlePage.objects.filter(pk=self.article.pk).update(comments_open=False)
        self.assertEqual(
            html(self.get(self.article)).select_one(".comments__closed").get_text(),
            "Comments are closed on this article.",
        )
        response = post(self.client, self.article)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(errors(response)["__all__"], "Comments are closed on this article.")
        self.assertIn("Aktau last spring", html(response).select_one("textarea").get_text())

    def test_a_get_or_an_unpublished_article_is_refused(self):
        self.assertEqual(self.client.get(f"/comments/post/{self.article.pk}/").status_code, 405)
        ArticlePage.objects.get(pk=self.article.pk).unpublish()
        self.assertEqual(post(self.client, self.article).status_code, 404)


class CrossSiteTests(CommentsTestCase):
    """No CSRF cookie (pages are shared by every reader): the browser's Sec-Fetch-Site and Origin decide."""

    def test_a_comment_posted_from_another_site_is_refused_with_its_text_kept(self):
        for headers in (
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"},
            {"HTTP_ORIGIN": "https://attacker.example"},
            {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a data: page
            {"HTTP_REFERER": "https://attacker.example/page.html"},
            {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://news.testserver"},
        ):
            with self.subTest(headers=headers):
                response = post(self.client, self.article, **headers)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(
                    errors(response)["__all__"],
                    "Your comment was sent from a page on another website, so it was not posted. It is kept "
                    "below: if you wrote it, check it and send it from here.",
                )
                self.assertIn("Aktau last spring", html(response).select_one("#commentform textarea").get_text())
        self.assertEqual(Comment.objects.count(), 0)

    def test_a_comment_from_this_site_is_accepted(self):
        for n, headers in enumerate(
            (
                {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
                {"HTTP_ORIGIN": "http://testserver"},
                {"HTTP_REFERER": f"http://testserver{self.article.url}"},
                {},  # not a browser: no other site can have sent it
            )
        ):
            with self.subTest(headers=headers):
                response = post(self.client, self.article, comment=f"Comment {n}", **headers)
                self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.count(), 4)

    def test_a_report_from_another_site_is_refused(self):
        comment = self.comment(status=Status.APPROVED)
        url = f"/comments/{comment.pk}/report/"
        response = self.client.post(url, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="https://attacker.example")
        self.assertEqual(response.status_code, 403)
        self.assertIn(b"only from this site", response.content)
        self.assertEqual(self.client.post(url, HTTP_SEC_FETCH_SITE="same-origin").status_code, 302)
