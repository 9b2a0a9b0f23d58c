"""Sharing the work between xdist workers (`make test` runs ``pytest -n auto``).

A worker takes a whole unit at a time, so what a unit builds once is built
once: a test class (its ``setUpTestData``) and all the end-to-end tests
(the demo site they share) are a unit each; any other test function is a
unit of its own.

Units go out in collection order, which pytest-django made: tests inside a
transaction first, then those that flush the database, then the rest. A
flush empties the tables, so a worker must never be handed a
transaction-wrapped test after a flushing one; that is also why a module's
functions are not kept together (a module may hold both kinds). Each
process checks it as it goes (:func:`pytest_runtest_setup`). The
end-to-end unit is the exception: it is the longest, so it goes first, and
it uses no test database. This scheduling replaces any ``--dist`` given.
"""

import os

import pytest
from django.test import TestCase, TransactionTestCase

E2E = "tests/e2e/"


def unit(nodeid):
    """The unit of work a test belongs to: all of e2e, its class, or itself."""
    if nodeid.startswith(E2E):
        return E2E
    path = nodeid.split("[", 1)[0].split("::")  # parameters may hold anything
    return "::".join(path[:2]) if len(path) > 2 else nodeid


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in database order
def pytest_collection_modifyitems(items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: not item.nodeid.startswith(E2E))  # stable: the rest keep their order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return unit(nodeid)

    # xdist would hand out the biggest units first, whatever they do to the database: keep the order above.
    config.option.loadscopereorder = False
    return Scheduling(config, log)


def flushes_the_database(item):
    """Whether ``item`` runs outside a transaction and empties the tables after it (Django's TransactionTestCase)."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def in_a_transaction(item):
    """Whether ``item`` runs inside a transaction on the migrated database (Django's TestCase)."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return issubclass(cls, TestCase)
    return not flushes_the_database(item) and bool(
        item.get_closest_marker("django_db") or "db" in getattr(item, "fixturenames", ())
    )


_flushed_by = []  # the first test in this process that emptied the tables


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if _flushed_by and in_a_transaction(item):
        pytest.fail(f"runs after {_flushed_by[0]} emptied the database in this process: the order of units is broken")
    if flushes_the_database(item) and not _flushed_by:
        _flushed_by.append(item.nodeid)
