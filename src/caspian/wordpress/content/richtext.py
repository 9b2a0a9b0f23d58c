"""Paragraphs written as Wagtail's stored rich text (``<b>``, ``<i>``, ``<a href>``, ``<br/>``).

A :class:`Writer` collects the inline content of a paragraph and adds the
block it makes; whatever rich text cannot hold makes it an ``html`` block
instead, or raises :class:`NotRich` where splitting is not possible.
"""

import re
from html import escape
from typing import NamedTuple

from .classic import split_paragraphs
from .embeds import is_url, oembed_accepts
from .tree import WHITESPACE

BOLD = frozenset(("b", "strong"))
ITALIC = frozenset(("i", "em"))
_TRAILING_BREAKS = re.compile(r"(?:[ \t\n]|<br/?>)+((?:</[a-z0-9]+>)*)$")
_EMPTY_FORMATTING = re.compile(r"<([bi])></\1>")


class NotRich(Exception):
    """Rich text cannot hold this element: keep it as HTML instead."""


class _Open(NamedTuple):
    """An open inline element, as written in rich text and in HTML; ``formatted`` names it if rich text lacks it."""

    rich_open: str
    rich_close: str
    html_open: str
    html_close: str
    formatted: str | None


class Writer:
    """The inline content of one paragraph, written twice: as Wagtail rich text and as plain HTML.

    ``converter`` is the :class:`~.converter.Converter` that receives the
    blocks; its ``classic`` flag, read when the writer is made, applies the
    ``wpautop`` line-break rules to text. The plain HTML is used when the
    content holds formatting rich text cannot store. A writer that may
    *split* ends its paragraph at a blank line or when an image or block
    turns up inside it, and opens the same inline formatting again
    afterwards; one that may not (a heading, a list item) raises
    :class:`NotRich` instead.
    """

    def __init__(self, converter, *, splittable=True):
        self.converter = converter
        self.classic = converter.classic
        self.splittable = splittable
        self.open_tags = []
        self._start()

    def _start(self):
        self.rich = [tag.rich_open for tag in self.open_tags]
        self.html = [tag.html_open for tag in self.open_tags]
        self.visible = False
        self.only_text = not self.open_tags
        self.after_break = False
        self.formatted = [tag.formatted for tag in self.open_tags if tag.formatted]

    def text(self, text):
        """Write a text node: whitespace collapsed, and in classic content line breaks and blank lines kept."""
        if not self.classic:
            self._words(text)
            return
        for number, paragraph in enumerate(split_paragraphs(text)):
            if number and self.splittable:
                self.end_paragraph()
            elif number:
                self.br()
                self.br()
            for line_number, line in enumerate(paragraph.split("\n")):
                if line_number and not self.after_break:
                    self.br()
                self._words(line)

    def _words(self, text):
        text = WHITESPACE.sub(" ", text)
        if not self.visible:
            text = text.lstrip(" ")
        if not text:
            return
        if text.strip():
            self.visible = True
            self.after_break = False
        escaped = escape(text, quote=False)
        self.rich.append(escaped)
        self.html.append(escaped)

    def br(self):
        """Write a line break, unless nothing visible precedes it in this paragraph."""
        if self.visible:
            self.rich.append("<br/>")
            self.html.append("<br>")
            self.only_text = False
            self.after_break = True

    def open(self, rich_open, rich_close, html_open, html_close, formatted=None):
        """Open an inline element; ``formatted`` (e.g. ``"<sub>"``) marks one rich text cannot store."""
        self.open_tags.append(_Open(rich_open, rich_close, html_open, html_close, formatted))
        if formatted:
            self.formatted.append(formatted)
        self.rich.append(rich_open)
        self.html.append(html_open)
        self.only_text = False

    def close(self):
        """Close the innermost open inline element."""
        tag = self.open_tags.pop()
        self.rich.append(tag.rich_close)
        self.html.append(tag.html_close)

    def is_open(self, prefix):
        """Whether an open element's rich-text opening starts with ``prefix`` (``"<b>"``, ``"<a "``)."""
        return any(tag.rich_open and tag.rich_open.startswith(prefix) for tag in self.open_tags)

    def split_with(self, add_blocks):
        """End the paragraph here, let ``add_blocks`` add blocks, then carry on in a new paragraph.

        Raises :class:`NotRich` in a writer that may not split.
        """
        if not self.splittable:
            raise NotRich
        self.end_paragraph()
        add_blocks()

    def end_paragraph(self):
        """Add the paragraph written so far (if anything in it shows) and start the next one."""
        rich_closing = "".join(tag.rich_close for tag in reversed(self.open_tags))
        html_closing = "".join(tag.html_close for tag in reversed(self.open_tags))
        self._emit("".join(self.rich) + rich_closing, "".join(self.html) + html_closing)
        self._start()

    def content(self):
        """The rich text written so far (for headings and list items), or :class:`NotRich`."""
        if self.formatted:
            raise NotRich
        return _tidy("".join(self.rich)) if self.visible else ""

    def _emit(self, rich, html):
        if not self.visible:
            return
        if self.formatted:
            self.converter.add_html(f"<p>{_tidy(html)}</p>", self.formatted)
            return
        rich = _tidy(rich)
        url = rich.replace("&amp;", "&")
        if self.only_text and is_url(rich) and oembed_accepts(url):
            self.converter.add("embed", url)  # WordPress embeds <p>URL</p> too
        else:
            self.converter.add("paragraph", f"<p>{rich}</p>")


def _tidy(html):
    """Inline HTML without trailing line breaks and spaces or empty ``<b></b>``."""
    head, tail = html[:-200], html[-200:]  # the pattern is anchored at the end: keep its search short
    html = head + _TRAILING_BREAKS.sub(r"\1", tail)
    return _EMPTY_FORMATTING.sub("", html) if "></" in html else html
