"""A lenient HTML tree: parsed with the unsafe parts left out, read back as text or as HTML.

:class:`TreeBuilder` turns a post's HTML into :class:`Element` nodes (text
nodes are plain strings), implying end tags the way browsers do and leaving
out scripts, styles, event handlers and ``javascript:`` addresses.
:func:`text_of` and :func:`serialise` read a tree back.

Two elements of our own stand for what shortcodes leave behind until the tree
is walked: ``<wp-embed data-url>`` and ``<wp-gallery data-ids>`` (see
:func:`embed_marker` and :func:`gallery_marker`).
"""

import re
from html import escape
from html.parser import HTMLParser

# Deeper nesting than this (broken or hostile markup) is flattened: the text stays, the recursion stays bounded.
MAX_DEPTH = 64

VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
CLOSES_P = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul".split()
)
_P_SCOPE = frozenset("applet button caption html marquee object table td template th".split())
# Removed with their contents (an iframe may become an embed first).
DROPPED = frozenset(
    "applet base canvas embed frame frameset head iframe input link meta noscript object param svg template "
    "title".split()
)
_REMOVED_WITH_TEXT = ("script", "style")
_URL_ATTRIBUTES = frozenset("href src action formaction poster data background cite xlink:href".split())
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # what browsers collapse (not \xa0)

EMBED = "wp-embed"
GALLERY = "wp-gallery"


class Element:
    """One element: its tag, its attributes (first of each name wins) and its children (elements and strings)."""

    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, attrs, []

    def iter(self, tag):
        """The descendants with this tag, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def first(self, tag):
        """The first descendant with this tag, or ``None``."""
        return next(self.iter(tag), None)


class TreeBuilder(HTMLParser):
    """Lenient HTML → :class:`Element` tree; drops scripts, styles, event handlers and javascript: addresses.

    ``note(text)`` is told about each thing removed. One builder may build
    any number of trees.
    """

    def __init__(self, note):
        super().__init__(convert_charrefs=True)
        self.note = note

    def build(self, html):
        """The tree of ``html``: a ``#root`` element holding its top-level nodes. Never raises."""
        self.reset()
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.skipping = None
        self.feed(html)
        self.close()
        return self.root

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            return
        if tag in _REMOVED_WITH_TEXT:
            self.note(f"removed <{tag}>")
            self.skipping = tag
            return
        element = Element(tag, self._attributes(attrs))
        self._close_implied(tag)
        self.stack[-1].children.append(element)
        if tag not in VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        if tag in _REMOVED_WITH_TEXT:
            self.note(f"removed <{tag}>")  # nothing to skip: a <script/> has no text
            return
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.skipping:
            self.handle_endtag(tag)  # XHTML-style <div/>: closing it at once keeps what follows visible

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping:
                self.skipping = None
        elif tag == "br":
            self.handle_starttag("br", [])  # browsers read </br> as <br>
        else:
            self._pop_to((tag,), boundary=())

    def handle_data(self, data):
        if self.skipping or not data:
            return
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def _attributes(self, attrs):
        kept = {}
        for name, value in attrs:
            if name.startswith("on"):
                self.note("removed event-handler attribute")
                continue
            value = value or ""
            if name in _URL_ATTRIBUTES:
                url_scheme = scheme(value)
                if url_scheme in ("javascript", "vbscript", "data"):
                    self.note(f"removed {url_scheme}: address")
                    continue
            kept.setdefault(name, value)
        return kept

    def _close_implied(self, tag):
        """Close what a browser closes when ``tag`` starts (an open ``<p>`` before a ``<div>``, say)."""
        if tag in CLOSES_P:
            self._pop_to(("p",), _P_SCOPE)
        elif tag == "li":
            self._pop_to(("li",), {"ul", "ol", *_P_SCOPE})
        elif tag in ("dt", "dd"):
            self._pop_to(("dt", "dd"), {"dl", *_P_SCOPE})
        elif tag == "tr":
            self._pop_to(("tr",), {"table", "thead", "tbody", "tfoot"})
        elif tag in ("td", "th"):
            self._pop_to(("td", "th"), {"tr", "table"})
        elif tag == "option":
            self._pop_to(("option",), {"select"})

    def _pop_to(self, tags, boundary):
        """Close the innermost open element among ``tags`` and all inside it, unless a ``boundary`` comes first."""
        for depth in range(len(self.stack) - 1, 0, -1):
            current = self.stack[depth].tag
            if current in tags:
                del self.stack[depth:]
                return
            if current in boundary:
                return


def scheme(url):
    """The lower-case scheme of ``url`` as a browser reads it (control characters ignored), or ``None``."""
    match = _SCHEME.match(_CONTROL.sub("", url))
    return match.group(1).lower() if match else None


def collapse(text):
    """``text`` with runs of whitespace made one space, as a browser shows it, and trimmed."""
    return WHITESPACE.sub(" ", text).strip(" ")


def text_of(nodes):
    """The text of ``nodes`` and their descendants, ``<br>`` as a newline, leaving out :data:`DROPPED` elements."""
    out = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
        elif node.tag not in DROPPED:
            if node.tag == "br":
                out.append("\n")
            for child in node.children:
                walk(child)

    for node in nodes:
        walk(node)
    return "".join(out)


def attributes_html(attrs):
    """``attrs`` written as HTML attributes, leaving out ``class`` and ``style`` (the old theme's)."""
    return "".join(f' {name}="{escape(value)}"' for name, value in attrs.items() if name not in ("class", "style"))


def quote_attribute(value):
    """``value`` made safe inside a double-quoted attribute of markup that is parsed again (entities stay)."""
    return value.replace('"', "&quot;").replace("<", "&lt;")


def embed_marker(url):
    """The element that stands for an embed of ``url`` until the tree is walked."""
    return f'<{EMBED} data-url="{quote_attribute(url)}"></{EMBED}>'


def gallery_marker(ids):
    """The element that stands for a gallery of the comma-separated attachment ``ids``."""
    return f'<{GALLERY} data-ids="{quote_attribute(ids)}"></{GALLERY}>'


def serialise(nodes, note, *, classic):
    """HTML for ``nodes``, still to be sanitised: :data:`DROPPED` elements left out (each told to ``note``).

    An embed marker becomes a link to its address, a gallery marker is
    removed. With ``classic``, line breaks in text outside ``<pre>`` become
    ``<br>``, as WordPress's ``wpautop`` showed them.
    """
    out = []
    for node in nodes:
        _write(node, out, note, classic, in_pre=False)
    return "".join(out)


def _write(node, out, note, classic, in_pre):
    if isinstance(node, str):
        out.append(_text_html(node, keep_breaks=classic and not in_pre))
        return
    tag = node.tag
    if tag in DROPPED:
        note(f"removed <{tag}>")
    elif tag == EMBED:
        url = escape(node.attrs.get("data-url", ""))
        out.append(f'<p><a href="{url}">{url}</a></p>')
    elif tag == GALLERY:
        note("removed a gallery inside HTML")
    else:
        out.append(f"<{tag}{attributes_html(node.attrs)}>")
        if tag not in VOID:
            for child in node.children:
                _write(child, out, note, classic, in_pre or tag == "pre")
            out.append(f"</{tag}>")


def _text_html(text, *, keep_breaks):
    text = escape(text, quote=False)
    core = text.strip()
    if keep_breaks and "\n" in core:
        start = text.index(core[0])
        text = text[:start] + core.replace("\n", "<br>\n") + text[start + len(core) :]
    return text
