"""Dated claims: sentences in English text that announce something for a date, and the day each one names.

An article published on 20 September saying a meeting "is expected on
September 21" makes a promise that goes stale on 22 September. The
stale-claim report (:mod:`caspian.newsroom.reports`) lists such sentences
once their day has passed, so editors can add an update. This package only
reads text; it knows nothing of articles or the database
(:mod:`caspian.newsroom.stale_claims` feeds it articles and stores claims).
Its modules: :mod:`.sentences` splits text, :mod:`.dates` finds and
resolves date expressions (:data:`.dates.PHRASINGS` is the table of what is
read), :mod:`.tense` decides whether a date is announced as still to come.

:func:`find_claims` keeps a sentence when a date in it resolves to a day
on or after the day the text was written, and

* the words themselves look ahead ("tomorrow", "next week", "later this
  month", "in the coming days", "within the next three days", "in two
  weeks' time"), or
* any other date ("on September 21", "in March", "on Monday", "in 2027",
  "in two weeks") has a future or announcement marker nearer to it than
  any past tense: "is expected to", "will hold", "is scheduled for",
  "plans to", "is due to", "opens", "upcoming", "ahead of"… So "was held
  on September 21", "met on Monday" and "prices rose 5% in three months"
  are left out, and in "the talks, which opened on Monday, will close on
  Friday" only Friday is a claim. "Was expected to" and "had planned to"
  count as past.

Dates resolve to the **latest** day the announced thing could happen, so
the report never nags early:

* explicit days: "on September 21", "21 September", "Sept. 21", "the
  21st of September", "September 21, 2026", "Monday, 21 September",
  "2026-09-21"; a range ("21-23 September") resolves to its last day;
* a day without a year resolves to its next occurrence on or after the day
  of writing: "September 21" written on 20 September is the next day,
  written on 22 September it is next year's; "29 February" is the next
  leap day; "on the 21st" is the next 21st;
* weekdays: "on Monday" is the next Monday after the day of writing (never
  that day itself, which would be "today"); "this Monday" may be that day;
  "next Monday" is the Monday of next week (weeks run Monday to Sunday, so
  "next Friday" written on a Tuesday is ten days on, not three);
* "today", "tonight"; "tomorrow", "the day after tomorrow";
* "this week", "this weekend", "by the end of the week": that Sunday;
  "next week", "next weekend": the Sunday after; "the week after next";
* "this month", "later this month", "by the end of the month": its last
  day; "next month": the last day of next month;
* "in March", "by March", "early/mid-/late March", "by the end of March":
  31 March, this year's if March has not ended, else next year's; "next
  March": next year's; "March 2027": 31 March 2027;
* seasons, as the northern hemisphere's weather services count them
  (spring March-May, summer June-August, autumn/fall September-November,
  winter December-February): "this autumn", "by summer", "winter 2027"
  (which ends in February 2028): the season's last day;
* quarters: "in the third quarter", "Q3 2027": the quarter's last day;
* years: "this year", "by the end of the year": 31 December; "next year";
  "in 2027", "by 2030": 31 December of that year;
* durations from the day of writing: "in two weeks", "within three days",
  "in the next 48 hours", "over the next two years", "a month from now";
  vague ones: "in the coming days" (a week), "in the coming weeks" (six
  weeks), "in the coming months" (six months);
* holidays: "by Christmas", "before New Year's Eve", "at Easter".

Not read, on purpose: numeric dates other than ISO 8601 (04/05/2026 is
4 May in London and 5 April in New York); month and weekday names in lower
case ("may" and "march" are verbs); "last Monday", "earlier this month";
"soon", "shortly", "in the near future" (no day to pass). The reading is
rule-based, not a grammar: an unusual sentence may be missed or misread,
which costs an editor a glance, not a reader a wrong date.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from . import tense
from .dates import ALWAYS, PHRASINGS, Mention, find_dates
from .sentences import split_sentences

__all__ = ["PHRASINGS", "Claim", "Passage", "claim_in_sentence", "find_claims", "find_claims_in", "split_sentences"]


@dataclass(frozen=True)
class Claim:
    """A sentence announcing something for a date: the words the date was read from, and that date."""

    sentence: str
    phrase: str
    resolves_on: date


@dataclass(frozen=True)
class Passage:
    """A piece of text (a headline, a paragraph) and the day it was written, which its dates are relative to."""

    text: str
    written_on: date


def find_claims(text, written_on):
    """The :class:`Claim` s in ``text`` (plain text, a paragraph a line) written on ``written_on``.

    One claim per sentence, in the order of the text: when a sentence
    announces several dates, its claim is the latest.
    """
    return find_claims_in([Passage(text, written_on)])


def find_claims_in(passages: Iterable[Passage]):
    """The :class:`Claim` s of several passages, each read relative to its own day; a repeated sentence once."""
    claims, seen = [], set()
    for passage in passages:
        for sentence in split_sentences(passage.text):
            claim = claim_in_sentence(sentence, passage.written_on)
            if claim and (claim.sentence, claim.resolves_on) not in seen:
                seen.add((claim.sentence, claim.resolves_on))
                claims.append(claim)
    return claims


def claim_in_sentence(sentence, written_on):
    """The :class:`Claim` one sentence makes, or ``None``."""
    mentions = [m for m in find_dates(sentence, written_on) if m.resolves_on >= written_on]
    if not mentions:
        return None
    markers = []
    if any(m.looks_ahead != ALWAYS for m in mentions):  # only then does the tense matter
        markers = [m for m in tense.find_markers(sentence) if not any(_overlap(m, d) for d in mentions)]
    claimed = [m for m in mentions if m.looks_ahead == ALWAYS or tense.announced(m.start, m.end, markers)]
    if not claimed:
        return None
    latest = max(claimed, key=lambda m: m.resolves_on)
    return Claim(sentence=sentence, phrase=latest.phrase, resolves_on=latest.resolves_on)


def _overlap(marker, mention: Mention):
    return marker.start < mention.end and mention.start < marker.end
