"""Per-site publication settings: the language and clock a publication lives by."""

import zoneinfo

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


@register_setting(icon="globe")
class PublicationSettings(BaseSiteSetting):
    """Identity and locale of the publication served by one Wagtail site.

    The publication's name is the site's ``site_name``; this holds what the
    site model lacks. ``PublicationLocaleMiddleware`` activates the language
    and time zone for every reader request.
    """

    tagline = models.CharField(max_length=160, blank=True)
    language = models.CharField(
        max_length=12,
        choices=settings.LANGUAGES,
        default="en",
        help_text="Language of the publication: dates, the page's lang attribute.",
    )
    time_zone = models.CharField(
        max_length=64,
        choices=_time_zone_choices,
        default="UTC",
        help_text="Dates and times on the site are shown in this time zone.",
    )
    logo = models.ForeignKey("newsroom.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    age_banner_months = models.PositiveSmallIntegerField(
        "age banner after (months)",
        default=12,
        help_text="Articles older than this show readers a banner saying how old they are. 0 turns the banner off.",
    )

    panels = [
        FieldPanel("tagline"),
        FieldPanel("language"),
        FieldPanel("time_zone"),
        FieldPanel("logo"),
        FieldPanel("age_banner_months"),
    ]
    # The logo is cached with the settings (see caspian.newsroom.sites).
    select_related = ["logo"]

    class Meta:
        verbose_name = "publication"

    @classmethod
    def time_zone_of(cls, site):
        """The ``ZoneInfo`` ``site``'s publication lives by; the default zone before its settings are saved."""
        name = cls.objects.filter(site=site).values_list("time_zone", flat=True).first()
        return zoneinfo.ZoneInfo(name or cls._meta.get_field("time_zone").default)
