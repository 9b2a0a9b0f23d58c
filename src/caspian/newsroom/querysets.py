"""Reusable filters for article listings: every view, feed and sitemap calls these."""

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
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

    def for_teaser(self):
        """Like :meth:`for_listing`, leaving renditions to one shared prefetch for the page.

        For pages showing several short lists: pass all of them to
        :func:`caspian.newsroom.images.prefetch_renditions` afterwards.
        """
        return self.select_related("section", "lead_image")

    def with_bylines(self):
        from .models import ArticleByline

        return self.prefetch_related(Prefetch("bylines", queryset=ArticleByline.objects.select_related("author")))

    def newest_per_section(self, count):
        """The ``count`` newest articles of each section, in one query."""
        return self.annotate(
            rank_in_section=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("first_published_at").desc(), F("pk").desc()],
            )
        ).filter(rank_in_section__lte=count)

    def by_author(self, author):
        return self.filter(bylines__author=author).distinct()

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def related_to(self, article):
        """Articles sharing a tag or the section with ``article``, newest first, not itself."""
        from .models import ArticleTag

        sharing_a_tag = ArticleTag.objects.filter(
            tag__in=ArticleTag.objects.filter(content_object=article).values("tag")
        ).values("content_object")
        return (
            self.public_articles()
            .filter(Q(section_id=article.section_id) | Q(pk__in=sharing_a_tag))
            .exclude(pk=article.pk)
            .newest_first()
        )
