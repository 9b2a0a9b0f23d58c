"""Media on an S3-compatible store: uploads and renditions land in the bucket, linked at the media address.

The store is moto's S3 server, a real HTTP service on 127.0.0.1. The
storage is configured by ``caspian/settings.py`` itself, run with the
variables an operator sets, so the environment parsing is the one tested.
"""

import os
import runpy
import socket
from io import BytesIO
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import override_settings
from PIL import Image

import caspian.settings
from caspian.newsroom.factories import NewsImageFactory
from caspian.newsroom.models import NewsImage

from .fake_services import FakeS3

BUCKET = "caspian-media"
# Every variable the media settings read, so none leaks in from the shell.
MEDIA_VARIABLES = (
    "CASPIAN_MEDIA_ROOT",
    "CASPIAN_MEDIA_URL",
    "CASPIAN_SERVE_MEDIA",
    "CASPIAN_MEDIA_S3_BUCKET",
    "CASPIAN_MEDIA_S3_ENDPOINT_URL",
    "CASPIAN_MEDIA_S3_REGION",
    "CASPIAN_MEDIA_S3_PREFIX",
)
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "caspian-test", "AWS_SECRET_ACCESS_KEY": "caspian-test-secret"}


def settings_from_environment(monkeypatch, **variables):
    """The settings ``caspian/settings.py`` makes with ``variables`` in the environment (a dict of its names).

    The module runs afresh in its own namespace, as at a server's start;
    the settings this test process runs on are left alone. The variables
    stay set until the test ends: boto3 reads the credentials when the
    storage first connects.
    """
    for name in MEDIA_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(caspian.settings.__file__)


def storages_from(values):
    """``STORAGES`` for this test process with the default storage of ``values`` (static files as they are)."""
    return {**settings.STORAGES, "default": values["STORAGES"]["default"]}


@pytest.fixture(scope="module")
def s3_store():
    """moto's S3 server (about a second to start, so the tests of this module share one)."""
    with FakeS3(BUCKET, **CREDENTIALS) as store:
        yield store


def keys_in_bucket(store, prefix):
    listing = store.client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
    return {entry["Key"] for entry in listing.get("Contents", [])}


@pytest.mark.django_db
class TestMediaInTheBucket:
    def configure(self, monkeypatch, store, prefix):
        """The real settings for media under ``prefix`` in the moto bucket, linked at its public address.

        Readers reach the bucket by another name (``localhost``) than the
        app servers do, as they reach a CDN: links must use that name.
        """
        media_url = f"{store.url.replace('127.0.0.1', 'localhost')}/{BUCKET}/"
        values = settings_from_environment(
            monkeypatch,
            CASPIAN_MEDIA_S3_BUCKET=BUCKET,
            CASPIAN_MEDIA_S3_ENDPOINT_URL=store.url,
            CASPIAN_MEDIA_S3_REGION="us-east-1",
            CASPIAN_MEDIA_S3_PREFIX=f"/{prefix}/",
            CASPIAN_MEDIA_URL=media_url,
            **CREDENTIALS,
        )
        return values, media_url

    def test_an_image_and_its_rendition_are_written_to_the_bucket_and_linked_at_the_media_address(
        self, s3_store, monkeypatch
    ):
        prefix = "site-one"
        values, media_url = self.configure(monkeypatch, s3_store, prefix)
        assert values["SERVE_MEDIA"] is False
        assert values["MEDIA_URL"] == media_url

        with override_settings(STORAGES=storages_from(values), MEDIA_URL=values["MEDIA_URL"]):
            image = NewsImageFactory(file__filename="harbour.jpg")
            rendition = image.get_rendition("fill-300x200")
            # Same file name again: a new object, the first one untouched.
            namesake = NewsImageFactory(file__filename="harbour.jpg")
            image_url, rendition_url = image.file.url, rendition.url

        assert image.file.name == "original_images/harbour.jpg"
        assert rendition.file.name.startswith("images/harbour.")
        assert namesake.file.name != image.file.name
        assert keys_in_bucket(s3_store, prefix) == {
            f"{prefix}/{image.file.name}",
            f"{prefix}/{rendition.file.name}",
            f"{prefix}/{namesake.file.name}",
        }
        # Nothing was written to the local media folder.
        assert not (Path(settings.MEDIA_ROOT) / rendition.file.name).exists()
        assert not (Path(settings.MEDIA_ROOT) / image.file.name).exists()

        assert image_url == f"{media_url}{prefix}/{image.file.name}"
        assert rendition_url == f"{media_url}{prefix}/{rendition.file.name}"
        # The link is the object's public address: fetched without credentials.
        with urlopen(rendition_url, timeout=5) as response:
            assert response.headers["Content-Type"] == "image/jpeg"
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert Image.open(BytesIO(response.read())).size == (300, 200)
        original = s3_store.client.head_object(Bucket=BUCKET, Key=f"{prefix}/{image.file.name}")
        assert original["CacheControl"] == "public, max-age=31536000, immutable"
        assert original["ContentType"] == "image/jpeg"

    def test_a_rendition_made_before_is_linked_without_asking_the_store(self, s3_store, monkeypatch):
        prefix = "site-two"
        values, media_url = self.configure(monkeypatch, s3_store, prefix)
        with override_settings(STORAGES=storages_from(values)):
            image = NewsImageFactory()
            image.get_rendition("fill-300x200")

        # Now the store's address is a port that takes connections but
        # never answers: any request to it would show up as one waiting.
        with socket.create_server(("127.0.0.1", 0)) as silent_store:
            monkeypatch.setenv("CASPIAN_MEDIA_S3_ENDPOINT_URL", f"http://127.0.0.1:{silent_store.getsockname()[1]}")
            down = runpy.run_path(caspian.settings.__file__)
            with override_settings(STORAGES=storages_from(down)):
                assert default_storage.endpoint_url == os.environ["CASPIAN_MEDIA_S3_ENDPOINT_URL"]
                rendition = NewsImage.objects.get(pk=image.pk).get_rendition("fill-300x200")
                assert rendition.url == f"{media_url}{prefix}/{rendition.file.name}"
            silent_store.setblocking(False)
            with pytest.raises(BlockingIOError):
                silent_store.accept()  # nobody called


@pytest.mark.pure
def test_media_stay_in_the_local_folder_without_a_bucket(monkeypatch):
    values = settings_from_environment(monkeypatch)
    assert values["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert values["MEDIA_URL"] == "/media/"
    assert values["SERVE_MEDIA"] is True


@pytest.mark.pure
def test_media_on_aws_are_public_never_overwritten_cached_and_time_limited(monkeypatch):
    values = settings_from_environment(
        monkeypatch, CASPIAN_MEDIA_S3_BUCKET="news-media", CASPIAN_MEDIA_S3_REGION="eu-west-1"
    )
    storage = values["STORAGES"]["default"]
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "news-media" and options["region_name"] == "eu-west-1"
    assert options["endpoint_url"] is None and options["location"] == ""
    # Unset CASPIAN_MEDIA_URL: the bucket's own address, which the pages' policy allows images from.
    assert values["MEDIA_URL"] == "https://news-media.s3.eu-west-1.amazonaws.com/"
    assert (options["url_protocol"], options["custom_domain"]) == ("https:", "news-media.s3.eu-west-1.amazonaws.com")
    assert "img-src 'self' data: https://news-media.s3.eu-west-1.amazonaws.com;" in values["CASPIAN_CSP"]
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert options["object_parameters"] == {"CacheControl": "public, max-age=31536000, immutable"}
    client = options["client_config"]
    assert 0 < client.connect_timeout <= 5 and 0 < client.read_timeout <= 10
    assert client.retries["total_max_attempts"] <= 3
    assert values["SERVE_MEDIA"] is False
    # Credentials are boto3's, from its own environment: never in the settings.
    assert not {"access_key", "secret_key"} & set(options)


@pytest.mark.pure
def test_a_media_cdn_in_front_of_the_bucket_gives_the_links(monkeypatch):
    values = settings_from_environment(
        monkeypatch,
        CASPIAN_MEDIA_S3_BUCKET="news-media",
        CASPIAN_MEDIA_S3_ENDPOINT_URL="https://account.r2.cloudflarestorage.com",
        CASPIAN_MEDIA_S3_REGION="auto",
        CASPIAN_MEDIA_URL="https://media.example.org/news",
    )
    options = values["STORAGES"]["default"]["OPTIONS"]
    assert options["endpoint_url"] == "https://account.r2.cloudflarestorage.com"
    assert (options["url_protocol"], options["custom_domain"]) == ("https:", "media.example.org/news")
    assert values["MEDIA_URL"] == "https://media.example.org/news/"
    assert "img-src 'self' data: https://media.example.org;" in values["CASPIAN_CSP"]


@pytest.mark.pure
@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"CASPIAN_MEDIA_S3_BUCKET": "news-media", "CASPIAN_MEDIA_URL": "/media/"},
            "CASPIAN_MEDIA_URL='/media/': with CASPIAN_MEDIA_S3_BUCKET set, give the full public address",
        ),
        (
            {"CASPIAN_MEDIA_S3_BUCKET": "news-media", "CASPIAN_MEDIA_URL": "media.example.org"},
            "CASPIAN_MEDIA_URL='media.example.org': with CASPIAN_MEDIA_S3_BUCKET set, give the full public address",
        ),
        (
            {"CASPIAN_MEDIA_S3_BUCKET": "news-media", "CASPIAN_MEDIA_S3_ENDPOINT_URL": "minio.internal:9000"},
            "CASPIAN_MEDIA_S3_ENDPOINT_URL='minio.internal:9000': give the store's full address",
        ),
        (
            {"CASPIAN_MEDIA_S3_ENDPOINT_URL": "http://minio.internal:9000"},
            "CASPIAN_MEDIA_S3_ENDPOINT_URL is set but CASPIAN_MEDIA_S3_BUCKET is not: name the bucket",
        ),
        (
            {"CASPIAN_MEDIA_S3_BUCKET": "news-media", "CASPIAN_SERVE_MEDIA": "true"},
            "CASPIAN_SERVE_MEDIA='true': media are served from the bucket",
        ),
    ],
)
def test_a_bad_media_configuration_says_what_to_set(monkeypatch, variables, message):
    with pytest.raises(ImproperlyConfigured) as error:
        settings_from_environment(monkeypatch, **variables)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
