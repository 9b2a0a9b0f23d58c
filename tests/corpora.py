"""Third-party files the tests read (WordPress exports, sitemap schemas), pinned by SHA-256.

None of them is ours to copy into the repository. A file is used from the
first of these folders that holds it with the pinned digest:

1. ``$CASPIAN_CORPORA``;
2. ``../shared/corpora`` beside the repository (where CI has them);
3. ``.cache/corpora`` in the repository, where `make test` fetches the
   missing ones from their public upstream address (``python -m tests.corpora``).

When none has it (offline, say), the tests that need it are skipped with
one line naming the file and how to get it: never an error, except where
``CASPIAN_REQUIRE_CORPORA`` is set (CI, which has them all: there a skip
would hide the coverage lost).
"""

import hashlib
import http.client
import os
import sys
import unittest
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
FETCHED = REPOSITORY / ".cache" / "corpora"
RAW = "https://raw.githubusercontent.com"
FETCH_SECONDS = 20

# name: (upstream address, SHA-256). Each address names the repository, the commit and the path;
# tests/README.md gives the licences.
FILES = {
    "wp-themeunittestdata.wordpress.xml": (
        f"{RAW}/WordPress/theme-test-data/b47acf980696897936265182cb684dca648476c7/themeunittestdata.wordpress.xml",
        "457aace6ec93cf77369bbcc6158996e52da8798bd5e39c83d58dfab9b50d64fa",
    ),
    "wp-64-block-test-data.xml": (
        f"{RAW}/WordPress/theme-test-data/b47acf980696897936265182cb684dca648476c7/64-block-test-data.xml",
        "59e0eefd78087740f7ee98253666a7697ad57e1f2e7a80f6b8d74ae397072aea",
    ),
    "wp-a11y-theme-unit-test-data.xml": (
        f"{RAW}/wpaccessibility/a11y-theme-unit-test/4845cfb6c13f2b7927ad31a4760cd73d3bd3b8ff/"
        "a11y-theme-unit-test-data.xml",
        "0b75a0835030b02297e66a2eaf9a5e43a4eb97e035a31a4e280b2b715ef6101d",
    ),
    "sitemaps.org-sitemap.xsd": (
        f"{RAW}/ekalinin/sitemap.js/218a31d937bb4d3e42f3eff8391be7acc29a8ffe/schema/sitemap.xsd",
        "fbec77e84467050d5667394a57cc5cdfe1239d80aca1d61e9e0827173c3d9df9",
    ),
    "sitemaps.org-siteindex.xsd": (
        f"{RAW}/portrino/codeception-sitemap-module/bf1327b2cdda60d1726c44f9354858d1cd75d976/siteindex.xsd",
        "221d53c28d58c732e62bef159b112adaef79bc68f9f4a1965ae5be5e5c1edd29",
    ),
    "google-sitemap-news.xsd": (
        f"{RAW}/ekalinin/sitemap.js/374eae5b3eb8697ee23f0f50c8576e128ce4032e/tests/sitemap-news.xsd",
        "2669f1a0cc83f357752d1b1cd0874fa32c074eb0c9bd6c25f0c33141395cf168",
    ),
    "google-sitemap-image.xsd": (
        f"{RAW}/ekalinin/sitemap.js/374eae5b3eb8697ee23f0f50c8576e128ce4032e/tests/sitemap-image.xsd",
        "74f28f2be5fd54b3cca020273c455f75b07734ed46bdf51623c33b30eddeb84e",
    ),
}


def folders():
    """Where the files are looked for, in order."""
    given = os.environ.get("CASPIAN_CORPORA")
    return ([Path(given)] if given else []) + [REPOSITORY.parent / "shared" / "corpora", FETCHED]


@cache
def find(name):
    """The path of ``name`` with its pinned digest, or ``None``."""
    for candidate in candidates(name):
        if hashlib.sha256(candidate.read_bytes()).hexdigest() == FILES[name][1]:
            return candidate
    return None


def candidates(name):
    return [folder / name for folder in folders() if (folder / name).is_file()]


def path(name):
    """The path of ``name``; skips the calling test (class or function) when it is missing.

    Raises ``unittest.SkipTest``, which pytest and Django's test classes
    both treat as a skip, from ``setUpClass`` or ``setUpTestData`` too; or,
    with ``CASPIAN_REQUIRE_CORPORA`` set, ``FileNotFoundError``.
    """
    found = find(name)
    if found is not None:
        return found
    wrong = ", ".join(str(candidate) for candidate in candidates(name))
    problem = f"{wrong} is not the pinned file (its SHA-256 differs)" if wrong else f"{name} is missing"
    reason = f"{problem}: run `make test` online to fetch it, or set CASPIAN_CORPORA to a folder that has it"
    if os.environ.get("CASPIAN_REQUIRE_CORPORA"):
        raise FileNotFoundError(reason)
    raise unittest.SkipTest(reason)


def fetch_missing(out=sys.stdout):
    """Download each file no folder has into ``.cache/corpora``, checking its digest; says what it did.

    Returns the names still missing. Never raises for a network failure:
    the tests that need a missing file are skipped. After one failure to
    connect it tries no more (offline, each would wait out its timeout).
    """
    missing, offline = [], None
    for name, (url, digest) in FILES.items():
        if find(name):
            continue
        try:
            if offline:
                raise offline
            with urllib.request.urlopen(url, timeout=FETCH_SECONDS) as response:
                data = response.read()
        except urllib.error.HTTPError as error:  # the server answered: the others may still be there
            print(f"Test corpus {name}: not fetched ({error}); the tests that read it will be skipped.", file=out)
            missing.append(name)
            continue
        except (OSError, http.client.HTTPException) as error:
            offline = error
            print(f"Test corpus {name}: not fetched ({error}); the tests that read it will be skipped.", file=out)
            missing.append(name)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            print(f"Test corpus {name}: {url} no longer has the pinned file; the tests will be skipped.", file=out)
            missing.append(name)
            continue
        FETCHED.mkdir(parents=True, exist_ok=True)
        (FETCHED / name).write_bytes(data)
        find.cache_clear()
        print(f"Test corpus {name}: fetched from {url}", file=out)
    return missing


if __name__ == "__main__":
    fetch_missing()
