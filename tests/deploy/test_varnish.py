"""deploy/varnish/caspian.vcl on a real varnishd, in front of fake app servers (tests/varnish.py).

Each class starts one Varnish (about a second: the VCL is compiled with
cc) and its tests share it, each on pages and tags of its own.
"""

import time
from contextlib import ExitStack

import pytest
from django.test import override_settings
from wagtail.contrib.frontend_cache.backends import HTTPBackend

from caspian.pagecache import proxy

from ..varnish import Varnish, require_varnish
from .conftest import HOST, THROUGH_NGINX, request
from .origin import AppServer, Site

pytestmark = pytest.mark.pure


def wait_for_body(varnish, path, body, timeout=5):
    """Ask until Varnish answers ``body`` for ``path`` (a background fetch being stored); returns the answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = request(varnish, path)
        if answer.body == body or time.monotonic() > deadline:
            return answer
        time.sleep(0.02)


@pytest.fixture(scope="class")
def site():
    return Site()


@pytest.fixture(scope="class")
def varnish(site):
    require_varnish()
    # Two app servers behind the round-robin director.
    with AppServer(site) as first, AppServer(site) as second, Varnish([first.address, second.address]) as varnish:
        yield varnish


class TestVarnish:
    def test_a_reader_page_is_fetched_once_then_served_from_cache_whatever_the_cookies(self, site, varnish):
        site.page("/a/", "first", tags="page-101 section-1-list")
        before = varnish.stats()
        cookies = {"Cookie": "caspian_commenter=x; _ga=y"}

        miss = request(varnish, "/a/", headers={**cookies, **THROUGH_NGINX})
        hit = request(varnish, "/a/", headers={**cookies, **THROUGH_NGINX})

        assert (miss.status, miss.cache, miss.body) == (200, "MISS", b"first")
        assert (hit.status, hit.cache, hit.body) == (200, "HIT", b"first")
        assert site.fetched("/a/") == 1
        assert "Cookie" not in site.fetches[-1].headers, "readers' cookies never reach the app server"
        # Browsers get the origin's Cache-Control (max-age=0: they revalidate) and the object's Age.
        assert hit.headers["Cache-Control"] == site.pages["/a/"].headers["Cache-Control"]
        assert hit.headers["Age"] is not None
        revalidated = request(varnish, "/a/", headers={"If-None-Match": hit.headers["ETag"]})
        assert (revalidated.status, revalidated.cache) == (304, "HIT")
        # Readers do not see the tags Varnish purges by; a CDN in front still gets Cache-Tag.
        assert hit.headers["Surrogate-Key"] is None and hit.headers["xkey"] is None
        assert hit.headers["Cache-Tag"] == "page-101 section-1-list"
        varnish.wait_for_stats(lambda stats: stats["cache_hit"] >= before["cache_hit"] + 1)

    def test_the_purgers_see_the_tags(self, site, varnish):
        site.page("/a-tags/", "tagged", tags="page-102")

        answer = request(varnish, "/a-tags/")  # from loopback, not through nginx: the app servers

        assert answer.headers["Surrogate-Key"] == answer.headers["xkey"] == "page-102"

    def test_the_reader_address_stays_last_in_x_forwarded_for(self, site, varnish):
        site.page("/a-address/", "address", cache_control="private")

        request(varnish, "/a-address/", headers={**THROUGH_NGINX, "X-Forwarded-For": "198.51.100.1, 203.0.113.7"})

        # Caspian reads the last entry (security.py client_ip): nginx's, not Varnish's loopback hop.
        assert site.fetches[-1].headers["X-Forwarded-For"] == "198.51.100.1, 203.0.113.7"

    def test_an_editor_with_a_session_always_reaches_an_app_server(self, site, varnish):
        site.page("/b/", "page", tags="page-103")
        editor = {"Cookie": "_ga=y; sessionid=abc123"}

        answers = [request(varnish, "/b/", headers=editor) for _ in range(3)]

        assert [answer.cache for answer in answers] == ["PASS"] * 3
        assert site.fetched("/b/") == 3
        assert site.fetches[-1].headers["Cookie"] == "_ga=y; sessionid=abc123"
        assert request(varnish, "/b/").cache == "MISS", "the editors' visits stored nothing"

    @pytest.mark.parametrize(
        "method, path",
        [
            ("GET", "/admin/pages/"),
            ("GET", "/comments/token/"),
            ("POST", "/comments/post/"),
            ("GET", "/documents/4/report.pdf"),
            ("POST", "/c-reader-page/"),
        ],
    )
    def test_never_cached_whatever_the_app_server_answers(self, site, varnish, method, path):
        site.page(path, "cacheable?", tags="page-104")  # a reader page's headers, on purpose

        answers = [
            request(varnish, path, method=method, body=b"text=hi" if method == "POST" else None) for _ in range(2)
        ]

        assert [answer.cache for answer in answers] == ["PASS", "PASS"]
        assert site.fetched(path) == 2
        assert site.fetches[-1].method == method

    def test_health_checks_reach_an_app_server(self, site, varnish):
        answers = [request(varnish, "/healthz") for _ in range(2)]

        assert [(answer.status, answer.cache) for answer in answers] == [(200, "PASS")] * 2

    @pytest.mark.parametrize(
        "path, headers, status",
        [
            ("/k-no-cache-control/", {"cache_control": None}, 200),
            ("/k-private/", {"cache_control": "private, max-age=300"}, 200),
            ("/k-set-cookie/", {"Set_Cookie": "csrftoken=abc; Path=/"}, 200),
            ("/k-no-store/", {"cache_control": "no-store"}, 200),
            ("/k-error/", {}, 500),
        ],
    )
    def test_what_the_app_server_does_not_mark_cacheable_is_not_kept(self, site, varnish, path, headers, status):
        site.page(path, "not for everyone", status=status, **headers)

        answers = [request(varnish, path) for _ in range(2)]

        assert [answer.status for answer in answers] == [status, status]
        assert site.fetched(path) == 2

    def test_varnish_reads_s_maxage_and_stale_while_revalidate(self, site, varnish):
        site.page("/k-ttl/", "ttl", cache_control="public, max-age=0, s-maxage=271, stale-while-revalidate=37")

        request(varnish, "/k-ttl/")

        # Varnish's own reading of the headers, before the VCL: TTL RFC <ttl> <grace> <keep> ...
        records = varnish.log("-g", "raw", "-i", "TTL")
        assert " RFC 271 37 " in records, records

    def test_a_hard_tag_purge_drops_every_page_with_the_tag_and_only_those(self, site, varnish):
        site.page("/d-one/", "one", tags="page-201 section-7-list")
        site.page("/d-two/", "two", tags="page-202 section-7-list")
        for path in ("/d-one/", "/d-two/"):
            assert request(varnish, path).cache == "MISS"
        site.page("/d-one/", "one, corrected", tags="page-201 section-7-list")
        site.page("/d-two/", "two, edited", tags="page-202 section-7-list")

        with override_settings(PURGE_URL=varnish.url):
            purged = proxy.purge_tags(["page-201"], soft=False)

        assert purged == 1
        one, two = request(varnish, "/d-one/"), request(varnish, "/d-two/")
        assert (one.cache, one.body) == ("MISS", b"one, corrected")
        assert (two.cache, two.body) == ("HIT", b"two")

    def test_a_soft_tag_purge_serves_the_stale_page_at_once_while_one_fetch_refreshes_it(self, site, varnish):
        site.page("/e/", "old front page", tags="site-e latest")
        assert request(varnish, "/e/").cache == "MISS"
        site.page("/e/", "new front page", tags="site-e latest")
        refresh = site.hold("/e/")  # the app server takes its time with the refresh

        with override_settings(PURGE_URL=varnish.url):
            purged = proxy.purge_tags(["latest"], soft=True)
        stale = [request(varnish, "/e/", timeout=2) for _ in range(3)]
        refreshes = site.wait_for_fetches("/e/", 2) - 1
        stale += [request(varnish, "/e/", timeout=2) for _ in range(3)]
        refresh.set()
        fresh = wait_for_body(varnish, "/e/", b"new front page")

        assert purged == 1
        assert [(answer.status, answer.body) for answer in stale] == [(200, b"old front page")] * 6
        assert refreshes == 1
        assert (fresh.cache, fresh.body) == ("HIT", b"new front page")
        assert site.fetched("/e/") == 2, "one background fetch refreshed it, for every reader"

    def test_a_url_purge_drops_that_page_in_every_variant_and_nothing_else(self, site, varnish):
        site.page("/f-one/", "one", tags="page-301", Vary="Accept-Language")
        site.page("/f-two/", "two", tags="page-302")
        for headers in ({"Accept-Language": "en"}, {"Accept-Language": "fr"}):
            assert request(varnish, "/f-one/", headers=headers).cache == "MISS"
        request(varnish, "/f-two/")
        site.page("/f-one/", "one, updated", tags="page-301", Vary="Accept-Language")

        # What Caspian sends for a changed page's own address (Wagtail's frontend cache, settings.py).
        HTTPBackend({"LOCATION": varnish.url}).purge(f"http://{HOST}/f-one/")

        for headers in ({"Accept-Language": "en"}, {"Accept-Language": "fr"}):
            answer = request(varnish, "/f-one/", headers=headers)
            assert (answer.cache, answer.body) == ("MISS", b"one, updated")
        assert request(varnish, "/f-two/").cache == "HIT"

    def test_readers_cannot_purge_through_nginx(self, site, varnish):
        site.page("/g/", "keep me", tags="page-401")
        request(varnish, "/g/")

        by_address = request(varnish, "/g/", method="PURGE", headers=THROUGH_NGINX)
        by_tag = request(varnish, "/", method="PURGE", headers={**THROUGH_NGINX, "xkey-purge": "page-401"})

        assert by_address.status == by_tag.status == 405
        assert b"purgers ACL" in by_tag.body
        assert request(varnish, "/g/").cache == "HIT"

    def test_tracking_parameters_and_parameter_order_share_one_object(self, site, varnish):
        site.page("/h/", "shared", tags="page-501")

        first = request(varnish, "/h/?b=2&a=1")
        same = [
            request(varnish, "/h/?a=1&b=2"),
            request(varnish, "/h/?utm_source=newsletter&b=2&fbclid=abc&a=1&utm_medium=email"),
            request(varnish, "/h/?gclid=xyz&a=1&utm_campaign=spring&b=2"),
        ]
        bare = request(varnish, "/h/?utm_source=x&utm_content=y")

        assert first.cache == "MISS"
        assert [answer.cache for answer in same] == ["HIT"] * 3
        assert bare.cache == "MISS"
        assert [fetch.path for fetch in site.fetches if fetch.path.startswith("/h/")] == ["/h/?a=1&b=2", "/h/"]

    def test_app_servers_take_turns(self, site, varnish):
        for _ in range(4):
            request(varnish, "/admin/turns/")

        ports = [fetch.port for fetch in site.fetches if fetch.path == "/admin/turns/"]
        assert len(set(ports)) == 2 and ports.count(ports[0]) == 2


class TestStaleIfError:
    """A page past its s-maxage (1 s here) is served stale while the app servers fail (stale-if-error)."""

    EXPIRING = "public, max-age=0, s-maxage=1, stale-while-revalidate=0, stale-if-error=60"

    def test_stale_copies_are_served_while_the_app_servers_fail_unless_hard_purged(self):
        """About 2 s: the copies must really pass their s-maxage (1 s, the least HTTP can say)
        and the health probe must notice the app server has gone."""
        require_varnish()
        site = Site()
        site.page("/i-down/", "down, kept", tags="page-601", cache_control=self.EXPIRING)
        site.page("/i-purged/", "withdrawn", tags="page-602", cache_control=self.EXPIRING)
        site.page("/i-erroring/", "erroring, kept", tags="page-603", cache_control=self.EXPIRING)
        with ExitStack() as running:
            app = running.enter_context(AppServer(site))
            varnish = running.enter_context(Varnish([app.address]))
            for path in ("/i-down/", "/i-purged/", "/i-erroring/"):  # the last one expires last
                assert request(varnish, path).cache == "MISS"

            # The app server is up but fails this page: readers get the copy, fresh (Age 0)
            # and past its s-maxage (Age 1).
            site.page("/i-erroring/", "Server Error", status=500, cache_control=None)
            answers = [request(varnish, "/i-erroring/")]
            deadline = time.monotonic() + 5
            while answers[-1].status == 200 and int(answers[-1].headers["Age"]) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
                answers.append(request(varnish, "/i-erroring/"))
            answers += [request(varnish, "/i-erroring/") for _ in range(2)]
            assert {(answer.status, answer.body, answer.cache) for answer in answers} == {
                (200, b"erroring, kept", "HIT")
            }
            # The first fetch, then one try for each of the 3 readers past s-maxage.
            assert site.fetched("/i-erroring/") == 4

            # The app server is gone: first before its probe notices, then after.
            app.__exit__(None, None, None)
            before_probe = request(varnish, "/i-down/")
            wait_until_sick(varnish)
            after_probe = request(varnish, "/i-down/")
            for answer in (before_probe, after_probe):
                assert (answer.status, answer.body, answer.cache) == (200, b"down, kept", "HIT")
                assert int(answer.headers["Age"]) >= 1

            # A hard purge means never again, even with nothing better to serve.
            with override_settings(PURGE_URL=varnish.url):
                assert proxy.purge_tags(["page-602"], soft=False) == 1
            assert request(varnish, "/i-purged/").status == 503


def wait_until_sick(varnish, timeout=5):
    deadline = time.monotonic() + timeout
    while "sick" not in varnish.admin("backend.list").stdout:
        assert time.monotonic() < deadline, varnish.admin("backend.list").stdout
        time.sleep(0.05)
