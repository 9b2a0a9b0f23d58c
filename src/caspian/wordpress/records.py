"""What a WordPress export (WXR) holds, as plain records: the reader's output, the importer's input.

:mod:`caspian.wordpress.wxr` yields these in document order; nothing here
touches the database. Dates are kept as the export states them: ``*_gmt``
values are aware datetimes in UTC (``None`` when WordPress wrote its
"0000-00-00 00:00:00" placeholder), the others are naive local times.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Channel:
    """The exporting site: emitted once, before any author, term or item."""

    title: str = ""
    link: str = ""  # the site's address, e.g. "https://example.com"
    description: str = ""
    language: str = ""
    wxr_version: str = ""  # "1.0", "1.1" or "1.2"
    base_site_url: str = ""
    base_blog_url: str = ""

    @property
    def site_url(self):
        """The address that identifies the exporting site (re-imports are keyed on it)."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: int | None = None
    description: str = ""  # wp:author_description (the biography), in some exports only


@dataclass
class Term:
    """A category, tag or other taxonomy term declared in the channel."""

    taxonomy: str  # "category", "post_tag", or the term's own taxonomy (e.g. "nav_menu")
    slug: str
    name: str
    wp_id: int | None = None
    parent_slug: str = ""
    description: str = ""


@dataclass
class ItemTerm:
    """A term an item is filed under: ``<category domain="category" nicename="news">News</category>``."""

    taxonomy: str  # "category", "post_tag", ...
    slug: str
    name: str


@dataclass
class Comment:
    wp_id: int
    parent_id: int = 0  # 0: a reply to the item itself
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: datetime | None = None
    date_gmt: datetime | None = None
    content: str = ""  # WordPress stores comment text as light HTML
    approved: str = "1"  # "1", "0", "spam" or "trash"
    type: str = ""  # "" or "comment", "pingback", "trackback"
    user_id: int = 0


@dataclass
class Item:
    """A post, page, attachment or any other post type."""

    wp_id: int
    post_type: str  # "post", "page", "attachment", "nav_menu_item", ...
    title: str = ""
    link: str = ""  # the old permalink
    guid: str = ""
    creator: str = ""  # the author's login (dc:creator)
    content: str = ""  # content:encoded, WordPress HTML
    excerpt: str = ""  # excerpt:encoded
    date: datetime | None = None
    date_gmt: datetime | None = None
    modified: datetime | None = None
    modified_gmt: datetime | None = None
    status: str = ""  # "publish", "draft", "pending", "future", "private", "inherit", "trash"
    slug: str = ""  # wp:post_name
    parent_id: int = 0
    menu_order: int = 0
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    comment_status: str = ""  # "open" or "closed": whether the item took new comments
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # wp:postmeta, key -> value (last one wins)
    comments: list[Comment] = field(default_factory=list)
