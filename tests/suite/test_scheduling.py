"""How the work is cut into units for the xdist workers, and the database order each process keeps (scheduling.py)."""

from types import SimpleNamespace

import pytest
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from .scheduling import E2E, flushes_the_database, in_a_transaction, unit

pytestmark = pytest.mark.pure


def test_a_class_is_a_unit_a_function_is_its_own_and_e2e_is_one():
    assert unit("tests/newsroom/test_listings.py::SectionPageTests::test_paging") == (
        "tests/newsroom/test_listings.py::SectionPageTests"
    )
    assert unit("tests/x.py::Tests::test_it[a::b]") == "tests/x.py::Tests"
    assert unit("tests/test_cli.py::test_serve") == "tests/test_cli.py::test_serve"
    assert unit("tests/x.py::test_it[a::b::c]") == "tests/x.py::test_it[a::b::c]"
    assert unit("tests/e2e/test_browser.py::test_axe[dark]") == unit("tests/e2e/test_serving.py::test_reload") == E2E


def item(cls=None, fixtures=(), django_db=None):
    """A collected test as far as the order needs it: its class, fixtures and ``django_db`` mark arguments."""
    marker = None if django_db is None else SimpleNamespace(kwargs=django_db)
    return SimpleNamespace(
        cls=cls, fixturenames=list(fixtures), get_closest_marker=lambda name: marker if name == "django_db" else None
    )


@pytest.mark.parametrize(
    "test, in_transaction, flushes",
    [
        (item(TestCase), True, False),
        (item(TransactionTestCase), False, True),
        (item(SimpleTestCase), False, False),
        (item(django_db={}), True, False),
        (item(django_db={"transaction": True}), False, True),
        (item(fixtures=["live_server"]), False, True),
        (item(fixtures=["db"]), True, False),
        (item(), False, False),
    ],
)
def test_each_test_is_known_to_run_in_a_transaction_or_to_flush(test, in_transaction, flushes):
    assert (in_a_transaction(test), flushes_the_database(test)) == (in_transaction, flushes)
