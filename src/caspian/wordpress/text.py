"""WordPress HTML as plain text: headlines, standfirsts and reader comments."""

import re
from html.parser import HTMLParser

STANDFIRST_LENGTH = 400  # ArticlePage.standfirst's limit
STANDFIRST_TARGET = 250  # from the body: sentences up to about this many characters
# [caption …], [/caption], [gallery ids="…"], [embed]: shortcodes, not text.
SHORTCODE = re.compile(r"\[/?[A-Za-z][\w-]*(?:\s[^\]]*)?/?\]")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+")
BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure",
    "figcaption", "table", "tr", "section", "article", "header", "footer", "dl", "dt", "dd", "hr",
}  # fmt: skip
SKIPPED = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}


class _Text(HTMLParser):
    """Collects the text of an HTML fragment: paragraphs, line breaks, links as "text (address)"."""

    def __init__(self, links):
        super().__init__(convert_charrefs=True)
        self.links = links
        self.parts = []
        self.skipping = 0
        self.href = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        if tag == "a":
            self.href.append((dict(attrs).get("href") or "").strip())

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.href:
            href = self.href.pop()
            text = "".join(self.parts[-1:]).strip()
            if self.links and href.startswith(("http://", "https://")) and href not in text:
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def plain_text(html, *, links=False, shortcodes=False):
    """The text of an HTML fragment: paragraphs apart by a blank line, ``<br>`` kept as a line break.

    Tags go, entities are decoded, scripts and styles are dropped with
    their content, runs of spaces become one. With ``links``, a link's
    address follows its text in brackets (when the text is not the address
    already); with ``shortcodes``, WordPress shortcodes (``[caption …]``) go.
    """
    if not html:
        return ""
    if shortcodes:
        html = SHORTCODE.sub("", html)
    if "<" in html or "&" in html:
        parser = _Text(links)
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    else:  # plain text already (most names and many comments): no parser needed
        text = html
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        block = "\n".join(line for line in lines if line)
        if block:
            paragraphs.append(block)
    return "\n\n".join(paragraphs)


def one_line(html):
    """The text of an HTML fragment on one line: for headlines and captions."""
    return " ".join(plain_text(html).split())


def standfirst(excerpt, body_html):
    """The summary under a headline: the excerpt as text, else the body's first sentences.

    At most :data:`STANDFIRST_LENGTH` characters, cut between words with an ellipsis.
    """
    text = one_line(excerpt)
    if not text:
        text = first_sentences(plain_text(body_html, shortcodes=True))
    return shorten(text, STANDFIRST_LENGTH)


def first_sentences(text, target=STANDFIRST_TARGET):
    """The first paragraph's first sentences, as many as fit in about ``target`` characters (at least one)."""
    paragraph = text.strip().split("\n\n", 1)[0].replace("\n", " ")
    chosen = []
    for sentence in SENTENCE_END.split(paragraph):
        if chosen and len(" ".join([*chosen, sentence])) > target:
            break
        chosen.append(sentence)
    return " ".join(chosen).strip()


def shorten(text, limit):
    """``text`` if it fits in ``limit`` characters, else cut at a word boundary with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return f"{cut}…"
