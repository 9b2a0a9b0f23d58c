"""Comment text is plain text: this turns it into safe HTML and counts its links.

Everything a commenter typed is escaped; the only markup in the result is
what this module writes itself: paragraphs, line breaks and links to bare
``http(s)://`` or ``www.`` addresses, each with ``rel="nofollow ugc noopener"``.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# A bare address runs to the next space or angle bracket or quote; trailing
# punctuation belongs to the sentence, not the link.
LINK = re.compile(r"""\b(?:https?://|www\.)[^\s<>"'`]+""", re.IGNORECASE)
TRAILING = ".,:;!?)]}'"
LINK_REL = "nofollow ugc noopener"
MAX_LINK_TEXT = 60


def count_links(text):
    """How many web addresses the text holds, written bare or as HTML or BBCode links."""
    return len(LINK.findall(text)) + len(re.findall(r"<a\s|\[url", text, re.IGNORECASE))


def render(text):
    """Safe HTML for ``text``: paragraphs at blank lines, ``<br>`` at line breaks, links made."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    html = "".join(f"<p>{'<br>'.join(_linkify(line) for line in p.split(chr(10)))}</p>" for p in paragraphs if p)
    return mark_safe(html)


def _linkify(line):
    pieces, last = [], 0
    for match in LINK.finditer(line):
        address = match.group().rstrip(TRAILING)
        end = match.start() + len(address)
        href = address if address.lower().startswith("http") else f"http://{address}"
        label = address if len(address) <= MAX_LINK_TEXT else address[: MAX_LINK_TEXT - 1] + "…"
        pieces.append(escape(line[last : match.start()]))
        pieces.append(f'<a href="{escape(href)}" rel="{LINK_REL}">{escape(label)}</a>')
        last = end
    pieces.append(escape(line[last:]))
    return "".join(pieces)
