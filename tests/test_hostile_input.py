"""Hostile input: whatever a reader, a crawler or an attacker puts in an address is a 4xx at worst, never a 5xx.

Two halves. :class:`HostileInputTests` pins the inputs that once failed
with a server error, each with what the reader is told. :class:`FuzzTests`
throws Hypothesis-made values (any text, raw bytes, NULs, huge numbers,
unicode digits, dates at the ends of the calendar, cursor-shaped junk) at
every reader address, at the query parameters the views read and at path
segments, and asks only that no answer is a 5xx. Both run on SQLite and
on PostgreSQL: each database refuses different things (PostgreSQL a NUL
in text, SQLite an integer past 2**63).
"""

from datetime import date, datetime, timedelta
from urllib.parse import quote_from_bytes

from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.pagination import LISTING_PAGE_SIZE, _cursor

from .comments.helpers import form_token
from .newsroom.scenario import NewsroomTestCase, html
from .newsroom.test_corrections import correct
from .newsroom.test_live_blog import LiveBlogScenario


class HostilePublication(LiveBlogScenario, NewsroomTestCase):
    """The newsroom scenario, with a topic, a live blog (part of it, with entries) and a published correction."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_live_blog()
        correct(cls.articles[1], (cls.now, "An earlier version gave the wrong date for the vote."))

    def search(self, **params):
        return self.client.get("/search/", params)

    def problems(self, response):
        return [p.get_text() for p in html(response).select(".search-problem")]

    def titles(self, response):
        return [a.get_text() for a in html(response).select(".search-result__title a")]


class HostileInputTests(HostilePublication):
    """Inputs that once answered 500: each now a 4xx the reader can act on."""

    def assert_bad_filter(self, response, message):
        """A 400 that is still the search page: the message beside the form, the search done without the filter."""
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.problems(response), [message])
        self.assertTemplateUsed(response, "search/search.html")

    def test_a_section_no_section_could_have_is_a_message_and_the_search_goes_on(self):
        response = self.search(q="baku", section="\x00")  # PostgreSQL refuses a NUL in text
        self.assert_bad_filter(
            response, "Section: we have no section by that name. Choose one from the list, or All sections."
        )
        self.assertEqual(len(self.titles(response)), len(self.articles) + 1)  # every article (and the live blog)
        self.assertEqual(html(response).select_one("#search-section option[selected]"), None)
        for section in ("central asia", "<b>", "x" * 300):
            with self.subTest(section=section):
                self.assertEqual(self.search(q="baku", section=section).status_code, 400)
        # A slug no section has is a well-formed filter that finds nothing.
        response = self.search(q="baku", section="arctic")
        self.assertEqual((response.status_code, self.problems(response), self.titles(response)), (200, [], []))

    def test_an_author_no_author_could_have_is_a_message_and_the_search_goes_on(self):
        response = self.search(q="baku", author="\x00")
        self.assert_bad_filter(
            response, "Author: we have no author by that name. Choose one from the list, or All authors."
        )
        self.assertEqual(len(self.titles(response)), len(self.articles) + 1)
        self.assertEqual(self.titles(self.search(q="baku", author=self.second_author.slug)), [])

    def test_dates_at_the_ends_of_the_calendar_are_outside_the_archive(self):
        # 9999-12-31 overflowed when the view added a day; 0001-01-01 when SQLite turned Baku's midnight into UTC.
        for name, label, value in (
            ("to", "To", "9999-12-31"),
            ("from", "From", "0001-01-01"),
            ("to", "To", "1899-12-31"),
        ):
            with self.subTest(value):
                response = self.search(q="baku", **{name: value})
                self.assert_bad_filter(
                    response, f"{label}: {value} is outside the archive. Enter a date between 1900 and 2100."
                )
                self.assertEqual(len(self.titles(response)), len(self.articles) + 1)
        # The ends of the range are days like any other.
        for day in ("1900-01-01", "2100-12-31"):
            response = self.search(q="baku", **{"from": "1900-01-01", "to": day})
            self.assertEqual((response.status_code, self.problems(response)), (200, []), day)

    def test_what_is_not_a_date_is_said_so_and_shown_back_without_control_characters(self):
        for value in ("0000-01-01", "2020-13-45", "2020-02-30", "\x00", "last\nweek"):
            with self.subTest(value=value):
                response = self.search(q="baku", **{"from": value})
                shown = value.replace("\x00", " ").replace("\n", " ")
                self.assert_bad_filter(
                    response, f"From: “{shown}” is not a date. Enter it as YYYY-MM-DD, for example 2026-11-27."
                )
        response = self.search(q="baku", to="2020-01-01", **{"from": "1990-12-31"})  # both good: no message
        self.assertEqual((response.status_code, self.problems(response), self.titles(response)), (200, [], []))

    def test_a_tag_address_no_tag_could_have_is_not_found(self):
        for slug in ("%00", "%00ports", "ports%00", "<b>", "a%20b", "x" * 101):
            with self.subTest(slug=slug):
                response = self.client.get(f"/tags/{slug}/")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(html(response).select_one("h1").get_text(), "Page not found")
        self.assertEqual(self.client.get("/tags/ports/").status_code, 200)

    def test_a_query_with_control_characters_is_searched_for_its_words(self):
        response = self.search(q="\x00baku\x1b\x07")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(html(response).select_one("#search-q")["value"], "baku")
        self.assertNotIn(b"\x00", response.content)
        self.assertEqual(len(self.titles(response)), len(self.articles) + 1)

    def test_odd_search_page_numbers_are_not_found(self):
        for page in ("9" * 30, "-1", "0", "²", "\x00", "1e3", "1.5"):
            with self.subTest(page=page):
                response = self.search(q="baku", page=page)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(html(response).select_one("h1").get_text(), "Page not found")

    def test_a_listing_cursor_naming_an_id_past_any_database_is_not_found(self):
        # SQLite's driver failed on an id past 2**63 - 1 rather than finding nothing.
        for url in (self.caucasus.url, self.topic.url, "/tags/ports/", self.author.url):
            for cursor in ("1-99999999999999999999999", "1-9223372036854775808", "1-0", "99999999999999999999999-1"):
                for direction in ("before", "after"):
                    with self.subTest(url=url, cursor=cursor, direction=direction):
                        response = self.client.get(url, {"page": 2, direction: cursor})
                        self.assertEqual(response.status_code, 404)
                        self.assertEqual(html(response).select_one("h1").get_text(), "Page not found")


class PreEpochCursorTests(NewsroomTestCase):
    """An archive reaching back before 1970 (an imported one): the Older link from it still works."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        start = timezone.make_aware(datetime(1969, 6, 1))
        cls.old = [
            ArticlePageFactory(
                section=cls.central_asia, authors=[cls.author], first_published_at=start - timedelta(days=n)
            )
            for n in range(LISTING_PAGE_SIZE + 2)
        ]

    def test_the_older_page_continues_from_an_article_published_before_1970(self):
        cursor = _cursor(self.old[0])
        self.assertTrue(cursor.startswith("-"))
        response = self.get(self.central_asia.url + "?" + f"page=2&before={cursor}")
        shown = [a.get_text(strip=True) for a in html(response).select(".card__title a")]
        self.assertEqual(shown[:2], [self.old[1].title, self.old[2].title])


# What the views read from a query string (comments' replyto, WordPress's p and page_id on the home page).
PARAMETERS = ("q", "section", "author", "from", "to", "page", "before", "after", "replyto", "comments", "p", "page_id")
ODD_VALUES = (
    "",
    " ",
    "\x00",
    "%00",
    "²",
    "١٢",
    "𝟗",
    "Ⅻ",
    "½",
    "-1",
    "0",
    "1e3",
    "1.5",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "1" * 5000,  # past Python's 4,300 digits for int()
    "x" * 10_000,
    "9999-12-31",
    "0000-01-01",
    "0001-01-01",
    "2020-13-45",
    "2020-02-30",
    "-5-3",
    "1-" + "9" * 30,
    "9" * 30 + "-1",
    "1-9223372036854775808",
    "\ufeff",
    "\u202e",
    "\ud7ff",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1 --",
)
# Whole numbers as text: any size, and either side of the largest 32- and 64-bit integers databases hold.
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(2**31 - 2, 2**31 + 1),
    st.integers(2**63 - 2, 2**63 + 1),
    st.sampled_from((10**30, -(2**63) - 1)),
).map(str)
# Days at the calendar's ends (years 1 and 9999), where a day more or less overflows, and any between.
DATES = st.one_of(st.sampled_from((date.min, date.max, date(1, 1, 2), date(9999, 12, 30))), st.dates()).map(
    date.isoformat
)
# Shaped like newsroom.pagination's cursors ("<microseconds since 1970>-<id>"): times of this century or of any size,
# ids of any size.
CURSORS = st.tuples(st.one_of(st.integers(0, 2 * 10**15).map(str), NUMBERS), NUMBERS).map("-".join)
VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    st.text(st.characters(categories=["Nd", "Nl", "No"]), min_size=1, max_size=5),  # digits of every script
    NUMBERS,
    DATES,
    CURSORS,
    st.binary(max_size=12),  # sent as they are, percent-encoded: rarely UTF-8
)
# A real page number now and then, so that what comes with it is read.
PAGES = st.one_of(st.integers(1, 3).map(str), NUMBERS, VALUES)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8)), VALUES, min_size=1, max_size=4
)
SEARCH_FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "section": VALUES,
        "author": VALUES,
        "from": st.one_of(DATES, VALUES),
        "to": st.one_of(DATES, VALUES),
        "page": PAGES,
    },
)
# A listing's ?before= or ?after=, with or without ?page=.
POSITIONS = st.tuples(st.sampled_from(("before", "after")), st.one_of(CURSORS, VALUES), st.none() | PAGES).map(
    lambda t: {t[0]: t[1]} if t[2] is None else {t[0]: t[1], "page": t[2]}
)
SEGMENTS = st.one_of(
    st.sampled_from(ODD_VALUES[1:]), st.text(min_size=1, max_size=30), st.binary(min_size=1, max_size=12)
)


# A comment form, each field anything: what a bot or a broken browser may post.
COMMENT_FIELDS = st.fixed_dictionaries(
    {"comment": st.one_of(st.just("A fair account of the strike."), VALUES)},
    optional={name: VALUES for name in ("author", "email", "url", "parent", "form_token", "homepage", "save_details")},
)


def encoded(value):
    """``value`` (text, or bytes sent as they are) percent-encoded for an address."""
    return quote_from_bytes(value if isinstance(value, bytes) else value.encode(), safe="")


# Reproducible in CI: derandomized (the same examples every run, drawn from the test's source), nothing saved.
FUZZ = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


class FuzzTests(HostilePublication, HypothesisTestCase):
    """No 5xx from any reader address, whatever its query string or path holds.

    4 to 6 s on either database (a busy two-core machine), for 110
    examples, plus about 1 s setting the class up: each example is one
    request, from 10 ms for a 404 to 100 ms for the front page or an
    article with Must read and Latest. That many find what the strategies
    aim at (the ends of the calendar, the integer limits databases hold,
    NUL, digits of other scripts) because they aim; more would buy little.
    The failures found before are tried first (``@example``), and pinned
    with their messages in :class:`HostileInputTests`.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        article = cls.articles[0]
        cls.reader_urls = (
            "/",
            cls.caucasus.url,
            article.url,
            article.get_parent().url,  # a year archive
            cls.author.url,
            cls.author.get_parent().url,
            cls.about.url,
            "/tags/ports/",
            cls.topic.url,
            cls.blog.url,
            cls.blog.url + "updates/",
            "/search/",
            "/feeds/rss.xml",
            "/feeds/atom.xml",
            f"/feeds/section/{cls.caucasus.slug}/feed.json",
            f"/feeds/author/{cls.author.slug}/rss.xml",
            "/feeds/tag/ports/atom.xml",
            "/corrections/",
            "/corrections/rss.xml",
            "/sitemap.xml",
            "/sitemap-articles.xml",
            "/sitemap-pages.xml",
            "/sitemap-tags.xml",
            "/sitemap-news.xml",
            "/robots.txt",
            "/comments/token/",
        )
        # Archive listings: numbered by ?page=, continued by ?before= and ?after= (newsroom.pagination).
        cls.listing_urls = (
            cls.caucasus.url,
            article.get_parent().url,
            cls.author.url,
            "/tags/ports/",
            cls.topic.url,
            "/corrections/",
        )
        # Each "{}" is a hostile path segment, or several: a "/" in it is sent as "%2F", which Django decodes.
        cls.path_templates = (
            "/{}/",
            "/{}",
            cls.caucasus.url + "{}/",
            article.get_parent().url + "{}/",
            article.url + "{}/",
            cls.blog.url + "{}/",
            cls.blog.url + "updates/{}/",
            cls.author.get_parent().url + "{}/",
            cls.topic.url + "{}/",
            "/tags/{}/",
            "/feeds/section/{}/rss.xml",
            "/feeds/author/{}/atom.xml",
            "/feeds/tag/{}/feed.json",
            "/corrections/{}",
            "/sitemap-{}.xml",
            "/search/{}",
            "/comments/{}/",
            "/comments/post/{}/",
            "/comments/{}/report/",
        )

        # Each page once, in the class's transaction: the images' renditions it makes are then made once, not
        # again in every example (each example's changes are rolled back), which would triple the time.
        client = Client()
        cls.first_answers = {url: client.get(url).status_code for url in cls.reader_urls + cls.listing_urls}

    def assert_no_server_error(self, url, query=None):
        if query is not None:
            url += "?" + "&".join(f"{encoded(name)}={encoded(value)}" for name, value in query.items())
        try:
            response = self.client.get(url)
        except Exception as error:  # the test client raises what the view raised
            raise AssertionError(f"GET {url[:300]} raised {error!r}") from error
        self.assertLess(response.status_code, 500, f"GET {url[:300]}")

    @settings(FUZZ, max_examples=30)
    @given(q=st.one_of(st.sampled_from(("baku", "ferry strike")), VALUES), filters=SEARCH_FILTERS)
    @example(q="baku", filters={"to": "9999-12-31"})
    @example(q="baku", filters={"from": "0001-01-01", "section": "\x00", "author": "\x00"})
    def test_search(self, q, filters):
        """With a query the articles match (``baku``: their dateline) the filters reach the database."""
        self.assert_no_server_error("/search/", {"q": q, **filters})

    @settings(FUZZ, max_examples=25)
    @given(where=st.integers(min_value=0), query=POSITIONS)
    @example(where=0, query={"before": "1-9223372036854775808"})
    @example(where=0, query={"after": "1-9223372036854775808"})
    def test_listing_positions(self, where, query):
        self.assert_no_server_error(self.listing_urls[where % len(self.listing_urls)], query)

    @settings(FUZZ, max_examples=25)
    @given(where=st.integers(min_value=0), query=QUERIES)
    def test_query_strings(self, where, query):
        self.assert_no_server_error(self.reader_urls[where % len(self.reader_urls)], query)

    @settings(FUZZ, max_examples=30)
    @given(where=st.integers(min_value=0), segment=SEGMENTS)
    def test_path_segments(self, where, segment):
        self.assert_no_server_error(self.path_templates[where % len(self.path_templates)].format(encoded(segment)))

    @settings(FUZZ, max_examples=30)
    @given(article=st.one_of(st.none(), NUMBERS), fields=COMMENT_FIELDS)
    @example(article="9223372036854775808", fields={"comment": "A fair account."})
    @example(article=None, fields={"comment": "A fair account.", "parent": "²"})
    def test_comment_posts(self, article, fields):
        """A comment form filled with anything, on this article or on an id past any database's."""
        address = f"/comments/post/{self.articles[0].pk if article is None else encoded(article)}/"
        body = "&".join(f"{name}={encoded(value)}" for name, value in {"form_token": form_token(), **fields}.items())
        try:  # sent as a browser sends a form, bytes as they are
            response = self.client.post(address, body, "application/x-www-form-urlencoded", REMOTE_ADDR="198.51.100.7")
        except Exception as error:
            raise AssertionError(f"POST {address} {body:.300} raised {error!r}") from error
        self.assertLess(response.status_code, 500, f"POST {address} {body:.300}")

    def test_every_reader_address_answers(self):
        """The addresses fuzzed are real: each answered 200 as it is, so the fuzzing reaches the views."""
        self.assertEqual(self.first_answers, dict.fromkeys(self.reader_urls + self.listing_urls, 200))
