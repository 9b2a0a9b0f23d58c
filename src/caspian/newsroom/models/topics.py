"""Topic pages: a running story's articles, live blogs and timeline of key dates in one place."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from .pages import ViewRestrictionShortcutMixin


class TopicPage(ViewRestrictionShortcutMixin, Page):
    """/topics/<slug>/ style page for one story; articles join it through their ``topics`` field."""

    intro = models.TextField(max_length=600, blank=True, help_text="What this story is about, for a newcomer.")
    lead_image = models.ForeignKey(
        "newsroom.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("lead_image"),
        InlinePanel("timeline", label="Key date", heading="Timeline"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "topic"


class TimelineEvent(Orderable):
    """A key date in a topic's timeline, shown newest first."""

    topic = ParentalKey(TopicPage, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField()
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=600, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The article or live blog that tells this part of the story.",
    )

    panels = [FieldPanel("date"), FieldPanel("title"), FieldPanel("text"), FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = "key date"
