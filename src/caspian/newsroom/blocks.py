"""The blocks an article body is made of."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.blocks import ImageChooserBlock

INLINE_FEATURES = ["bold", "italic", "link", "document-link"]
TEXT_FEATURES = [*INLINE_FEATURES, "ol", "ul", "h3", "h4"]


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


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=TEXT_FEATURES, template="newsroom/blocks/paragraph.html")
    heading = blocks.CharBlock(max_length=120, icon="title", template="newsroom/blocks/heading.html")
    image = ImageBlock()
    quote = QuoteBlock()
    embed = CaspianEmbedBlock()
    fact_box = FactBoxBlock()


def stored_embed(value):
    """The stored ``Embed`` for an embed block's value, or ``None``; never asks the provider."""
    if not value:
        return None
    embed_hash = get_embed_hash(value.url, value.max_width, value.max_height)
    return Embed.objects.filter(hash=embed_hash).exclude(html="").first()
