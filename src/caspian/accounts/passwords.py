"""A password check against the passwords a newsroom's staff are likely to pick, beyond Django's list.

Django's ``CommonPasswordValidator`` stays on (20,000 leaked passwords);
this adds our own list (``data/newsroom_passwords.txt``), the publication's
name and "caspian" in any case, with digits or seasons and years around them.
"""

import datetime
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

LIST = Path(__file__).parent / "data" / "newsroom_passwords.txt"
SEASONS = ["spring", "summer", "autumn", "fall", "winter"]


@cache
def _listed():
    return frozenset(
        line.strip().lower() for line in LIST.read_text().splitlines() if line.strip() and not line.startswith("#")
    )


def _words():
    """Words no password may be made of: our name, the publication's, and the seasons."""
    name = re.sub(r"[^a-z0-9]", "", settings.WAGTAIL_SITE_NAME.lower())
    words = {"caspian", "newsroom", "password", "editor", "admin", *SEASONS}
    if len(name) >= 4:
        words.add(name)
    return words


def _core(password):
    """The password lower-cased, with digits, years and punctuation around the word taken off."""
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", password.lower())


class NewsroomPasswordValidator:
    """Refuse passwords from the newsroom list, and a name or season dressed up with digits ("Summer2026!")."""

    def validate(self, password, user=None):
        lowered = password.lower()
        core = _core(password)
        if lowered in _listed() or core in _listed() or core in _words() or _season_year(lowered):
            raise ValidationError(
                "This password is one people often guess for a newsroom. "
                "Choose another: several unrelated words work well.",
                code="password_too_common",
            )

    def get_help_text(self):
        return "Your password can't be a common newsroom password, the publication's name or a season and a year."


def _season_year(lowered):
    year = datetime.date.today().year
    compact = re.sub(r"[^a-z0-9]", "", lowered)
    return any(compact in {f"{s}{y}", f"{y}{s}", f"{s}{y % 100}"} for s in SEASONS for y in range(year - 30, year + 2))
