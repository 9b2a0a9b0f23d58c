"""Newsroom models: the publication's pages, authors, images and curation.

Split by concept; everything is re-exported here so the rest of Caspian
imports from ``caspian.newsroom.models``.
"""

from .articles import ArticleByline, ArticlePage, ArticleTag, ArticleUpdate, RelatedPick
from .authors import AuthorIndexPage, AuthorPage
from .images import NewsImage, NewsRendition
from .pages import ArchiveYearPage, HomePage, MustReadPick, SectionPage, StandardPage
from .publication import PublicationSettings

__all__ = [
    "ArchiveYearPage",
    "ArticleByline",
    "ArticlePage",
    "ArticleTag",
    "ArticleUpdate",
    "AuthorIndexPage",
    "AuthorPage",
    "HomePage",
    "MustReadPick",
    "NewsImage",
    "NewsRendition",
    "PublicationSettings",
    "RelatedPick",
    "SectionPage",
    "StandardPage",
]
