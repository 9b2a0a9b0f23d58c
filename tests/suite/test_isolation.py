"""A test class whose set-up fails leaves nothing behind for the next (isolation.py).

Once with the guard and once without, so the inner test is shown to catch
the leak it guards against.
"""

import pytest

from .inner import outcomes, run_session

pytestmark = pytest.mark.pure

TESTS = """
from django.contrib.auth.models import Group
from django.test import TestCase


class SetUpFailsAfterItsData(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # setUpTestData has written its row in the class's transaction
        raise FileNotFoundError("a file this class needs is missing")

    @classmethod
    def setUpTestData(cls):
        Group.objects.create(name="Written by a failed set-up")

    def test_never_runs(self):
        pass


class TheNextClass(TestCase):
    def test_sees_nothing_of_it(self):
        self.assertFalse(Group.objects.filter(name="Written by a failed set-up").exists())
"""


def test_a_failed_class_set_up_leaves_no_row_for_the_next_class(tmp_path):
    guarded = run_session(tmp_path, TESTS, "-p", "tests.suite.isolation")
    assert "FileNotFoundError" in guarded
    assert outcomes(guarded) == {"passed": 1, "errors": 1}
    unguarded = run_session(tmp_path, TESTS)
    assert outcomes(unguarded) == {"failed": 1, "errors": 1}  # the leak, as it was
