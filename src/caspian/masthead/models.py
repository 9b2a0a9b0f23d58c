from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .weather import Location


@register_setting(icon="site")
class MastheadSettings(BaseSiteSetting):
    """What the header shows besides the date: the weather for the publication's city."""

    weather_city = models.CharField(
        "city",
        max_length=80,
        blank=True,
        help_text="Shown beside the temperature, e.g. Munich. Leave empty to hide the weather.",
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    temperature_unit = models.CharField(
        max_length=1, choices=[("C", "Celsius (°C)"), ("F", "Fahrenheit (°F)")], default="C"
    )

    panels = [
        MultiFieldPanel(
            [
                HelpPanel(content="Coordinates of the city, e.g. Munich is 48.13743, 11.57549."),
                FieldPanel("weather_city"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("temperature_unit"),
            ],
            heading="Weather",
        )
    ]

    class Meta:
        verbose_name = "masthead"

    def clean(self):
        super().clean()
        if self.weather_city and (self.latitude is None or self.longitude is None):
            raise ValidationError({"latitude": "Give the city's coordinates so the weather can be looked up."})

    @property
    def weather_location(self):
        """The :class:`Location` to show the weather for, or ``None`` when switched off."""
        if not self.weather_city or self.latitude is None or self.longitude is None:
            return None
        return Location(self.weather_city, float(self.latitude), float(self.longitude), self.temperature_unit)
