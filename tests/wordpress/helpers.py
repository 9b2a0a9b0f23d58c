"""WordPress exports for the importer's tests: the test corpora, counted with lxml, and small ones written here."""

import html
import io
from datetime import datetime, timedelta
from urllib.parse import unquote

from lxml import etree
from PIL import Image

THEME_UNIT_TEST = "wp-themeunittestdata.wordpress.xml"
BLOCK_TEST = "wp-64-block-test-data.xml"
A11Y_TEST = "wp-a11y-theme-unit-test-data.xml"
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
DC = "http://purl.org/dc/elements/1.1/"


class ExportFacts:
    """What an export holds, read with lxml (not the importer's reader), and what importing it should make.

    The expectations restate the documented mapping: posts and pages that
    are not in the trash, automatic drafts or revisions; comments on those
    posts except pingbacks and trackbacks; a section per top-level category
    a post is filed under first (or "uncategorized"); a tag per other
    category and per WordPress tag of a post; an author per ``dc:creator``
    of a post (stray angle brackets ignored).
    """

    def __init__(self, path):
        self.root = etree.parse(str(path)).getroot()
        self.wp = self.root.nsmap["wp"]
        channel = self.root.find("channel")
        self.categories = {}  # slug -> (name, parent slug)
        for element in channel.findall(f"{{{self.wp}}}category"):
            slug = unquote(self._text(element, "category_nicename")).lower()
            parent = unquote(self._text(element, "category_parent")).lower()
            self.categories[slug] = (self._text(element, "cat_name"), parent)
        self.declared_logins = {
            self._text(element, "author_login")
            for name in ("author", "wp_author")
            for element in channel.findall(f"{{{self.wp}}}{name}")
        }
        self.items = [self._item(element) for element in channel.findall("item")]
        self.posts = [item for item in self.items if item["type"] == "post" and item["importable"]]
        self.pages = [item for item in self.items if item["type"] == "page" and item["importable"]]

    def _text(self, element, name):
        return (element.findtext(f"{{{self.wp}}}{name}") or "").strip()

    def _item(self, element):
        status = self._text(element, "status")
        terms = [
            (node.get("domain") or "category", unquote(node.get("nicename") or "").lower(), (node.text or "").strip())
            for node in element.findall("category")
        ]
        comments = [
            {
                "id": int(self._text(node, "comment_id")),
                "parent": int(self._text(node, "comment_parent") or 0),
                "approved": self._text(node, "comment_approved"),
                "type": self._text(node, "comment_type"),
            }
            for node in element.findall(f"{{{self.wp}}}comment")
        ]
        return {
            "id": int(self._text(element, "post_id")),
            "type": self._text(element, "post_type"),
            "status": status,
            "importable": status not in SKIPPED_STATUSES,
            "title": element.findtext("title") or "",
            "link": (element.findtext("link") or "").strip(),
            "creator": (element.findtext(f"{{{DC}}}creator") or "").strip().strip("<>").strip(),
            "password": self._text(element, "post_password"),
            "sticky": self._text(element, "is_sticky") == "1",
            "parent": int(self._text(element, "post_parent") or 0),
            "categories": list(dict.fromkeys((slug, name) for domain, slug, name in terms if domain == "category")),
            "tags": list(dict.fromkeys((slug, name) for domain, slug, name in terms if domain == "post_tag")),
            "comments": comments,
        }

    # --- what importing should make -----------------------------------------------------------

    def state(self, item):
        if item["status"] in ("publish", "private"):
            return "live"
        return "scheduled" if item["status"] == "future" else "draft"

    def comments(self):
        """The comments that become reader comments."""
        return [c for post in self.posts for c in post["comments"] if c["type"] not in ("pingback", "trackback")]

    def root_of(self, slug):
        seen = set()
        while self.categories.get(slug, ("", ""))[1] and slug not in seen:
            seen.add(slug)
            slug = self.categories[slug][1]
        return slug

    def sections(self):
        """The slugs of the sections posts are filed in."""
        return {self.root_of(p["categories"][0][0]) if p["categories"] else "uncategorized" for p in self.posts}

    def tag_names(self):
        """The names (lower case) of the tags posts get."""
        names = set()
        for post in self.posts:
            root = self.root_of(post["categories"][0][0]) if post["categories"] else None
            for slug, name in post["categories"]:
                if slug != root:
                    names.add(html.unescape(self.categories.get(slug, (name, ""))[0] or name).lower())
            names.update(html.unescape(name).lower() for _, name in post["tags"])
        return names

    def logins(self):
        return {post["creator"] for post in self.posts if post["creator"]}


# --- small exports written for one test ----------------------------------------------------------------

SITE = "https://news.example.org"


def cdata(text):
    return f"<![CDATA[{text}]]>"


def item(
    wp_id,
    title,
    *,
    post_type="post",
    status="publish",
    slug=None,
    date=datetime(2024, 5, 1, 10, 0),
    content="<p>The first paragraph. The second sentence.</p>",
    excerpt="",
    creator="editor",
    categories=(),
    tags=(),
    meta=None,
    comments=(),
    parent=0,
    password="",
    sticky=False,
    attachment_url="",
    link=None,
):
    """One ``<item>``; ``comments`` are dicts with ``id``, ``parent``, ``approved``, ``content``, ``type``."""
    slug = slug if slug is not None else title.lower().replace(" ", "-")
    link = link if link is not None else f"{SITE}/{date:%Y/%m/%d}/{slug}/"
    gmt = date - timedelta(hours=4)
    terms = "".join(
        f'<category domain="category" nicename="{s}">{cdata(n)}</category>' for s, n in categories
    ) + "".join(f'<category domain="post_tag" nicename="{s}">{cdata(n)}</category>' for s, n in tags)
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        for key, value in (meta or {}).items()
    )
    replies = "".join(
        f"""<wp:comment><wp:comment_id>{c["id"]}</wp:comment_id>
<wp:comment_author>{cdata(c.get("author", "A reader"))}</wp:comment_author>
<wp:comment_author_email>reader@example.org</wp:comment_author_email>
<wp:comment_author_url>https://reader.example.org/</wp:comment_author_url>
<wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>
<wp:comment_date>{date:%Y-%m-%d %H:%M:%S}</wp:comment_date>
<wp:comment_date_gmt>{gmt:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>
<wp:comment_content>{cdata(c.get("content", "A comment."))}</wp:comment_content>
<wp:comment_approved>{c.get("approved", "1")}</wp:comment_approved>
<wp:comment_type>{c.get("type", "comment")}</wp:comment_type>
<wp:comment_parent>{c.get("parent", 0)}</wp:comment_parent>
<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"""
        for c in comments
    )
    return f"""<item>
<title>{cdata(title)}</title><link>{link}</link><guid isPermaLink="false">{SITE}/?p={wp_id}</guid>
<dc:creator>{cdata(creator)}</dc:creator>
<content:encoded>{cdata(content)}</content:encoded><excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date>{date:%Y-%m-%d %H:%M:%S}</wp:post_date><wp:post_date_gmt>{gmt:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>
<wp:post_modified>{date:%Y-%m-%d %H:%M:%S}</wp:post_modified>
<wp:post_modified_gmt>{gmt:%Y-%m-%d %H:%M:%S}</wp:post_modified_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>{cdata(slug)}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:menu_order>0</wp:menu_order>
<wp:post_type>{post_type}</wp:post_type><wp:post_password>{cdata(password)}</wp:post_password>
<wp:is_sticky>{int(sticky)}</wp:is_sticky>
{f"<wp:attachment_url>{attachment_url}</wp:attachment_url>" if attachment_url else ""}
{terms}{metas}{replies}
</item>"""


HARBOUR_ALT = "Fishing boats in the harbour at dawn"


def attachment(wp_id, path, *, title="Harbour at dawn", alt=HARBOUR_ALT, caption="", site=SITE):
    return item(
        wp_id,
        title,
        post_type="attachment",
        status="inherit",
        content="",
        excerpt=caption,
        attachment_url=f"{site}/wp-content/uploads/{path}",
        meta={"_wp_attached_file": path, "_wp_attachment_image_alt": alt},
        link=f"{SITE}/?attachment_id={wp_id}",
    )


def export(*items, authors=(), categories=(), namespace="http://wordpress.org/export/1.2/"):
    """A whole WXR document (bytes).

    ``authors`` are ``(login, display name)`` pairs, ``categories`` ``(slug, name, parent slug)``.
    """
    people = "".join(
        f"<wp:author><wp:author_login>{login}</wp:author_login><wp:author_email>{login}@example.org</wp:author_email>"
        f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>"
        for login, name in authors
    )
    terms = "".join(
        f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
        f"<wp:category_parent>{parent}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"
        for n, (slug, name, parent) in enumerate(categories, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="{namespace}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{namespace}">
<channel>
<title>The Harbour Gazette</title><link>{SITE}</link><description>News</description>
<language>en-GB</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{SITE}</wp:base_site_url><wp:base_blog_url>{SITE}</wp:base_blog_url>
{people}{terms}
{"".join(items)}
</channel>
</rss>
""".encode()


def jpeg(color="teal", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()
