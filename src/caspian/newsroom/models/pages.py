"""The publication's page tree: home, sections, year folders and plain pages.

    Home (/)
    ├── Section (/south-caucasus/)
    │   └── Year folder (/south-caucasus/2026/)
    │       └── Article (/south-caucasus/2026/baku-ferry-terminal/)
    ├── Authors (/authors/) ── Author (/authors/nino-kapanadze/)
    └── Standard page (/about/)

Articles sit in per-section year folders so no parent ever holds more than a
year of one section's stories: Wagtail's tree allows ~1.6 million children
per parent and its admin listings slow down long before that.
"""

from django.core.paginator import InvalidPage, Paginator
from django.db import models
from django.http import Http404
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import BodyBlock

LISTING_PAGE_SIZE = 20


class DirectChildRoutingMixin:
    """Route to a child of a known type in one query instead of two.

    Wagtail's default routing fetches the child as a base ``Page`` and then
    again as its specific class. Folders whose children are all one type can
    ask for that type directly.
    """

    def routable_children(self):
        """The queryset children are routed from: one specific page type, joined as needed."""
        raise NotImplementedError

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        children = self.routable_children()
        try:
            child = children.child_of(self).get(slug=path_components[0])
        except children.model.DoesNotExist:
            return super().route(request, path_components)
        child._cached_parent_obj = self
        return child.route(request, path_components[1:])


class HomePage(Page):
    """The front page: lead story, Must read, Latest and a block per section."""

    lead_story = models.ForeignKey(
        "newsroom.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story at the top of the front page. Leave empty to lead with the newest article.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead_story"),
        InlinePanel(
            "must_read_picks",
            label="Must read",
            heading="Must read",
            help_text="Articles shown in the Must read block across the site, in this order.",
            max_num=10,
        ),
    ]
    subpage_types = ["newsroom.SectionPage", "newsroom.AuthorIndexPage", "newsroom.StandardPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from .. import listings

        context = super().get_context(request, *args, **kwargs)
        context.update(listings.front_page(self, request))
        return context


class MustReadPick(Orderable):
    """One editor's pick in the site-wide Must read list (kept on the home page)."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="must_read_picks")
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="must_read_picks")

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = "Must read pick"


class SectionPage(DirectChildRoutingMixin, Page):
    """A region or beat; its articles live in year folders below it."""

    description = models.TextField(blank=True, help_text="One or two sentences about what the section covers.")

    content_panels = [*Page.content_panels, FieldPanel("description")]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.ArchiveYearPage"]

    def routable_children(self):
        return ArchiveYearPage.objects.all()

    def year_folder(self, year):
        """The folder for ``year``'s articles, created (published) if missing."""
        folder = ArchiveYearPage.objects.child_of(self).filter(slug=str(year)).first()
        if folder is None:
            folder = self.add_child(instance=ArchiveYearPage(title=str(year), slug=str(year)))
        return folder

    def get_context(self, request, *args, **kwargs):
        from .articles import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        if self.pk is None:  # previewing a section not saved yet
            return {**context, "articles": [], "years": []}
        articles = ArticlePage.objects.public_articles().in_section(self).newest_first()
        context["articles"] = paginate(request, articles.for_listing().with_bylines())
        context["years"] = ArchiveYearPage.objects.child_of(self).live().order_by("-slug")
        return context


class ArchiveYearPage(DirectChildRoutingMixin, Page):
    """A section's articles of one year: the tree's shard and a public archive page."""

    parent_page_types = ["newsroom.SectionPage"]
    subpage_types = ["newsroom.ArticlePage"]

    def routable_children(self):
        from .articles import ArticlePage

        # What the article template reads about the article itself, in the same query.
        return ArticlePage.objects.select_related("section", "lead_image")

    class Meta:
        verbose_name = "year folder"

    def get_context(self, request, *args, **kwargs):
        from .articles import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.get_parent().specific
        if self.pk is None:  # previewing a folder not saved yet
            return {**context, "articles": []}
        articles = ArticlePage.objects.public_articles().child_of(self).newest_first()
        context["articles"] = paginate(request, articles.for_listing().with_bylines())
        return context


class StandardPage(Page):
    """A plain page such as About, Contact or Corrections policy."""

    introduction = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["newsroom.HomePage", "newsroom.StandardPage"]
    subpage_types = ["newsroom.StandardPage"]


def paginate(request, queryset, per_page=LISTING_PAGE_SIZE):
    """The page of ``queryset`` asked for by ``?page=``; 404 for pages that don't exist."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    try:
        return paginator.page(request.GET.get("page", "1"))
    except InvalidPage:
        raise Http404("No such page of results.") from None
