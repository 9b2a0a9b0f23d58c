"""Sharing the work between xdist workers (`make test` runs ``pytest -n auto``).

A worker takes a whole unit at a time, so what a unit builds once is built
once: a test class (its ``setUpTestData``) and all the end-to-end tests
(the demo site they share) are a unit each; any other test function is a
unit of its own.

Units go out in collection order, which pytest-django made: tests inside a
transaction first, then those that flush the database, then the rest. A
flush empties the tables, so a worker must never be handed a
transaction-wrapped test after a flushing one; that is also why a module's
functions are not kept together (a module may hold both kinds). The
end-to-end unit is the exception: it is the longest, so it goes first, and
it uses no test database.
"""

import os

import pytest

E2E = "tests/e2e/"


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in database order
def pytest_collection_modifyitems(items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: not item.nodeid.startswith(E2E))  # stable: the rest keep their order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if nodeid.startswith(E2E):
                return E2E
            path = nodeid.split("[", 1)[0].split("::")  # parameters may hold anything
            return "::".join(path[:2]) if len(path) > 2 else nodeid  # a class, or the test itself

    # xdist would hand out the biggest units first, whatever they do to the database: keep the order above.
    config.option.loadscopereorder = False
    return Scheduling(config, log)
