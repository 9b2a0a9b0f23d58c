"""Reading dated claims in English: which sentences announce a date, and the day each resolves to."""

from datetime import date

import pytest
from django.test import SimpleTestCase

from caspian.newsroom.claims import PHRASINGS, Claim, Passage, find_claims, find_claims_in, split_sentences
from caspian.newsroom.claims.dates import easter

# (sentence, the day it was written, the words read as its date, the day they resolve to)
CLAIMS = [
    # The issue's own case: expected the next day, and the day after that it is next year's.
    ("The meeting is expected on September 21.", date(2026, 9, 20), "on September 21", date(2026, 9, 21)),
    ("The meeting is expected on September 21.", date(2026, 9, 22), "on September 21", date(2027, 9, 21)),
    ("The summit is expected to open on 14 March.", date(2026, 1, 4), "on 14 March", date(2026, 3, 14)),
    ("Ministers will hold talks in Aktau on the 21st of September.", date(2026, 9, 1), "on the 21st of September",
     date(2026, 9, 21)),
    ("Mr. Aliyev will visit Tbilisi on Sept. 21, his office said.", date(2026, 9, 1), "on Sept. 21", date(2026, 9, 21)),
    ("A referendum is to be held on 5 May 2027.", date(2026, 9, 16), "on 5 May 2027", date(2027, 5, 5)),
    ("The vote is scheduled for September 21, 2027.", date(2026, 9, 16), "for September 21, 2027", date(2027, 9, 21)),
    ("The road will close on 2026-10-05.", date(2026, 9, 20), "on 2026-10-05", date(2026, 10, 5)),
    ("The festival will run from 21-23 September.", date(2026, 9, 1), "from 21-23 September", date(2026, 9, 23)),
    ("Leaders will gather on Monday, 21 September.", date(2026, 9, 1), "on Monday, 21 September", date(2026, 9, 21)),
    # Year rollover and the leap day.
    ("The law will take effect on 1 January.", date(2026, 12, 28), "on 1 January", date(2027, 1, 1)),
    ("The ceremony is set for Feb. 29.", date(2026, 3, 1), "for Feb. 29", date(2028, 2, 29)),
    ("The ceremony is set for Feb. 29.", date(2028, 1, 10), "for Feb. 29", date(2028, 2, 29)),
    # Weekdays: the next one after the day of writing; "next" is in next week.
    ("Ministers will hold talks on Monday, officials said.", date(2026, 9, 16), "on Monday", date(2026, 9, 21)),
    ("Parliament will vote on Wednesday.", date(2026, 9, 16), "on Wednesday", date(2026, 9, 23)),
    ("The court will rule next Friday.", date(2026, 9, 15), "next Friday", date(2026, 9, 25)),
    ("The museum reopens this Saturday.", date(2026, 9, 19), "this Saturday", date(2026, 9, 19)),
    ("Ministers to meet on Monday", date(2026, 9, 16), "on Monday", date(2026, 9, 21)),
    # Relative days, weeks, months and years: their last day.
    ("Parliament votes tomorrow.", date(2026, 9, 16), "tomorrow", date(2026, 9, 17)),
    ("Results are due next week.", date(2026, 9, 16), "next week", date(2026, 9, 27)),
    ("Next week the cabinet will meet.", date(2026, 9, 16), "Next week", date(2026, 9, 27)),
    ("The strike will end by the end of the week.", date(2026, 9, 16), "by the end of the week", date(2026, 9, 20)),
    ("Talks will resume later this month.", date(2026, 9, 1), "later this month", date(2026, 9, 30)),
    ("The new timetable comes into force next month.", date(2026, 12, 10), "next month", date(2027, 1, 31)),
    ("The report is due by the end of the year.", date(2026, 3, 1), "by the end of the year", date(2026, 12, 31)),
    ("Researchers expect to publish their findings next year.", date(2026, 3, 1), "next year", date(2027, 12, 31)),
    # Durations from the day of writing.
    ("The bridge is scheduled to open in two weeks.", date(2026, 9, 16), "in two weeks", date(2026, 9, 30)),
    ("Officials hope to finish within the next three days.", date(2026, 9, 1), "within the next three days",
     date(2026, 9, 4)),
    ("A decision is expected within 48 hours.", date(2026, 9, 1), "within 48 hours", date(2026, 9, 3)),
    ("The results will be known in the coming days.", date(2026, 9, 1), "in the coming days", date(2026, 9, 8)),
    ("The pipeline should be finished in six months' time.", date(2026, 1, 31), "in six months' time",
     date(2026, 7, 31)),
    # Months, seasons, quarters, years.
    ("The first results are due in March, officials said.", date(2026, 3, 1), "in March", date(2026, 3, 31)),
    ("On Monday, officials said the plant will open in March.", date(2026, 9, 16), "in March", date(2027, 3, 31)),
    ("Construction is planned to start in mid-April.", date(2026, 1, 5), "in mid-April", date(2026, 4, 30)),
    ("The decision will come this autumn.", date(2026, 9, 20), "this autumn", date(2026, 11, 30)),
    ("Work is expected to finish before the winter.", date(2026, 3, 1), "before the winter", date(2027, 2, 28)),
    ("The company plans to publish results in the third quarter.", date(2026, 9, 1), "in the third quarter",
     date(2026, 9, 30)),
    ("Elections are slated for 2027.", date(2026, 9, 1), "for 2027", date(2027, 12, 31)),
    ("The museum reopens by Christmas.", date(2026, 9, 20), "by Christmas", date(2026, 12, 25)),
    # A past tense elsewhere in the sentence does not hide the announcement.
    ("The vote was postponed until next week.", date(2026, 9, 16), "until next week", date(2026, 9, 27)),
    ("The talks, which opened on Monday, will close on Friday.", date(2026, 9, 16), "on Friday", date(2026, 9, 18)),
    ("Earlier this month, ministers agreed to meet in October.", date(2026, 9, 20), "in October", date(2026, 10, 31)),
]  # fmt: skip

# Sentences that announce nothing still to come on the day they were written.
NOT_CLAIMS = [
    ("The summit was held on September 21.", date(2026, 9, 22)),  # past tense (not next year's September 21)
    ("The summit was expected to open on 14 March.", date(2026, 1, 4)),  # an expectation in the past
    ("Ministers met on Monday and signed the protocol.", date(2026, 9, 16)),
    ("The vote on Monday was close.", date(2026, 9, 16)),
    ("Elections were held in 2020.", date(2026, 9, 1)),
    ("The talks will resume, officials said, as they did on 3 March 2025.", date(2026, 9, 1)),  # a date before
    ("The bridge will open on 2026-03-01.", date(2026, 9, 1)),  # dated before publication
    ("The summit on September 21 drew 40 leaders.", date(2026, 9, 1)),  # no marker
    ("Prices rose 5% in three months.", date(2026, 9, 16)),  # a duration, not a date
    ("It is the highest level in two years.", date(2026, 9, 20)),
    ("At a meeting in Ganja on Monday, more than 40 people lined up to speak.", date(2026, 3, 4)),
    ("The snow that falls in winter feeds the rivers.", date(2026, 3, 4)),  # every winter
    ("On Sunday afternoons, the collective runs open sessions.", date(2026, 3, 4)),  # every Sunday
    ("The museum is closed on Good Friday and will reopen soon.", date(2026, 3, 4)),
    ("May the new bridge last a hundred years.", date(2026, 3, 4)),  # "May" the verb
    ("Protesters will march through the old town.", date(2026, 3, 4)),  # "march" the verb, no date
    ("The ministry will publish the figures on 04/05/2027.", date(2026, 3, 4)),  # ambiguous: not read
    ("Readers said it was the best festival this year.", date(2026, 3, 4)),
    ("Next year's regional budget sets aside 33 million dollars.", date(2026, 3, 4)),  # names, does not date
    ("Planting runs from late autumn to early spring.", date(2026, 3, 4)),  # a habit
]


@pytest.mark.pure
class ClaimPhrasingTests(SimpleTestCase):
    def test_each_phrasing_resolves_to_the_latest_day_it_can_mean(self):
        self.assertGreaterEqual(len({phrase for _, _, phrase, _ in CLAIMS}), 20)
        for sentence, written_on, phrase, day in CLAIMS:
            with self.subTest(sentence=sentence, written_on=written_on):
                self.assertEqual(find_claims(sentence, written_on), [Claim(sentence, phrase, day)])

    def test_sentences_announcing_nothing_still_to_come_are_not_claims(self):
        for sentence, written_on in NOT_CLAIMS:
            with self.subTest(sentence=sentence, written_on=written_on):
                self.assertEqual(find_claims(sentence, written_on), [])

    def test_every_example_in_the_table_of_phrasings_is_read_with_that_phrasing(self):
        for phrasing in PHRASINGS:
            for example in phrasing.examples:
                with self.subTest(phrasing=phrasing.name, example=example):
                    self.assertTrue(phrasing.pattern.search(example), example)

    def test_a_day_without_a_year_is_the_next_on_or_after_publication(self):
        self.assertEqual(find_claims("It opens on 20 September.", date(2026, 9, 20))[0].resolves_on, date(2026, 9, 20))
        self.assertEqual(find_claims("It opens on 19 September.", date(2026, 9, 20))[0].resolves_on, date(2027, 9, 19))

    def test_on_a_weekday_written_that_weekday_is_a_week_on(self):
        # 21 September 2026 is a Monday.
        self.assertEqual(find_claims("The court will rule on Monday.", date(2026, 9, 21))[0].resolves_on,
                         date(2026, 9, 28))  # fmt: skip
        self.assertEqual(find_claims("The court will rule on Monday.", date(2026, 9, 20))[0].resolves_on,
                         date(2026, 9, 21))  # fmt: skip

    def test_a_sentence_with_several_dates_claims_the_latest(self):
        claims = find_claims("Voting will begin on Friday and the results will be known by 3 October.",
                             date(2026, 9, 21))  # fmt: skip
        self.assertEqual([(c.phrase, c.resolves_on) for c in claims], [("by 3 October", date(2026, 10, 3))])


@pytest.mark.pure
class SentenceTests(SimpleTestCase):
    def test_abbreviations_and_initials_do_not_end_a_sentence(self):
        text = "Mr. Aliyev arrives on Sept. 21 at 10 a.m. with J. Smith. The U.S. envoy will follow! Will he speak?"
        self.assertEqual(
            split_sentences(text),
            [
                "Mr. Aliyev arrives on Sept. 21 at 10 a.m. with J. Smith.",
                "The U.S. envoy will follow!",
                "Will he speak?",
            ],
        )

    def test_each_line_is_a_paragraph(self):
        self.assertEqual(split_sentences("Summit set for March 14\n\nLeaders  will meet."),
                         ["Summit set for March 14", "Leaders will meet."])  # fmt: skip

    def test_passages_are_read_relative_to_their_own_day_and_a_repeated_sentence_counts_once(self):
        claims = find_claims_in([
            Passage("Talks resume tomorrow.", date(2026, 9, 1)),
            Passage("Talks resume tomorrow.\nTalks resume tomorrow.", date(2026, 9, 5)),
        ])  # fmt: skip
        self.assertEqual([c.resolves_on for c in claims], [date(2026, 9, 2), date(2026, 9, 6)])

    def test_easter(self):
        self.assertEqual([easter(year) for year in (2025, 2026, 2027)],
                         [date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28)])  # fmt: skip
