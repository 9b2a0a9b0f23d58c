"""Reusable filters for article listings and corrections: every view, feed and sitemap calls these.

The models are built on these querysets, so a queryset imports a model
only inside the method that needs it, when a query is made.
"""

from collections import defaultdict

from django.db import connection, models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.db.models.lookups import In
from django.http import Http404
from wagtail.models import Page
from wagtail.query import PageQuerySet

from . import sites

# The page table's id, for ordering. Django writes an article's ``pk`` as its
# own table's column (``page_ptr_id``), equal in value, but then SQLite cannot
# walk the page table's index on (first_published_at, id) and stop after a
# page of rows: once ANALYZE has run, it sorted all 100,000 articles instead
# (66 ms per listing, not 0.1). Article querysets join the page table first,
# under its own name.
PAGE_ID = RawSQL(f"{connection.ops.quote_name(Page._meta.db_table)}.{connection.ops.quote_name('id')}", ())


class ArticlePageQuerySet(PageQuerySet):
    def public_articles(self):
        """Live articles that are not inside a view-restricted (private) part of the tree.

        Wagtail's ``public()`` lists the restrictions with a query on every
        call; here the list comes from the shared cache (see
        :func:`caspian.newsroom.sites.restricted_paths`). With no
        restriction there is nothing to filter. Otherwise a page is left out
        when the start of its path is a restricted page's path: one ``IN``
        test per tree depth that has restrictions, which the database checks
        against a hashed list, where a correlated subquery per article made
        SQLite crawl through feeds and search over 100,000 articles.
        """
        return self.live().filter(outside_restrictions())

    def in_site(self, site):
        """Articles under ``site``'s root page (``site.root_page`` should be loaded)."""
        return self.filter(path__startswith=site.root_page.path)

    def in_section(self, section):
        """Articles filed under ``section``: those below it in the tree (``section.path`` must be loaded).

        The same articles as ``section=section``, but a filter on the page
        table lets the database walk its date index newest first and stop
        after a page of them; a filter on the article table made SQLite sort
        the whole section (0.5 s at 100,000 articles, against 0.04 s).
        """
        return self.filter(path__startswith=section.path)

    def must_read(self, site):
        """The editors' Must read picks for ``site``, in their order."""
        return self.filter(must_read_picks__page_id=site.root_page_id).order_by("must_read_picks__sort_order")

    def newest_first(self):
        """Newest first; ties by id, from the page table (see :data:`PAGE_ID`)."""
        return self.order_by("-first_published_at", PAGE_ID.desc())

    def with_metadata(self):
        """Everything said about each article besides its body, in a fixed number of queries.

        Section and lead image joined; bylines with their authors, tags and
        topics prefetched (one query each, however many articles).
        """
        return (
            self.select_related("section", "lead_image")
            .with_bylines()
            .prefetch_related("tags", "topics")
            .with_live_label()
        )

    def for_listing(self):
        """What an article teaser shows: its section, lead image and "Live" label.

        The lead images' renditions are left to
        :func:`caspian.newsroom.images.prefetch_renditions` (``listing_page``
        calls it): one query for those this process has not shown before.
        """
        return self.select_related("section", "lead_image").with_live_label()

    def for_article_page(self):
        """What an article's own page shows of its section and lead image, in the same query.

        Its topics are read when shown (``ArticlePage.live_topics``): on most
        requests the part showing them comes kept (see ``{% kept %}``).
        """
        return self.select_related("section", "lead_image")

    def for_teaser(self):
        """Like :meth:`for_listing`, leaving renditions to one shared prefetch for the page.

        For pages showing several short lists: pass all of them to
        :func:`caspian.newsroom.images.prefetch_renditions` afterwards.
        A teaser never shows the body, so it is not loaded.
        """
        return self.select_related("section", "lead_image").defer_streamfields().with_live_label()

    def with_live_label(self):
        """Annotate ``live_blog_open``: whether each article is a live blog still being written (labelled "Live").

        A subquery by primary key for each article read, not a join, so the
        listing's query plan stays the one its indexes were chosen for.
        """
        from .models import LiveBlogPage  # the models import this module

        return self.annotate(live_blog_open=Exists(LiveBlogPage.objects.filter(pk=OuterRef("pk"), is_open=True)))

    def in_topic(self, topic):
        """Articles (and live blogs) filed under the running story ``topic``."""
        return self.filter(topics=topic)

    def with_bylines(self):
        from .models import ArticleByline  # the models import this module

        return self.prefetch_related(Prefetch("bylines", queryset=ArticleByline.objects.select_related("author")))

    def by_author(self, author):
        """Articles with ``author`` in their byline, once each.

        A semi-join rather than a join and ``DISTINCT``: the database can
        then walk the articles newest first and stop after one page of them.
        """
        from .models import ArticleByline  # the models import this module

        return self.filter(Exists(ArticleByline.objects.filter(page=OuterRef("pk"), author=author)))

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def sharing_a_tag_with(self, article):
        """Articles with at least one of ``article``'s tags (itself included).

        A correlated ``EXISTS``, not ``IN``: so the database walks the
        newest articles and stops at the first few that match, instead of
        collecting every article that shares a tag (measured on PostgreSQL
        with 100,000 articles: 0.8 ms instead of 740 ms).
        """
        from .models import ArticleTag  # the models import this module

        article_tags = ArticleTag.objects.filter(content_object=article).values("tag")
        return self.filter(Exists(ArticleTag.objects.filter(content_object=OuterRef("pk"), tag__in=article_tags)))


class CorrectionQuerySet(models.QuerySet):
    def on_articles(self, articles):
        """The corrections of ``articles`` (a queryset: e.g. a site's public articles), as published."""
        return self.filter(article__in=articles.values("pk"))

    def on_public_articles_of(self, site):
        """The corrections of ``site``'s public articles: what :meth:`on_articles` gives for them, faster.

        Filtered on the articles' page rows through a join, not ``IN`` the
        site's public articles, which the database listed in full first
        (87 ms at 100,000 articles).
        """
        return self.filter(
            outside_restrictions("article__path"), article__live=True, article__path__startswith=site.root_page.path
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_articles(self):
        """Each correction with its article's headline and address in the same query (not its body)."""
        return self.select_related("article").defer("article__body")


def outside_restrictions(path="path"):
    """A filter for pages outside every view-restricted (private) part of the tree (see ``public_articles``).

    ``path`` names the page's path field, through a relation if need be (``content_object__path``).
    """
    by_length = defaultdict(list)
    for restricted in sites.restricted_paths():
        by_length[len(restricted)].append(restricted)
    outside = Q()
    for length, paths in by_length.items():
        outside &= ~Q(In(Substr(path, 1, length), paths))
    return outside


def public_tags_of(site):
    """The taggit tags on at least one public article of ``site``.

    A correlated ``EXISTS`` over each tag's articles, filtered on their page
    rows: with ``IN`` (the site's public articles) the database built the
    list of 100,000 articles first (85 ms for the tags of the demo grown to
    100,000 articles).
    """
    from taggit.models import Tag

    from .models import ArticleTag  # the models import this module

    on_public_articles = ArticleTag.objects.filter(
        outside_restrictions("content_object__path"),
        tag=OuterRef("pk"),
        content_object__live=True,
        content_object__path__startswith=site.root_page.path,
    )
    return Tag.objects.filter(Exists(on_public_articles))


def public_pages_of(model, site):
    """The live pages of type ``model`` under ``site``'s root page, outside restricted parts of the tree."""
    return model.objects.live().filter(outside_restrictions(), path__startswith=site.root_page.path)


def is_public_page(page, site, restricted_paths=None):
    """Whether ``page`` (loaded) is one :func:`public_pages_of` gives for ``site``: the same test, without a query.

    ``restricted_paths``: :func:`caspian.newsroom.sites.restricted_paths`,
    read once by a caller testing many pages.
    """
    restricted = sites.restricted_paths() if restricted_paths is None else restricted_paths
    path = page.path
    return page.live and path.startswith(site.root_page.path) and not path.startswith(tuple(restricted))


def site_articles(request):
    """The public articles of the site answering this request, and that site (404 if none does)."""
    site = find_site(request)
    return public_articles_of(site), site


def find_site(request):
    """The site answering this request (404 if none does)."""
    site = sites.find_site(request)
    if site is None:
        raise Http404("No site is configured for this host.")
    return site


def public_articles_of(site):
    """The public articles of ``site``."""
    from .models import ArticlePage  # the models import this module

    return ArticlePage.objects.public_articles().in_site(site)
