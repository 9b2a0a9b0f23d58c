"""WordPress's classic-editor display filters, mimicked where they change what readers saw.

Shortcodes are expanded before the HTML is parsed: ``[caption]`` into a
``<figure>``, ``[gallery]`` and ``[embed]`` into the markers of
:mod:`.tree`, ``[audio]``/``[video]`` into players, unknown ones reduced to
their text. :func:`autoembed` turns a URL alone on its line into an embed.
The ``wpautop`` rules (a blank line separates paragraphs, a single line
break is kept) are applied while the tree is walked, through
:func:`split_paragraphs`.
"""

import re

from .embeds import is_url, oembed_accepts
from .tree import MAX_DEPTH, embed_marker, gallery_marker, quote_attribute

_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])((?:[^\]/]|/(?!\]))*)(/?)\](\]?)")
_SHORTCODE_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_CAPTION_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n[ \t\r\n\f\v]*")
_MEDIA_FORMATS = {
    "audio": ("mp3", "m4a", "ogg", "wav", "wma"),
    "video": ("mp4", "m4v", "webm", "ogv", "wmv", "flv"),
}


def split_paragraphs(text):
    """``text`` cut at its blank lines, as ``wpautop`` cut it into paragraphs."""
    return _BLANK_LINE.split(text)


def autoembed(html):
    """``html`` with each URL alone on its line that an oEmbed finder accepts replaced by an embed marker."""
    if "http" not in html:
        return html
    return _URL_LINE.sub(lambda match: embed_marker(match[1]) if oembed_accepts(match[1]) else match[0], html)


def expand_shortcodes(text, note, depth=0):
    """``text`` with its shortcodes expanded into HTML; ``note(text)`` hears what was removed or reduced.

    ``[[name]]`` is WordPress's way to write a literal ``[name]``. Text in
    brackets that looks like no shortcode (``[like this]``) is left as written.
    """
    if "[" not in text:
        return text
    out, position = [], 0
    while match := _SHORTCODE.search(text, position):
        out.append(text[position : match.start()])
        position = match.end()
        opening, name, attribute_text, self_closing, closing = match.groups()
        whole = match[0]
        if opening and closing:
            out.append(whole[1:-1])
            continue
        inner = None
        end = -1 if self_closing else text.find(f"[/{name}]", position)
        if end >= 0:
            inner, position = text[position:end], end + len(name) + 3
        replacement = _shortcode(name.lower(), attribute_text, inner, whole, note, depth)
        if replacement is None:  # left as written, a stray bracket included
            out.append(whole if inner is None else f"{whole}{inner}[/{name}]")
        else:
            out.append(f"{opening}{replacement}{closing}")
    out.append(text[position:])
    return "".join(out)


def _shortcode(name, attribute_text, inner, whole, note, depth):
    """HTML for one shortcode (``inner`` is its enclosed text, if any), or ``None`` to leave it as written."""
    attributes = _attributes(attribute_text)
    if name in ("caption", "wp_caption"):
        return _caption_figure(attributes, inner or "")
    if name == "gallery":
        return _gallery(attributes, note)
    if name == "embed":
        url = (inner or "").strip()
        return embed_marker(url) if is_url(url) else inner or ""
    if name in _MEDIA_FORMATS:
        return _media_player(name, attributes, note)
    if name == "playlist":
        note("skipped a [playlist]")
        return ""
    if inner is not None:
        note(f"kept the text of unknown shortcode [{name}]")
        return expand_shortcodes(inner, note, depth + 1) if depth < MAX_DEPTH else inner
    if "=" in attribute_text or whole.endswith("/]"):
        note(f"removed unknown shortcode {whole}")
        return ""
    return None  # [like this]: just text in brackets


def _attributes(text):
    """A shortcode's attributes: named ones by lower-case name, positional ones by their index."""
    attributes, position = {}, 0
    for match in _SHORTCODE_ATTRIBUTE.finditer(text.replace("\xa0", " ")):
        groups = match.groups()
        named = next((i for i in (0, 2, 4) if groups[i]), None)
        if named is not None:
            attributes[groups[named].lower()] = groups[named + 1]
        else:
            attributes[position] = next((group for group in groups[6:] if group is not None), "")
            position += 1
    return attributes


def _caption_figure(attributes, inner):
    """``[caption id="attachment_N"]<img> Caption[/caption]`` as a ``<figure>`` with a ``<figcaption>``."""
    match = _CAPTION_IMAGE.match(inner)
    if not match:
        return f"<figure>{inner}<figcaption>{attributes.get('caption', '')}</figcaption></figure>"
    image, text = match.groups()
    attachment = (attributes.get("id") or "").removeprefix("attachment_")
    caption = attributes.get("caption") or text.strip()
    return f'<figure data-attachment="{quote_attribute(attachment)}">{image}<figcaption>{caption}</figcaption></figure>'


def _gallery(attributes, note):
    ids = attributes.get("ids") or attributes.get("include") or ""
    if not ids.strip():
        note("skipped a [gallery] without ids (it showed the post's attached images)")
        return ""
    return gallery_marker(ids)


def _media_player(kind, attributes, note):
    """An ``<audio>`` or ``<video>`` player for ``[audio]``/``[video]``, whose file may sit under its format's name."""
    sources = [attributes.get(key) for key in ("src", *_MEDIA_FORMATS[kind], 0)]
    src = next((s for s in sources if isinstance(s, str) and s.strip()), "")
    if not src:
        note(f"skipped an [{kind}] without a file")
        return ""
    poster = attributes.get("poster", "")
    poster = f' poster="{quote_attribute(poster)}"' if poster and kind == "video" else ""
    return f'<{kind} controls src="{quote_attribute(src)}"{poster}></{kind}>'
