"""The masthead's date line, e.g. "Sunday, December 10, 2023", in the publication's language."""

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from django.utils import timezone, translation


def date_line(now=None, language=None):
    """Today's date written out in full, in the active time zone and language.

    The reader middleware activates the publication's time zone and
    language, so by default this is "today" where the publication is.
    """
    today = timezone.localdate(now)
    language = language or translation.get_language() or "en"
    try:
        locale = Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return format_date(today, format="full", locale=locale)
