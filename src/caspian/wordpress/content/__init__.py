"""A WordPress post's HTML turned into our article body blocks.

:func:`convert` takes one post's ``content:encoded`` (block-editor markup,
classic HTML with shortcodes, or a mix) and returns the raw StreamField data
for :class:`~caspian.newsroom.blocks.BodyBlock`, ready to assign to
``ArticlePage.body``. It never touches the database: images are looked up
through the ``image_for`` callback.

How things map:

- Paragraphs, lists, ``<h3>`` and ``<h4>`` become ``paragraph`` blocks in
  Wagtail's stored rich-text format (``<b>``, ``<i>``, ``<a href>``, ``<br/>``).
  ``<h1>`` and ``<h2>`` become ``heading`` blocks: our heading block is the
  body's ``<h2>``, while ``<h3>``/``<h4>`` are sub-headings the paragraph
  editor already offers, so the outline of the post is kept.
- Images (``wp:image``, ``<figure>``, ``[caption]``, galleries) become
  ``image`` blocks when ``image_for`` knows them; otherwise their alt text and
  caption stay as a paragraph and the address goes to ``missing_images``.
- ``wp:embed`` blocks, ``[embed]``, a URL alone on its line that an oEmbed
  finder accepts, and video-player iframes (YouTube, Vimeo, ...) become
  ``embed`` blocks; other iframes are removed.
- Whatever rich text cannot hold (tables, code, ``<sub>``, definition lists,
  audio and video, unknown blocks) becomes an ``html`` block, sanitised.
  Nothing visible is dropped silently: what is removed or kept as HTML is
  listed in ``notes``.

WordPress's own display filters are mimicked where they change what readers
saw: blank lines separate paragraphs and single line breaks are kept in
classic content (``wpautop``); shortcodes are expanded or reduced to their
text. Text is kept exactly, entities decoded; whitespace is collapsed as a
browser would.

The modules, in the order a post meets them: :mod:`.blocks` (block-editor
markup), :mod:`.classic` (shortcodes, autoembed, wpautop), :mod:`.tree`
(parsing, sanitising, serialising), :mod:`.converter` (the walk),
:mod:`.richtext`, :mod:`.textblocks`, :mod:`.images` and :mod:`.embeds`.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from .blocks import convert_parts, parse_blocks
from .converter import Converter

__all__ = ["Conversion", "ImageFor", "convert"]

ImageFor = Callable[[str | None, int | None], int | None]


@dataclass
class Conversion:
    """What :func:`convert` made of one post."""

    blocks: list = field(default_factory=list)
    """Raw StreamField data: ``{"type", "value", "id"}`` dicts (ids are derived from the content, so stable)."""
    missing_images: list = field(default_factory=list)
    """Image addresses (or attachment ids, when there was no address) that ``image_for`` did not know."""
    notes: list = field(default_factory=list)
    """Short remarks on what was removed or kept as HTML, e.g. ``"removed <script> (×2)"``."""


def convert(html: str, *, image_for: ImageFor | None = None) -> Conversion:
    """Convert one WordPress post's HTML into body blocks.

    ``image_for(url, attachment_id)`` returns the id of the ``NewsImage`` for
    an image, or ``None`` when there is none. ``url`` is the ``src`` as
    written in the post (it may be a resized copy such as ``photo-300x200.jpg``
    or carry ``?w=604``), ``attachment_id`` the WordPress attachment id when
    the markup names one; either may be ``None``. Without a callback every
    image counts as missing. Never raises on malformed HTML.
    """
    content = html or ""
    converter = Converter(image_for)
    pages = content.count("<!--nextpage-->")
    if pages:
        converter.note("joined a post split into pages", pages)
    convert_parts(converter, parse_blocks(content).parts, classic=True)
    notes = [f"{text} (×{count})" if count > 1 else text for text, count in converter.notes.items()]
    return Conversion(blocks=_with_ids(converter.blocks), missing_images=converter.images.missing, notes=notes)


def _with_ids(blocks):
    """``blocks`` given ids derived from their position and content, so converting again gives the same ids."""
    for number, block in enumerate(blocks):
        signature = json.dumps([number, block["type"], block["value"]], sort_keys=True, ensure_ascii=False)
        block["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, signature))
    return blocks
