"""The served demo while its database is gone: a real PostgreSQL stopped and started, or SQLite's file out of reach.

Readers get cached pages as ever and a 503 page with ``Retry-After`` for the
rest; a comment posted meanwhile comes back with its text, and posts once
the database is back; the log has one line for the outage, no tracebacks.
"""

import os
import time

import pytest
import requests
from bs4 import BeautifulSoup

OUTAGE_LINE = "The database does not answer"


def server_log(server):
    """What ``caspian serve`` wrote to stderr so far (read without waiting for more)."""
    fd = server.stderr.fileno()
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def wait_for_health(url, seconds=60):
    """Until /healthz says 200: the site found its database again."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if requests.get(url + "/healthz", timeout=10).status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not recover within {seconds} s")


def test_readers_and_commenters_through_a_database_outage(demo_site, page_urls):
    if demo_site.database_outage is None:
        pytest.skip("needs Debian's postgresql and redis-server packages for a PostgreSQL server of the demo's own")
    site = demo_site.url
    cached = {name: page_urls[name] for name in ("home", "article")}
    for url in cached.values():
        requests.get(url, timeout=30)  # now in the page cache
    article = BeautifulSoup(requests.get(cached["article"], timeout=30).text, "html.parser")
    action = site + article.select_one("#commentform")["action"].split("#")[0]
    token = requests.get(site + "/comments/token/", timeout=30).json()["form_token"]
    time.sleep(1)  # a person takes at least COMMENTS_MIN_SECONDS (1 s here) to write a comment
    comment = {
        "comment": "The ferry office in Aktau posted no times tonight.",
        "author": "Dana",
        "email": "d@example.org",
    }
    server_log(demo_site.server)  # only what the outage makes is read below

    with demo_site.database_outage():
        for name, url in cached.items():
            response = requests.get(url, timeout=30)
            assert (response.status_code, response.headers.get("X-Page-Cache")) == (200, "hit"), name
        never_cached = requests.get(page_urls["author"] + "?page=1", timeout=30)
        assert never_cached.status_code == 503
        assert never_cached.headers["Retry-After"] == "30"
        assert "Back in a moment" in never_cached.text
        health = requests.get(site + "/healthz", timeout=30)
        assert (health.status_code, health.json()["database"]) == (503, "failing")
        posted = requests.post(action, data={**comment, "form_token": token}, timeout=30, allow_redirects=False)
        assert posted.status_code == 503
        form = BeautifulSoup(posted.text, "html.parser").select_one("form.comment-form")
        assert form.select_one("textarea[name=comment]").text == comment["comment"]

    wait_for_health(site)
    kept = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    again = requests.post(action, data={**kept, "comment": comment["comment"]}, timeout=30, allow_redirects=False)
    assert again.status_code == 302, again.text[:500]
    assert requests.get(page_urls["author"] + "?page=1", timeout=30).status_code == 200

    log = server_log(demo_site.server)
    assert "Traceback" not in log, log[-3000:]
    assert 1 <= log.count(OUTAGE_LINE) <= 3, log[-3000:]  # once per process that met it (two workers, the parent)
