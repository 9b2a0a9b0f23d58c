"""A clone of the repository alone, with nothing beside it and no network, collects with no error.

The third-party corpora live outside the repository (tests/corpora.py):
without them, and unable to fetch them, `make test` says which files it
could not get and the tests that read them are skipped, one line each.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import corpora

pytestmark = pytest.mark.pure

REPOSITORY = Path(__file__).resolve().parents[2]
NO_NETWORK = "http://127.0.0.1:9"  # nothing listens on the discard port: every fetch is refused at once


def copy_of_the_repository(folder):
    """The repository's files (tracked, and new ones not ignored) copied into ``folder``."""
    if not (REPOSITORY / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout: the files a clone would hold are unknown")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPOSITORY / name
        if source.is_file():  # not deleted in the working tree
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


def run(clone, *command):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CASPIAN_", "PYTEST_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(clone / "src"), str(clone)]),
        http_proxy=NO_NETWORK,
        https_proxy=NO_NETWORK,
        no_proxy="",
    )
    return subprocess.run([sys.executable, *command], cwd=clone, env=env, capture_output=True, text=True, timeout=300)


def test_a_lone_clone_offline_collects_with_no_error_and_skips_the_corpus_tests(tmp_path):
    clone = copy_of_the_repository(tmp_path / "caspian")

    fetch = run(clone, "-m", "tests.corpora")
    assert fetch.returncode == 0, fetch.stderr
    for name in corpora.FILES:
        assert f"Test corpus {name}: not fetched" in fetch.stdout
    assert not (clone / ".cache" / "corpora").exists()

    collected = run(clone, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    summary = collected.stdout.strip().splitlines()[-1]
    assert "error" not in summary and " collected" in f" {summary}", summary

    read_corpora = "tests/wordpress/test_wxr.py::test_corpus_reads_as_the_file_holds"
    skipped = run(clone, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", read_corpora)
    assert skipped.returncode == 0, skipped.stdout[-3000:]
    assert skipped.stdout.strip().splitlines()[-1].startswith("3 skipped")
    for name in ("wp-themeunittestdata.wordpress.xml", "wp-64-block-test-data.xml", "wp-a11y-theme-unit-test-data.xml"):
        assert f"{name} is missing: run `make test` online to fetch it" in skipped.stdout
