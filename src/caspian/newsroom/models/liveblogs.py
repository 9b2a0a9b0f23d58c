"""Live blogs: an article that grows, entry by entry, while a story develops."""

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from .articles import ArticlePage

ENTRY_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class LiveBlogPage(ArticlePage):
    """A developing story: a summary on top, then timestamped entries, newest first.

    It is an article (multi-table inheritance), so it has bylines, a section,
    honest dates, corrections and comments, and appears wherever articles are
    listed. The body is the summary readers see first.
    """

    is_open = models.BooleanField(
        "developing story",
        default=True,
        help_text="Readers see a 'Developing story' label and new entries appear without reloading. "
        "Untick when coverage ends: the live blog is then shown as closed.",
    )
    closed_at = models.DateTimeField(null=True, editable=False, help_text="When coverage was closed.")

    content_panels = [
        *ArticlePage.content_panels[:1],
        FieldPanel("is_open"),
        *ArticlePage.content_panels[1:],
        InlinePanel("entries", label="Entry", heading="Entries (newest first on the page)"),
    ]
    parent_page_types = ["newsroom.ArchiveYearPage"]
    subpage_types = []
    exclude_fields_in_copy = [*ArticlePage.exclude_fields_in_copy, "entries", "closed_at"]

    class Meta:
        verbose_name = "live blog"


class LiveBlogEntry(Orderable):
    """One timestamped entry of a live blog, with its own anchor on the page."""

    live_blog = ParentalKey(LiveBlogPage, on_delete=models.CASCADE, related_name="entries")
    posted_at = models.DateTimeField("time", default=timezone.now)
    headline = models.CharField(max_length=200, blank=True)
    body = RichTextField(features=ENTRY_FEATURES)
    author = models.ForeignKey(
        "newsroom.AuthorPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="live_entries"
    )
    image = models.ForeignKey("newsroom.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    image_alt = models.CharField("alt text", max_length=255, blank=True)
    pinned = models.BooleanField(default=False, help_text="Key entry: also shown at the top, under the summary.")

    panels = [
        FieldRowPanel([FieldPanel("posted_at"), FieldPanel("author"), FieldPanel("pinned")]),
        FieldPanel("headline"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading="Image"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "live blog entry"
        verbose_name_plural = "live blog entries"

    @property
    def anchor(self):
        return f"entry-{self.pk}"
