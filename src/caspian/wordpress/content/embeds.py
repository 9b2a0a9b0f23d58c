"""Recognising what can become an ``embed`` block: bare addresses and video or audio player iframes."""

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from .tree import Element

_BARE_URL = re.compile(r"https?://[^\s<>\"]+")
_PLAYERS = (
    (
        re.compile(r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", re.I),
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"^(?:https?:)?//(?:www\.)?youtube\.com/v/([\w-]+)", re.I), "https://www.youtube.com/watch?v={}"),
    (re.compile(r"^(?:https?:)?//player\.vimeo\.com/video/(\d+)", re.I), "https://vimeo.com/{}"),
    (
        re.compile(r"^(?:https?:)?//(?:www\.)?dailymotion\.com/embed/video/(\w+)", re.I),
        "https://www.dailymotion.com/video/{}",
    ),
    (re.compile(r"^(?:https?:)?//open\.spotify\.com/embed/(\w+/\w+)", re.I), "https://open.spotify.com/{}"),
)
_PLAYER_TAGS = ("iframe", "embed", "object")


def is_url(text):
    """Whether ``text`` is one ``http(s)`` address and nothing else."""
    return _BARE_URL.fullmatch(text) is not None


@lru_cache(maxsize=4096)
def oembed_accepts(url):
    """Whether one of the site's embed finders (``WAGTAILEMBEDS_FINDERS``) would embed ``url``."""
    from wagtail.embeds.finders import get_finders

    return any(finder.accept(url) for finder in get_finders())


def player_url(element):
    """The page address behind an ``<iframe>``, ``<embed>`` or ``<object>`` player we can embed, else ``None``."""
    if element.tag not in _PLAYER_TAGS:
        return None
    src = _player_source(element).strip()
    for pattern, template in _PLAYERS:
        match = pattern.match(src)
        if match:
            return template.format(match.group(1))
    parts = urlsplit(src)
    if parts.netloc == "w.soundcloud.com":
        url = parse_qs(parts.query).get("url", [""])[0]
        return url if url.startswith("http") else None
    if parts.scheme in ("http", "https") and oembed_accepts(src):
        return src
    return None


def _player_source(element):
    """The address a player plays (an object may name it in a ``<param>`` or an inner ``<embed>``)."""
    source = element.attrs.get("src") or element.attrs.get("data")
    if not source and element.tag == "object":
        for child in element.children:
            if isinstance(child, Element) and child.tag == "embed":
                source = child.attrs.get("src")
            elif isinstance(child, Element) and child.tag == "param" and child.attrs.get("name") in ("movie", "src"):
                source = child.attrs.get("value")
            if source:
                break
    return source or ""
