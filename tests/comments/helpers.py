"""Posting comments the way a reader's browser does, for the comment tests."""

import threading
import time

from bs4 import BeautifulSoup
from django.urls import reverse

from caspian.comments import tokens
from caspian.comments.factories import CommentFactory
from caspian.comments.models import Comment
from tests.newsroom.scenario import NewsroomTestCase

BACKGROUND_TASKS = {"send_email", "check_spam", "report_to_spam_service"}


def finish_background_work(timeout=10):
    """Wait for the threads :func:`caspian.background.run_in_background` started for comments."""
    for thread in threading.enumerate():
        if thread.name in BACKGROUND_TASKS:
            thread.join(timeout)


def form_token(age=10):
    """A form token as if the form had been shown ``age`` seconds ago."""
    return tokens.issue(now=time.time() - age)


def comment_data(**fields):
    data = {
        "comment": "The port figures match what I saw in Aktau last spring.",
        "author": "Leyla Mammadova",
        "email": "leyla@example.org",
        "url": "",
        "parent": "",
        tokens.FIELD: form_token(),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def post(client, article, **fields):
    """POST a comment on ``article``; ``fields`` override the valid defaults (``None`` leaves one out).

    Upper-case keywords (``REMOTE_ADDR``, ``HTTP_USER_AGENT``) are request headers, not form fields.
    """
    headers = {"REMOTE_ADDR": "198.51.100.7"}
    headers.update({key: fields.pop(key) for key in list(fields) if key.isupper()})
    return client.post(reverse("comments:post", args=[article.pk]), comment_data(**fields), **headers)


def errors(response):
    """The messages beside each field and at the top of a re-rendered comment form."""
    page = BeautifulSoup(response.content, "html.parser")
    found = {}
    for error in page.select("#commentform .field-error"):
        found[error["id"].removeprefix("id_").removesuffix("_error")] = error.get_text(" ", strip=True)
    top = page.select_one("#commentform .form-errors")
    if top:
        found["__all__"] = top.get_text(" ", strip=True)
    return found


class CommentsTestCase(NewsroomTestCase):
    """The newsroom scenario, with ``cls.article`` (the newest article) open for comments."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = cls.articles[0]

    def comment(self, **fields):
        fields.setdefault("article", self.article)
        return CommentFactory(**fields)

    def stored(self):
        return list(Comment.objects.order_by("pk"))
