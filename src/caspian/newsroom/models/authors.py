"""Authors: a profile page per journalist, listing their articles."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel, TitleFieldPanel
from wagtail.models import Page
from wagtail.search import index

from ..cache_tags import AUTHORS, Invalidation, listing_tag, page_tag
from ..pagination import LISTING_PARAMETERS, listing_page
from .pages import NewsroomPageMixin, promote_tab, title_panel


class AuthorIndexPage(NewsroomPageMixin, Page):
    """/authors/: everyone who writes for the publication."""

    query_parameters = ()

    content_panels = [title_panel(help_text="As readers see it at the top of the list of authors.")]
    promote_panels = promote_tab()
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.AuthorPage"]
    max_count_per_parent = 1

    def cache_tags(self):
        """The list of authors, which a new author page could join."""
        return {AUTHORS}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.pk is None:  # previewing before the first save
            return {**context, "authors": []}
        context["authors"] = (
            AuthorPage.objects.child_of(self)
            .live()
            .select_related("photo")
            .prefetch_related("photo__renditions")
            .order_by("title")
        )
        return context


class AuthorPage(NewsroomPageMixin, Page):
    """A journalist's profile: the title is their name as it appears in bylines."""

    query_parameters = LISTING_PARAMETERS

    role = models.CharField(max_length=120, blank=True, help_text="e.g. Central Asia correspondent")
    photo = models.ForeignKey("newsroom.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bio = models.TextField(max_length=600, blank=True, help_text="A short biography, shown under their articles.")
    website = models.URLField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="staff account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_page",
        help_text="The author's own sign-in to the admin: new articles they start carry this byline.",
    )

    content_panels = [
        TitleFieldPanel("title", heading="Name", help_text="As it appears in bylines.", placeholder=False),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("website"),
        FieldPanel("user"),
    ]
    promote_panels = promote_tab(menu=False)
    search_fields = [*Page.search_fields, index.SearchField("bio"), index.SearchField("role")]
    parent_page_types = ["newsroom.AuthorIndexPage"]
    subpage_types = []

    def cache_tags(self):
        """The list of this author's articles, which a new one could join."""
        return {listing_tag("author", self.pk)}

    def cache_invalidation(self, *, deleted=False, parent_before=None):
        """Name, photo and bio show in every byline box, and on the list of authors."""
        hard = deleted or not self.live
        return Invalidation({page_tag(self.pk), AUTHORS}, hard=hard, pages=[self.get_parent()])

    class Meta:
        verbose_name = "author"

    def get_context(self, request, *args, **kwargs):
        from .articles import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        if self.pk is None:  # previewing a profile not saved yet
            return {**context, "articles": []}
        articles = ArticlePage.objects.public_articles().by_author(self).newest_first()
        context["articles"] = listing_page(request, articles.for_listing().defer_streamfields())
        return context
