from django import template
from django.utils import timezone

from ... import fragments
from .. import images, listings
from ..cache_tags import SITE, page_tag

register = template.Library()


@register.simple_tag
def responsive_image(image, preset, alt, eager=False):
    """``{% responsive_image page.lead_image "lead" page.lead_image_alt eager=True %}``; empty without an image."""
    if not image:
        return ""
    return images.picture(image, preset, alt, eager=eager)


@register.simple_tag(takes_context=True)
def card(context, article, **options):
    """``{% card article preset="card" show_section=True %}``: the article's card, kept until it changes.

    The options are those of ``includes/article_card.html``; see :func:`caspian.newsroom.listings.kept_card`.
    """
    return listings.kept_card(article, context.get("request"), **options)


@register.filter
def iso8601(value):
    """A datetime in the active time zone as ISO 8601 to the second, e.g. 2026-11-27T08:15:00+01:00."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.tag
def kept(parser, token):
    """``{% kept "name" page [other pages…] %}…{% endkept %}``: the block rendered once and kept.

    Kept (:mod:`caspian.fragments`) under ``name`` and the first page's id
    until one of the pages named, the site's settings, or any page or tag
    loaded while the block rendered changes. Pages the block shows that were
    loaded before it (the section routing loaded with the article) must be
    named. Rendered every time in a preview, and for a page not saved yet.
    """
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError('{% kept "name" page [other pages…] %} needs a name and a page.')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])


class KeptNode(template.Node):
    def __init__(self, nodelist, name, pages):
        self.nodelist, self.name, self.pages = nodelist, name, pages

    def render(self, context):
        pages = [page.resolve(context) for page in self.pages]
        request = context.get("request")
        if pages[0] is None or pages[0].pk is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        tags = {SITE, *(page_tag(page.pk) for page in pages if page is not None)}
        # The host too: what the block shows may hold absolute addresses (social cards, JSON-LD).
        host = request.get_host() if request is not None else ""
        key = f"{self.name.resolve(context)}:{pages[0].pk}:{host}"
        return fragments.cached(key, lambda: self.nodelist.render(context), tags)
