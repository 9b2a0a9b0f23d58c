"""The article: the unit of journalism, with its bylines, tags, picks and update log."""

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from ..admin_forms import ArticlePageForm
from ..blocks import BodyBlock
from ..cache_tags import ARTICLES, LATEST, MUST_READ, Invalidation, listing_tag, page_tag, tag_tag
from ..querysets import ArticlePageQuerySet, CorrectionQuerySet
from .pages import ARTICLE_LEVEL, NewsroomPageMixin, SectionPage

MORE_ARTICLES_COUNT = 4


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(NewsroomPageMixin, Page):
    # The comment replied to, and the page of comments shown.
    query_parameters = ("replyto", "comments")

    standfirst = models.TextField(max_length=400, help_text="The summary under the headline, one or two sentences.")
    dateline = models.CharField(max_length=80, blank=True, help_text="Where the story was reported from, e.g. BAKU.")
    lead_image = models.ForeignKey(
        "newsroom.NewsImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=255,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with a lead image.",
    )
    lead_image_caption = models.CharField("caption", max_length=255, blank=True)
    lead_image_credit = models.CharField(
        "credit", max_length=255, blank=True, help_text="Leave empty to use the image's own credit."
    )
    body = StreamField(BodyBlock())
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    # The section is where the article sits in the tree; it is kept here too
    # so listings can show and filter by it without walking the tree.
    section = models.ForeignKey(
        SectionPage, null=True, editable=False, on_delete=models.SET_NULL, related_name="articles"
    )
    update_note = models.CharField(
        "material update",
        max_length=280,
        blank=True,
        help_text=(
            "Fill this in only when this edit changes the story materially: say what changed, "
            "for readers. Publishing then shows the article as updated. Leave empty for routine fixes."
        ),
    )
    updated_at = models.DateTimeField(
        null=True, editable=False, help_text="When the last material update was published."
    )
    comments_open = models.BooleanField(
        "open for comments",
        default=True,
        help_text="Readers may comment (until the site closes comments on older articles).",
    )
    # Kept by caspian.comments on every change, so listings show it for free.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    topics = ParentalManyToManyField(
        "newsroom.TopicPage",
        blank=True,
        related_name="stories",
        help_text="The running stories this article belongs to; their topic pages list it.",
    )

    objects = PageManager.from_queryset(ArticlePageQuerySet)()

    # A copy is a new story: it has not been updated, whatever its original was.
    # Nor has it been corrected.
    exclude_fields_in_copy = ["updated_at", "update_note", "comment_count", "corrections"]

    base_form_class = ArticlePageForm
    content_panels = [
        TitleFieldPanel(
            "title",
            heading="Headline",
            help_text="As readers see it on the article and in lists.",
            placeholder=False,
        ),
        FieldPanel(
            "slug",
            heading="Web address",
            help_text="The end of the article's address. Filled in from the headline until the story is published; "
            "change it if you like.",
        ),
        FieldPanel("standfirst"),
        InlinePanel("bylines", label="Byline", heading="Bylines"),  # needed to publish (ArticlePageForm)
        FieldPanel("dateline"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldRowPanel([FieldPanel("lead_image_caption"), FieldPanel("lead_image_credit")]),
            ],
            heading="Lead image",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("topics"),
        InlinePanel(
            "related_picks",
            label="Pinned article",
            heading="More articles",
            help_text="Pinned first in More articles; related stories fill the rest.",
            max_num=MORE_ARTICLES_COUNT,
        ),
        FieldPanel("update_note"),
        InlinePanel(
            "corrections",
            label="Correction",
            heading="Corrections",
            help_text="A factual error put right: say what was wrong and what is right. "
            "Shown at the top of the article and on the corrections page once published.",
        ),
    ]
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "seo_title",
                    heading="Short headline",
                    help_text="For search results and social cards, which cut a headline after about 70 "
                    "characters. Leave empty to use the headline.",
                ),
                FieldPanel(
                    "search_description",
                    heading="Summary for search and social",
                    help_text="Leave empty to use the standfirst.",
                ),
            ],
            heading="Search engines and social media",
        ),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("comments_open")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.AutocompleteField("standfirst"),  # the admin's searches are as-you-type: found by its words too
        index.SearchField("body"),
        index.SearchField("dateline"),
        index.FilterField("section"),
        index.FilterField("first_published_at"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["newsroom.ArchiveYearPage"]
    subpage_types = []

    class Meta:
        verbose_name = "article"

    def save(self, *args, **kwargs):
        if self.path:
            self.section = SectionPage.objects.ancestor_of(self).first()
        return super().save(*args, **kwargs)

    @property
    def lead_image_credit_text(self):
        return self.lead_image_credit or (self.lead_image.credit if self.lead_image else "")

    def with_content_json(self, content):
        """Restore a revision, keeping the article's publication history and its comment count.

        The first publication time and the time of the last material update
        (``updated_at``) belong to the article's history, not to a revision:
        publishing any revision must not move them. Wagtail keeps the first
        publication time a revision holds, which may be another's (a copy's
        revisions hold their source's) or cut to the millisecond (as JSON
        stores it); here it is always the article's own, and ``None`` until
        its first publication. ``comment_count`` belongs to the readers.
        All three are read fresh: this object may be older than they are.
        """
        page = super().with_content_json(content)
        current = (
            ArticlePage.objects.filter(pk=self.pk)
            .values_list("first_published_at", "updated_at", "comment_count")
            .first()
        )
        if current is None:  # not saved yet
            current = (self.first_published_at, self.updated_at, self.comment_count)
        page.first_published_at, page.updated_at, page.comment_count = current
        return page

    @cached_property
    def live_topics(self):
        """The live topics (running stories) the article is part of, by title. Read when first shown.

        Filtered here rather than in SQL, so that a preview's draft topics (not in the database) work too.
        """
        return sorted((topic for topic in self.topics.all() if topic.live), key=lambda topic: topic.title)

    @cached_property
    def corrections_newest_first(self):
        """The article's corrections, newest first: as published (a draft's only in its preview). Read once."""
        return sorted(self.corrections.all(), key=lambda c: (c.published_at, c.pk or 0), reverse=True)

    def more_articles(self, limit=MORE_ARTICLES_COUNT):
        """Editors' pinned picks first, then the newest related articles; never this one or a draft.

        Related: in the same section or sharing a tag. Each reason is read
        on its own, a few rows off the newest end, and the two merged here:
        asked in one query with ``OR``, SQLite sorted the whole archive
        (over a second at 100,000 articles).

        Renditions are not prefetched: the caller prefetches them with the
        page's other lists. An article not yet saved (a preview) has none.
        """
        if self.pk is None:
            return []
        pinned = list(
            ArticlePage.objects.public_articles()
            .filter(pinned_by__article=self)
            .exclude(pk=self.pk)
            .order_by("pinned_by__sort_order")
            .for_teaser()[:limit]
        )
        wanted = limit - len(pinned)
        if wanted <= 0:
            return pinned
        # Left out here rather than in SQL, where a NOT IN sent SQLite's planner astray.
        shown = {self.pk, *(a.pk for a in pinned)}
        # From this publication only. Filtering the page table by path also
        # lets SQLite walk its date index and stop early (6 ms, not 1.2 s).
        home_path = self.path[: -ARTICLE_LEVEL * self.steplen]
        others = ArticlePage.objects.public_articles().filter(path__startswith=home_path).newest_first().for_teaser()
        related = list(others.sharing_a_tag_with(self)[: wanted + len(shown)])
        if self.section_id:
            related += others.in_section(self.section)[: wanted + len(shown)]
        related = {a.pk: a for a in related if a.pk not in shown}.values()
        return pinned + sorted(related, key=lambda a: (a.first_published_at, a.pk), reverse=True)[:wanted]

    # Pages over the whole archive (feeds, sitemaps) depend on this one tag
    # instead of on each article they list (50,000 tags on a sitemap page).
    cache_archive_tag = ARTICLES

    def cache_tags(self):
        """Lists on this page a new article could join: Latest, Must read, and (More articles) its section."""
        return {LATEST, MUST_READ, listing_tag("section", self.section_id)}

    def cache_invalidation(self, *, deleted=False, parent_before=None):
        """Published, unpublished, moved (from under ``parent_before``) or deleted: every list it is on."""
        authors = [byline.author for byline in self.bylines.select_related("author")]
        tags = list(self.tags.all())
        topics = list(self.topics.all())
        parents = {self.get_parent()} | ({parent_before.specific} if parent_before else set())
        keys = {page_tag(self.pk), ARTICLES, listing_tag("section", self.section_id)}
        keys |= {listing_tag("year", parent.pk) for parent in parents}
        keys |= {listing_tag("section", parent.get_parent().pk) for parent in parents if parent_before}
        keys |= {listing_tag("author", author.pk) for author in authors}
        keys |= {tag_tag(tag.pk) for tag in tags}
        # A topic page lists its articles: one newly in the topic must show there. (One leaving the topic
        # is covered by its own page tag, which the topic page carries while it lists the article.)
        keys |= {page_tag(topic.pk) for topic in topics}
        site = self.get_site()
        if self.live and self._among_newest(site):
            keys.add(LATEST)
        section = self.section if self.section_id else None
        pages = [*parents, *authors, *topics, *([section] if section else []), *([site.root_page] if site else [])]
        scopes = [("tag", tag.slug) for tag in tags if tag.slug] + [("author", author.slug) for author in authors]
        scopes += [("section", section.slug)] if section else []
        # Withdrawn or deleted: gone everywhere at once, teasers included.
        return Invalidation(keys, hard=deleted or not self.live, pages=pages, scopes=scopes)

    def _among_newest(self, site):
        """Whether this article is recent enough to show in Latest lists (the front page's is the longest)."""
        from ..listings import FRONT_PAGE_LATEST_COUNT  # listings builds on these models: imported on use

        newer = type(self).objects.public_articles().filter(first_published_at__gt=self.first_published_at)
        if site is not None:
            newer = newer.in_site(site)
        return newer.count() <= FRONT_PAGE_LATEST_COUNT

    def get_context(self, request, *args, **kwargs):
        from .. import listings  # listings builds on these models: imported on use

        context = super().get_context(request, *args, **kwargs)
        context.update(listings.article_page(self, request))
        return context


class ArticleByline(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    # RESTRICT: an author cannot be deleted while an article keeps their byline
    # (the admin explains why); deleting both together is fine.
    author = models.ForeignKey("newsroom.AuthorPage", on_delete=models.RESTRICT, related_name="bylines")

    panels = [FieldPanel("author")]


class RelatedPick(Orderable):
    """An article an editor pins into another article's More articles block."""

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_picks")
    pick = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="pinned_by")

    panels = [FieldPanel("pick")]


class ArticleUpdate(models.Model):
    """A material update, recorded when an article is republished with an update note."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="updates")
    note = models.CharField(max_length=280)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["published_at"]


class ArticleCorrection(Orderable):
    """A published correction: shown on the article, on /corrections/ and in the corrections feed."""

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="corrections")
    published_at = models.DateTimeField("date", default=timezone.now, help_text="When the correction was made.")
    text = models.TextField(max_length=1000, help_text="What was wrong and what is right, in a sentence or two.")

    panels = [
        FieldPanel(
            "published_at",
            help_text="Shown to readers with the correction; now, unless the correction was made earlier.",
        ),
        FieldPanel(
            "text",
            help_text="What was wrong and what is right, in a sentence or two, e.g. "
            '"An earlier version of this article gave the wrong date for the vote: it is on 3 March." '
            "Readers see it once the article is published.",
        ),
    ]

    objects = CorrectionQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = "correction"


class DatedClaim(models.Model):
    """A sentence in a published article announcing something for a date (see :mod:`caspian.newsroom.claims`).

    Found again on every publication; the stale-claim report lists those
    whose date has passed without a later update.
    """

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="dated_claims")
    sentence = models.TextField()
    phrase = models.CharField(max_length=200, help_text="The words the date was read from.")
    resolves_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["resolves_on", "pk"]
