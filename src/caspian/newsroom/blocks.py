"""The blocks an article body is made of."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
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
    """An oEmbed (video, post, map) that falls back to a plain link when the provider can't be reached."""

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
