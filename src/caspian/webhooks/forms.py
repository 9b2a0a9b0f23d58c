"""The endpoint form in the admin."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from . import outbound
from .models import EVENT_TYPES


class EndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        choices=EVENT_TYPES,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this endpoint.",
        error_messages={"required": "Choose at least one event to send."},
    )

    def clean_url(self):
        """Refuse an address that is not on the public internet (checked again at every attempt)."""
        url = self.cleaned_data["url"]
        try:
            outbound.check_url(url)
        except outbound.Refused as refusal:
            raise ValidationError(str(refusal)) from None
        return url
