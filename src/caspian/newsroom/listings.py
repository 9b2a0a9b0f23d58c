"""What the front page and article pages list around the story: Must read, Latest, sections.

Each function returns template context; the queries live on
``ArticlePageQuerySet`` and every listing costs a fixed number of queries,
however many articles the archive holds (the front page: one more per
section). What the apps above the newsroom add to an article page (its
comments) comes from :mod:`caspian.newsroom.page_parts`.
"""

from django.template.loader import get_template, render_to_string
from django.utils.functional import SimpleLazyObject

from .. import fragments
from . import freshness, images, page_parts
from .cache_tags import LATEST, MUST_READ, listing_tag, page_tag
from .models import SectionPage
from .querysets import find_site, public_articles_of, site_articles

MUST_READ_COUNT = 5
LATEST_COUNT = 6
FRONT_PAGE_LATEST_COUNT = 8
PER_SECTION_COUNT = 4
CARD = SimpleLazyObject(lambda: get_template("includes/article_card.html"))


def article_page(article, request):
    """Context for an article page: Must read and Latest never show the article itself.

    Also serves previews of articles not saved yet (no primary key): they
    have no update log or related articles. A preview shows the draft's
    corrections; the published page only those published. The registered
    parts (:mod:`caspian.newsroom.page_parts`) add theirs last.

    Must read, Latest, More articles and the author boxes come rendered
    (:mod:`caspian.fragments`): Must read and Latest are the same cards on
    every article page, kept once per site with one card more than shown,
    so that leaving out the article itself still leaves enough. The rest is
    read only when shown: the template keeps the article's own part and its
    head (``{% kept %}``), so most requests read none of it.
    """
    site = find_site(request)
    # Read only when what shows them is rendered: kept, the article's own part needs none of them.
    bylines = article.bylines.select_related("author__photo")
    return {
        "must_read": must_read_cards(site, request, leave_out=article.pk),
        "more_articles": more_articles_cards(article, request),
        "latest": latest_cards(site, request, leave_out=article.pk),
        "bylines": bylines,
        "author_boxes": _lazy(lambda: [author_box(byline.author, request) for byline in bylines if byline.author.live]),
        # A tag whose name has no letters or digits has no address to link to.
        "tags": _lazy(lambda: [tag for tag in article.tags.all() if tag.slug]),
        "updates": _lazy(lambda: list(article.updates.all()) if article.pk else []),
        # Shown at the top: corrections, newest first, and the age banner.
        "corrections": _lazy(lambda: article.corrections_newest_first),
        "age_banner": freshness.age_banner(article, request),
        **page_parts.article_context(article, request),
    }


def _lazy(make_list):
    """A list made when a template first looks at it (``bool``, ``len``, iterating)."""
    return SimpleLazyObject(make_list)


def must_read_cards(site, request, leave_out=None):
    """The site's Must read as rendered cards (the same on the front page and every article page)."""

    def teasers():
        return public_articles_of(site).must_read(site).for_teaser()

    card = {"preset": "thumb", "variant": "compact"}
    return _cards(f"must-read:{site.pk}", teasers, MUST_READ_COUNT, {MUST_READ}, request, leave_out=leave_out, **card)


def latest_cards(site, request, leave_out=None):
    """The site's Latest for article pages as rendered cards, re-rendered once per publication."""

    def teasers():
        return public_articles_of(site).newest_first().for_teaser()

    card = {"variant": "compact", "show_section": True}
    return _cards(f"latest:{site.pk}", teasers, LATEST_COUNT, {LATEST}, request, leave_out=leave_out, **card)


def more_articles_cards(article, request):
    """The article's More articles as rendered cards, kept until it, its section or one of its tags changes.

    A preview shows the draft's own picks: rendered, never kept.
    """

    def render():
        list(article.tags.all())  # loaded here, so that the kept cards depend on the article's tags
        teasers = article.more_articles()
        images.prefetch_renditions([teaser.lead_image for teaser in teasers])
        return [_card(teaser, request, preset="card", show_section=True) for teaser in teasers]

    if article.pk is None or getattr(request, "is_preview", False):
        return render()
    shown = {page_tag(article.pk), listing_tag("section", article.section_id)}
    return fragments.cached(f"more-articles:{article.pk}", render, shown)


def author_box(author, request):
    """An author's box at the foot of their articles, rendered once for all of them."""

    def render():
        images.prefetch_renditions([author.photo])
        return render_to_string("newsroom/includes/author_box.html", {"author": author, "request": request})

    return fragments.cached(f"author-box:{author.pk}", render, {page_tag(author.pk)})


def _cards(key, teasers, count, tags, request, leave_out=None, **card):
    """``count`` rendered cards of ``teasers()``, leaving out the article ``leave_out``; kept under ``key``.

    One card more than ``count`` is kept, so that any article leaving itself
    out still gets ``count``. The queryset is built only when the cards are
    rendered: building one costs about a millisecond.
    """

    def render():
        found = list(teasers()[: count + 1])
        images.prefetch_renditions([teaser.lead_image for teaser in found])
        return [(teaser.pk, _card(teaser, request, **card)) for teaser in found]

    return [html for pk, html in fragments.cached(key, render, tags) if pk != leave_out][:count]


def kept_card(article, request, **card):
    """An article's card in a listing (the ``{% card %}`` tag), kept until the article or what it shows changes.

    Kept apart for each set of options. What the card shows that was loaded
    with the listing (its section, its authors) is named, as the kept part
    collects only what loads while it renders. A preview renders it afresh.
    """
    if getattr(request, "is_preview", False):
        return _card(article, request, **card)
    shown = {page_tag(article.pk)}
    if card.get("show_section") and article.section_id:
        shown.add(page_tag(article.section_id))
    if card.get("show_bylines"):
        shown |= {page_tag(byline.author_id) for byline in article.bylines.all()}
    options = ",".join(f"{name}={value}" for name, value in sorted(card.items()))
    return fragments.cached(f"card:{article.pk}:{options}", lambda: _card(article, request, **card), shown)


def _card(article, request, **card):
    # A plain context, not the request's: the context processors (masthead, menus) are not needed here.
    return CARD.render({"article": article, "request": request, **card})


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
    must_read = must_read_cards(site, request)

    teasers = [lead, *latest, *(a for listed in by_section.values() for a in listed)]
    images.prefetch_renditions([teaser.lead_image for teaser in teasers if teaser])
    return {
        "is_front_page": True,  # the masthead's name is this page's h1
        "lead": lead,
        "must_read": must_read,
        "latest": latest,
        "section_blocks": [(section, by_section[section.pk]) for section in sections],
    }
