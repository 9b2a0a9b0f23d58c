"""Hostile input: nothing a commenter types ever comes out as markup.

Every payload in ``xss_payloads.txt`` is posted twice on the article, each
time by its own reader (a unique email address, so no post is taken for a
double submit), all in ``setUpTestData``:

1. In the comment text, the name and the website, and in the reply's hidden
   ``parent`` field filled in by hand. The form refuses a parent that is no
   comment (or holds a null character), so every payload comes back on the
   page shown again, in every input, with the fields the form refuses for
   themselves marked (a website that is no web address, a name over 80
   characters, a null character). This round stores nothing, so those pages
   show no comments: each holds only what its own post typed.
2. In the fields the form took: stored and shown, one comment per payload
   (none for a null character in the text), and the moderators are emailed.

Each test then looks at one place where comments are shown: the article
page, a refused post's page (its ``parent`` input too), the admin
moderation queue, each comment's admin page (name in the ``<title>``, the
header, the fields, the website link, the text), the moderators' emails and
the "Mark as spam" page their links open; and, for the attribute breakouts,
the form's "Replying to" notice.

Each page is requested once and parsed once with each parser. The first
round's pages come back in set-up, which reads what the form refused from
the form itself, and are parsed only in their test (which checks the page
marks the same fields). The article page and the moderation queue show every
comment at once (the queue in pages of 50, a size no setting changes). A
comment's admin page and its "Mark as spam" page show one comment each, and
no admin page shows their parts (the name in the title and header, the
fields, the text) for several comments, so they are requested once per
comment.

On a page, what the commenter typed must come out as text: inside the
comments section (or the admin content) only the elements and attributes
our templates write, and links only to http(s) addresses with our ``rel``;
outside it, the same elements as on the page showing nothing hostile; and
nowhere an event handler attribute or a script or data URL. Each check also
asserts what *should* be there (the text as typed, the name, the website in
its link), so a page that shows nothing cannot pass.

Pages are parsed with Python's ``html.parser`` and also, when installed,
with html5lib (which parses like a browser) or else lxml.
"""

import codecs
import importlib.util
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction
from bs4.element import Comment as MarkupComment
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import mail
from django.template.defaultfilters import truncatechars
from django.test import Client, override_settings
from django.urls import reverse

from caspian.comments.factories import CommentFactory
from caspian.comments.forms import BIDI_CONTROLS, WEBSITE_MESSAGE
from caspian.comments.models import Comment, Status

from .helpers import CommentsTestCase, finish_background_work, post

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")
ESCAPED = "\\esc "
FIELDS = ("comment", "author", "url")


def load_payloads(path=PAYLOAD_FILE):
    """``[(group, payload)]`` from the payload file; its header explains the format."""
    payloads, group = [], ""
    for line in path.read_text(encoding="utf-8").split("\n"):
        line = line.removesuffix("\r")
        if line.startswith("#"):
            if line.startswith("# ---"):
                group = line.strip("#- ")
            continue
        if not line.strip():
            continue
        if line.startswith(ESCAPED):
            line = codecs.decode(line[len(ESCAPED) :], "unicode_escape")
        payloads.append((group, line))
    return payloads


PAYLOADS = load_payloads()
# Python's own parser, and html5lib (which parses like a browser) or else lxml, when installed.
PARSERS = ["html.parser"] + [name for name in ("html5lib", "lxml") if importlib.util.find_spec(name)][:1]

# What our templates write, and nothing else.
COMMENT_TAGS = {"li", "article", "header", "p", "a", "time", "div", "br", "span", "form", "input", "button", "ol"}
COMMENT_TEXT_TAGS = {"p", "br", "a"}
FORM_TAGS = {"div", "h2", "form", "p", "label", "span", "strong", "a", "input", "textarea", "button"}
SECTION_ATTRIBUTES = {
    "id", "class", "href", "rel", "datetime", "method", "action", "novalidate", "data-saved-details-cookie",
    "data-token-url", "data-reply-to", "data-reply-name", "type", "name", "value", "hidden", "role", "for", "rows",
    "cols", "maxlength", "required", "autocomplete", "tabindex", "checked",
}  # fmt: skip
ADMIN_TAGS = {
    "nav", "ul", "li", "a", "p", "form", "input", "button", "table", "thead", "tbody", "tr", "th", "td", "span",
    "strong", "div", "br", "dl", "dt", "dd", "h2", "blockquote",
}  # fmt: skip
ADMIN_ATTRIBUTES = {
    "id", "class", "href", "rel", "method", "action", "formaction", "type", "name", "value", "form", "scope",
}  # fmt: skip
# Never inside the comments section or the admin content, whatever the allow-lists above say.
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "base", "meta", "link"}
# Attributes a browser follows (or runs) as a URL.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset", "ping",
    "cite", "manifest", "codebase", "lowsrc", "dynsrc", "srcdoc",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
SCHEME_LENGTH = max(map(len, BAD_SCHEMES))
COMMENT_REL = "nofollow ugc noopener"
# How the form refuses a hand-filled parent: no such comment (at the top), or a null character (the hidden
# field's own error, shown nowhere: the message at the top asks to correct what is marked).
PARENT_ERRORS = {"__all__", "parent"}
MARKUP_NODES = (MarkupComment, CData, Declaration, Doctype, ProcessingInstruction)
SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
MAIL_HEADERS = {
    "Content-Type", "MIME-Version", "Content-Transfer-Encoding", "Subject", "From", "To", "Date", "Message-ID",
}  # fmt: skip


def visible(text):
    """``text`` as a reader sees it, give or take whitespace and control characters (where parsers differ)."""
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c) == "Cc" or c == "\ufffd"))


def scheme_part(url):
    """The start of a URL attribute as a browser reads its scheme: without whitespace and control characters,
    in lower case, as long as the longest bad scheme (the rest cannot change what it starts with)."""
    kept = (c for c in url if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf")))
    return "".join(islice(kept, SCHEME_LENGTH)).lower()


def census(page, outside):
    """How many of each element ``page`` has, not counting those inside ``outside``.

    The masthead's weather is left out too: a background refresh puts it on
    the page, so it may come and go between two requests.
    """
    every = elements(page)
    left_out = [*(tag for tag in every if "weather" in tag.get("class", ())), outside]
    skip = {id(tag) for area in left_out for tag in [area, *elements(area)]} - {id(outside)}
    return Counter(tag.name for tag in every if id(tag) not in skip)


def as_stored(text):
    """A comment's text as the form keeps it: trimmed, with line breaks as ``\\n``."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n")


def stored_website(payload):
    """What the form keeps of ``payload`` typed as the website, when it takes it."""
    url = payload.strip()
    return url if SCHEME.match(url) else f"https://{url}"


@dataclass(frozen=True)
class Post:
    group: str
    payload: str
    round: int  # 1: in every field and the hidden parent (refused); 2: in the fields the form took
    fields: tuple  # the fields that held the payload
    email: str
    status: int
    location: str = ""  # where a stored comment's reader was sent
    page: bytes = b""  # the article page shown again with a refused post
    errors: tuple = ()  # ...and what the form refused ("__all__" for the whole form, else field names)


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    to: tuple
    content_subtype: str
    alternatives: int
    attachments: int
    content_type: str
    multipart: bool
    headers: frozenset


@override_settings(
    COMMENTS_MODERATION="post",
    COMMENTS_RATE_LIMIT="100000/minute",
    COMMENTS_MAX_LINKS=1000,
    # Every payload on the one page the tests read (paging has tests of its own: test_pages.py).
    COMMENTS_PER_PAGE=10_000,
    COMMENTS_SPAM_BACKEND="caspian.comments.spam.dummy.AcceptAllBackend",
    COMMENTS_NOTIFY_MODERATORS=True,
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
class HostileInputTests(CommentsTestCase):
    article_count = 3  # the one commented on, one for the harmless comment, one for replies

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = User.objects.create_user("moderator", "moderator@caspian.example", "not-used")
        cls.moderator.groups.add(Group.objects.get(name="Moderator"))
        cls.chief = User.objects.create_superuser("chief", "chief@caspian.example", "not-used")
        admin = Client()
        admin.force_login(cls.chief)
        # The same pages with nothing hostile on them, to compare with.
        harmless = CommentFactory(article=cls.articles[1], author_name="Leyla", body="Good piece.")
        cls.harmless_pk = harmless.pk
        pages = {
            "article": (Client().get(cls.article.url), comments_section),
            "queue": (admin.get(reverse("comments_admin:queue") + "?status=approved"), admin_content),
            "detail": (admin.get(reverse("comments_admin:detail", args=[harmless.pk])), admin_content),
            "confirm": (admin.get(reverse("comments_admin:act", args=[harmless.pk, "spam"])), admin_content),
        }
        cls.baseline = {}  # (page, parser): the elements outside the comments or the admin content
        for name, (response, area) in pages.items():
            for parser in PARSERS:
                page = BeautifulSoup(response.content, parser)
                cls.baseline[name, parser] = census(page, area(page))
        mail.outbox = []
        cls.posts = []
        reader = Client()
        with cls.captureOnCommitCallbacks(execute=True):
            # Round 1: every field, and the hidden parent (refused, so nothing is stored and no page shows comments).
            for number, (group, payload) in enumerate(PAYLOADS):
                fields = dict.fromkeys(FIELDS, payload)
                cls.posts.append(cls.send(reader, number, group, payload, 1, parent=payload, **fields))
            # Round 2: the fields the form took, stored (not sent again if it refused the text).
            for number, first in enumerate(list(cls.posts)):
                taken = [field for field in FIELDS if field not in first.errors]
                if "comment" in taken:
                    fields = dict.fromkeys(taken, first.payload)
                    cls.posts.append(cls.send(reader, number, first.group, first.payload, 2, **fields))
        finish_background_work()
        cls.mails = [
            Mail(
                subject=message.subject,
                body=message.body,
                to=tuple(message.to),
                content_subtype=message.content_subtype,
                alternatives=len(getattr(message, "alternatives", None) or []),
                attachments=len(message.attachments),
                content_type=message.message().get_content_type(),
                multipart=message.message().is_multipart(),
                headers=frozenset(message.message().keys()),
            )
            for message in mail.outbox
        ]

    @classmethod
    def send(cls, reader, number, group, payload, round_, **fields):
        """Post ``fields`` on the article as reader ``number`` in round ``round_``; the :class:`Post` it makes."""
        email = f"reader-{number}-{round_}@readers.example"
        response = post(reader, cls.article, email=email, **fields)
        typed = tuple(field for field in FIELDS if field in fields)
        if response.status_code == 302:
            return Post(group, payload, round_, typed, email, 302, location=response["Location"])
        # What the form refused, read from the form: the refused-post test checks that the page marks the same.
        errors = tuple(response.context["comment_form"].errors)
        return Post(group, payload, round_, typed, email, response.status_code, page=response.content, errors=errors)

    def setUp(self):
        self.admin = Client()
        self.admin.force_login(self.chief)
        self.shown = {c.author_email: c for c in Comment.objects.select_related("article").exclude(pk=self.harmless_pk)}
        self.payload_of = {sent.email: sent.payload for sent in self.posts}

    # --- the payloads, and what the form made of them ----------------------------------------------------

    def test_the_payload_file(self):
        payloads = [payload for _, payload in PAYLOADS]
        self.assertGreaterEqual(len(payloads), 120)
        self.assertEqual([p for p, n in Counter(payloads).items() if n > 1], [], "duplicate payloads")
        groups = Counter(group for group, _ in PAYLOADS)
        for group in (
            "HTML element injection",
            "Attribute breakouts",
            "URL contexts (aimed at the website field and at hrefs)",
            "CSS contexts",
            "Script-string contexts",
            "Encoding tricks",
            "Bare links, aimed at the linkifier",
        ):
            self.assertGreaterEqual(groups[group], 10, group)
        everything = "".join(payloads)
        for character in ("\x00", "\x01", "\t", "\n", "\r", "\x0c", "\u2028", "\u2029", "\u202e", "\ufeff", "＜"):
            self.assertIn(character, everything)
        self.assertIn(" javascript:alert(72)", payloads)  # a leading space survives
        self.assertIn("\\';alert(123)//", payloads)  # outside "\esc " lines a backslash is a backslash
        for payload in payloads:
            self.assertTrue(visible(payload), repr(payload))

    def test_each_payload_is_stored_as_typed_or_refused_with_a_message(self):
        for sent in self.posts:
            with self.subTest(payload=sent.payload, round=sent.round, fields=sent.fields):
                if sent.round == 1:
                    self.assertEqual(sent.status, 400)
                    self.assertTrue(PARENT_ERRORS & set(sent.errors))  # see the tampered-field test
                    refused = set(sent.errors) - PARENT_ERRORS
                    self.assertLessEqual(refused, set(sent.fields))
                    # Only what the form must refuse: a null character, a name over 80 characters, a website
                    # that is no web address.
                    if "\x00" not in sent.payload:
                        self.assertNotIn("comment", refused)
                        if len(sent.payload.strip()) <= 80:
                            self.assertNotIn("author", refused)
                    continue
                self.assertEqual(sent.status, 302)  # the fields the form took, taken
                comment = self.shown[sent.email]
                self.assertEqual(comment.status, Status.APPROVED)
                self.assertEqual(sent.location, f"{self.article.url}?comments=1#comment-{comment.pk}")
                self.assertEqual(comment.body, as_stored(sent.payload))
                if "author" in sent.fields:  # on one line, without direction overrides
                    self.assertEqual(comment.author_name, " ".join(BIDI_CONTROLS.sub("", sent.payload).split()))
                if "url" in sent.fields:
                    self.assertEqual(comment.author_url, stored_website(sent.payload))
                    self.assertRegex(comment.author_url, r"(?i)^https?://")
        stored = Counter(sent.payload for sent in self.posts if sent.status == 302)
        for _, payload in PAYLOADS:
            with self.subTest(payload=payload):
                self.assertEqual(stored[payload], 0 if "\x00" in payload else 1)
        refused_websites = {s.payload for s in self.posts if "url" in s.errors}
        for payload in ("javascript:alert(70)", "data:text/html,<script>alert(87)</script>", "//evil.example/"):
            self.assertIn(payload, refused_websites)
        self.assertGreater(sum(1 for s in self.posts if s.status == 302 and "url" in s.fields), 20)

    # --- the article page ------------------------------------------------------------------------------

    def test_the_article_page_shows_every_comment_as_text(self):
        content = self.get(self.article).content
        self.assertEqual(len(self.shown), len(PAYLOADS) - sum("\x00" in p for _, p in PAYLOADS))
        for parser in PARSERS:
            page = BeautifulSoup(content, parser)
            items = {item.get("id"): item for item in page.select("#comments li.comment")}
            for comment in self.shown.values():
                with self.subTest(parser=parser, payload=self.payload_of[comment.author_email]):
                    self.check_shown_comment(items.get(f"comment-{comment.pk}"), comment)
            with self.subTest(parser=parser, check="the whole page"):
                section = self.check_article_page(page, parser)
                self.assertEqual(len(section.select("li.comment")), len(self.shown))

    def test_a_refused_post_shows_the_payload_again_as_text(self):
        """Each payload's first post, in every field and the hidden ``parent``: the page shown again, as text.

        Every input holds the payload again (the ``parent`` emptied, or as typed), and the page marks what the
        form refused. Nothing was stored yet, so the comments section holds only this post's form.
        """
        refused = [sent for sent in self.posts if sent.round == 1]
        self.assertEqual(len(refused), len(PAYLOADS))
        for sent in refused:
            for parser in PARSERS:
                with self.subTest(payload=sent.payload, parser=parser):
                    page = BeautifulSoup(sent.page, parser)
                    section = self.check_article_page(page, parser)
                    self.assertEqual(with_class(section, "comment"), [])
                    (form,) = with_id(section, "commentform")
                    for field in sent.fields:
                        box = named(form, field)
                        typed = box.get_text() if box.name == "textarea" else box.get("value", "")
                        self.assertEqual(visible(typed), visible(sent.payload), field)
                    parent = named(form, "parent")
                    self.assertEqual((parent.name, parent["type"]), ("input", "hidden"))
                    self.assertIn(visible(parent.get("value", "")), ("", visible(sent.payload)))  # emptied, or as typed
                    messages = field_errors(page)
                    self.assertTrue(messages["__all__"])
                    self.assertEqual(set(messages) - PARENT_ERRORS, set(sent.errors) - PARENT_ERRORS)
                    if "url" in messages and "\x00" not in sent.payload and len(sent.payload) <= 200:
                        self.assertEqual(messages["url"], WEBSITE_MESSAGE)

    def test_a_tampered_hidden_field_is_refused(self):
        """The reply's hidden ``parent`` field filled in by hand (each payload's first post): refused, nothing stored.

        The page shown again is checked, the ``parent`` input with it, by the refused-post test.
        """
        first = [sent for sent in self.posts if sent.round == 1]
        self.assertEqual(len(first), len(PAYLOADS))
        for sent in first:
            with self.subTest(payload=sent.payload):
                self.assertEqual(sent.status, 400)
                # No comment to reply to ("__all__"), or a null character the field refuses itself.
                self.assertTrue(PARENT_ERRORS & set(sent.errors))
        self.assertFalse(Comment.objects.filter(author_email__in=[sent.email for sent in first]).exists())

    def test_replying_to_a_name_shows_it_as_text(self):
        """The form's "Replying to" notice (``?replyto=``) shows the name as text (the attribute breakouts)."""
        article = self.articles[2]
        self.take_baseline(article)
        for sent in self.posts:
            if sent.group != "Attribute breakouts" or sent.status != 302 or "author" not in sent.fields:
                continue
            name = self.shown[sent.email].author_name
            comment = CommentFactory(article=article, approved=True, author_name=name)
            response = self.get(f"{article.url}?replyto={comment.pk}")
            for parser in PARSERS:
                with self.subTest(payload=sent.payload, parser=parser):
                    page = BeautifulSoup(response.content, parser)
                    (form,) = with_id(self.check_article_page(page, parser, "other article"), "commentform")
                    self.assertIsNone(form.select_one(".comment-form__replying").get("hidden"))
                    self.assertEqual(visible(form.select_one(".comment-form__reply-name").get_text()), visible(name))
                    self.assertEqual(named(form, "parent")["value"], str(comment.pk))

    def take_baseline(self, article):
        """The elements outside the comments section of ``article``, now that its cards count our comments."""
        content = self.get(article).content
        for parser in PARSERS:
            page = BeautifulSoup(content, parser)
            self.baseline["other article", parser] = census(page, comments_section(page))

    def check_article_page(self, page, parser, baseline="article"):
        """The checks for a whole article page; returns its comments section."""
        sections = with_id(page, "comments")
        self.assertEqual(len(sections), 1)
        section = sections[0]
        self.assertEqual(section.name, "section")
        self.check_whole_page(page)
        self.assertEqual(census(page, section), self.baseline[baseline, parser])
        self.check_area(section, COMMENT_TAGS | FORM_TAGS, SECTION_ATTRIBUTES)
        inside = elements(section)
        ids = Counter(tag["id"] for tag in inside if tag.has_attr("id"))
        self.assertEqual([i for i, n in ids.items() if n > 1], [], "duplicate ids")
        for comments in section.find_all("ol", class_="comment-list", recursive=False):
            self.check_area(comments, COMMENT_TAGS, SECTION_ATTRIBUTES)
        for text in (tag for tag in inside if "comment__text" in tag.get("class", ())):
            self.check_comment_text(text)
        (respond,) = [tag for tag in inside if tag.get("id") == "respond"]
        self.check_area(respond, FORM_TAGS, SECTION_ATTRIBUTES)
        for form in (tag for tag in inside if tag.name == "form"):
            self.assertRegex(form["action"], r"^/comments/(post|\d+/report)/")
        return section

    def check_shown_comment(self, item, comment):
        """One comment on the article page: its name, website and text as typed, in our markup only."""
        self.assertIsNotNone(item)
        self.assertEqual(item.name, "li")
        self.check_whole_page(item)
        self.check_area(item, COMMENT_TAGS, SECTION_ATTRIBUTES)
        self.check_comment_text(item.select_one(".comment__text"))
        author = item.select_one(".comment__author")
        self.assertEqual(visible(author.get_text()), visible(comment.author_name))
        link = author.select_one("a")
        if comment.author_url:
            self.assertEqual(link["href"], comment.author_url)
            self.assertEqual(" ".join(link["rel"]), COMMENT_REL)
        else:
            self.assertIsNone(link)
        reply = item.select_one("a.comment__reply")
        self.assertEqual(visible(reply["data-reply-name"]), visible(comment.author_name))
        self.assertEqual(reply["data-reply-to"], str(comment.pk))
        self.assertEqual(visible(self.typed_text(item.select_one(".comment__text"))), visible(comment.body))

    # --- the admin -------------------------------------------------------------------------------------

    def test_the_moderation_queue_shows_every_comment_as_text(self):
        shown = {c.pk: c for c in self.shown.values()}
        listed = Counter()
        number, last = 1, 1
        while number <= last:
            response = self.admin.get(reverse("comments_admin:queue") + f"?status=approved&p={number}")
            self.assertEqual(response.status_code, 200)
            for parser in PARSERS:
                page = BeautifulSoup(response.content, parser)
                for box in page.select("#main input[type=checkbox][name=comment]"):
                    comment = shown[int(box["value"])]
                    listed[comment.pk] += 1
                    with self.subTest(parser=parser, payload=self.payload_of[comment.author_email]):
                        self.check_queue_row(box, comment)
                with self.subTest(parser=parser, check=f"the whole page {number}"):
                    self.check_admin_page(page, parser, "queue")
                pages = re.search(r"Page \d+ of (\d+)", page.get_text())
                last = max(last, int(pages.group(1)) if pages else 1)
            number += 1
        self.assertEqual(listed, Counter({pk: len(PARSERS) for pk in shown}))

    def check_queue_row(self, box, comment):
        """One comment in the queue: its name and the start of its text, in our markup only."""
        self.assertEqual(visible(box["aria-label"]), visible(f"Select the comment by {comment.author_name}"))
        row = box.find_parent("tr")
        self.check_whole_page(row)
        self.check_area(row, ADMIN_TAGS, ADMIN_ATTRIBUTES)
        excerpt = row.select_one("td.comment-excerpt")
        self.assertEqual(excerpt.select_one("a")["href"], reverse("comments_admin:detail", args=[comment.pk]))
        self.assertEqual(visible(excerpt.select_one("a strong").get_text()), visible(comment.author_name))
        self.assertEqual(
            visible(excerpt.select_one(":scope > div").get_text()), visible(truncatechars(comment.body, 240))
        )

    def test_each_comments_admin_page_shows_it_as_text(self):
        for comment in self.shown.values():
            response = self.admin.get(reverse("comments_admin:detail", args=[comment.pk]))
            self.assertEqual(response.status_code, 200)
            for parser in PARSERS:
                with self.subTest(parser=parser, payload=self.payload_of[comment.author_email]):
                    page = BeautifulSoup(response.content, parser)
                    content = self.check_admin_page(page, parser, "detail")
                    fields = {dt.get_text(): dt.find_next_sibling("dd") for dt in content.select("dl > dt")}
                    self.assertEqual(visible(fields["Name"].get_text()), visible(comment.author_name))
                    self.assertEqual(fields["Email"].get_text(), comment.author_email)
                    website = fields["Website"].select_one("a")
                    if comment.author_url:
                        self.assertEqual(website["href"], comment.author_url)
                        self.assertEqual(visible(website.get_text()), visible(comment.author_url))
                        self.assertEqual(" ".join(website["rel"]), "nofollow ugc noopener noreferrer")
                    else:
                        self.assertIsNone(website)
                        self.assertEqual(fields["Website"].get_text(), "none")
                    text = content.select_one(".comment-text")
                    self.assertEqual(visible(self.typed_text(text)), visible(comment.body))
                    (subtitle,) = [
                        tag
                        for main in with_id(page, "main")
                        for heading in main.find_all("h1")
                        for tag in with_class(heading, "w-header__subtitle")
                    ]
                    self.assertEqual(visible(subtitle.get_text()), visible(comment.author_name))
                    self.assertIn(visible(comment.author_name), visible(page.title.get_text()))

    def test_the_page_each_email_links_to_shows_the_comment_as_text(self):
        """A moderator follows "Mark as spam" from the email: the page that asks shows the comment as text."""
        for comment in self.shown.values():
            path = reverse("comments_admin:act", args=[comment.pk, "spam"])
            message = next(m for m in self.mails if f" <{comment.author_email}> wrote (quoted" in m.body)
            self.assertIn(f"\nMark as spam: {settings.BASE_URL}{path}\n", message.body)
            response = self.admin.get(path)
            self.assertEqual(response.status_code, 200)
            for parser in PARSERS:
                with self.subTest(parser=parser, payload=self.payload_of[comment.author_email]):
                    page = BeautifulSoup(response.content, parser)
                    content = self.check_admin_page(page, parser, "confirm")
                    self.assertEqual(visible(content.select_one("p > strong").get_text()), visible(comment.author_name))
                    quote = content.select_one("blockquote")
                    self.assertLessEqual({tag.name for tag in quote.find_all(True)}, {"p", "br"})
                    self.assertEqual(visible(quote.get_text()), visible(comment.body))

    def check_admin_page(self, page, parser, baseline):
        """The checks for a whole admin page; returns its content (what our template writes)."""
        self.check_whole_page(page)
        contents = admin_contents(page)
        self.assertEqual(len(contents), 1)
        content = contents[0]
        self.assertEqual(census(page, content), self.baseline[baseline, parser])
        self.check_area(content, ADMIN_TAGS, ADMIN_ATTRIBUTES | {"style"})
        for tag in content.find_all(style=True):  # only our own, on the tabs
            self.assertEqual(tag.parent.get("class"), ["comment-tabs"])
        for text in with_class(content, "comment-text"):
            self.check_comment_text(text)
        return content

    # --- the moderators' emails ------------------------------------------------------------------------

    def test_the_moderators_emails_are_plain_text(self):
        self.assertEqual(len(self.mails), len(self.shown))
        for comment in self.shown.values():
            with self.subTest(payload=self.payload_of[comment.author_email]):
                found = [m for m in self.mails if f" <{comment.author_email}> wrote (quoted" in m.body]
                self.assertEqual(len(found), 1)
                message = found[0]
                self.assertEqual(message.to, (self.moderator.email,))
                self.assertEqual(message.subject, f"New comment on “{comment.article.title}”")
                self.assertNotIn("\n", message.subject)
                self.assertNotIn("\r", message.subject)
                self.assertEqual((message.content_subtype, message.content_type), ("plain", "text/plain"))
                self.assertEqual((message.alternatives, message.attachments, message.multipart), (0, 0, False))
                self.assertLessEqual(message.headers, MAIL_HEADERS)
                # As typed (quoted, line by line), not escaped for HTML (which would mean it was made for a browser).
                quoted = "\n".join(f"> {line}".rstrip() for line in comment.body.splitlines())
                self.assertIn(
                    f"\n{comment.author_name} <{comment.author_email}> wrote (quoted as received):\n\n{quoted}\n\n"
                    f"Website: {comment.author_url or 'none'}\n",
                    message.body,
                )
                # The moderator's own links come before anything the commenter wrote.
                self.assertLess(message.body.index("Mark as spam:"), message.body.index(" wrote (quoted"))

    # --- checks ----------------------------------------------------------------------------------------

    def check_whole_page(self, page):
        """Anywhere on the page (or in a part of it): no event handler attribute, no script or data URL."""
        for tag in elements(page):
            for name, value in tag.attrs.items():
                self.assertFalse(name.lower().startswith("on"), f"<{tag.name} {name}=…>")
                if name.lower() in URL_ATTRIBUTES:
                    for url in value if isinstance(value, list) else [value]:
                        self.assertFalse(scheme_part(url).startswith(BAD_SCHEMES), f"<{tag.name} {name}={url!r}>")

    def check_area(self, area, tags, attributes):
        """Inside ``area``: only these elements and attributes, no forbidden element, no comment or CDATA."""
        for tag in elements(area):
            if tag.name in FORBIDDEN_TAGS or tag.name not in tags:
                self.fail(f"<{tag.name}> where only {sorted(tags)} belong: {str(tag)[:200]!r}")
            for name in tag.attrs:
                self.assertTrue(name in attributes or name.startswith("aria-"), f"<{tag.name} {name}=…>")
        for node in area.descendants:
            if isinstance(node, MARKUP_NODES):
                self.fail(f"{type(node).__name__} in the markup: {str(node)[:200]!r}")

    def check_comment_text(self, text):
        """A comment text as shown: paragraphs, line breaks and our links to web addresses, nothing else."""
        self.check_area(text, COMMENT_TEXT_TAGS, {"href", "rel"})
        for tag in elements(text):
            self.assertEqual(set(tag.attrs), {"href", "rel"} if tag.name == "a" else set())
            if tag.name == "a":
                self.assertEqual(" ".join(tag["rel"]), COMMENT_REL)
                self.assertRegex(tag["href"], r"(?i)^https?://[^\s\"'<>`]+$")
                self.assertEqual([type(node) for node in tag.contents], [NavigableString])

    def typed_text(self, text):
        """A comment text as typed: a link label cut short (…) gets its whole address back."""
        parts = []
        for node in text.descendants:
            if isinstance(node, Tag) and node.name == "a":
                label, href = node.get_text(), node["href"]
                address = href if label[:4].lower() == "http" else href.removeprefix("http://")
                if label.endswith("…") and label != address:
                    self.assertTrue(address.startswith(label[:-1]), (label, address))
                else:
                    self.assertEqual(label, address)
                parts.append(address)
            elif type(node) is NavigableString and node.parent.name != "a":
                parts.append(str(node))
        return "".join(parts)


def elements(root):
    """The elements inside ``root`` (not ``root`` itself), in document order.

    The checks walk whole pages many times: a plain walk is several times
    faster than ``find_all`` with a filter or a CSS selector.
    """
    return [node for node in root.descendants if isinstance(node, Tag)]


def with_id(root, value):
    return [tag for tag in elements(root) if tag.get("id") == value]


def with_class(root, name):
    return [tag for tag in elements(root) if name in tag.get("class", ())]


def named(form, name):
    """The first element of ``form`` with this ``name`` (an input, a textarea)."""
    return next(tag for tag in elements(form) if tag.get("name") == name)


def comments_section(page):
    """The article page's comments section (the first, if a page had more)."""
    return with_id(page, "comments")[0]


def admin_contents(page):
    """What our admin templates write on an admin page: ``#main .nice-padding`` (one, unless something broke)."""
    return [area for main in with_id(page, "main") for area in with_class(main, "nice-padding")]


def admin_content(page):
    return admin_contents(page)[0]


def field_errors(page):
    """The messages beside each field of a refused post, by field name (and ``__all__`` at the top)."""
    forms = with_id(page, "commentform")
    found = {
        error["id"].removeprefix("id_").removesuffix("_error"): error
        for form in forms
        for error in with_class(form, "field-error")
    }
    found = {name: error.get_text(" ", strip=True) for name, error in found.items()}
    top = next((top for form in forms for top in with_class(form, "form-errors")), None)
    if top:
        found["__all__"] = top.get_text(" ", strip=True)
    return found
