from django import template
from django.utils import timezone

from .. import images

register = template.Library()


@register.simple_tag
def responsive_image(image, preset, alt, eager=False):
    """``{% responsive_image page.lead_image "lead" page.lead_image_alt eager=True %}``; empty without an image."""
    if not image:
        return ""
    return images.picture(image, preset, alt, eager=eager)


@register.filter
def iso8601(value):
    """A datetime in the active time zone as ISO 8601 to the second, e.g. 2026-11-27T08:15:00+01:00."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
