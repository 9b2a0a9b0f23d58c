"""What the API answers, as pydantic schemas: django-ninja writes the OpenAPI 3.1 description from them."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class Error(Schema):
    """Every error: a sentence saying what went wrong and what to do instead."""

    error: str = Field(description="What went wrong, and what to do instead.")
    status: int


class Rendition(Schema):
    url: str = Field(description="Absolute address of the image file.")
    width: int
    height: int


class Image(Schema):
    id: int
    title: str
    alt: str = Field(description="What the image shows, for readers who cannot see it.")
    caption: str = ""
    credit: str = ""
    renditions: dict[str, Rendition] = Field(
        description="The image at fixed sizes: `thumbnail` (320x180 crop), `medium` (960 wide), `large` (1440 wide)."
    )


class SectionRef(Schema):
    id: int
    title: str
    slug: str
    api_url: str


class AuthorRef(Schema):
    id: int
    name: str
    slug: str
    role: str = ""
    api_url: str | None = Field(description="Null when the author's own page is not published (the name still shows).")


class TagRef(Schema):
    name: str
    slug: str


class TopicRef(Schema):
    id: int
    title: str
    slug: str
    api_url: str


class Correction(Schema):
    id: int
    published_at: datetime
    text: str


class MaterialUpdate(Schema):
    published_at: datetime
    note: str = Field(description="What changed, for readers.")


class Block(Schema):
    type: str = Field(description="The block type: paragraph, heading, image, quote, fact_box, embed, html…")
    value: Any = Field(
        description="The block's value: rich text as HTML with real links (as in `body_html`), images by id."
    )
    id: str | None = None


class ArticleSummary(Schema):
    id: int
    title: str = Field(description="The headline.")
    standfirst: str
    dateline: str = ""
    language: str = Field(description="The publication's language (a BCP 47 code such as `en`).")
    url: str = Field(description="The canonical address of the article on the site.")
    api_url: str
    kind: str = Field(description="`article` or `live_blog`.")
    published_at: datetime | None = Field(description="When the article was first published.")
    updated_at: datetime | None = Field(
        description="When the last material update was published (readers see 'Updated'); null if never."
    )
    modified_at: datetime | None = Field(
        description="When the article was last published, for any change (what `updated_since` filters on)."
    )
    section: SectionRef | None
    bylines: list[AuthorRef]
    tags: list[TagRef]
    topics: list[TopicRef]
    lead_image: Image | None


class Article(ArticleSummary):
    body: list[Block] = Field(description="The body as structured blocks (the StreamField's JSON).")
    body_html: str = Field(description="The body as HTML, as readers see it.")
    corrections: list[Correction] = Field(description="Corrections, newest first.")
    updates: list[MaterialUpdate] = Field(description="Material updates, oldest first.")
    comment_count: int
    live_blog_open: bool | None = Field(description="For a live blog: whether coverage is still going on.")


class Page(Schema):
    next: str | None = Field(description="The address of the next page, or null on the last page.")


class ArticleList(Page):
    items: list[ArticleSummary]


class Section(SectionRef):
    description: str = ""
    url: str


class SectionList(Page):
    items: list[Section]


class Author(AuthorRef):
    bio: str = ""
    website: str = ""
    url: str
    photo: Image | None


class AuthorList(Page):
    items: list[Author]


class Tag(TagRef):
    api_url: str


class TagList(Page):
    items: list[Tag]


class Topic(TopicRef):
    intro: str = ""
    url: str


class TopicList(Page):
    items: list[Topic]


class LiveBlogEntry(Schema):
    id: int
    posted_at: datetime
    headline: str = ""
    body_html: str
    author: AuthorRef | None
    image: Image | None
    key_entry: bool = Field(description="Shown at the top of the live blog too.")


class LiveBlogEntryList(Page):
    live_blog: ArticleSummary
    live_blog_open: bool
    items: list[LiveBlogEntry]


class ArticleRef(Schema):
    id: int
    title: str
    url: str
    api_url: str


class CorrectionEntry(Correction):
    article: ArticleRef


class CorrectionList(Page):
    items: list[CorrectionEntry]
