"""The blocks an article body is made of."""

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.blocks import ImageChooserBlock

INLINE_FEATURES = ["bold", "italic", "link", "document-link"]
TEXT_FEATURES = [*INLINE_FEATURES, "ol", "ul", "h3", "h4"]

# What an HTML block may hold: nh3's safe defaults (no script, style, event
# handlers or javascript: addresses are possible), without page furniture,
# plus table footers and audio/video players (imported posts have them).
SAFE_HTML_TAGS = (nh3.ALLOWED_TAGS - {"nav", "header", "footer", "map", "area"}) | {
    "address",
    "tfoot",
    "audio",
    "video",
    "source",
    "track",
}
SAFE_HTML_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "audio": {"src", "controls", "preload", "loop", "muted"},
    "video": {"src", "controls", "preload", "loop", "muted", "playsinline", "poster", "width", "height"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "details": {"open"},
}
SAFE_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise_html(html):
    """``html`` with everything unsafe removed (scripts, styles, event handlers, javascript: links), marked safe.

    Tags outside :data:`SAFE_HTML_TAGS` are dropped but their text is kept;
    the contents of ``<script>`` and ``<style>`` go entirely.
    """
    cleaned = nh3.clean(
        str(html or ""), tags=SAFE_HTML_TAGS, attributes=SAFE_HTML_ATTRIBUTES, url_schemes=SAFE_URL_SCHEMES
    )
    return mark_safe(cleaned)  # sanitised just above


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        label="Alt text", max_length=255, help_text="What the image shows, for readers who cannot see it."
    )
    caption = blocks.CharBlock(required=False, max_length=255)
    credit = blocks.CharBlock(required=False, max_length=255, help_text="Leave empty to use the image's own credit.")

    class Meta:
        icon = "image"
        template = "newsroom/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=160)

    class Meta:
        icon = "openquote"
        template = "newsroom/blocks/quote.html"


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "list-ul"
        label = "Fact box"
        template = "newsroom/blocks/fact_box.html"


class CaspianEmbedBlock(EmbedBlock):
    """An oEmbed (video, post, map) shown from the copy stored when the editor saved it.

    Wagtail fetches and stores the embed when the block is validated in the
    admin. Reader pages only read that stored copy, so a slow provider never
    delays a page; without one (e.g. imported content) readers get a link.
    """

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["embed"] = stored_embed(value)
        return context

    class Meta:
        icon = "media"
        template = "newsroom/blocks/embed.html"


class SanitisedHTMLBlock(blocks.RawHTMLBlock):
    """HTML that fits no other block (tables, code, definition lists, audio and video), mostly from imports.

    The value is sanitised with :func:`sanitise_html` whenever it is read,
    cleaned, saved or rendered, so markup edited by hand in the database
    still cannot run scripts in a reader's browser.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "HTML kept from an import. It is sanitised: scripts, styles, event handlers and "
            "javascript: links are removed when it is saved and when it is shown.",
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return sanitise_html(value)

    def normalize(self, value):
        return sanitise_html(value)

    def value_from_form(self, value):
        return sanitise_html(value)

    def clean(self, value):
        return sanitise_html(super().clean(value))

    def get_prep_value(self, value):
        return str(sanitise_html(value))

    def get_context(self, value, parent_context=None):
        return super().get_context(sanitise_html(value), parent_context=parent_context)

    def render_basic(self, value, context=None):
        return sanitise_html(value)

    def get_api_representation(self, value, context=None):
        return str(sanitise_html(value))

    def get_searchable_content(self, value):
        return [strip_tags(sanitise_html(value))]

    class Meta:
        icon = "code"
        label = "Formatted HTML (imported)"
        template = "newsroom/blocks/html.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=TEXT_FEATURES, template="newsroom/blocks/paragraph.html")
    heading = blocks.CharBlock(max_length=120, icon="title", template="newsroom/blocks/heading.html")
    image = ImageBlock()
    quote = QuoteBlock()
    embed = CaspianEmbedBlock()
    fact_box = FactBoxBlock()
    html = SanitisedHTMLBlock()


def stored_embed(value):
    """The stored ``Embed`` for an embed block's value, or ``None``; never asks the provider."""
    if not value:
        return None
    embed_hash = get_embed_hash(value.url, value.max_width, value.max_height)
    return Embed.objects.filter(hash=embed_hash).exclude(html="").first()
