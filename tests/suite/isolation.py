"""A test class whose set-up fails must leave nothing behind for the next class.

Django's ``TestCase.setUpClass`` opens a transaction, runs ``setUpTestData``
inside it, and rolls it back in ``tearDownClass``, which unittest skips when
``setUpClass`` fails. A failure in ``setUpTestData`` is rolled back by Django,
but one in a subclass's ``setUpClass`` after ``super().setUpClass()`` leaves
the transaction open: every later class would run inside it and see its rows
(a second ``PublicationSettings`` for the site, say, failing every set-up
after it with ``IntegrityError``). After each class, roll back what it left
open.
"""

import pytest
from django.db import connections
from django.test import TestCase


@pytest.fixture(autouse=True, scope="class")
def _set_up_failures_stay_in_their_class(request, django_db_blocker):
    yield
    cls = request.cls
    if cls is None or not issubclass(cls, TestCase) or not hasattr(cls, "cls_atomics"):
        return
    if any(connections[alias].in_atomic_block for alias in cls.cls_atomics):
        with django_db_blocker.unblock():
            cls._rollback_atomics(cls.cls_atomics)
