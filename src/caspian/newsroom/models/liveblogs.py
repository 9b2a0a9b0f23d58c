"""Live blogs: an article that grows, entry by entry, while a story develops."""

import hashlib
import html

from django.core.exceptions import ValidationError
from django.db import models
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from .articles import ArticlePage

ENTRY_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# Readers' pages ask for new entries this often while the live blog is open and in view.
POLL_SECONDS = 30
# The updates address sends the newest entries in full; older ones only by anchor.
UPDATES_ENTRY_COUNT = 20


class LiveBlogPage(RoutablePageMixin, ArticlePage):
    """A developing story: a summary on top, then timestamped entries, newest first.

    It is an article (multi-table inheritance), so it has bylines, a section,
    honest dates, corrections and comments, and appears wherever articles are
    listed. The body is the summary readers see first.

    Routes: the page itself, and ``updates/``, the small JSON document its
    script polls for new entries (served through the page cache like the
    page, and invalidated with it on every publication).
    """

    is_open = models.BooleanField(
        "developing story",
        default=True,
        help_text="Readers see a 'Developing story' label and new entries appear without reloading. "
        "Untick when coverage ends: the live blog is then shown as closed.",
    )
    closed_at = models.DateTimeField(null=True, editable=False, help_text="When coverage was closed.")

    content_panels = [
        *ArticlePage.content_panels[:2],  # headline and web address
        FieldPanel("is_open"),
        *ArticlePage.content_panels[2:],
        InlinePanel("entries", label="Entry", heading="Entries (newest first on the page)"),
    ]
    parent_page_types = ["newsroom.ArchiveYearPage"]
    subpage_types = []
    exclude_fields_in_copy = [*ArticlePage.exclude_fields_in_copy, "entries", "closed_at"]

    class Meta:
        verbose_name = "live blog"

    def with_content_json(self, content):
        """Restore a revision, keeping when coverage closed: that belongs to the publication history."""
        page = super().with_content_json(content)
        page.closed_at = self.closed_at
        return page

    def record_coverage_end(self):
        """Note when coverage closed, or forget it on reopening. Called after every publication.

        A live blog published closed keeps the time it was first published
        closed; published open again, it has no closing time.
        """
        if self.is_open:
            closed_at = None
        else:
            closed_at = self.closed_at or self.last_published_at or timezone.now()
        if closed_at != self.closed_at:
            LiveBlogPage.objects.filter(pk=self.pk).update(closed_at=closed_at)
            self.closed_at = closed_at

    @property
    def live_version(self):
        """A stamp that changes with every publication: the reader's script compares it to skip unchanged updates."""
        published = self.last_published_at
        return str(int(published.timestamp() * 1_000_000)) if published else ""

    def entries_newest_first(self):
        """Every entry with its author and image, newest first (in a preview, the draft's entries)."""
        entries = self.entries.select_related("author", "image")
        return sorted(entries, key=lambda entry: (entry.posted_at, entry.pk or 0), reverse=True)

    def get_cached_paths(self):
        """The page and its updates address: a CDN purge after publication covers both."""
        return ["/", "/" + self.reverse_subpage("updates")]

    def get_context(self, request, *args, **kwargs):
        from .. import images

        context = super().get_context(request, *args, **kwargs)
        entries = self.entries_newest_first()
        images.prefetch_renditions([entry.image for entry in entries])
        context.update(
            entries=entries,
            live_updates_url=self.live_updates_url(request),
            poll_seconds=POLL_SECONDS,
            key_entries=[entry for entry in entries if entry.pinned],
            topics=self.live_topics,
        )
        return context

    def live_updates_url(self, request):
        """Where the reader's script asks for new entries; ``None`` when there is nothing to ask.

        Nothing for a closed live blog, nor in a preview: the published
        entries would replace the draft's.
        """
        if not (self.pk and self.live and self.is_open) or getattr(request, "is_preview", False):
            return None
        url = self.get_url(request)
        return url + self.reverse_subpage("updates") if url else None

    # Not called ``updates``: that is the article's update log (ArticleUpdate.article's related name).
    @path("updates/", name="updates")
    def live_updates(self, request):
        """What the reader's script polls: whether coverage is open, the newest entries' HTML, every anchor."""
        from .. import images

        entries = self.entries_newest_first()
        newest = entries[:UPDATES_ENTRY_COUNT]
        images.prefetch_renditions([entry.image for entry in newest])
        context = {"page": self, "key_entries": [entry for entry in entries if entry.pinned]}

        def render(template, **extra):
            return render_to_string(f"newsroom/includes/{template}", {**context, **extra}, request=request).strip()

        data = {
            "version": self.live_version,
            "open": self.is_open,
            "status": render("live_blog_status.html"),
            "key_updates": render("live_blog_key_updates.html"),
            "ids": [entry.anchor for entry in entries],
            "entries": [
                {"id": entry.anchor, "version": entry.version, "html": render("live_entry.html", entry=entry)}
                for entry in newest
            ],
        }
        response = JsonResponse(data)
        response["X-Robots-Tag"] = "noindex"
        return response


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

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image for readers who cannot see it."})

    @property
    def anchor(self):
        # An entry not yet published (in a preview) has no id: its place in the editor's list will do.
        return f"entry-{self.pk}" if self.pk else f"entry-draft-{self.sort_order}"

    @property
    def text(self):
        """The body as plain text (for structured data and the Key updates list)."""
        return html.unescape(strip_tags(self.body)).strip()

    @property
    def summary(self):
        """The headline, or the start of the text when the entry has none."""
        return self.headline or Truncator(self.text).words(15)

    @property
    def version(self):
        """Changes when anything shown of the entry does: the reader's script replaces an entry it has that changed."""
        shown = (self.posted_at.isoformat(), self.headline, self.body, self.author_id, self.image_id, self.image_alt)
        return hashlib.blake2b(repr((*shown, self.pinned)).encode(), digest_size=6).hexdigest()
