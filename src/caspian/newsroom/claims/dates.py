"""Date expressions in English sentences, each resolved to the latest day it can mean.

:data:`PHRASINGS` is the table of what is read, with examples; the
package's docstring says how each kind resolves. Every pattern matches the
date's own words; the words before it that belong to its phrase ("on",
"by the end of", "mid-") are read backwards from there (:data:`LEAD`),
which keeps the patterns fast.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .sentences import ABBREVIATIONS

# How a date expression needs the rest of the sentence to make a claim.
ALWAYS = "always"  # "next week", "tomorrow": whatever the tense around it
IF_FUTURE = "if future"  # "on Monday", "in two weeks": with a future marker nearer than any past tense


@dataclass(frozen=True)
class Mention:
    """A date expression in a sentence: where it is, its words, its day, and whether it looks ahead itself."""

    start: int
    end: int
    phrase: str
    resolves_on: date
    looks_ahead: str  # ALWAYS or IF_FUTURE


@dataclass(frozen=True)
class Phrasing:
    """One way of writing a date.

    ``resolve(found, written_on)`` turns a match into a day, or ``None``
    when the words are no date after all ("the fall of the city"):
    ``found`` holds the pattern's groups, plus ``lead`` (the words before
    it in its phrase, in lower case) and ``before`` (the word before the
    phrase, in lower case).
    """

    name: str
    needs: str  # a group of TRIGGERS (or "digit"): the pattern is only tried on sentences with such a word
    pattern: re.Pattern
    resolve: Callable[[dict, date], date | None]
    looks_ahead: str = IF_FUTURE
    examples: tuple = ()


# --- calendar arithmetic --------------------------------------------------------------------------


def end_of_month(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def end_of_week(day):
    """The Sunday ending ``day``'s week (weeks run Monday to Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def add_months(day, months):
    """``day`` moved by ``months``, on the same day of the month or the month's last day."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_day_of_year(month, day, after):
    """The first ``month``/``day`` on or after ``after`` (29 February: the next leap day); ``None`` if none."""
    for year in range(after.year, after.year + 9):  # leap days can be eight years apart (2096, 2104)
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= after:
            return candidate
    return None


def next_month_end(month, after):
    """The last day of the first ``month`` that has not ended by ``after``."""
    return end_of_month(after.year if month >= after.month else after.year + 1, month)


def easter(year):
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


# --- vocabulary -----------------------------------------------------------------------------------

MONTHS = {name: n for n, name in enumerate(calendar.month_name) if name} | {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10,
    "Nov": 11, "Dec": 12,
}  # fmt: skip
WEEKDAYS = {name: n for n, name in enumerate(calendar.day_name)}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-eight": 48, "fifty": 50, "sixty": 60, "ninety": 90,
    # Vague amounts, read generously (the latest day).
    "a couple of": 2, "a few": 5, "few": 5, "several": 7, "a number of": 7,
}  # fmt: skip
# Nouns after which a season's name describes rather than dates ("the summer tourist season").
SEASON_AS_ADJECTIVE = "tourist|season|months|holidays?|heat|rains?|schedule|timetable|break|school|term|session|games"
SEASON_ENDS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}  # the month each season ends in
# How far the vague "in the coming days/weeks/months" reach.
COMING = {"days": timedelta(days=7), "weeks": timedelta(weeks=6), "months": 6}
# Words that make a weekday something else: "Good Friday", "every Monday".
NOT_A_DAY_AFTER = frozenset("every each good black cyber holy ash maundy easter super blue".split())
# Words before "in two years" that make it no date: "the highest in two years".
NOT_A_DURATION_AFTER = frozenset("first time times once ever".split())

# Pattern pieces. Month and weekday names must be capitalised ("may" and
# "march" are verbs); everything else is read in any case ("Next week…").
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS)
_NUMBER = "|".join(sorted((re.escape(n) for n in NUMBERS), key=len, reverse=True)) + r"|\d{1,3}"
_UNIT = r"hours?|days?|weeks?|fortnights?|months?|years?"


def _month(group):
    return rf"\b(?-i:(?P<{group}>{_MONTH}))\b\.?"


def _day(group):
    return rf"\b(?P<{group}>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?\b(?![.,:]\d)"


def _year(group):
    return rf"(?P<{group}>(?:19|20|21)\d\d)\b(?![-–/]\d)"


_WEEKDAY_FIRST = rf"(?:\b(?-i:{_WEEKDAY}),?\s+(?:the\s+)?)?"  # "Monday, 21 September"
_RANGE_END = rf"(?:\s*(?:-|–|—|to|and|or|through)\s*(?:the\s+)?{_day('last_day')})?"  # "21-23 September"
_YEAR_AFTER = rf"(?:,?\s+{_year('year')})?"
_RELATIVE = r"(?P<relative>this|next|the\s+coming|the\s+following|the\s+next|the)"

# The words before a date that belong to its phrase, read backwards from
# the date: a preposition, then "the end of", then "early", "later", "mid-".
LEAD = re.compile(
    r"(?:\b(?:on|by|before|until|till|through|throughout|in|during|from|for|around|over|at|after|within"
    r"|no\s+later\s+than|as\s+early\s+as|as\s+of)\s+)?"
    r"(?:\b(?:the\s+)?(?:end|start|beginning|middle|close|turn|course|first\s+half|second\s+half)\s+of\s+)?"
    r"(?:\b(?:early|late|later|earlier|mid)(?:\s+in)?(?:\s+|-))?\Z",
    re.IGNORECASE,
)
LEAD_REACH = 40  # characters: "no later than the end of early " is 31


# --- resolving ------------------------------------------------------------------------------------


def _explicit_day(found, written_on):
    month, day = MONTHS[found["month"]], int(found["last_day"] or found["day"])
    if found["year"]:
        try:
            return date(int(found["year"]), month, day)
        except ValueError:
            return None
    return next_day_of_year(month, day, written_on)


def _iso_day(found, written_on):
    try:
        return date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        return None


def _day_of_month(found, written_on):
    if not found["lead"]:
        return None  # "the 21st" alone may be a century or an anniversary
    day, month = int(found["day"]), written_on.replace(day=1)
    for _ in range(12):
        if day <= calendar.monthrange(month.year, month.month)[1] and month.replace(day=day) >= written_on:
            return month.replace(day=day)
        month = add_months(month, 1)
    return None


def _month_only(found, written_on):
    month, relative = MONTHS[found["month"]], found["relative"]
    if found["year"]:
        return end_of_month(int(found["year"]), month)
    if relative == "last" or not (relative or found["lead"]):
        return None  # "last March"; a bare "May" may be the verb starting a sentence
    if relative == "next":
        return end_of_month(written_on.year + 1, month)
    return next_month_end(month, written_on)


def _weekday(found, written_on):
    weekday, relative = WEEKDAYS[found["weekday"]], found["relative"]
    if relative in ("last", "past", "previous") or found["before"] in NOT_A_DAY_AFTER:
        return None
    if relative == "next":  # in next week, Monday to Sunday
        return written_on + timedelta(days=7 - written_on.weekday() + weekday)
    days_ahead = (weekday - written_on.weekday()) % 7
    if days_ahead == 0 and relative != "this":
        days_ahead = 7  # "on Monday" written on a Monday: a week on (that day would be "today")
    return written_on + timedelta(days=days_ahead)


def _today(found, written_on):
    return written_on


def _tomorrow(found, written_on):
    return written_on + timedelta(days=2 if found["after"] else 1)


def _ahead(found):
    """How many weeks, months or years on from the current one ``found`` names."""
    if found["relative"] == "the" and not found["lead"]:
        return None  # "the week" alone is no date; "by the end of the week" is
    steps = 0 if found["relative"] in (None, "this", "the") else 1
    return steps + (1 if found["after_next"] else 0)


def _week(found, written_on):
    weeks = _ahead(found)
    return None if weeks is None else end_of_week(written_on) + timedelta(weeks=weeks)


def _month_relative(found, written_on):
    months = _ahead(found)
    if months is None:
        return None
    target = add_months(written_on.replace(day=1), months)
    return end_of_month(target.year, target.month)


def _year_relative(found, written_on):
    years = _ahead(found)
    return None if years is None else date(written_on.year + years, 12, 31)


def _duration(found, written_on):
    if found["before"].endswith("est") or found["before"] in NOT_A_DURATION_AFTER:
        return None  # "the highest in two years", "for the first time in a decade"
    number = found["number"].lower()
    amount, unit = NUMBERS[number] if number in NUMBERS else int(number), found["unit"].lower().rstrip("s")
    if unit == "hour":
        return written_on + timedelta(days=-(-amount // 24))
    if unit in ("day", "week", "fortnight"):
        return written_on + timedelta(days=amount * {"day": 1, "week": 7, "fortnight": 14}[unit])
    return add_months(written_on, amount * (12 if unit == "year" else 1))


def _coming(found, written_on):
    unit = (found["unit"] or found["unit_ahead"]).lower()
    reach = COMING[unit]
    return add_months(written_on, reach) if unit == "months" else written_on + reach


def _season(found, written_on):
    season, relative = found["season"].lower(), found["relative"]
    if relative == "last" or not (found["year"] or relative not in (None, "the") or found["lead"]):
        return None  # "the fall" of a city, "summer" as a word
    if not (found["year"] or relative) and found["lead"] in ("in", "during", "over", "throughout"):
        return None  # "snow falls in winter": every winter
    last_month = SEASON_ENDS[season]
    if found["year"]:  # winter 2027 runs into February 2028
        return end_of_month(int(found["year"]) + (1 if season == "winter" else 0), last_month)
    ends = next_month_end(last_month, written_on)
    return end_of_month(ends.year + 1, last_month) if relative == "next" else ends


QUARTERS = {"first": 1, "1st": 1, "q1": 1, "second": 2, "2nd": 2, "q2": 2, "third": 3, "3rd": 3, "q3": 3}


def _quarter(found, written_on):
    last_month = QUARTERS.get(found["quarter"].lower(), 4) * 3
    if found["year"]:
        return end_of_month(int(found["year"]), last_month)
    ends = next_month_end(last_month, written_on)
    return end_of_month(ends.year + 1, last_month) if found["relative"] == "next" else ends


def _year_only(found, written_on):
    if not found["lead"]:
        return None  # "2027 people", "the 2027 budget": a year only after "in", "by", "until"…
    return date(int(found["year"]), 12, 31)


def _holiday(found, written_on):
    if not found["lead"]:
        return None  # "Christmas markets", "Easter eggs"
    name = " ".join(found["holiday"].replace("’", "'").lower().split())
    if name == "easter":
        return next(e for e in (easter(written_on.year), easter(written_on.year + 1)) if e >= written_on)
    month, day = {"christmas eve": (12, 24), "new year's eve": (12, 31)}.get(name, (12, 25))
    if name.startswith("new year") and not name.endswith("eve"):
        month, day = 1, 1
    return next_day_of_year(month, day, written_on)


# --- the table ------------------------------------------------------------------------------------


def _phrasing(name, needs, pattern, resolve, looks_ahead=IF_FUTURE, examples=()):
    # Every date starts a word: checked once, before trying the pattern's
    # alternatives (three times faster than letting each of them check).
    return Phrasing(name, needs, re.compile(rf"\b(?:{pattern})", re.IGNORECASE), resolve, looks_ahead, examples)


PHRASINGS = [
    _phrasing(
        "ISO 8601 date",
        "digit",
        r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b",
        _iso_day,
        examples=("on 2026-09-21",),
    ),
    _phrasing(
        "day, month (and year)",
        "month",
        _WEEKDAY_FIRST + r"(?:the\s+)?" + _day("day") + _RANGE_END + r"\s+(?:of\s+)?" + _month("month") + _YEAR_AFTER,
        _explicit_day,
        examples=("on 21 September", "the 21st of September", "21-23 September 2026", "Monday, 21 Sept."),
    ),
    _phrasing(
        "month, day (and year)",
        "month",
        _WEEKDAY_FIRST + _month("month") + r"\s+(?:the\s+)?" + _day("day") + _RANGE_END + _YEAR_AFTER,
        _explicit_day,
        examples=("on September 21", "Sept. 21, 2026", "September 21-23", "Monday, September 21st"),
    ),
    _phrasing(
        "day of this or next month",
        "digit",
        r"\bthe\s+(?P<day>3[01]|[12][0-9]|[1-9])(?:st|nd|rd|th)\b",
        _day_of_month,
        examples=("on the 21st", "by the 3rd"),
    ),
    _phrasing(
        "month (and year)",
        "month",
        r"(?:\b(?P<relative>this|next|last)\s+)?" + _month("month") + rf"(?:,?\s+(?:of\s+)?{_year('year')})?",
        _month_only,
        examples=("in March", "by the end of March", "mid-March", "next March", "March 2027"),
    ),
    _phrasing(
        "weekday",
        "weekday",
        r"(?:\b(?P<relative>this\s+coming|this|next|coming|last|past|previous)\s+)?"
        r"\b(?-i:(?P<weekday>" + _WEEKDAY + r"))(?:'s|’s)?\b(?:\s+(?:morning|afternoon|evening|night)\b)?"
        r"(?!\s+(?:mornings|afternoons|evenings|nights)\b)",
        _weekday,
        examples=("on Monday", "next Friday", "this Thursday", "Monday's vote", "by Friday evening"),
    ),
    _phrasing(
        "today",
        "today",
        r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b",
        _today,
        examples=("later today", "tonight"),
    ),
    _phrasing(
        "tomorrow",
        "tomorrow",
        r"\b(?P<after>the\s+day\s+after\s+)?tomorrow\b(?:\s+(?:morning|afternoon|evening|night)\b)?",
        _tomorrow,
        ALWAYS,
        examples=("tomorrow", "the day after tomorrow"),
    ),
    _phrasing(
        "this or next week",
        "week",
        rf"\b{_RELATIVE}\s+week(?:end)?\b(?P<after_next>\s+after\s+next)?",
        _week,
        examples=("this week", "by the end of the week", "this weekend", "next week", "the week after next"),
    ),
    _phrasing(
        "this or next month",
        "month_word",
        rf"\b(?:{_RELATIVE}\s+month\b(?P<after_next>\s+after\s+next)?|month(?:'s|’s)?[\s-]end\b)",
        _month_relative,
        examples=("later this month", "by the end of the month", "next month", "by month-end"),
    ),
    _phrasing(
        "this or next year",
        "year_word",
        rf"\b(?:{_RELATIVE}\s+year\b(?P<after_next>\s+after\s+next)?|year(?:'s|’s)?[\s-]end\b)",
        _year_relative,
        examples=("later this year", "by the end of the year", "next year", "by year-end"),
    ),
    _phrasing(
        "duration from now",
        "unit",
        rf"\b(?:(?:in|within|inside|over|during|for)\s+the\s+(?:next|coming|following)\s+(?P<number>{_NUMBER})"
        rf"\s+(?:more\s+)?(?P<unit>{_UNIT})\b|(?P<number_>{_NUMBER})\s+(?:more\s+)?(?P<unit_>{_UNIT})"
        r"(?:(?:'|’)s?\s+time\b|\s+from\s+(?:now|today)\b))",
        lambda found, written_on: _duration(
            found | {"number": found["number"] or found["number_"], "unit": found["unit"] or found["unit_"]},
            written_on,
        ),
        ALWAYS,
        examples=("within the next three days", "in the next 48 hours", "in two weeks' time", "a month from now"),
    ),
    _phrasing(
        "duration",
        "unit",
        rf"\b(?:in|within|inside)\s+(?:just\s+|about\s+|around\s+|another\s+|less\s+than\s+|under\s+)?"
        rf"(?P<number>{_NUMBER})\s+(?:more\s+)?(?P<unit>{_UNIT})\b",
        _duration,
        examples=("in two weeks", "within three days", "in a fortnight"),
    ),
    _phrasing(
        "the coming days, weeks or months",
        "unit",
        r"\b(?:in|over|during|within)\s+the\s+(?:(?:coming|next\s+few|next\s+several|following\s+few)\s+"
        r"(?P<unit>days|weeks|months)|(?P<unit_ahead>days|weeks|months)\s+ahead)\b",
        _coming,
        ALWAYS,
        examples=("in the coming days", "over the next few weeks", "in the months ahead"),
    ),
    _phrasing(
        "season",
        "season",
        r"(?:\b(?P<relative>this|next|last|the)\s+)?(?:coming\s+)?\b(?P<season>spring|summer|autumn|fall|winter)\b"
        rf"(?:\s+(?:of\s+)?{_year('year')})?(?!\s+of\s+(?!(?:19|20|21)\d\d))(?!\s+(?:{SEASON_AS_ADJECTIVE})\b)",
        _season,
        examples=("this autumn", "by summer", "next spring", "in the winter of 2027"),
    ),
    _phrasing(
        "quarter",
        "quarter",
        r"\b(?:the\s+)?(?P<quarter>first|second|third|fourth|final|1st|2nd|3rd|4th|Q[1-4])"
        rf"(?:\s+quarter\b(?:\s+of\s+(?:{_year('year')}|(?P<relative>this|next)\s+year|the\s+year))?"
        rf"|(?<=Q[1-4])\b(?:\s+{_year('year_')})?)",
        lambda found, written_on: _quarter(found | {"year": found["year"] or found["year_"]}, written_on),
        examples=("in the third quarter", "by the first quarter of 2027", "in Q3", "by Q1 2027"),
    ),
    _phrasing(
        "year",
        "digit",
        r"\b" + _year("year") + r"(?!\s*(?:%|per\s*cent|people|km|kilometres|miles|tonnes|dollars|euros|manats))",
        _year_only,
        examples=("in 2027", "by the end of 2027", "until 2030"),
    ),
    _phrasing(
        "holiday",
        "holiday",
        r"\b(?P<holiday>Christmas(?:\s+(?:Eve|Day))?|New\s+Year(?:'s|’s)?(?:\s+(?:Eve|Day))?|Easter)\b",
        _holiday,
        examples=("by Christmas", "before New Year's Eve", "at Easter"),
    ),
]

# The words some phrasing needs (each phrasing's ``needs``), looked up in
# one pass over the sentence's words: most sentences have none.
TRIGGERS = {
    **{name.lower(): {"month"} for name in MONTHS},
    **{name.lower(): {"weekday"} for name in WEEKDAYS},
    **dict.fromkeys(("today", "tonight", "morning", "afternoon", "evening"), {"today"}),
    "tomorrow": {"tomorrow"},
    "week": {"week", "unit"},
    "weekend": {"week"},
    "month": {"month_word", "unit"},
    "year": {"year_word", "unit", "holiday"},
    **dict.fromkeys(("hour", "hours", "day", "days", "weeks", "fortnight", "fortnights", "months", "years"), {"unit"}),
    **dict.fromkeys(SEASON_ENDS, {"season"}),
    **dict.fromkeys(("quarter", "q1", "q2", "q3", "q4"), {"quarter"}),
    **dict.fromkeys(("christmas", "easter"), {"holiday"}),
}
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")


def _triggers(sentence):
    """The :data:`TRIGGERS` groups ``sentence`` has words for, and "digit" if it has a digit."""
    words = TRIGGERS.keys() & set(_WORD.findall(sentence.lower()))
    present = {group for word in words for group in TRIGGERS[word]}
    return present | {"digit"} if _DIGIT.search(sentence) else present


def find_dates(sentence, written_on):
    """The date expressions in ``sentence`` (:class:`Mention` s, in order), read relative to ``written_on``.

    Where expressions overlap the longest wins ("Monday, September 21"
    over "Monday"). Words that turn out not to be a date ("the fall of the
    city", "last Monday", "earlier this month") are left out.
    """
    present = _triggers(sentence)
    found = []
    for phrasing in PHRASINGS:
        if phrasing.needs not in present:
            continue
        for match in phrasing.pattern.finditer(sentence):
            lead = LEAD.search(sentence, max(0, match.start() - LEAD_REACH), match.start())
            start, end = _trimmed(sentence, lead.start(), match.end())
            found.append((end - start, -start, phrasing, match, lead.group(), start, end))
    found.sort(key=lambda item: item[:2], reverse=True)
    mentions, taken = [], []
    for _length, _start, phrasing, match, lead, start, end in found:
        if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
            continue
        taken.append((start, end))
        details = _details(sentence, match, lead, start)
        if "earlier" in details["lead"].split():
            continue  # "earlier this month": the past
        day = phrasing.resolve(details, written_on)
        if day is not None:
            looks_ahead = _looks_ahead(phrasing, details, possessive=sentence[end : end + 2] in ("'s", "’s"))
            mentions.append(Mention(start, end, sentence[start:end], day, looks_ahead))
    return sorted(mentions, key=lambda mention: mention.start)


def _details(sentence, match, lead, start):
    """What a :class:`Phrasing`'s ``resolve`` reads: the match's groups, its lead and the word before."""
    groups = {name: value for name, value in match.groupdict().items()}
    if groups.get("relative"):
        groups["relative"] = " ".join(groups["relative"].lower().split())
    before = sentence[:start].rsplit(None, 1)
    return groups | {"lead": " ".join(lead.lower().split()), "before": before[-1].lower() if before else ""}


def _looks_ahead(phrasing, details, possessive):
    """How a match looks ahead: "later", "coming" and "next" always do ("the next week" need not).

    A possessive names rather than dates ("next year's budget sets aside…"):
    it needs a future marker like any date ("tomorrow's vote will decide").
    """
    if possessive:
        return IF_FUTURE
    words = set(details["lead"].split()) | set((details.get("relative") or "").split())
    if {"later", "coming"} & words or ("next" in words and "the" not in words) or details.get("after_next"):
        return ALWAYS
    return phrasing.looks_ahead


def _trimmed(sentence, start, end):
    """The span without surrounding space and commas, nor a full stop ending the sentence ("in March.")."""
    while start < end and sentence[start].isspace():
        start += 1
    while end > start and sentence[end - 1] in " \t,":
        end -= 1
    if sentence[end - 1 : end] == "." and sentence[start : end - 1].rsplit(None, 1)[-1].lower() not in ABBREVIATIONS:
        end -= 1  # but "on Sept." keeps its stop
    return start, end
