"""Two app servers behind Varnish, sharing only PostgreSQL, Redis and the media store.

Two `caspian serve` processes, each with a data folder of its own, run
against this test's database, Redis (the same key prefix as this process)
and moto's S3 on 127.0.0.1, with deploy/varnish/caspian.vcl sharing readers
between them. An image uploaded through one is served through the other;
a story published through one is purged from Varnish and from both
servers' page cache.
"""

import os
import shutil
import subprocess
import time
from contextlib import ExitStack, contextmanager

import pytest
import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection
from PIL import Image

from caspian.newsroom.factories import ArticlePageFactory, AuthorIndexPageFactory, AuthorPageFactory, SectionPageFactory
from caspian.newsroom.models import ArticlePage, HomePage

from ..e2e.conftest import CASPIAN, free_port, stop, wait_until_up
from ..fake_services import FakeS3
from ..newsroom.test_roles import form_fields
from ..varnish import Varnish, require_varnish
from .conftest import request

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="app servers share PostgreSQL and Redis, as in production: run on PostgreSQL (make test-postgres)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUCKET = "caspian-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "caspian-test", "AWS_SECRET_ACCESS_KEY": "caspian-test-secret"}
PASSWORD = "correct horse battery staple"


def server_environment(home, store, varnish):
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASPIAN_", "DJANGO_", "AWS_"))}
    env.update(
        CASPIAN_HOME=str(home),
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        REDIS_URL=os.environ["REDIS_URL"],
        CASPIAN_CACHE_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        CASPIAN_PURGE_URL=varnish.url,
        CASPIAN_MEDIA_S3_BUCKET=BUCKET,
        CASPIAN_MEDIA_S3_ENDPOINT_URL=store.url,
        CASPIAN_MEDIA_URL=f"{store.url}/{BUCKET}/",
        SECRET_KEY="caspian-tests-only",
        ALLOWED_HOSTS="*",
        CASPIAN_WEATHER_BACKEND="caspian.masthead.weather.dummy.SampleBackend",
        # The editor signs in with a password alone (two-factor sign-in is tested in tests/accounts).
        CASPIAN_TWO_FACTOR_ROLES="none",
        **CREDENTIALS,
    )
    return env


def collect_static(homes, env):
    """Each server's static files, as a deploy collects them (the admin needs their manifest).

    Collected once (about 10 s: every file is compressed) and copied to the other server's folder.
    """
    homes[0].mkdir()
    collected = subprocess.run(
        [CASPIAN, "manage", "collectstatic", "--noinput"], env=env, capture_output=True, text=True, timeout=300
    )
    assert collected.returncode == 0, collected.stderr
    for home in homes[1:]:
        shutil.copytree(homes[0] / "static", home / "static")


@contextmanager
def app_server(port, env):
    """`caspian serve` on ``port``; its log goes to ``server.log`` in its data folder."""
    log = open(os.path.join(env["CASPIAN_HOME"], "server.log"), "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [CASPIAN, "serve", "--port", str(port), "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server, seconds=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)
        log.close()


def cached(url, seconds=10):
    """GET ``url`` until it comes from the server's page cache (a scheduler round at start-up may
    invalidate the first render before it is stored); returns the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = requests.get(url, timeout=30)
        if answer.headers.get("X-Page-Cache") == "hit" or time.monotonic() > deadline:
            return answer


def signed_in(base_url):
    session = requests.Session()
    login = session.get(f"{base_url}/admin/login/", timeout=10)
    assert login.status_code == 200, login.text[:3000]
    token = BeautifulSoup(login.text, "html.parser").select_one("input[name=csrfmiddlewaretoken]")["value"]
    data = {"csrfmiddlewaretoken": token, "username": "editor", "password": PASSWORD}
    assert session.post(f"{base_url}/admin/login/", data, timeout=10).url.endswith("/admin/")
    return session


def upload_image(session, base_url, path):
    """Upload ``path`` as an editor does, with the admin's multiple upload: the new image's id."""
    with open(path, "rb") as file:
        answer = session.post(
            f"{base_url}/admin/images/multiple/add/",
            files={"files[]": ("harbour.jpg", file, "image/jpeg")},
            headers={"X-CSRFToken": session.cookies["csrftoken"]},
            timeout=30,
        )
    assert answer.json()["success"], answer.text
    return answer.json()["image_id"]


def publish_through_admin(session, base_url, page, title):
    edit = session.get(f"{base_url}/admin/pages/{page.pk}/edit/", timeout=30)
    data = form_fields(BeautifulSoup(edit.text, "html.parser").select_one("#page-edit-form"))
    data["title"] = title
    data["action-publish"] = "action-publish"
    answer = session.post(f"{base_url}/admin/pages/{page.pk}/edit/", data, timeout=30, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:2000]


@pytest.fixture
def article():
    editor = User.objects.create_superuser("editor", "editor@caspian.example")
    # Hashed as the servers check it (the tests' own settings use a faster hasher).
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=editor.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    home = HomePage.objects.get()
    section = SectionPageFactory(parent=home, title="South Caucasus")
    author = AuthorPageFactory(parent=AuthorIndexPageFactory(parent=home), title="Nino Kapanadze")
    return ArticlePageFactory(section=section, authors=[author], title="Ferry traffic doubles at Alat")


def test_an_upload_through_one_server_shows_through_the_other_and_a_publication_purges_both(article, tmp_path):
    require_varnish()
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        store = stack.enter_context(FakeS3(BUCKET, **CREDENTIALS))
        varnish = stack.enter_context(Varnish([("127.0.0.1", port) for port in ports]))
        homes = [tmp_path / "server-a", tmp_path / "server-b"]
        collect_static(homes, server_environment(homes[0], store, varnish))
        first, second = (
            stack.enter_context(app_server(port, server_environment(home, store, varnish)))
            for home, port in zip(homes, ports, strict=True)
        )

        # An editor on the first server uploads a photo; the story uses it (a draft, until published below).
        session = signed_in(first)
        photo = tmp_path / "harbour.jpg"
        Image.new("RGB", (1200, 800), (40, 90, 140)).save(photo, "JPEG")
        draft = ArticlePage.objects.get(pk=article.pk)
        draft.lead_image_id = upload_image(session, first, photo)
        draft.lead_image_alt = "Ferries queueing at the harbour"
        draft.save_revision()

        # Both servers and Varnish have the story cached.
        for base_url in (first, second):
            assert cached(base_url + article.url).headers["X-Page-Cache"] == "hit"
        request(varnish, article.url, headers={"Host": "localhost"})
        assert request(varnish, article.url, headers={"Host": "localhost"}).cache == "HIT"

        publish_through_admin(session, first, article, "Ferry traffic triples at Alat")

        through_varnish = request(varnish, article.url, headers={"Host": "localhost"})
        assert through_varnish.cache == "MISS"
        assert b"Ferry traffic triples at Alat" in through_varnish.body
        page = requests.get(second + article.url, timeout=30)  # the other server's own page cache too
        assert page.headers["X-Page-Cache"] == "miss"
        assert "Ferry traffic triples at Alat" in page.text

        # The second server shows the photo the first one received: from the bucket, not from a local folder.
        image = BeautifulSoup(page.text, "html.parser").select_one(".article__lead-image img")["src"]
        assert image.startswith(f"{store.url}/{BUCKET}/")
        photo = requests.get(image, timeout=30)
        assert (photo.status_code, photo.headers["Content-Type"]) == (200, "image/jpeg")
        assert not any(list((home / "media").rglob("*.*")) for home in homes)
