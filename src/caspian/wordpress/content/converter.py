"""The walk of a post's HTML: each element sent to the block it becomes, the blocks and notes collected.

:class:`Converter` holds what is being made of one post. The handlers in
:mod:`.blocks`, :mod:`.images` and :mod:`.textblocks` receive it and use its
small interface: :meth:`~Converter.note`, :meth:`~Converter.add`,
:meth:`~Converter.add_html`, :meth:`~Converter.keep_as_html`,
:meth:`~Converter.fragment`, :meth:`~Converter.parse`,
:meth:`~Converter.flow`, :meth:`~Converter.node` and
:meth:`~Converter.children`.
"""

import re
from html import escape

from ...newsroom.blocks import sanitise_html
from . import images, textblocks
from .classic import autoembed, expand_shortcodes
from .embeds import player_url
from .richtext import BOLD, ITALIC, NotRich, Writer
from .tree import CLOSES_P, DROPPED, EMBED, GALLERY, TreeBuilder, attributes_html, scheme, serialise

# Elements only a block can hold: met inside inline content, they end the paragraph.
_BLOCK = CLOSES_P | frozenset(
    f"li dt dd tr td th thead tbody tfoot caption colgroup summary audio video center {GALLERY} {EMBED}".split()
)
# Kept as an html block, whole.
_HTML_BLOCK = frozenset("pre table dl address details audio video hr h5 h6 menu dialog".split())
# Inline formatting our rich text cannot store: the paragraph holding it is kept as HTML.
_FORMATTED = frozenset(
    "abbr acronym bdo big cite code del dfn ins kbd mark q rp rt ruby s samp small strike sub sup tt u var".split()
)
_SAFE_LINK_SCHEMES = frozenset(("http", "https", "mailto", "tel"))
_TAG = re.compile(r"<[^>]*>")
_VISIBLE_MEDIA = re.compile(r"<(?:img|audio|video|hr)\b")


class Converter:
    """What is being made of one post: ``blocks`` (without ids), ``notes`` (text → count) and ``images``.

    ``classic`` says whether the HTML being walked is classic content, where
    WordPress's ``wpautop`` line-break rules apply; each handler sets it
    before walking. ``images`` is the :class:`~.images.ImageLookup` built on
    ``image_for``.
    """

    def __init__(self, image_for):
        self.blocks = []
        self.notes = {}
        self.classic = True
        self.images = images.ImageLookup(image_for)
        self._parser = TreeBuilder(self.note)

    # Output

    def note(self, text, count=1):
        """Count a remark on what was removed or kept as HTML; the same text twice is counted, not repeated."""
        self.notes[text] = self.notes.get(text, 0) + count

    def add(self, kind, value):
        """Add a block of this ``kind`` (a ``BodyBlock`` child name) and raw ``value``."""
        self.blocks.append({"type": kind, "value": value})

    def add_html(self, html, reasons):
        """Add an html block with ``html`` sanitised, unless nothing in it would show; says whether it did.

        ``reasons`` name what made it HTML (``"<table>"``, ``"wp:verse"``), one note each.
        """
        cleaned = str(sanitise_html(html))
        if not (_TAG.sub("", cleaned).strip() or _VISIBLE_MEDIA.search(cleaned)):
            return False
        self.add("html", cleaned.strip())
        for reason in dict.fromkeys(reasons):
            self.note(f"kept {reason} as HTML")
        if "<img" in cleaned:
            self.note("kept an image inside HTML, shown from its old address", cleaned.count("<img"))
        return True

    def keep_as_html(self, element):
        """Add ``element`` whole as an html block, noted under its tag."""
        self.add_html(serialise([element], self.note, classic=self.classic), [f"<{element.tag}>"])

    # Walking HTML

    def fragment(self, html, *, classic):
        """Convert a piece of HTML; ``classic`` applies WordPress's classic-editor filters (autoembed, wpautop).

        Shortcodes are expanded in either case: block content may hold them too.
        """
        self.classic = classic
        html = expand_shortcodes(html, self.note)
        if classic:
            html = autoembed(html)
        self.flow(self.parse(html).children)

    def parse(self, html):
        """The :class:`~.tree.Element` tree of ``html`` (removals noted)."""
        return self._parser.build(html)

    def flow(self, nodes):
        """Convert a run of nodes: inline content becomes paragraphs, block elements their own blocks."""
        writer = Writer(self)
        for node in nodes:
            self.node(node, writer)
        writer.end_paragraph()

    def children(self, element, writer):
        """Write the children of ``element`` to ``writer`` (its tag itself counts for nothing)."""
        for child in element.children:
            self.node(child, writer)

    def node(self, node, writer):
        """Write one node to ``writer``, or end its paragraph for a block, image or embed found inside.

        Raises :class:`~.richtext.NotRich` when ``writer`` cannot split or
        hold formatting and the node needs it.
        """
        if isinstance(node, str):
            writer.text(node)
            return
        tag = node.tag
        if tag == "br":
            writer.br()
        elif tag in BOLD:
            self._formatting(node, writer, "<b>", "</b>")
        elif tag in ITALIC:
            self._formatting(node, writer, "<i>", "</i>")
        elif tag == "a":
            self._link(node, writer)
        elif tag == "img":
            writer.split_with(lambda: images.image(self, node))
        elif tag in _FORMATTED:
            self._unsupported_formatting(node, writer)
        elif tag in DROPPED:
            self._dropped(node, writer)
        elif tag in _BLOCK:
            writer.split_with(lambda: self._block_element(node))
        else:  # span, font, time, label, unknown tags: their content counts, the tag does not
            self.children(node, writer)

    def _formatting(self, element, writer, rich_open, rich_close):
        if writer.is_open(rich_open):  # <b> inside <b>: rich text has one level of each
            self.children(element, writer)
            return
        tag = element.tag
        writer.open(rich_open, rich_close, f"<{tag}>", f"</{tag}>")
        self.children(element, writer)
        writer.close()

    def _unsupported_formatting(self, element, writer):
        if not writer.splittable:
            raise NotRich
        tag = element.tag
        writer.open("", "", f"<{tag}{attributes_html(element.attrs)}>", f"</{tag}>", formatted=f"<{tag}>")
        self.children(element, writer)
        writer.close()

    def _link(self, element, writer):
        image = images.only_image(element)
        if image is not None:
            writer.split_with(lambda: images.image(self, image))
            return
        href = element.attrs.get("href", "").strip()
        link_scheme = scheme(href)
        unsafe = link_scheme is not None and link_scheme not in _SAFE_LINK_SCHEMES
        if unsafe:
            self.note(f"removed a link to a {link_scheme}: address (its text is kept)")
        if not href or unsafe or writer.is_open("<a "):
            self.children(element, writer)
            return
        quoted = escape(href)
        writer.open(f'<a href="{quoted}">', "</a>", f'<a href="{quoted}">', "</a>")
        self.children(element, writer)
        writer.close()

    def _dropped(self, element, writer):
        url = player_url(element)
        if url:
            writer.split_with(lambda: self.add("embed", url))
        else:
            self.note(f"removed <{element.tag}>")

    def _block_element(self, element):
        tag = element.tag
        if tag in ("h1", "h2"):
            textblocks.heading(self, element)
        elif tag in ("h3", "h4"):
            textblocks.sub_heading(self, element)
        elif tag in ("ul", "ol"):
            textblocks.rich_list(self, element)
        elif tag == "blockquote":
            textblocks.quote(self, element)
        elif tag == "figure":
            images.figure(self, element)
        elif tag in _HTML_BLOCK:
            self.keep_as_html(element)
        elif tag == GALLERY:
            images.gallery_ids(self, element.attrs.get("data-ids", ""))
        elif tag == EMBED:
            self.add("embed", element.attrs.get("data-url", ""))
        else:  # p, div, section, stray list items and table cells: only their content counts
            self.flow(element.children)
