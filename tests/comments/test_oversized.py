"""Comments too long, and posts too large for Django: the reader gets the form back, with their text up to the limit."""

from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory, override_settings
from django.urls import reverse

from caspian.comments import oversized
from caspian.comments.models import Comment

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, comment_data, errors, post

# Every kind of character a form post can carry: 1 to 4 bytes of UTF-8, line breaks (CRLF counts once, as in
# the browser), and the characters that mean something in a form post.
MIXED = "Aktau é ✓ 😀 line\r\nbreak\rcr & = + % %41 ;"


def form_request(fields, encode=True):
    """An urlencoded POST as a browser sends it (``encode=False``: UTF-8 sent raw, as some scripts do)."""
    if encode:
        body = urlencode(fields).encode()
    else:
        body = "&".join(f"{name}={value}" for name, value in fields.items()).encode()
    return RequestFactory().post("/comments/post/1/", body, content_type="application/x-www-form-urlencoded")


def read(fields, keep=50, encode=True):
    request = form_request(fields, encode)
    with pytest.raises(RequestDataTooBig):
        request.POST  # noqa: B018
    return oversized.read_form(request, keep)


@pytest.mark.pure
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5, 7, 11, 13, 64 * 1024])
def test_characters_are_counted_as_the_browser_counts_them_across_any_chunk_boundary(chunk):
    text = MIXED * 3
    counted = len(text.replace("\r\n", "\n"))
    with mock.patch.object(oversized, "CHUNK", chunk):
        data, lengths, cut = read({"form_token": "t", "comment": text, "author": "Leyla", "email": "l@example.org"})
        assert (lengths["comment"], cut) == (counted, None)
        assert (data["comment"], data["author"], data["email"]) == (text[:50], "Leyla", "l@example.org")
        # Raw UTF-8 (no %XX) is counted the same; "&", "=" and "%" cannot be sent raw.
        raw = text.replace("&", "").replace("=", "").replace("%", "").replace("+", "")
        data, lengths, _ = read({"comment": raw, "author": "Leyla"}, encode=False)
        counted = len(raw.replace("\r\n", "\n"))
        assert (lengths["comment"], data["comment"], data["author"]) == (counted, raw[:50], "Leyla")


@pytest.mark.pure
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
def test_each_field_keeps_its_first_characters_and_the_last_value_sent():
    data, lengths, _ = read({"comment": "é" * 500, "url": "x"}, keep=7)
    assert (data["comment"], lengths["comment"], data["url"]) == ("é" * 7, 500, "x")
    data, _, _ = read([("parent", "1"), ("parent", "2")])
    assert data["parent"] == "2"


@pytest.mark.pure
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
def test_reading_stops_at_the_read_limit_and_says_where():
    with mock.patch.object(oversized, "READ_LIMIT", 1000):
        data, lengths, cut = read({"form_token": "t", "comment": "x" * 5000, "author": "Leyla"})
    assert cut == "comment"
    assert lengths["comment"] == 1000 - len("form_token=t&comment=")
    assert data["comment"] == "x" * 50
    assert "author" not in data


class TooLongTests(CommentsTestCase):
    def post_urlencoded(self, **fields):
        """POST as a browser sends the comment form (``post()`` sends multipart, as scripts do)."""
        return self.client.post(
            reverse("comments:post", args=[self.article.pk]),
            urlencode(comment_data(**fields)),
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR="198.51.100.7",
        )

    def assert_kept_up_to_the_limit(self, response, text, message):
        self.assertEqual(errors(response)["comment"], message)
        form = html(response).select_one("#commentform")
        self.assertEqual(form.select_one("textarea[name=comment]").get_text().lstrip("\n"), text[:5000])
        self.assertLess(len(response.content), 300_000)
        self.assertEqual(Comment.objects.count(), 0)
        return form

    def test_a_2_mb_comment_comes_back_cut_to_the_limit(self):
        """About 1 s: two megabytes through the test client's multipart encoding and Django's parser."""
        text = "Aktau port figures. " * 100_000  # 2,000,000 characters, 1,999,999 without the last space
        response = post(self.client, self.article, comment=text)
        self.assertEqual(response.status_code, 400)
        self.assert_kept_up_to_the_limit(
            response,
            text,
            "Your comment is 1,994,999 characters too long (the limit is 5,000). Its first 5,000 characters are "
            "kept below: shorten it, then send it again.",
        )

    def test_a_5_mb_comment_gets_the_form_back_not_a_bare_bad_request(self):
        """Over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), read by comments.oversized instead (about 1 s)."""
        text = "Ünïcödé, line one\r\nand two. " * 200_000  # 5.4 million characters, 9 MB as sent
        response = self.post_urlencoded(comment=text, url="leyla.example.org")
        self.assertEqual(response.status_code, 413)
        form = self.assert_kept_up_to_the_limit(
            response,
            text.replace("\r\n", "\n"),
            "Your comment is 5,395,000 characters too long (the limit is 5,000). Its first 5,000 characters are "
            "kept below: shorten it, then send it again.",
        )
        self.assertEqual(set(errors(response)), {"__all__", "comment"})  # the other fields were read, and fine
        for name, value in (
            ("author", "Leyla Mammadova"),
            ("email", "leyla@example.org"),
            ("url", "leyla.example.org"),
        ):
            self.assertEqual(form.select_one(f"input[name={name}]")["value"], value)
        self.assertTrue(form.select_one("input[name=form_token]")["value"])

    @mock.patch.object(oversized, "READ_LIMIT", 3 * 1024 * 1024)
    def test_past_the_read_limit_what_was_read_is_kept(self):
        text = "x" * 5_000_000
        response = self.post_urlencoded(comment=text)
        self.assertEqual(response.status_code, 413)
        over = 3 * 1024 * 1024 - len("comment=") - 5000  # the comment is the first field this post sends
        found = errors(response)
        self.assertEqual(
            found["comment"],
            f"Your comment is more than {over:,} characters too long (the limit is 5,000). Its first 5,000 "
            "characters are kept below: shorten it, then send it again.",
        )
        # The form's fields after the comment were never read: the reader is asked for them again.
        self.assertEqual(found["author"], "Please enter your name here")
        self.assert_kept_up_to_the_limit(response, text, found["comment"])

    def test_a_multipart_post_too_large_to_read_still_gets_the_form(self):
        response = post(self.client, self.article, comment="x" * 3_000_000)
        self.assertEqual(response.status_code, 413)
        self.assertIn("too large for us to read", errors(response)["__all__"])
        self.assertIsNotNone(html(response).select_one("#respond #commentform"))
        self.assertEqual(Comment.objects.count(), 0)
