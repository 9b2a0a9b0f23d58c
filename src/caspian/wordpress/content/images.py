"""Images, figures and galleries: an ``image`` block when ``image_for`` knows the picture, its words otherwise.

The image is named by its address as written and, where the markup says,
its WordPress attachment id: from a ``[caption]``'s ``id``, the enclosing
``wp:image`` block, a ``wp-image-N`` class or ``data-id``. A picture that
cannot be found leaves its alt text (in italics) and caption as a paragraph,
and its address in :attr:`ImageLookup.missing`.
"""

import re

from .richtext import Writer
from .tree import Element, collapse, text_of

_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_CAPTION_LIMIT = 255  # the image block's caption and alt fields hold this much
# A figure holding any of these is more than a picture.
_NOT_A_PICTURE = ("table", "audio", "video", "pre", "dl", "iframe")


class ImageLookup:
    """``image_for`` asked once per image; the images it did not know, in order, in :attr:`missing`.

    :attr:`attachment_hint` is the attachment id the enclosing ``wp:image``
    block names: the next image uses it (after a figure's own), then it is
    forgotten.
    """

    def __init__(self, image_for):
        self.image_for = image_for
        self.missing = []
        self.attachment_hint = None
        self._found = {}

    def find(self, src, attachment):
        """The image id for this address and attachment id (either may be ``None``), or ``None``."""
        key = (src, attachment)
        if key not in self._found:
            known = self.image_for and (src or attachment)
            self._found[key] = self.image_for(src, attachment) if known else None
        image = self._found[key]
        missing = src or attachment
        if image is None and missing is not None and missing not in self.missing:
            self.missing.append(missing)
        return image


def attachment_id(value):
    """``value`` as a WordPress attachment id (a positive integer), or ``None``."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def only_image(element):
    """The ``<img>`` an element holds and nothing else visible (a linked image), or ``None``."""
    found = None
    for child in element.children:
        if isinstance(child, str):
            if child.strip():
                return None
        elif found is not None:
            return None
        elif child.tag == "img":
            found = child
        elif child.tag in ("picture", "span") and (inner := only_image(child)) is not None:
            found = inner
        else:
            return None
    return found


def figure(converter, element):
    """A ``<figure>``: one picture, a gallery, HTML (a table, a player), or just its content."""
    caption = next((c for c in element.children if isinstance(c, Element) and c.tag == "figcaption"), None)
    pictures = list(element.iter("img"))
    if element.first("figure") is not None or len(pictures) > 1:
        gallery(converter, element)
    elif any(element.first(tag) is not None for tag in _NOT_A_PICTURE):
        if element.first("iframe") is not None and not pictures:
            converter.flow(element.children)  # a player: it may become an embed
        else:
            converter.keep_as_html(element)
    elif pictures:
        image(converter, pictures[0], caption.children if caption is not None else (), element.attrs)
        converter.flow([c for c in element.children if c is not caption and not _contains(c, pictures[0])])
    else:
        converter.flow(element.children)


def gallery(converter, element):
    """Each picture of a gallery (figures, images, linked images, at any depth) as its own block, in order."""
    for child in element.children:
        if isinstance(child, str):
            if child.strip():
                converter.flow([child])
        elif child.tag == "figure":
            figure(converter, child)
        elif child.tag == "img":
            image(converter, child)
        elif child.tag == "a" and (linked := only_image(child)) is not None:
            image(converter, linked)
        elif child.tag == "figcaption" or child.first("img") is None:
            converter.flow([child])
        else:
            gallery(converter, child)


def gallery_ids(converter, ids):
    """The pictures of a ``[gallery ids="1,2,3"]``, by attachment id."""
    for attachment in (attachment_id(part) for part in ids.split(",")):
        if attachment is not None:
            _add_image(converter, None, attachment, "", ())


def image(converter, img, caption=(), figure_attrs=None):
    """One ``<img>``, with the nodes of its ``caption`` and the attributes of the figure holding it, if any."""
    attrs = img.attrs
    src = attrs.get("src") or attrs.get("data-src") or attrs.get("data-lazy-src") or None
    lookup = converter.images
    attachment = (
        attachment_id((figure_attrs or {}).get("data-attachment"))
        or lookup.attachment_hint
        or _wp_image_id(attrs.get("class", ""))
        or attachment_id(attrs.get("data-id"))
    )
    lookup.attachment_hint = None
    _add_image(converter, src, attachment, collapse(attrs.get("alt", "")), caption)


def _add_image(converter, src, attachment, alt, caption):
    caption_text = collapse(text_of(caption))
    if any(isinstance(node, Element) and (node.tag == "a" or node.first("a")) for node in caption):
        converter.note("dropped a link in an image caption (its text is kept)")
    image_id = converter.images.find(src, attachment)
    if image_id is None:
        if src is None and attachment is None:
            converter.note("removed an image with no address")
        _add_words_of_missing_image(converter, alt, caption_text, caption)
        return
    short = len(caption_text) <= _CAPTION_LIMIT
    value = {"image": image_id, "alt": alt[:_CAPTION_LIMIT], "caption": caption_text if short else "", "credit": ""}
    converter.add("image", value)
    if not short:
        converter.flow(caption)  # too long for the caption field: kept as text below the image


def _add_words_of_missing_image(converter, alt, caption_text, caption):
    """The picture is gone, its words stay: alt text in italics, then the caption."""
    writer = Writer(converter)
    if alt and alt != caption_text:
        writer.open("<i>", "</i>", "<i>", "</i>")
        writer.text(alt)
        writer.close()
        writer.br()
    for node in caption:
        converter.node(node, writer)
    writer.end_paragraph()


def _wp_image_id(classes):
    match = _WP_IMAGE_CLASS.search(classes)
    return int(match.group(1)) if match else None


def _contains(node, target):
    return node is target or (isinstance(node, Element) and any(_contains(c, target) for c in node.children))
