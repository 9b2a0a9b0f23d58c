"""The third-party corpora are found by digest, skipped when missing, and required where CI says so (corpora.py)."""

import hashlib
import unittest

import pytest

from tests import corpora

pytestmark = pytest.mark.pure


@pytest.fixture
def one_file(tmp_path, monkeypatch):
    """A corpus of one file pinned to ``b"pinned"``, looked for in ``tmp_path`` only."""
    monkeypatch.setattr(corpora, "FILES", {"export.xml": ("https://example.org/export.xml", sha256(b"pinned"))})
    monkeypatch.setattr(corpora, "folders", lambda: [tmp_path])
    monkeypatch.delenv("CASPIAN_REQUIRE_CORPORA", raising=False)
    corpora.find.cache_clear()
    yield tmp_path / "export.xml"
    corpora.find.cache_clear()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def test_the_pinned_file_is_found(one_file):
    one_file.write_bytes(b"pinned")
    assert corpora.path("export.xml") == one_file


def test_a_missing_file_skips_the_test_saying_how_to_get_it(one_file):
    with pytest.raises(unittest.SkipTest, match=r"^export.xml is missing: run `make test` online to fetch it"):
        corpora.path("export.xml")


def test_a_file_that_is_not_the_pinned_one_is_named_and_not_used(one_file):
    one_file.write_bytes(b"edited")
    with pytest.raises(unittest.SkipTest, match=f"^{one_file} is not the pinned file"):
        corpora.path("export.xml")


def test_where_the_corpora_are_required_a_missing_file_fails(one_file, monkeypatch):
    monkeypatch.setenv("CASPIAN_REQUIRE_CORPORA", "1")
    with pytest.raises(FileNotFoundError, match="export.xml is missing"):
        corpora.path("export.xml")
