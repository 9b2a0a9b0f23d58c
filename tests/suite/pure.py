"""The ``pure`` mark: tests of plain Python that run once, in the SQLite run.

`make test` runs the suite twice, on SQLite with the local-memory cache and
on PostgreSQL with Redis, because what touches SQL, the cache, search,
transactions, locks or concurrency can behave differently on each. A test
of plain Python (claim parsing, WXR reading, content conversion, text and
date wording, settings and command-line parsing) would only repeat itself,
so it is marked ``pure`` and left out of the PostgreSQL run.

The mark is checked, not trusted: a ``pure`` test that asks for the
database fails before it runs, and one that touches the cache fails.
"""

import pytest
from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.test import override_settings

from .scheduling import flushes_the_database, in_a_transaction

MARK = "pure"
REFUSAL = f"a test marked {MARK} used the cache: take the mark off so it runs on Redis too."


def pytest_configure(config):
    config.addinivalue_line("markers", f"{MARK}: plain Python, no database or cache: runs once, in the SQLite run")


def is_pure(item):
    return item.get_closest_marker(MARK) is not None


def on_postgresql():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_report_header(config):
    if on_postgresql():
        return f"tests marked {MARK}: left out (plain Python, they run in the SQLite run)"
    return None


_misused = set()  # node ids of tests marked pure that ask for the database


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    _misused.update(
        item.nodeid for item in items if is_pure(item) and (in_a_transaction(item) or flushes_the_database(item))
    )
    if on_postgresql():  # the misused stay, to fail here too
        left_out = [item for item in items if is_pure(item) and item.nodeid not in _misused]
        items[:] = [item for item in items if not is_pure(item) or item.nodeid in _misused]
        config.hook.pytest_deselected(items=left_out)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.nodeid in _misused:
        pytest.fail(f"marked {MARK} but uses the database: take the mark off.", pytrace=False)


class NoCache(BaseCache):
    """The cache a ``pure`` test gets: any use of it fails the test, even where the code catches the error."""

    uses = []  # what the current test asked of it

    def __init__(self, location, params):
        super().__init__(params)

    def _refuse(self, *args, **kwargs):
        NoCache.uses.append(args[:1])
        raise AssertionError(REFUSAL)

    add = get = set = touch = delete = clear = has_key = incr = _refuse


@pytest.fixture(autouse=True)
def _pure_tests_have_no_cache(request):
    if not is_pure(request.node):
        yield
        return
    NoCache.uses.clear()
    with override_settings(CACHES={"default": {"BACKEND": f"{__name__}.NoCache"}}):
        yield
    if NoCache.uses:  # the code under test may have caught the refusal: fail anyway
        pytest.fail(f"{REFUSAL} (keys: {NoCache.uses})")
