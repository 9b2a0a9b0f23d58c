"""Caspian behind deploy/varnish/caspian.vcl: what editors do shows through Varnish, purged by tag.

Caspian runs as the live server (a thread of this process) and purges the
real varnishd in front of it through ``CASPIAN_PURGE_URL``: an edit is a
hard purge of the article's own page, a new story a soft purge of every
page whose Latest list it changes, a withdrawal a hard purge everywhere.
"""

import time
from urllib.parse import urlsplit

import pytest
from wagtail.models import Page

from caspian.newsroom.factories import ArticlePageFactory, AuthorIndexPageFactory, AuthorPageFactory, SectionPageFactory
from caspian.newsroom.models import ArticlePage, HomePage

from ..varnish import Varnish, require_varnish
from .conftest import request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wait_until(varnish, path, done, timeout=5):
    """Ask Varnish for ``path`` until ``done(answer)`` (a background refresh landing); returns the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = request(varnish, path, headers={"Host": "localhost"})
        if done(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.02)


def get(varnish, path):
    return request(varnish, path, headers={"Host": "localhost"})


@pytest.fixture
def varnish(live_server, settings):
    require_varnish()
    with Varnish([("127.0.0.1", urlsplit(live_server.url).port)]) as varnish:
        settings.PURGE_URL = varnish.url
        settings.WAGTAILFRONTENDCACHE = {
            "proxy": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": varnish.url}
        }
        yield varnish


@pytest.fixture
def articles():
    home = HomePage.objects.get()
    section = SectionPageFactory(parent=home, title="South Caucasus")
    author = AuthorPageFactory(parent=AuthorIndexPageFactory(parent=home), title="Nino Kapanadze")
    return [
        ArticlePageFactory(section=section, authors=[author], title=title)
        for title in ("Ferry traffic doubles at Alat", "New border crossing opens at Sadakhlo")
    ]


def publish(page, **changes):
    page = Page.objects.get(pk=page.pk).specific
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def test_every_reader_gets_varnishs_copy_and_an_edit_shows_at_once(varnish, articles):
    article = articles[0]
    first = get(varnish, article.url)
    assert (first.status, first.cache) == (200, "MISS")
    again = request(varnish, article.url, headers={"Host": "localhost", "Cookie": "caspian_commenter=author=Leyla"})
    assert again.cache == "HIT"
    assert again.body == first.body
    assert again.headers.get("Set-Cookie") is None

    publish(article, title="Ferry traffic triples at Alat")
    edited = get(varnish, article.url)  # hard: its own page is never served old
    assert edited.cache == "MISS"
    assert b"Ferry traffic triples at Alat" in edited.body


def test_a_new_story_refreshes_latest_softly_and_a_withdrawn_one_is_gone_at_once(varnish, articles):
    article, other = articles
    for path in (article.url, other.url):
        get(varnish, path)
        assert get(varnish, path).cache == "HIT"

    new = ArticlePageFactory(
        section=article.section, authors=[], title="Caspian ferry strike ends", live=False, first_published_at=None
    )
    publish(new)
    # Soft: the page that lists it in Latest is answered at once from the old copy while Varnish refetches it.
    stale = get(varnish, other.url)
    assert stale.cache == "HIT"
    assert b"Caspian ferry strike ends" not in stale.body
    refreshed = wait_until(varnish, other.url, lambda answer: b"Caspian ferry strike ends" in answer.body)
    assert b"Caspian ferry strike ends" in refreshed.body

    ArticlePage.objects.get(pk=article.pk).unpublish()
    assert get(varnish, article.url).status == 404  # hard: not a moment of the old copy
    listing = get(varnish, other.url)
    assert listing.cache == "MISS"
    assert article.title.encode() not in listing.body
