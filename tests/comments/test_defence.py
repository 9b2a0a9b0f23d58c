"""Spam and abuse defence: the honeypot, the form token, rate limits, double submits."""

import time
from collections import Counter
from types import SimpleNamespace

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.test import SimpleTestCase, override_settings

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

    def test_a_forged_or_missing_token_is_refused(self):
        message = "Your form could not be checked. Please send your comment again."
        forged = tokens.issue().rsplit(":", 1)[0] + ":forged"
        self.assert_refused(forged, message)
        self.assert_refused("", message)

    def test_a_token_from_the_page_works_after_the_minimum_time(self):
        form = html(self.get(self.article)).select_one("#commentform")
        token = form.select_one(f"input[name={tokens.FIELD}]")["value"]
        with self.assertRaises(tokens.TokenError):
            tokens.check(token)
        tokens.check(token, now=time.time() + 3)


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


@pytest.mark.pure
class CsrfTokenTests(SimpleTestCase):
    """The fast CSRF tokens filled into cached pages are Django's, character for character."""

    def test_a_masked_token_unmasks_to_its_secret_and_differs_each_time(self):
        secret = tokens.new_csrf_secret()
        self.assertEqual(len(secret), CSRF_SECRET_LENGTH)
        masked = {tokens.mask(secret) for _ in range(50)}
        self.assertEqual(len(masked), 50)
        for token in masked:
            self.assertEqual(len(token), 2 * CSRF_SECRET_LENGTH)
            self.assertEqual(_unmask_cipher_token(token), secret)

    def test_secrets_use_the_whole_alphabet_evenly(self):
        drawn = Counter("".join(tokens.new_csrf_secret() for _ in range(2000)))
        self.assertEqual(set(drawn), set(CSRF_ALLOWED_CHARS))
        expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1,032 of each
        self.assertLess(max(drawn.values()) / min(drawn.values()), 1.4, drawn.most_common(3))
        self.assertAlmostEqual(sum(drawn.values()) / len(drawn), expected)

    def test_hidden_inputs_carry_the_token_and_a_signed_issue_time(self):
        inputs = tokens.hidden_inputs("x" * 64, issued=1_000_000)
        self.assertIn('name="csrfmiddlewaretoken" value="' + "x" * 64 + '"', inputs)
        token = html(SimpleNamespace(content=inputs.encode())).find("input", attrs={"name": tokens.FIELD})["value"]
        self.assertEqual(tokens.check(token, now=1_000_000 + 60), 1_000_000)
