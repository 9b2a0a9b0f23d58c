"""caspian.pagecache.proxy.purge_tags against a fake proxy: the requests it sends and how it fails.

(Against a real Varnish: test_varnish.py.)
"""

import logging
import threading

import pytest
from django.test import override_settings

from caspian.pagecache import proxy

from ..fake_services import FakeHTTPService

pytestmark = pytest.mark.pure


class FakeVarnish(FakeHTTPService):
    """Answers each PURGE like caspian.vcl: ``status``, and ``X-Purged`` with the number of tags it got.

    ``mode = "hang"`` answers nothing until released.
    """

    def __init__(self, status=200):
        super().__init__()
        self.status = status
        # Stops in a twentieth of a second rather than the default half.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def handle(self, request):
        self.requests.append((request.command, request.path, request.headers))  # names in any case
        self.request_seen.set()
        if self.mode == "hang":
            self._release.wait(timeout=30)
            return
        tags = (request.headers.get("xkey-purge") or request.headers.get("xkey-softpurge") or "").split()
        request.send_response(self.status)
        request.send_header("X-Purged", str(len(tags)))
        request.send_header("Content-Length", "0")
        request.end_headers()


@pytest.fixture
def varnish():
    with FakeVarnish() as server, override_settings(PURGE_URL=server.url + "/ignored/path"):
        yield server


def test_a_hard_purge_is_one_purge_of_slash_with_the_tags(varnish):
    purged = proxy.purge_tags(["page-12", "latest", "page-12", ""], soft=False)

    assert purged == 2
    [(method, path, headers)] = varnish.requests
    assert (method, path) == ("PURGE", "/")
    assert headers["xkey-purge"] == "latest page-12"
    assert "xkey-softpurge" not in headers


def test_a_soft_purge_sends_xkey_softpurge(varnish):
    proxy.purge_tags({"section-3-list"}, soft=True)

    [(_, _, headers)] = varnish.requests
    assert headers["xkey-softpurge"] == "section-3-list"
    assert "xkey-purge" not in headers


@pytest.mark.parametrize("url", [None, ""])
def test_nothing_is_sent_without_a_purge_url(url):
    with FakeVarnish() as server, override_settings(PURGE_URL=url):
        assert proxy.purge_tags(["page-1"], soft=False) is None
    assert server.requests == []


def test_nothing_is_sent_without_tags(varnish):
    assert proxy.purge_tags([], soft=True) is None
    assert varnish.requests == []


def test_many_tags_go_in_several_requests_with_headers_under_8_kb(varnish):
    tags = [f"page-{number}" for number in range(5000)]

    purged = proxy.purge_tags(tags, soft=False)

    sent = [headers["xkey-purge"] for _, _, headers in varnish.requests]
    assert len(sent) > 1
    assert all(len(f"xkey-purge: {value}".encode()) < 8 * 1024 for value in sent)
    assert sorted(tag for value in sent for tag in value.split()) == sorted(tags)
    assert purged == 5000


def test_an_error_answer_is_one_warning_and_no_more_requests(varnish, caplog):
    varnish.status = 405
    tags = [f"page-{number}" for number in range(5000)]  # several requests' worth

    with caplog.at_level(logging.WARNING, logger="caspian.pagecache.proxy"):
        assert proxy.purge_tags(tags, soft=False) is None

    assert len(varnish.requests) == 1
    [record] = caplog.records
    assert "405" in record.getMessage() and "5000 cache tags" in record.getMessage()


def test_an_unreachable_proxy_is_one_warning(caplog):
    with FakeVarnish() as server:
        url = server.url  # then closed: nothing listens there any more
    with override_settings(PURGE_URL=url), caplog.at_level(logging.WARNING, logger="caspian.pagecache.proxy"):
        assert proxy.purge_tags(["page-1", "page-2"], soft=True) is None

    [record] = caplog.records
    assert "could not be reached" in record.getMessage() and "soft-purge 2 cache tags" in record.getMessage()


def test_a_proxy_that_does_not_answer_is_given_up_after_the_timeout(varnish, caplog, monkeypatch):
    monkeypatch.setattr(proxy, "TIMEOUT_SECONDS", 0.2)  # 2 s in production
    varnish.mode = "hang"

    with caplog.at_level(logging.WARNING, logger="caspian.pagecache.proxy"):
        assert proxy.purge_tags(["page-1"], soft=False) is None

    assert len(caplog.records) == 1
    assert "timed out" in caplog.records[0].getMessage()
