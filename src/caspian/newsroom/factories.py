"""factory_boy factories for newsroom content: used by the tests and the demo loader.

Pages need a parent: pass ``parent=`` (articles may pass ``section=`` and
are filed in that section's year folder). Pages are created live with the
publication times given, the way the demo and tests need them.
"""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, ImageField
from wagtail.rich_text import RichText

from .models import (
    ArticleByline,
    ArticlePage,
    ArticleUpdate,
    AuthorIndexPage,
    AuthorPage,
    LiveBlogEntry,
    LiveBlogPage,
    NewsImage,
    SectionPage,
    StandardPage,
    TimelineEvent,
    TopicPage,
)


class NewsImageFactory(DjangoModelFactory):
    class Meta:
        model = NewsImage

    title = factory.Sequence(lambda n: f"Image {n}")
    file = ImageField(width=640, height=360, color="teal")
    credit = "Illustration: The Caspian Times"


class PageFactory(DjangoModelFactory):
    """Creates the page as a child of ``parent`` (a required keyword)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda page: _slugify(page.title))
    live = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            raise ValueError(f"{cls.__name__} needs parent=<the page to add it under>.")
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


def _slugify(text):
    from django.utils.text import slugify

    return slugify(text, allow_unicode=True)[:255]


class SectionPageFactory(PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    description = factory.LazyAttribute(lambda s: f"News from {s.title}.")
    show_in_menus = True


class AuthorIndexPageFactory(PageFactory):
    class Meta:
        model = AuthorIndexPage

    title = "Authors"
    slug = "authors"


class AuthorPageFactory(PageFactory):
    class Meta:
        model = AuthorPage

    title = factory.Sequence(lambda n: f"Author {n}")
    role = "Correspondent"
    bio = factory.LazyAttribute(lambda a: f"{a.title} reports for The Caspian Times.")
    website = factory.LazyAttribute(lambda a: f"https://{_slugify(a.title)}.example.org/")


class StandardPageFactory(PageFactory):
    class Meta:
        model = StandardPage

    title = "About"
    show_in_menus = True


class ArticlePageFactory(PageFactory):
    """An article; ``section=`` files it in that section's folder for its publication year.

    Traits: ``with_image`` (a generated lead image), ``updated`` (one
    material update, ``update_after`` the first publication).
    """

    class Meta:
        model = ArticlePage

    class Params:
        with_image = factory.Trait(
            lead_image=factory.SubFactory(NewsImageFactory),
            lead_image_alt="A generated test illustration",
            lead_image_caption="A caption for the lead image.",
        )
        updated = factory.Trait(update_note_on_create="Adds new figures from the port authority.")

    # Passed to _create, not to the model:
    section = None
    authors = ()
    tags = ()
    update_note_on_create = ""
    update_after = timedelta(days=1)

    title = factory.Sequence(lambda n: f"Article number {n}")
    standfirst = factory.LazyAttribute(lambda a: f"The summary of {a.title.lower()}.")
    dateline = "BAKU"
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>The first paragraph of the story.</p>"))])
    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.LazyAttribute(lambda a: a.first_published_at)

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        parent=None,
        section=None,
        authors=(),
        tags=(),
        update_note_on_create="",
        update_after=None,
        **kwargs,
    ):
        if parent is None and section is not None:
            year = timezone.localtime(kwargs["first_published_at"]).year
            parent = section.year_folder(year)
        kwargs["bylines"] = [ArticleByline(author=author, sort_order=n) for n, author in enumerate(authors)]
        page = super()._create(model_class, *args, parent=parent, **kwargs)
        if tags:
            page.tags.add(*tags)
            page.save()
        if update_note_on_create:
            updated_at = page.first_published_at + update_after
            ArticleUpdate.objects.create(article=page, note=update_note_on_create, published_at=updated_at)
            ArticlePage.objects.filter(pk=page.pk).update(updated_at=updated_at)
            page.updated_at = updated_at
        return page


class LiveBlogEntryFactory(DjangoModelFactory):
    """An entry, built (not saved) for ``LiveBlogPageFactory(entries=[...])``: ``LiveBlogEntryFactory.build()``."""

    class Meta:
        model = LiveBlogEntry

    posted_at = factory.LazyFunction(timezone.now)
    headline = factory.Sequence(lambda n: f"Update number {n}")
    body = factory.LazyAttribute(lambda e: f"<p>What happened: {e.headline.lower()}.</p>")


class LiveBlogPageFactory(ArticlePageFactory):
    """A live blog, open by default; ``entries=`` takes built :class:`LiveBlogEntryFactory` entries.

    Trait: ``closed`` (coverage ended, ``closed_after`` the first publication).
    """

    class Meta:
        model = LiveBlogPage

    class Params:
        closed = factory.Trait(
            is_open=False, closed_at=factory.LazyAttribute(lambda b: b.first_published_at + b.closed_after)
        )

    closed_after = timedelta(hours=6)  # passed to the closed trait, not to the model
    title = factory.Sequence(lambda n: f"Live: developing story number {n}")
    is_open = True

    @classmethod
    def _create(cls, model_class, *args, closed_after=None, **kwargs):
        return super()._create(model_class, *args, **kwargs)


class TimelineEventFactory(DjangoModelFactory):
    """A key date, built (not saved) for ``TopicPageFactory(timeline=[...])``."""

    class Meta:
        model = TimelineEvent

    date = factory.LazyFunction(lambda: timezone.localdate())
    title = factory.Sequence(lambda n: f"Key date number {n}")


class TopicPageFactory(PageFactory):
    """A topic page under the home page (``parent=``); ``timeline=`` takes built :class:`TimelineEventFactory` dates."""

    class Meta:
        model = TopicPage

    title = factory.Sequence(lambda n: f"Topic {n}")
    intro = factory.LazyAttribute(lambda t: f"Everything we have reported on {t.title.lower()}.")
