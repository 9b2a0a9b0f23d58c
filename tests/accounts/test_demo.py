"""What `caspian demo` tells a person about two-factor sign-in beside the logins it prints."""

import io
from contextlib import redirect_stdout

from django.test import SimpleTestCase, override_settings

from caspian import cli


class DemoNoticeTests(SimpleTestCase):
    def notice(self):
        out = io.StringIO()
        with redirect_stdout(out):
            cli._two_factor_notice(8000)
        return out.getvalue()

    @override_settings(TWO_FACTOR_ROLES=["Editor", "Administrator"])
    def test_the_demo_says_who_sets_up_a_second_factor_and_how_to_skip_it(self):
        notice = self.notice()
        self.assertIn("Editor and Administrator logins (admin included) set up two-factor sign-in", notice)
        self.assertIn("http://localhost:8000/admin/", notice)
        self.assertIn("CASPIAN_TWO_FACTOR_ROLES=none caspian demo", notice)

    @override_settings(TWO_FACTOR_ROLES=[])
    def test_nothing_to_say_when_no_role_needs_one(self):
        self.assertEqual(self.notice(), "")
