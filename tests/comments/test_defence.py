"""Spam and abuse defence: the honeypot, the form token, rate limits, double submits."""

import time

from django.test import override_settings

from caspian.comments import tokens
from caspian.comments.models import Comment, Status

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, errors, form_token, post


class HoneypotTests(CommentsTestCase):
    def test_the_honeypot_is_hidden_from_people(self):
        field = html(self.get(self.article)).select_one("#commentform input[name=homepage]")
        self.assertEqual((field["tabindex"], field["autocomplete"]), ("-1", "off"))
        self.assertEqual(field.find_parent("p")["aria-hidden"], "true")

    @override_settings(COMMENTS_MODERATION="post")
    def test_a_filled_honeypot_is_kept_as_spam_and_the_bot_learns_nothing(self):
        response = post(self.client, self.article, homepage="12 Main Street")
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Status.SPAM)
        self.assertIn("bot", comment.reason)
        self.assertEqual(response["Location"], f"{self.article.url}#comment-held")


class FormTokenTests(CommentsTestCase):
    def assert_refused(self, token, message, new_token=True):
        response = post(self.client, self.article, **{tokens.FIELD: token})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response)["__all__"], message)
        # The reader's text is kept, and the form shown again carries a working token.
        form = html(response).select_one("#commentform")
        self.assertIn("Aktau", form.select_one("textarea").get_text())
        if new_token:
            self.assertNotEqual(form.select_one(f"input[name={tokens.FIELD}]")["value"], token)
        return form.select_one(f"input[name={tokens.FIELD}]")["value"]
        self.assertEqual(Comment.objects.count(), 0)

    def test_a_post_faster_than_a_person_is_refused(self):
        sent = form_token(age=1)
        token = self.assert_refused(
            sent, "That was very quick. Please check your comment, then send it again.", new_token=False
        )
        # The form shown again counts from when the reader first saw it, not from now.
        later = time.time() + 10
        self.assertEqual(tokens.check(token, now=later), tokens.check(sent, now=later))

    def test_a_form_shown_again_keeps_its_first_time_so_a_quick_fix_is_no_bot(self):
        sent = form_token(age=60)
        response = post(self.client, self.article, author="", **{tokens.FIELD: sent})
        token = html(response).select_one(f"#commentform input[name={tokens.FIELD}]")["value"]
        self.assertEqual(tokens.check(token), tokens.check(sent))

    def test_a_token_message_comes_with_the_field_messages(self):
        response = post(self.client, self.article, comment="", **{tokens.FIELD: form_token(age=1)})
        self.assertEqual(
            errors(response)["__all__"],
            "That was very quick. Please check your comment, then send it again. "
            "Your comment was not sent: please correct what is marked below.",
        )

    @override_settings(COMMENTS_FORM_MAX_AGE_HOURS=2)
    def test_a_replayed_old_form_is_refused(self):
        self.assert_refused(
            form_token(age=2 * 3600 + 5), "This form has expired. Your comment is kept below: please send it again."
        )

    def test_a_forged_token_is_refused(self):
        forged = tokens.issue().rsplit(":", 1)[0] + ":forged"
        self.assert_refused(forged, "Your form could not be checked. Please send your comment again.")

    def test_the_page_carries_no_token_and_the_token_endpoint_gives_one_that_works_after_the_minimum_time(self):
        form = html(self.get(self.article)).select_one("#commentform")
        self.assertEqual(form.select_one(f"input[name={tokens.FIELD}]")["value"], "")
        response = self.client.get(form["data-token-url"])
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response.cookies, {})
        token = response.json()["form_token"]
        with self.assertRaises(tokens.TokenError):
            tokens.check(token)
        tokens.check(token, now=time.time() + 3)


class NoJavaScriptTests(CommentsTestCase):
    """A reader without JavaScript posts without a token, and confirms on a page that carries one."""

    def test_a_post_without_a_token_asks_to_confirm_with_the_text_kept_and_a_fresh_token(self):
        response = post(self.client, self.article, notify_replies="on", **{tokens.FIELD: None})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Comment.objects.count(), 0)
        page = html(response)
        self.assertEqual(page.find("h1").get_text(), "Check your comment")
        form = page.select_one("#commentform")
        self.assertEqual(form["action"], f"/comments/post/{self.article.pk}/#respond")
        self.assertIn("Aktau last spring", form.select_one("textarea").get_text())
        self.assertEqual(form.select_one("input[name=author]")["value"], "Leyla Mammadova")
        self.assertTrue(form.select_one("input[name=notify_replies]").has_attr("checked"))
        self.assertEqual(errors(response)["__all__"], "Please check your comment, then send it.")
        token = form.select_one(f"input[name={tokens.FIELD}]")["value"]
        self.assertAlmostEqual(tokens.check(token, now=time.time() + 3), time.time(), delta=5)

    def test_sending_the_confirmation_posts_the_comment(self):
        confirm = html(post(self.client, self.article, **{tokens.FIELD: ""})).select_one("#commentform")
        data = {field["name"]: field.get("value", "") for field in confirm.select("input") if field.get("name")}
        data["comment"] = confirm.select_one("textarea").get_text()
        token = data[tokens.FIELD]
        data[tokens.FIELD] = tokens.issue(now=tokens.check(token, now=time.time() + 3) - 10)  # the reader took 10 s
        response = self.client.post(confirm["action"].removesuffix("#respond"), data, REMOTE_ADDR="198.51.100.7")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get().body, "The port figures match what I saw in Aktau last spring.")

    def test_a_post_without_a_token_and_with_mistakes_shows_the_mistakes_on_the_article(self):
        response = post(self.client, self.article, author="", **{tokens.FIELD: None})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response)["author"], "Please enter your name here")
        form = html(response).select_one("#commentform")
        tokens.check(form.select_one(f"input[name={tokens.FIELD}]")["value"], now=time.time() + 3)


# Per day, so no window boundary falls between the posts of a test (short of midnight).
@override_settings(COMMENTS_RATE_LIMIT="3/day")
class RateLimitTests(CommentsTestCase):
    def test_over_the_limit_the_reader_gets_429_with_when_to_retry_and_keeps_the_text(self):
        for n in range(3):
            self.assertEqual(post(self.client, self.article, comment=f"Comment {n}").status_code, 302)
        response = post(self.client, self.article, comment="One too many, but kept.")
        self.assertEqual(response.status_code, 429)
        wait = int(response["Retry-After"])
        self.assertTrue(1 <= wait <= 86400, wait)
        message = errors(response)["__all__"]
        self.assertRegex(message, r"Please wait \d+ (seconds?|minutes|hours) and send this one again")
        self.assertIn("your comment is kept below", message)
        self.assertEqual(html(response).select_one("textarea").get_text().strip(), "One too many, but kept.")
        self.assertEqual(Comment.objects.count(), 3)

    def test_the_limit_counts_per_email_across_addresses(self):
        for n, ip in enumerate(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]):
            data = {"comment": f"From {ip}", "author": "A", "email": "same@example.org", tokens.FIELD: form_token()}
            response = self.client.post(f"/comments/post/{self.article.pk}/", data, REMOTE_ADDR=ip)
            self.assertEqual(response.status_code, 429 if n == 3 else 302)

    def test_the_limit_counts_per_address_across_emails(self):
        for n in range(4):
            response = post(self.client, self.article, comment=f"Number {n}", email=f"r{n}@example.org")
            self.assertEqual(response.status_code, 429 if n == 3 else 302)

    def test_invalid_posts_do_not_count(self):
        for _ in range(5):
            self.assertEqual(post(self.client, self.article, comment="").status_code, 400)
        self.assertEqual(post(self.client, self.article).status_code, 302)

    @override_settings(BEHIND_PROXY=True)
    def test_behind_a_proxy_the_forwarded_address_is_the_reader(self):
        for n in range(3):
            response = self.client.post(
                f"/comments/post/{self.article.pk}/",
                {"comment": f"Via proxy {n}", "author": "B", "email": f"p{n}@example.org", tokens.FIELD: form_token()},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"forged, 192.0.2.{50 + n}",
            )
            self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(Comment.objects.filter(body__startswith="Via").values_list("ip_address", flat=True)),
            ["192.0.2.50", "192.0.2.51", "192.0.2.52"],
        )


class UnreachableCacheTests(CommentsTestCase):
    """Redis down (django-redis ignoring its errors answers None): comments still get through."""

    @override_settings(
        CACHES={"default": {"BACKEND": "tests.comments.unreachable_cache.UnreachableCache"}},
        COMMENTS_RATE_LIMIT="1/day",
    )
    def test_a_cache_that_cannot_count_loses_no_comment(self):
        with self.assertLogs("caspian.comments.ratelimit", "WARNING"):
            for n in range(3):
                self.assertEqual(post(self.client, self.article, comment=f"Number {n}").status_code, 302)
        self.assertEqual(Comment.objects.count(), 3)


class ClientAddressTests(CommentsTestCase):
    @override_settings(BEHIND_PROXY=True)
    def test_a_forwarded_address_that_is_no_address_is_ignored(self):
        for forwarded in ("garbage", "192.0.2.1:5678", "[::1]", ""):
            with self.subTest(forwarded=forwarded):
                post(self.client, self.article, comment=f"Via {forwarded!r}", HTTP_X_FORWARDED_FOR=forwarded)
                self.assertEqual(Comment.objects.latest("pk").ip_address, "198.51.100.7")

    def test_without_a_proxy_forwarded_addresses_are_not_believed(self):
        post(self.client, self.article, HTTP_X_FORWARDED_FOR="192.0.2.99")
        self.assertEqual(Comment.objects.get().ip_address, "198.51.100.7")


class DoubleSubmitTests(CommentsTestCase):
    def test_the_same_comment_twice_within_a_minute_is_stored_once(self):
        first = post(self.client, self.article)
        second = post(self.client, self.article, email="LEYLA@example.org")
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_a_different_text_or_article_is_a_new_comment(self):
        post(self.client, self.article)
        post(self.client, self.article, comment="A second, different thought.")
        post(self.client, self.articles[1])
        self.assertEqual(Comment.objects.count(), 3)

    def test_the_same_text_after_a_minute_is_a_new_comment(self):
        from datetime import timedelta

        post(self.client, self.article)
        Comment.objects.update(created_at=Comment.objects.get().created_at - timedelta(seconds=61))
        post(self.client, self.article)
        self.assertEqual(Comment.objects.count(), 2)
