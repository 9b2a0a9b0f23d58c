"""Newsroom models: the publication's pages, authors, images and curation.

Split by concept; everything is re-exported here so the rest of Caspian
imports from ``caspian.newsroom.models``.
"""

from .articles import ArticleByline, ArticleCorrection, ArticlePage, ArticleTag, ArticleUpdate, DatedClaim, RelatedPick
from .authors import AuthorIndexPage, AuthorPage
from .images import NewsImage, NewsRendition
from .liveblogs import LiveBlogEntry, LiveBlogPage
from .pages import ArchiveYearPage, HomePage, MustReadPick, SectionPage, StandardPage
from .publication import PublicationSettings
from .topics import TimelineEvent, TopicPage

__all__ = [
    "ArchiveYearPage",
    "ArticleByline",
    "ArticleCorrection",
    "ArticlePage",
    "ArticleTag",
    "ArticleUpdate",
    "AuthorIndexPage",
    "AuthorPage",
    "DatedClaim",
    "HomePage",
    "LiveBlogEntry",
    "LiveBlogPage",
    "MustReadPick",
    "NewsImage",
    "NewsRendition",
    "PublicationSettings",
    "RelatedPick",
    "SectionPage",
    "StandardPage",
    "TimelineEvent",
    "TopicPage",
]
