"""Topic pages: a running story's articles, live blogs and timeline of key dates in one place."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..pagination import LISTING_PARAMETERS
from .pages import NewsroomPageMixin, promote_tab, title_panel

# At most this many of a topic's live blogs are shown above its articles (all are among the articles too).
LIVE_BLOG_COUNT = 5


class TopicPage(NewsroomPageMixin, Page):
    """/<slug>/ page for one running story; articles join it through their ``topics`` field.

    Shows the timeline of key dates, then the story's live blogs (open
    ones first), then all its articles, newest first, a page at a time.
    """

    query_parameters = LISTING_PARAMETERS

    intro = models.TextField(max_length=600, blank=True, help_text="What this story is about, for a newcomer.")
    lead_image = models.ForeignKey(
        "newsroom.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        title_panel("Topic", "The running story's name, as readers see it on its page."),
        FieldPanel("intro"),
        FieldPanel("lead_image"),
        InlinePanel("timeline", label="Key date", heading="Timeline"),
    ]
    promote_panels = promote_tab()
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "topic"

    def timeline_newest_first(self):
        """The key dates, newest first, with the pages they link to (in a preview, the draft's)."""
        # In the editors' order on the same day (the sort is stable).
        events = sorted(self.timeline.select_related("page"), key=lambda event: event.sort_order or 0)
        return sorted(events, key=lambda event: event.date, reverse=True)

    def live_blogs(self):
        """The topic's public live blogs: open ones first, then the most recently started."""
        from .liveblogs import LiveBlogPage

        blogs = LiveBlogPage.objects.public_articles().in_topic(self)
        return blogs.order_by("-is_open", "-first_published_at", "-pk").for_teaser()

    def get_context(self, request, *args, **kwargs):
        from .. import images
        from ..pagination import listing_page
        from .articles import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        context["timeline"] = self.timeline_newest_first()
        if self.pk is None:  # previewing a topic not saved yet
            return {**context, "live_blogs": [], "articles": []}
        context["live_blogs"] = list(self.live_blogs()[:LIVE_BLOG_COUNT])
        articles = ArticlePage.objects.public_articles().in_topic(self).newest_first()
        context["articles"] = listing_page(request, articles.for_listing().defer_streamfields().with_bylines())
        images.prefetch_renditions([self.lead_image, *(blog.lead_image for blog in context["live_blogs"])])
        return context


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
