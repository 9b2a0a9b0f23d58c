"""What the front page and article pages list around the story: Must read, Latest, sections.

Each function returns template context; the queries live on
``ArticlePageQuerySet`` and every listing costs a fixed number of queries,
however many articles the archive holds (the front page: one more per
section).
"""

from django.http import Http404

from ..comments import display as comments_display
from . import freshness, images, sites
from .models import ArticlePage, SectionPage

MUST_READ_COUNT = 5
LATEST_COUNT = 6
FRONT_PAGE_LATEST_COUNT = 8
PER_SECTION_COUNT = 4


def site_articles(request):
    """The public articles of the site answering this request, and that site (404 if none does)."""
    site = sites.find_site(request)
    if site is None:
        raise Http404("No site is configured for this host.")
    return ArticlePage.objects.public_articles().in_site(site), site


def article_page(article, request):
    """Context for an article page: Must read and Latest never show the article itself.

    Also serves previews of articles not saved yet (no primary key): they
    have no update log or related articles. A preview shows the draft's
    corrections; the published page only those published.
    """
    articles, site = site_articles(request)
    others = articles.exclude(pk=article.pk) if article.pk else articles
    context = {
        "must_read": list(others.must_read(site).for_teaser()[:MUST_READ_COUNT]),
        "more_articles": article.more_articles(),
        "latest": list(others.newest_first().for_teaser()[:LATEST_COUNT]),
        "bylines": list(article.bylines.select_related("author__photo")),
        # A tag whose name has no letters or digits has no address to link to.
        "tags": [tag for tag in article.tags.all() if tag.slug],
        "updates": list(article.updates.all()) if article.pk else [],
        # Shown at the top: corrections, newest first, and the age banner.
        "corrections": article.corrections_newest_first,
        "age_banner": freshness.age_banner(article, request),
        **comments_display.article_context(article, request),
    }
    teasers = context["must_read"] + context["more_articles"] + context["latest"]
    images.prefetch_renditions(
        [article.lead_image]
        + [teaser.lead_image for teaser in teasers]
        + [byline.author.photo for byline in context["bylines"] if byline.author.live]
    )
    return context


def front_page(home, request):
    """Context for the front page: lead story, Must read, Latest and a block per section."""
    articles, site = site_articles(request)
    # The editors' lead story while it is public, else the newest article with a lead image (a brief
    # without one would leave the top of the page bare), else the newest.
    lead = articles.filter(pk=home.lead_story_id).for_teaser().first() if home.lead_story_id else None
    latest = list(articles.newest_first().for_teaser().with_bylines()[: FRONT_PAGE_LATEST_COUNT + 1])
    if lead is None and latest:
        lead = next((a for a in latest if a.lead_image_id), None)
        if lead is None:  # none of the newest has one: look further back, once
            lead = articles.exclude(lead_image=None).newest_first().for_teaser().first() or latest[0]
    latest = [a for a in latest if a.pk != getattr(lead, "pk", None)][:FRONT_PAGE_LATEST_COUNT]

    sections = list(SectionPage.objects.child_of(home).live().order_by("path"))
    # A query per section: each reads a few rows off the newest end of the
    # index on publication times, where one query ranking every article by
    # section would read the whole archive.
    by_section = {
        section.pk: list(articles.in_section(section).newest_first().for_teaser()[:PER_SECTION_COUNT])
        for section in sections
    }
    must_read = list(articles.must_read(site).for_teaser()[:MUST_READ_COUNT])

    teasers = [lead, *latest, *must_read, *(a for listed in by_section.values() for a in listed)]
    images.prefetch_renditions([teaser.lead_image for teaser in teasers if teaser])
    return {
        "is_front_page": True,  # the masthead's name is this page's h1
        "lead": lead,
        "must_read": must_read,
        "latest": latest,
        "section_blocks": [(section, by_section[section.pk]) for section in sections],
    }
