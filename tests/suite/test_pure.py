"""The ``pure`` mark is checked, not trusted (pure.py)."""

import pytest
from django.core.cache import cache

from .inner import outcomes, run_session

pytestmark = pytest.mark.pure

CACHE_TESTS = """
import pytest
from django.core.cache import cache


@pytest.mark.pure
def test_hides_its_use_of_the_cache():
    try:
        cache.get("anything")
    except Exception:
        pass  # as code that treats the cache as optional does


def test_unmarked():
    cache.set("key", "kept")
    assert cache.get("key") == "kept"
"""


def test_a_pure_test_that_touches_the_cache_fails_even_if_it_catches_the_error(tmp_path):
    output = run_session(tmp_path, CACHE_TESTS, "-p", "tests.suite.pure")
    assert "marked pure used the cache: take the mark off so it runs on Redis too." in output
    assert outcomes(output) == {"passed": 2, "errors": 1}  # at the marked test's teardown


def test_a_pure_test_that_asks_for_the_database_fails_before_it_runs(tmp_path):
    tests = "import pytest\n\n@pytest.mark.pure\n@pytest.mark.django_db\ndef test_reads_a_row():\n    pass\n"
    output = run_session(tmp_path, tests, "-p", "tests.suite.pure")
    assert "marked pure but uses the database: take the mark off." in output
    assert outcomes(output) == {"errors": 1}


def test_pure_tests_here_have_no_cache():
    with pytest.raises(AssertionError, match="marked pure used the cache"):
        cache.get("anything")
    from tests.suite.pure import NoCache

    NoCache.uses.clear()  # this test meant to: see the first test for what happens otherwise
