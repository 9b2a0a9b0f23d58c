"""Block-editor markup: the ``<!-- wp:name {...} -->`` delimiters parsed into a tree, each block converted by kind.

Blocks whose saved HTML says everything (paragraphs, images, tables...) are
converted like any HTML; layout blocks give way to their inner blocks;
embeds become ``embed`` blocks; dynamic blocks, which WordPress builds when
the page is shown, are skipped; unknown blocks are kept as HTML.
"""

import json
import re

from .classic import expand_shortcodes
from .embeds import is_url
from .images import attachment_id
from .tree import MAX_DEPTH, collapse, serialise, text_of

# WordPress's block delimiters: <!-- wp:name {"json":1} -->, <!-- /wp:name -->, <!-- wp:name /-->.
_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?!-->).)*?\}\s+)?(?P<void>/)?-->",
    re.S,
)
# Blocks whose saved HTML says everything; converted like any HTML.
_CONTENT_BLOCKS = frozenset(
    "paragraph heading list list-item quote pullquote image gallery separator table code preformatted verse "
    "html freeform".split()
)
# Layout blocks: their inner blocks are taken one by one, the layout is dropped.
_LAYOUT_BLOCKS = frozenset("columns column group row stack cover media-text buttons button text-columns".split())
# Blocks that show nothing worth keeping, with the note each leaves (page breaks are counted by convert()).
_SKIPPED_BLOCKS = {"spacer": "removed spacer", "more": None, "nextpage": None}


class Block:
    """One block: its name (``core/`` left out), its JSON attributes, and its parts (HTML strings and blocks).

    A *void* block (``<!-- wp:name /-->``) has no parts. The top of a post is
    a block named ``None``.
    """

    __slots__ = ("name", "attrs", "parts", "void")

    def __init__(self, name, attrs, void=False):
        self.name, self.attrs, self.parts, self.void = name, attrs, [], void

    def raw(self):
        """The block's HTML with its inner blocks' HTML in place and the delimiters left out."""
        return "".join(part if isinstance(part, str) else part.raw() for part in self.parts)


def parse_blocks(content):
    """The block tree of a post (WordPress's block grammar); a classic post is one HTML part at the top.

    Unmatched closers are ignored, unclosed blocks end with the post. Never raises.
    """
    top = Block(None, {})
    stack, position = [top], 0
    for match in _DELIMITER.finditer(content):
        if match.start() > position:
            stack[-1].parts.append(content[position : match.start()])
        position = match.end()
        namespace = match.group("namespace") or ""
        name = match.group("name") if namespace in ("", "core/") else namespace + match.group("name")
        if match.group("closer"):
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
            continue
        if len(stack) >= MAX_DEPTH:
            continue  # nested deeper than any editor makes: the delimiter is dropped, the HTML inside is kept
        block = Block(name, _json_object(match.group("attrs")), void=bool(match.group("void")))
        stack[-1].parts.append(block)
        if not block.void:
            stack.append(block)
    if position < len(content):
        stack[-1].parts.append(content[position:])
    return top


def convert_parts(converter, parts, *, classic):
    """Convert a block's parts in order: blocks by kind, HTML between them as ``classic`` content or not."""
    for part in parts:
        if isinstance(part, Block):
            convert_block(converter, part)
        elif part.strip():
            converter.fragment(part, classic=classic)


def convert_block(converter, block):
    """Add the body blocks one block-editor block makes, noting what is skipped or kept as HTML."""
    name = block.name
    if block.void:
        _skip_void(converter, block)
    elif name in _CONTENT_BLOCKS:
        converter.images.attachment_hint = attachment_id(block.attrs.get("id")) if name == "image" else None
        converter.fragment(block.raw(), classic=False)
        converter.images.attachment_hint = None
    elif name == "shortcode":
        converter.fragment(block.raw(), classic=True)
    elif name == "embed" or name.startswith("core-embed/"):
        _embed(converter, block)
    elif name in _LAYOUT_BLOCKS:
        convert_parts(converter, block.parts, classic=False)
    elif name in _SKIPPED_BLOCKS:
        if _SKIPPED_BLOCKS[name]:
            converter.note(_SKIPPED_BLOCKS[name])
    else:
        _unknown(converter, block)


def _skip_void(converter, block):
    if block.name == "block":
        converter.note(f"skipped reusable block #{block.attrs.get('ref', '?')} (stored outside the post)")
    else:
        converter.note(f"skipped wp:{block.name} (WordPress builds it when the page is shown)")


def _embed(converter, block):
    """An embed block: its ``url`` attribute, else the address it shows, and its caption; else its content."""
    converter.classic = False
    root = converter.parse(block.raw())
    caption = root.first("figcaption")
    url = block.attrs.get("url")
    if not isinstance(url, str) or not url.strip():
        url = collapse(text_of([child for child in root.children if child is not caption]))
    if is_url(url.strip()):
        converter.add("embed", url.strip())
        if caption is not None:
            converter.flow(caption.children)
    else:
        converter.flow(root.children)


def _unknown(converter, block):
    html = expand_shortcodes(block.raw(), converter.note)
    nodes = converter.parse(html).children
    if not converter.add_html(serialise(nodes, converter.note, classic=False), [f"wp:{block.name}"]):
        converter.note(f"skipped wp:{block.name} (nothing in it to show)")


def _json_object(text):
    """The JSON object in ``text``, or ``{}`` when there is none or it is malformed."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
