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

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageLogEntry, PageViewRestriction
from wagtail.search import index

from ..admin_forms import NewsroomPageForm
from ..blocks import BodyBlock
from ..cache_tags import ARTICLES, LATEST, MUST_READ, Invalidation, listing_tag, page_tag
from ..pagination import LISTING_PARAMETERS, listing_page
from ..sites import view_restriction_free

# Articles sit this many levels below the home page: section, year, article.
ARTICLE_LEVEL = 3


class ViewRestrictionShortcutMixin:
    """Answer Wagtail's view-restriction check without a query when routing already did.

    Before serving a page Wagtail asks ``get_view_restrictions()``, which
    costs two queries (the ancestors, then their restrictions). Pages found
    by :meth:`HomePage.route` (and the home page itself) are loaded with
    ``view_restriction_free`` (see :func:`caspian.newsroom.sites.view_restriction_free`);
    when it is true there is nothing to check. Otherwise, and for pages
    loaded any other way, Wagtail's own check runs.
    """

    def get_view_restrictions(self):
        if getattr(self, "view_restriction_free", False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class OneHistoryLinePerRevisionMixin:
    """Log an autosave of a revision already in the history once, not once per autosave.

    The editor's autosave (every few seconds while someone types) overwrites
    the same revision each time and Wagtail logged each as a new "Edited"
    line in the page's history and the site's.
    """

    def save_revision(self, *args, overwrite_revision=None, log_action=False, **kwargs):
        if overwrite_revision is not None and log_action is True:
            logged = PageLogEntry.objects.filter(revision=overwrite_revision, action="wagtail.edit").exists()
            log_action = not logged
        return super().save_revision(*args, overwrite_revision=overwrite_revision, log_action=log_action, **kwargs)


class NewsroomPageMixin(OneHistoryLinePerRevisionMixin, ViewRestrictionShortcutMixin):
    """What every page type of the publication has: its admin form, one history line per revision, fast routing.

    Each page type also declares ``query_parameters``, the query parameters
    its pages read: the only ones in their page-cache keys (see
    :mod:`caspian.pagecache.parameters`; a test checks every type has them).
    """

    base_form_class = NewsroomPageForm


def title_panel(heading="Title", help_text="As readers see it at the top of the page and in links to it."):
    """The title field in a newsroom's words (Wagtail's says "The page title as you'd like it…")."""
    return TitleFieldPanel("title", heading=heading, help_text=help_text, placeholder=False)


def promote_tab(menu=True):
    """The Promote tab of a page that is not an article, in a newsroom's words.

    ``menu``: whether the page can be in the navigation bar, which lists the
    pages directly under the home page that have "In the navigation bar"
    ticked (:mod:`caspian.newsroom.sites`).
    """
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug", heading="Web address", help_text="The end of the page's address."),
                FieldPanel(
                    "seo_title",
                    heading="Short title",
                    help_text="For search results and social cards. Leave empty to use the title.",
                ),
                FieldPanel(
                    "search_description",
                    heading="Summary for search and social",
                    help_text="One or two sentences shown under the title in search results and social cards.",
                ),
            ],
            heading="Search engines and social media",
        )
    ]
    if menu:
        panels.append(
            FieldPanel(
                "show_in_menus",
                heading="In the navigation bar",
                help_text="List this page in the navigation bar at the top of every page of the site.",
            )
        )
    return panels


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
        if type(child) is not child.specific_class:
            # A subclass (a live blog) has its own template and routes: load it as itself, one query more.
            child = child.specific
        return child.route(request, path_components[1:])


class HomePage(NewsroomPageMixin, Page):
    """The front page: lead story, Must read, Latest and a block per section.

    As a site's root page it routes every reader request for the pages below it.
    """

    # An imported WordPress site's short addresses (/?p=ID) redirect from here (see serve()).
    query_parameters = ("p", "page_id")

    lead_story = models.ForeignKey(
        "newsroom.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story at the top of the front page. Leave empty to lead with the newest article "
        "that has a lead image.",
    )

    content_panels = [
        title_panel(help_text="The front page's title, shown in the browser's tab."),
        FieldPanel("lead_story"),
        InlinePanel(
            "must_read_picks",
            label="Must read",
            heading="Must read",
            help_text="Articles shown in the Must read block across the site, in this order.",
            max_num=10,
        ),
    ]
    promote_panels = promote_tab(menu=False)
    subpage_types = [
        "newsroom.SectionPage",
        "newsroom.TopicPage",
        "newsroom.AuthorIndexPage",
        "newsroom.StandardPage",
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    def cache_tags(self):
        """Latest, Must read, and the sections' blocks of their newest articles."""
        return {LATEST, MUST_READ, ARTICLES}

    def cache_invalidation(self, *, deleted=False, parent_before=None):
        """Published: its lead story, or the Must read picks shown across the site, may have changed."""
        return Invalidation({page_tag(self.pk), MUST_READ}, hard=deleted or not self.live)

    def get_context(self, request, *args, **kwargs):
        from .. import listings  # listings builds on these models: imported on use

        context = super().get_context(request, *args, **kwargs)
        context.update(listings.front_page(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        """The front page; or, for an old address with a query that a redirect names, that redirect."""
        if request.GET:
            redirect = self.redirect_for_query(request)
            if redirect is not None:
                return redirect
        return super().serve(request, *args, **kwargs)

    def redirect_for_query(self, request):
        """The response for a Wagtail redirect from this address with its query (``/?p=123``), or ``None``.

        Wagtail's redirect middleware only looks when a page is not found,
        and the home page with a query is found, so the short addresses of an
        imported WordPress site (``/?p=ID``, ``/?page_id=ID``: see
        :mod:`caspian.wordpress.redirects`) are looked up here. One query,
        only for requests with a query string.
        """
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path)
        if redirect is None or redirect.link is None:
            return None
        if redirect.is_permanent:
            return HttpResponsePermanentRedirect(redirect.link)
        return HttpResponseRedirect(redirect.link)

    def route(self, request, path_components):
        """Find the page below by its whole URL path at once: one query for an article, two for other pages.

        Wagtail's routing walks down the tree, two queries per level. Here
        the deepest page on the path is found in one query (by slug and
        ``url_path``) and routes what is left of the path itself: nothing,
        usually; a routable page's own sub-path; or a 404.
        """
        if path_components:
            article = self.article_at(path_components)
            if article is not None:
                return article.route(request, [])
            page, remaining = self.deepest_page_on(path_components)
            if page is not None:
                return page.route(request, remaining)
        return super().route(request, path_components)

    def _address(self, path_components):
        """Lookups that find the page at ``path_components`` below this one, using the index on slugs."""
        return {
            "depth": self.depth + len(path_components),
            "slug": path_components[-1],
            "url_path": self.url_path + "".join(f"{component}/" for component in path_components),
        }

    def article_at(self, path_components):
        """The live or draft article at ``path_components``, loaded for its page, or ``None``.

        Loaded with ``view_restriction_free`` (see :class:`ViewRestrictionShortcutMixin`),
        in its own class: a live blog is found as an article, then loaded
        again as a live blog (two queries more), for its template and routes.
        """
        from .articles import ArticlePage  # articles.py imports this module

        if len(path_components) != ARTICLE_LEVEL:
            return None
        address = self._address(path_components)
        unrestricted = view_restriction_free(address["depth"])
        articles = ArticlePage.objects.for_article_page().filter(**address)
        article = articles.annotate(view_restriction_free=unrestricted).order_by("path").first()
        if article is not None and article.specific_class not in (None, type(article)):
            specific = article.specific_class.objects.for_article_page().filter(pk=article.pk)
            article = specific.annotate(view_restriction_free=unrestricted).first()
        return article

    def deepest_page_on(self, path_components):
        """``(page, remaining path components)`` for the deepest page on the path below this one.

        The page is in its specific class, with ``view_restriction_free``;
        ``(None, path_components)`` when not even the first component names a page.
        """
        on_the_path = Q()
        for level in range(1, len(path_components) + 1):
            on_the_path |= Q(**self._address(path_components[:level]))
        found = Page.objects.filter(on_the_path).order_by("-depth", "path").values_list("pk", "content_type_id").first()
        model = ContentType.objects.get_for_id(found[1]).model_class() if found else None
        if model is None:
            return None, path_components
        unrestricted = view_restriction_free(self.depth + len(path_components))
        page = model._default_manager.annotate(view_restriction_free=unrestricted).filter(pk=found[0]).first()
        if page is None:  # deleted in the meantime
            return None, path_components
        return page, path_components[page.depth - self.depth :]


class MustReadPick(Orderable):
    """One editor's pick in the site-wide Must read list (kept on the home page)."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="must_read_picks")
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="must_read_picks")

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = "Must read pick"


class SectionPage(NewsroomPageMixin, DirectChildRoutingMixin, Page):
    """A region or beat; its articles live in year folders below it."""

    query_parameters = LISTING_PARAMETERS

    description = models.TextField(blank=True, help_text="One or two sentences about what the section covers.")

    content_panels = [
        title_panel(
            "Section name", "As readers see it in the navigation bar, on the section page and on its articles."
        ),
        FieldPanel("description"),
    ]
    promote_panels = promote_tab()
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

    def cache_tags(self):
        """The list of its articles, which a new article could join."""
        return {listing_tag("section", self.pk)}

    def get_context(self, request, *args, **kwargs):
        from .articles import ArticlePage  # articles.py imports this module

        context = super().get_context(request, *args, **kwargs)
        if self.pk is None:  # previewing a section not saved yet
            return {**context, "articles": [], "years": []}
        articles = ArticlePage.objects.public_articles().in_section(self).newest_first()
        context["articles"] = listing_page(request, articles.for_listing().defer_streamfields().with_bylines())
        context["years"] = ArchiveYearPage.objects.child_of(self).live().order_by("-slug")
        return context


class ArchiveYearPage(NewsroomPageMixin, DirectChildRoutingMixin, Page):
    """A section's articles of one year: the tree's shard and a public archive page."""

    query_parameters = LISTING_PARAMETERS

    content_panels = [title_panel("Year", "The year of the articles filed in this folder, e.g. 2026.")]
    promote_panels = promote_tab(menu=False)
    parent_page_types = ["newsroom.SectionPage"]
    subpage_types = ["newsroom.ArticlePage", "newsroom.LiveBlogPage"]

    def routable_children(self):
        from .articles import ArticlePage  # articles.py imports this module

        return ArticlePage.objects.for_article_page()

    class Meta:
        verbose_name = "year folder"

    def section_page(self):
        """The section this folder belongs to (its parent), in one query at most."""
        parent = getattr(self, "_cached_parent_obj", None)  # set when routing walked the tree
        if isinstance(parent, SectionPage):
            return parent
        section = SectionPage.objects.filter(path=self.path[: -self.steplen]).first() if self.path else None
        return section or self.get_parent().specific

    def cache_tags(self):
        """The list of the articles of its year, which a new article could join."""
        return {listing_tag("year", self.pk)}

    def get_context(self, request, *args, **kwargs):
        from .articles import ArticlePage  # articles.py imports this module

        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.section_page()
        if self.pk is None:  # previewing a folder not saved yet
            return {**context, "articles": []}
        articles = ArticlePage.objects.public_articles().child_of(self).newest_first()
        context["articles"] = listing_page(request, articles.for_listing().defer_streamfields().with_bylines())
        return context


class StandardPage(NewsroomPageMixin, Page):
    """A plain page such as About, Contact or Corrections policy."""

    query_parameters = ()

    introduction = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [title_panel(), FieldPanel("introduction"), FieldPanel("body")]
    promote_panels = promote_tab()
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["newsroom.HomePage", "newsroom.StandardPage"]
    subpage_types = ["newsroom.StandardPage"]
