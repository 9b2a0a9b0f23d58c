"""Headings, sub-headings, lists and quotes: ``heading``, ``paragraph`` and ``quote`` blocks, or HTML.

``<h1>`` and ``<h2>`` become ``heading`` blocks (our heading is the body's
``<h2>``); ``<h3>``, ``<h4>`` and lists stay in rich text, which offers
them. Whatever rich text or the quote block cannot hold (a link in a
heading, text after a nested list, a list in a quote) keeps the element as
an ``html`` block.
"""

import re

from .classic import split_paragraphs
from .richtext import BOLD, ITALIC, NotRich, Writer
from .tree import DROPPED, Element, collapse, text_of

_HEADING_LIMIT = 120  # the heading block's length
_ATTRIBUTION_LIMIT = 160  # the quote block's attribution length
_LISTS = ("ul", "ol")
_BR = "\x00"  # a <br> in a quote, until its text is cut into lines
# In classic content a <br> and the line break after it are one break, as wpautop wrote them.
_CLASSIC_BR = re.compile(r"\x00[ \t]*\n?")


def heading(converter, element):
    """An ``<h1>``/``<h2>``: a heading block of its text, HTML when too long or linked, its content when empty."""
    text = collapse(text_of(element.children))
    if not text:
        converter.flow(element.children)  # an image in a heading, say
    elif len(text) > _HEADING_LIMIT or element.first("a") is not None or element.first("img") is not None:
        converter.keep_as_html(element)
    else:
        converter.add("heading", text)


def sub_heading(converter, element):
    """An ``<h3>``/``<h4>``: a paragraph block holding it, or HTML."""

    def write():
        writer = Writer(converter, splittable=False)
        converter.children(element, writer)
        content = writer.content()
        return f"<{element.tag}>{content}</{element.tag}>" if content else ""

    _paragraph_or_html(converter, element, write)


def rich_list(converter, element):
    """A ``<ul>``/``<ol>``: a paragraph block holding it, nested lists included, or HTML."""
    _paragraph_or_html(converter, element, lambda: _list_html(converter, element))


def _paragraph_or_html(converter, element, write):
    """Add what ``write()`` returns as a paragraph (nothing if empty), or ``element`` as HTML if it raises NotRich."""
    try:
        html = write()
    except NotRich:
        converter.keep_as_html(element)
        return
    if html:
        converter.add("paragraph", html)


def _list_html(converter, element):
    items = []
    for child in element.children:
        if isinstance(child, str):
            if child.strip():
                raise NotRich
        elif child.tag == "li":
            item = _item_html(converter, child)
            if item:
                items.append(item)
        elif child.tag in _LISTS and items:  # a list straight inside a list belongs to the item before
            items[-1] = items[-1][: -len("</li>")] + _list_html(converter, child) + "</li>"
        elif child.tag not in DROPPED:
            raise NotRich
    return f"<{element.tag}>{''.join(items)}</{element.tag}>" if items else ""


def _item_html(converter, item):
    writer = Writer(converter, splittable=False)
    nested = []
    for child in item.children:
        if isinstance(child, Element) and child.tag in _LISTS:
            if writer.open_tags:
                raise NotRich  # a list inside <b>: rich text cannot close and reopen it around the list
            nested.append(_list_html(converter, child))
        elif nested:
            if not isinstance(child, str) or child.strip():
                raise NotRich  # text after a nested list: rich text cannot place it
        elif isinstance(child, Element) and child.tag in ("p", "div"):
            writer.br()
            converter.children(child, writer)
        else:
            converter.node(child, writer)
    content = writer.content()
    return f"<li>{content}{''.join(nested)}</li>" if content or any(nested) else ""


def quote(converter, element):
    """A ``<blockquote>``: a quote block of its text and ``<cite>``/``<footer>``, or HTML, or nothing if empty."""
    value = _quote_value(converter, element)
    if value is None:
        converter.keep_as_html(element)
    elif value["text"]:
        converter.add("quote", value)


def _quote_value(converter, element):
    """Plain text and attribution of a simple quote, or ``None`` when it needs HTML (links, lists...)."""
    paragraphs, citations = [[]], []
    try:
        _gather_quote(element, paragraphs, citations, converter.note)
    except NotRich:
        return None
    texts = _quote_texts(paragraphs, classic=converter.classic)
    attribution = collapse(" ".join(citations))
    if len(attribution) > _ATTRIBUTION_LIMIT or (attribution and not texts):
        return None
    return {"text": "\n\n".join(texts), "attribution": attribution}


def _gather_quote(parent, paragraphs, citations, note):
    """Sort the text under ``parent`` into paragraphs (lists of strings) and citations; NotRich for anything else."""
    for child in parent.children:
        if isinstance(child, str):
            paragraphs[-1].append(child)
        elif child.tag in ("cite", "footer"):
            if child.first("a") is not None:
                raise NotRich
            citations.append(text_of(child.children))
        elif child.tag in ("p", "div"):
            paragraphs.append([])
            _gather_quote(child, paragraphs, citations, note)
            paragraphs.append([])
        elif child.tag == "br":
            paragraphs[-1].append(_BR)
        elif child.tag in DROPPED:
            note(f"removed <{child.tag}>")
        elif child.tag in BOLD or child.tag in ITALIC or child.tag in ("span", "font"):
            _gather_quote(child, paragraphs, citations, note)
        else:
            raise NotRich


def _quote_texts(paragraphs, *, classic):
    """The quote's paragraphs as text, lines joined by newlines; in classic content blank lines cut them too."""
    texts = []
    for paragraph in paragraphs:
        raw = "".join(paragraph)
        if classic:
            pieces = [piece.split("\n") for piece in split_paragraphs(_CLASSIC_BR.sub("\n", raw))]
        else:
            pieces = [raw.split(_BR)]
        for lines in pieces:
            text = "\n".join(filter(None, (collapse(line) for line in lines)))
            if text:
                texts.append(text)
    return texts
