"""The WXR reader: the three WordPress test exports, hand-written WXR 1.0/1.1 files, hostile and broken input.

Expected figures are counted from each file independently, with lxml (a
different parser), then compared with what :func:`caspian.wordpress.wxr.read`
yields; the corpora README's own figures anchor the count of one file.
"""

import io
import os
import random
import threading
import tracemalloc
from collections import Counter
from datetime import UTC, datetime

import pytest
from lxml import etree
from PIL import Image

from bench.wxr_export import main as export_main
from bench.wxr_export import write_export
from caspian.wordpress import wxr
from caspian.wordpress.records import Author, Channel, Comment, Item, ItemTerm, Term
from caspian.wordpress.wxr import WxrError
from tests.corpora import path as corpus

pytestmark = pytest.mark.pure

THEME = "wp-themeunittestdata.wordpress.xml"
BLOCKS = "wp-64-block-test-data.xml"
A11Y = "wp-a11y-theme-unit-test-data.xml"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def read_all(source, **kwargs):
    """What read() yields, by kind: {"Channel": [...], "Author": [...], "Term": [...], "Item": [...]}."""
    kinds = {"Channel": [], "Author": [], "Term": [], "Item": []}
    for record in wxr.read(source, **kwargs):
        kinds[type(record).__name__].append(record)
    return kinds


# --- the three WordPress test exports -------------------------------------------------


def _local(element):
    return etree.QName(element).localname


def _text(element, name):
    return (element.findtext(f"{{*}}{name}") or "").strip()


def in_file(path):
    """What the export holds, counted with lxml straight from the XML."""
    channel = etree.parse(str(path)).getroot().find("channel")
    items = channel.findall("item")
    comments = [comment for item in items for comment in item.findall("{*}comment")]
    categories, tags, terms = (channel.findall(f"{{*}}{name}") for name in ("category", "tag", "term"))

    def excerpt(item):
        found = [c for c in item if _local(c) == "encoded" and etree.QName(c).namespace.endswith("/excerpt/")]
        return (found[0].text or "") if found else ""

    taxonomies = Counter({"category": len(categories), "post_tag": len(tags)})
    taxonomies.update(_text(term, "term_taxonomy") for term in terms)
    return {
        "post_types": Counter(_text(item, "post_type") for item in items),
        "statuses": Counter(_text(item, "status") for item in items),
        "ids": [int(_text(item, "post_id")) for item in items],
        "texts": [(item.findtext("title") or "", item.findtext(CONTENT) or "", excerpt(item)) for item in items],
        "empty_titles": sum(not (item.findtext("title") or "").strip() for item in items),
        "item_terms": [
            list(dict.fromkeys((c.get("domain"), c.get("nicename")) for c in item.findall("category")))
            for item in items
        ],
        "comments": len(comments),
        "replies": sum(_text(comment, "comment_parent") not in ("", "0") for comment in comments),
        "approved": Counter(_text(comment, "comment_approved") for comment in comments),
        "taxonomies": +taxonomies,
        "nested_terms": sum(bool(_text(c, "category_parent")) for c in categories)
        + sum(bool(_text(term, "term_parent")) for term in terms),
        "authors": [_text(author, "author_login") for author in channel if _local(author) in ("author", "wp_author")],
        "sticky": sum(_text(item, "is_sticky") == "1" for item in items),
        "password_protected": sum(bool(_text(item, "post_password")) for item in items),
    }


def what_was_read(kinds):
    items = kinds["Item"]
    comments = [comment for item in items for comment in item.comments]
    return {
        "post_types": Counter(item.post_type for item in items),
        "statuses": Counter(item.status for item in items),
        "ids": [item.wp_id for item in items],
        "texts": [(item.title, item.content, item.excerpt) for item in items],
        "empty_titles": sum(not item.title.strip() for item in items),
        "item_terms": [[(term.taxonomy, term.slug) for term in item.terms] for item in items],
        "comments": len(comments),
        "replies": sum(comment.parent_id != 0 for comment in comments),
        "approved": Counter(comment.approved for comment in comments),
        "taxonomies": Counter(term.taxonomy for term in kinds["Term"]),
        "nested_terms": sum(bool(term.parent_slug) for term in kinds["Term"]),
        "authors": [author.login for author in kinds["Author"]],
        "sticky": sum(item.is_sticky for item in items),
        "password_protected": sum(bool(item.password) for item in items),
    }


@pytest.mark.parametrize("name", [THEME, BLOCKS, A11Y])
def test_corpus_reads_as_the_file_holds(name):
    path = corpus(name)
    expected = in_file(path)
    kinds = read_all(path)
    assert len(kinds["Channel"]) == 1
    got = what_was_read(kinds)
    for key, value in expected.items():
        assert got[key] == value, key


def test_theme_unit_test_figures_match_the_corpora_readme():
    """Anchors from corpora/README.md, so a count that is wrong in the test and the reader alike still fails."""
    expected = in_file(corpus(THEME))
    got = what_was_read(read_all(corpus(THEME)))
    assert got["post_types"] == {"post": 58, "page": 21, "attachment": 37, "nav_menu_item": 70}
    assert set(got["statuses"]) == {"publish", "inherit", "future", "draft"}
    assert (got["comments"], got["replies"]) == (33, 10)
    assert (got["sticky"], got["password_protected"], got["empty_titles"]) == (1, 1, 48)
    assert got["taxonomies"]["post_tag"] == 110
    assert len(got["authors"]) == 2
    # 68 <wp:category> (10 nested) and 7 <wp:term>, one of them the category "6-1" again.
    assert got["taxonomies"]["category"] == 68 + 1
    assert got["nested_terms"] == expected["nested_terms"] == 10
    assert sum(got["taxonomies"].values()) == 68 + 110 + 7


def test_a11y_export_author_is_read_from_wp_wp_author():
    kinds = read_all(corpus(A11Y))
    assert kinds["Author"] == [
        Author(login="a11yteam", email="a11yteam@wordpress.org", display_name="Accessibility Tester")
    ]
    # Its items also name authors missing from that list: the importer falls back on dc:creator.
    assert {item.creator for item in kinds["Item"]} > {"a11yteam"}


def test_channel_comes_first_and_describes_the_site():
    stream = wxr.read(corpus(BLOCKS))
    channel = next(stream)
    assert channel == Channel(
        title="Theme test data: Blocks",
        link="https://wpthemetestdata.wordpress.com",
        description="Just another WordPress website",
        language="en-US",
        wxr_version="1.2",
        base_site_url="https://wordpress.com/",
        base_blog_url="https://wpthemetestdata.wordpress.com",
    )
    assert channel.site_url == "https://wpthemetestdata.wordpress.com"
    assert not any(isinstance(record, Channel) for record in stream)


def test_special_characters_and_non_latin_text_come_through_intact():
    items = {item.wp_id: item for item in read_all(corpus(THEME))["Item"]}
    titles = {item.title for item in items.values()}
    # The file writes it with &amp; &#039; &quot; &gt; escapes, outside CDATA.
    assert "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>" in titles
    assert "Ελληνικά-Greek" in titles
    special = next(item for item in items.values() if item.slug == "title-with-special-characters")
    assert special.content.startswith("Putting special characters in the title should have no adverse effect")
    assert (special.date, special.date_gmt) == (
        datetime(2013, 1, 5, 11, 0, 20),
        datetime(2013, 1, 5, 18, 0, 20, tzinfo=UTC),
    )
    # Content is HTML as WordPress stored it, shortcodes and all, never stripped.
    assert any("[caption" in item.content for item in items.values())
    # Post meta too: oEmbed caches keep their markup, scripts included.
    assert any("<script async" in value for item in items.values() for value in item.meta.values())


def test_dates_are_naive_local_and_aware_utc():
    item = next(item for item in read_all(corpus(THEME))["Item"] if item.post_type == "post")
    assert item.date.tzinfo is None
    assert item.date_gmt.tzinfo is UTC
    comment = next(c for i in read_all(corpus(THEME))["Item"] for c in i.comments)
    assert comment.date.tzinfo is None and comment.date_gmt.tzinfo is UTC


@pytest.mark.parametrize(
    "name, old, new",
    [
        (THEME, b"https://wordpress.org/export/", b"http://wordpress.org/export/"),
        (A11Y, b"http://wordpress.org/export/", b"https://wordpress.org/export/"),
    ],
)
def test_http_and_https_namespaces_read_the_same(tmp_path, name, old, new):
    data = corpus(name).read_bytes()
    assert data.count(old) == 2  # the wp and excerpt namespace declarations
    other = tmp_path / name
    other.write_bytes(data.replace(old, new))
    assert read_all(other) == read_all(corpus(name))


def test_a_file_object_reads_as_its_path_and_stays_open():
    path = corpus(BLOCKS)
    with open(path, "rb") as file:
        from_file = read_all(file)
        assert not file.closed
    assert from_file == read_all(path)


def test_progress_reports_bytes_read_and_the_total(tmp_path):
    path = corpus(THEME)
    calls = []
    read_all(path, progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert calls[-1] == (size, size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    class Stream:  # a pipe: no size to know
        def __init__(self, data):
            self.data = data

        def read(self, size=-1):
            chunk, self.data = self.data[:size], self.data[size:]
            return chunk

    calls.clear()
    kinds = read_all(Stream(path.read_bytes()), progress=lambda done, total: calls.append((done, total)))
    assert len(kinds["Item"]) == 186
    assert calls[-1] == (size, None)


# --- WXR 1.0 and 1.1, written here ---------------------------------------------------------

WXR_1_0 = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- generator="WordPress/2.9.2" created="2010-03-14 09:30"-->
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.0/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.0/"
>
<channel>
\t<title>Harbour Notes</title>
\t<link>http://harbour.example.net</link>
\t<description>A small paper for a small port</description>
\t<language>en</language>
\t<wp:wxr_version>1.0</wp:wxr_version>
\t<wp:base_site_url>http://harbour.example.net</wp:base_site_url>
\t<wp:base_blog_url>http://harbour.example.net</wp:base_blog_url>
\t<wp:category>
\t\t<wp:category_nicename>notes-from-the-quay</wp:category_nicename>
\t\t<wp:category_parent></wp:category_parent>
\t\t<wp:cat_name><![CDATA[Field notes]]></wp:cat_name></wp:category>
\t<wp:category>
\t\t<wp:category_nicename>tides</wp:category_nicename>
\t\t<wp:category_parent>notes-from-the-quay</wp:category_parent>
\t\t<wp:cat_name><![CDATA[Tides]]></wp:cat_name></wp:category>
\t<wp:tag><wp:tag_slug>ferries</wp:tag_slug><wp:tag_name><![CDATA[Ferries]]></wp:tag_name></wp:tag>
\t<item>
\t\t<title>Ferry times change &amp; the early boat goes</title>
\t\t<link>http://harbour.example.net/2010/03/13/ferry-times/</link>
\t\t<dc:creator>harbourmaster</dc:creator>
\t\t<category><![CDATA[Field notes]]></category>
\t\t<category domain="category" nicename="notes-from-the-quay"><![CDATA[Field notes]]></category>
\t\t<category domain="tag"><![CDATA[Ferries]]></category>
\t\t<category domain="tag" nicename="ferries"><![CDATA[Ferries]]></category>
\t\t<category domain="tag"><![CDATA[Río Negro crossing]]></category>
\t\t<guid isPermaLink="false">http://harbour.example.net/?p=12</guid>
\t\t<content:encoded><![CDATA[<p>Boats leave at 07:10 &amp; 17:40 — café open.</p>]]></content:encoded>
\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>
\t\t<wp:post_id>12</wp:post_id>
\t\t<wp:post_date>2010-03-13 18:05:00</wp:post_date>
\t\t<wp:post_date_gmt>2010-03-13 16:05:00</wp:post_date_gmt>
\t\t<wp:comment_status>open</wp:comment_status>
\t\t<wp:post_name>ferry-times</wp:post_name>
\t\t<wp:status>publish</wp:status>
\t\t<wp:post_parent>0</wp:post_parent>
\t\t<wp:menu_order>0</wp:menu_order>
\t\t<wp:post_type>post</wp:post_type>
\t\t<wp:post_password></wp:post_password>
\t\t<wp:comment>
\t\t\t<wp:comment_id>3</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[A quay resident]]></wp:comment_author>
\t\t\t<wp:comment_author_email>resident@example.net</wp:comment_author_email>
\t\t\t<wp:comment_author_url>http://</wp:comment_author_url>
\t\t\t<wp:comment_author_IP>192.0.2.7</wp:comment_author_IP>
\t\t\t<wp:comment_date>2010-03-13 19:00:00</wp:comment_date>
\t\t\t<wp:comment_date_gmt>2010-03-13 17:00:00</wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[Does the early boat still call at the island?]]></wp:comment_content>
\t\t\t<wp:comment_approved>1</wp:comment_approved>
\t\t\t<wp:comment_type></wp:comment_type>
\t\t\t<wp:comment_parent>0</wp:comment_parent>
\t\t\t<wp:comment_user_id>0</wp:comment_user_id>
\t\t</wp:comment>
\t</item>
\t<item>
\t\t<title>Draft: net prices</title>
\t\t<dc:creator>harbourmaster</dc:creator>
\t\t<content:encoded><![CDATA[Half written.]]></content:encoded>
\t\t<wp:post_id>14</wp:post_id>
\t\t<wp:post_date>2010-03-14 08:00:00</wp:post_date>
\t\t<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
\t\t<wp:post_name></wp:post_name>
\t\t<wp:status>draft</wp:status>
\t\t<wp:post_type>post</wp:post_type>
\t\t<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>
\t</item>
</channel>
</rss>
"""


def test_wxr_1_0(tmp_path):
    path = tmp_path / "harbour.xml"
    path.write_text(WXR_1_0, encoding="utf-8")
    kinds = read_all(path)
    assert kinds["Channel"][0].wxr_version == "1.0"
    assert kinds["Channel"][0].site_url == "http://harbour.example.net"
    assert kinds["Author"] == []
    assert kinds["Term"] == [
        Term(taxonomy="category", slug="notes-from-the-quay", name="Field notes"),
        Term(taxonomy="category", slug="tides", name="Tides", parent_slug="notes-from-the-quay"),
        Term(taxonomy="post_tag", slug="ferries", name="Ferries"),
    ]
    ferry, draft = kinds["Item"]
    assert ferry == Item(
        wp_id=12,
        post_type="post",
        title="Ferry times change & the early boat goes",
        link="http://harbour.example.net/2010/03/13/ferry-times/",
        guid="http://harbour.example.net/?p=12",
        creator="harbourmaster",
        content="<p>Boats leave at 07:10 &amp; 17:40 — café open.</p>",
        date=datetime(2010, 3, 13, 18, 5),
        date_gmt=datetime(2010, 3, 13, 16, 5, tzinfo=UTC),
        status="publish",
        slug="ferry-times",
        comment_status="open",
        # The legacy duplicates (no domain, domain "tag", no nicename) fold into one term each.
        terms=[
            ItemTerm("category", "notes-from-the-quay", "Field notes"),
            ItemTerm("post_tag", "ferries", "Ferries"),
            ItemTerm("post_tag", "rio-negro-crossing", "Río Negro crossing"),
        ],
        comments=[
            Comment(
                wp_id=3,
                author="A quay resident",
                author_email="resident@example.net",
                author_url="http://",
                author_ip="192.0.2.7",
                date=datetime(2010, 3, 13, 19, 0),
                date_gmt=datetime(2010, 3, 13, 17, 0, tzinfo=UTC),
                content="Does the early boat still call at the island?",
                approved="1",
            )
        ],
    )
    assert (draft.wp_id, draft.status, draft.slug, draft.link) == (14, "draft", "", "")
    assert (draft.date, draft.date_gmt, draft.modified) == (datetime(2010, 3, 14, 8, 0), None, None)
    assert draft.meta == {"_edit_last": "1"}


WXR_1_1 = """\
<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel>
<title>Valley Courier</title>
<link>https://courier.example.org</link>
<description></description>
<language>fr-FR</language>
<wp:wxr_version>1.1</wp:wxr_version>
<wp:base_site_url>https://courier.example.org</wp:base_site_url>
<wp:base_blog_url>https://courier.example.org/news</wp:base_blog_url>
<wp:author>
\t<wp:author_id>4</wp:author_id>
\t<wp:author_login>  ines  </wp:author_login>
\t<wp:author_email>ines@courier.example.org</wp:author_email>
\t<wp:author_display_name><![CDATA[Inès Dupré]]></wp:author_display_name>
\t<wp:author_first_name><![CDATA[Inès]]></wp:author_first_name>
\t<wp:author_last_name><![CDATA[Dupré]]></wp:author_last_name></wp:author>
<wp:category>
\t<wp:term_id>7</wp:term_id>
\t<wp:category_nicename>vallee</wp:category_nicename>
\t<wp:category_parent></wp:category_parent>
\t<wp:cat_name><![CDATA[Vallée]]></wp:cat_name>
\t<wp:category_description><![CDATA[News from <em>up the valley</em>]]></wp:category_description></wp:category>
<wp:term>
\t<wp:term_id>9</wp:term_id>
\t<wp:term_taxonomy>series</wp:term_taxonomy>
\t<wp:term_slug>winter-roads</wp:term_slug>
\t<wp:term_parent></wp:term_parent>
\t<wp:term_name><![CDATA[Winter roads]]></wp:term_name></wp:term>
<item>
<title>Snow closes the pass</title>
<link>https://courier.example.org/news/2012/01/snow-closes-the-pass/</link>
<dc:creator>ines</dc:creator>
<guid isPermaLink="false">https://courier.example.org/news/?p=40</guid>
<content:encoded><![CDATA[<p>The pass shut at dawn.</p>

https://video.example.com/watch/1234

<!-- wp:paragraph --><p>Ploughs are out.</p><!-- /wp:paragraph -->]]></content:encoded>
<excerpt:encoded><![CDATA[Closed until Thursday.]]></excerpt:encoded>
<wp:post_id>40</wp:post_id>
<wp:post_date>2012-01-09 07:30:00</wp:post_date>
<wp:post_date_gmt>2012-01-09 06:30:00</wp:post_date_gmt>
<wp:post_name>snow-closes-the-pass</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type>post</wp:post_type>
<wp:post_password>thaw</wp:post_password>
<wp:is_sticky>1</wp:is_sticky>
<category domain="category" nicename="vallee"><![CDATA[Vallée]]></category>
<category domain="series" nicename="winter-roads"><![CDATA[Winter roads]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[41]]></wp:meta_value></wp:postmeta>
<wp:comment>
\t<wp:comment_id>8</wp:comment_id>
\t<wp:comment_author><![CDATA[Luc]]></wp:comment_author>
\t<wp:comment_author_email></wp:comment_author_email>
\t<wp:comment_author_url></wp:comment_author_url>
\t<wp:comment_author_IP>198.51.100.4</wp:comment_author_IP>
\t<wp:comment_date>2012-01-09 09:00:00</wp:comment_date>
\t<wp:comment_date_gmt>0000-00-00 00:00:00</wp:comment_date_gmt>
\t<wp:comment_content><![CDATA[Is the bus running?]]></wp:comment_content>
\t<wp:comment_approved>1</wp:comment_approved>
\t<wp:comment_type></wp:comment_type>
\t<wp:comment_parent>0</wp:comment_parent>
\t<wp:comment_user_id>0</wp:comment_user_id></wp:comment>
<wp:comment>
\t<wp:comment_id>9</wp:comment_id>
\t<wp:comment_author><![CDATA[Inès Dupré]]></wp:comment_author>
\t<wp:comment_author_email>ines@courier.example.org</wp:comment_author_email>
\t<wp:comment_author_url></wp:comment_author_url>
\t<wp:comment_author_IP>198.51.100.9</wp:comment_author_IP>
\t<wp:comment_date>2012-01-09 09:20:00</wp:comment_date>
\t<wp:comment_date_gmt>2012-01-09 08:20:00</wp:comment_date_gmt>
\t<wp:comment_content><![CDATA[Not before noon.]]></wp:comment_content>
\t<wp:comment_approved>1</wp:comment_approved>
\t<wp:comment_type></wp:comment_type>
\t<wp:comment_parent>8</wp:comment_parent>
\t<wp:comment_user_id>4</wp:comment_user_id></wp:comment>
<wp:comment>
\t<wp:comment_id>10</wp:comment_id>
\t<wp:comment_author><![CDATA[best deals]]></wp:comment_author>
\t<wp:comment_author_email>x@spam.example.com</wp:comment_author_email>
\t<wp:comment_author_url>https://spam.example.com/</wp:comment_author_url>
\t<wp:comment_author_IP>203.0.113.50</wp:comment_author_IP>
\t<wp:comment_date>2012-01-09 10:00:00</wp:comment_date>
\t<wp:comment_date_gmt>2012-01-09 09:00:00</wp:comment_date_gmt>
\t<wp:comment_content><![CDATA[cheap tyres]]></wp:comment_content>
\t<wp:comment_approved>spam</wp:comment_approved>
\t<wp:comment_type></wp:comment_type>
\t<wp:comment_parent>0</wp:comment_parent>
\t<wp:comment_user_id>0</wp:comment_user_id></wp:comment>
</item>
<item>
<title>pass.jpg</title>
<link>https://courier.example.org/news/2012/01/snow-closes-the-pass/pass/</link>
<dc:creator>ines</dc:creator>
<content:encoded><![CDATA[]]></content:encoded>
<excerpt:encoded><![CDATA[The pass at dawn.]]></excerpt:encoded>
<wp:post_id>41</wp:post_id>
<wp:post_date>2012-01-09 07:20:00</wp:post_date>
<wp:post_date_gmt>2012-01-09 06:20:00</wp:post_date_gmt>
<wp:post_name>pass</wp:post_name>
<wp:status>inherit</wp:status>
<wp:post_parent>40</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://courier.example.org/wp-content/uploads/2012/01/pass.jpg</wp:attachment_url>
<wp:postmeta>
\t<wp:meta_key>_wp_attached_file</wp:meta_key>
\t<wp:meta_value><![CDATA[2012/01/pass.jpg]]></wp:meta_value></wp:postmeta>
</item>
</channel>
</rss>
"""


def test_wxr_1_1(tmp_path):
    path = tmp_path / "courier.xml"
    path.write_text(WXR_1_1, encoding="utf-8")
    kinds = read_all(path)
    channel = kinds["Channel"][0]
    assert (channel.wxr_version, channel.language, channel.site_url) == (
        "1.1",
        "fr-FR",
        "https://courier.example.org/news",
    )
    assert kinds["Author"] == [
        Author(
            login="ines",
            email="ines@courier.example.org",
            display_name="Inès Dupré",
            first_name="Inès",
            last_name="Dupré",
            wp_id=4,
        )
    ]
    assert kinds["Term"] == [
        Term("category", "vallee", "Vallée", wp_id=7, description="News from <em>up the valley</em>"),
        Term("series", "winter-roads", "Winter roads", wp_id=9),
    ]
    post, photo = kinds["Item"]
    assert post.content == (
        "<p>The pass shut at dawn.</p>\n\nhttps://video.example.com/watch/1234\n\n"
        "<!-- wp:paragraph --><p>Ploughs are out.</p><!-- /wp:paragraph -->"
    )
    assert (post.excerpt, post.password, post.is_sticky) == ("Closed until Thursday.", "thaw", True)
    assert post.terms == [ItemTerm("category", "vallee", "Vallée"), ItemTerm("series", "winter-roads", "Winter roads")]
    assert post.meta == {"_thumbnail_id": "41"}
    assert [(c.wp_id, c.parent_id, c.approved, c.user_id) for c in post.comments] == [
        (8, 0, "1", 0),
        (9, 8, "1", 4),
        (10, 0, "spam", 0),
    ]
    assert post.comments[0].date_gmt is None and post.comments[0].date == datetime(2012, 1, 9, 9, 0)
    assert (photo.post_type, photo.status, photo.parent_id) == ("attachment", "inherit", 40)
    assert photo.attachment_url == "https://courier.example.org/wp-content/uploads/2012/01/pass.jpg"
    assert photo.meta == {"_wp_attached_file": "2012/01/pass.jpg"}


def test_an_export_without_records_still_yields_its_channel(tmp_path):
    path = tmp_path / "empty-site.xml"
    head = WXR_1_1.split("<wp:author>")[0]
    path.write_text(head + "</channel>\n</rss>\n", encoding="utf-8")
    assert list(wxr.read(path)) == [
        Channel(
            title="Valley Courier",
            link="https://courier.example.org",
            language="fr-FR",
            wxr_version="1.1",
            base_site_url="https://courier.example.org",
            base_blog_url="https://courier.example.org/news",
        )
    ]


# --- hostile input ---------------------------------------------------------------------------

BODY = WXR_1_1.split("\n", 1)[1]  # the export without its XML declaration
HOSTILE = {
    "billion laughs": """<!DOCTYPE rss [
<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
""",
    "external entity": '<!DOCTYPE rss [<!ENTITY secret SYSTEM "{uri}">]>\n',
    "external DTD": '<!DOCTYPE rss SYSTEM "{uri}">\n',
    "parameter entity": '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{uri}"> %remote;]>\n',
    "harmless-looking DTD": "<!DOCTYPE rss>\n",
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_input_is_refused_without_opening_what_it_names(tmp_path, kind):
    """Each names a FIFO: a parser that tried to read it would block, and the test would see it stuck."""
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    body = BODY.replace("<title>Snow closes the pass</title>", "<title>&lol9;&secret;</title>")
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + HOSTILE[kind].replace("{uri}", fifo.as_uri()) + body)
    outcome = {}

    def run():
        try:
            outcome["records"] = list(wxr.read(path))
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(15)
    stuck = thread.is_alive()
    if stuck:  # let the parser go before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(15)
    assert not stuck, "the reader opened the file the export refers to"
    error = outcome.get("error")
    assert isinstance(error, WxrError), outcome
    assert str(error).startswith(f"refused: export.xml declares a DTD or entities at line 2, column {error.column}, ")
    assert error.line == 2
    assert "\n" not in str(error)


def test_an_html_page_is_not_an_export(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text("<!DOCTYPE html>\n<html><head><title>Log in</title></head><body></body></html>\n")
    with pytest.raises(WxrError, match=r"^export.xml is not a WordPress export \(WXR\): it is an HTML page"):
        list(wxr.read(path))


# --- broken and foreign files ------------------------------------------------------------------


def test_a_file_cut_short_is_reported_with_its_last_line(tmp_path):
    data = corpus(THEME).read_bytes()
    half = data[: len(data) // 2]
    path = tmp_path / "export.xml"
    path.write_bytes(half)
    seen = []
    with pytest.raises(WxrError) as caught:
        for record in wxr.read(path):
            seen.append(record)
    message = str(caught.value)
    assert message.startswith("export.xml is cut short: it stops at line ")
    assert "export it again from WordPress, Tools → Export" in message
    lines = half.count(b"\n") + 1
    assert 1000 < caught.value.line <= lines
    assert f"line {caught.value.line}," in message
    assert isinstance(seen[0], Channel) and any(isinstance(record, Item) for record in seen)


def test_malformed_xml_names_the_line_and_column(tmp_path):
    data = corpus(THEME).read_bytes()
    at = data.index(b"</wp:post_name>", len(data) // 3)
    path = tmp_path / "export.xml"
    path.write_bytes(data[:at] + b"</wp:post_nam>" + data[at + len(b"</wp:post_name>") :])
    with pytest.raises(WxrError) as caught:
        list(wxr.read(path))
    line = data[:at].count(b"\n") + 1
    column = at - data.rfind(b"\n", 0, at)
    assert caught.value.line == line
    assert column <= caught.value.column < column + len("</wp:post_nam>")
    assert str(caught.value).startswith(
        f"export.xml is not well-formed XML at line {line}, column {caught.value.column} (mismatched tag): "
    )


RSS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valley Courier</title><link>https://courier.example.org</link>
<item><title>Snow closes the pass</title><link>https://courier.example.org/snow/</link></item>
</channel></rss>
"""


@pytest.mark.parametrize(
    "text, why",
    [
        (RSS_FEED, "it has no wp: elements"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title></feed>', "its root element is <feed>"),
        ('<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><wp:author/></rss>', "it has no <channel>"),
    ],
)
def test_xml_that_is_not_an_export(tmp_path, text, why):
    path = tmp_path / "feed.xml"
    path.write_text(text)
    with pytest.raises(WxrError, match=rf"^feed\.xml is not a WordPress export \(WXR\): {why}"):
        list(wxr.read(path))


@pytest.mark.parametrize("content, size", [(b"", "0 bytes"), (b"\n \n", "3 bytes, no XML element")])
def test_an_empty_file(tmp_path, content, size):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(WxrError, match=rf"^export\.xml is empty \({size}\): export it again"):
        list(wxr.read(path))


@pytest.mark.parametrize("encoding", ["GBK", "no-such-encoding"])
def test_an_encoding_python_cannot_read(tmp_path, encoding):
    path = tmp_path / "export.xml"
    path.write_text(f'<?xml version="1.0" encoding="{encoding}"?>\n<rss/>')
    with pytest.raises(WxrError, match=r"^export\.xml declares an encoding that cannot be read \(.+\) at line 1: "):
        list(wxr.read(path))


def test_damaged_files_only_ever_raise_wxr_error():
    """Seeded random damage to a small export: whatever breaks, the caller sees a WxrError or records."""
    rng = random.Random(2026)
    base = WXR_1_1.encode()
    outcomes = Counter()
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.4:
                data[at] = rng.randrange(256)
            elif choice < 0.7:
                del data[at : at + rng.randint(1, 40)]
            else:
                data[at:at] = rng.choice([b"<", b"&", b"]]>", b"<!DOCTYPE x>", b"&amp;", b"<x>", b"</item>", b"\x00"])
        try:
            list(wxr.read(io.BytesIO(bytes(data))))
            outcomes["read"] += 1
        except WxrError as error:
            assert "\n" not in str(error)
            outcomes["refused"] += 1
    assert outcomes["refused"] > 200


def test_a_missing_file(tmp_path):
    with pytest.raises(WxrError, match=r"^cannot open nowhere\.xml: No such file"):
        list(wxr.read(tmp_path / "nowhere.xml"))


def test_an_item_without_an_id_is_refused(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(WXR_1_0.replace("<wp:post_id>14</wp:post_id>", ""), encoding="utf-8")
    with pytest.raises(WxrError, match=r"^export\.xml has an item without a wp:post_id \(a number\) near line \d+"):
        list(wxr.read(path))


# --- generated exports: round trip and flat memory ------------------------------------------


@pytest.mark.parametrize("https", [False, True])
def test_generated_export_reads_back_as_written(tmp_path, https):
    uploads = tmp_path / "uploads"
    summary = write_export(tmp_path / "export.xml", 300, seed=7, media_dir=uploads, https=https)
    text = (tmp_path / "export.xml").read_text(encoding="utf-8")
    assert ('xmlns:wp="https://wordpress.org/export/1.2/"' in text) is https
    kinds = read_all(tmp_path / "export.xml")
    items = kinds["Item"]
    posts = [item for item in items if item.post_type == "post"]
    comments = [comment for item in items for comment in item.comments]
    assert len(posts) == 300
    assert Counter(item.status for item in posts) == summary.posts
    assert {"publish", "draft"} <= set(summary.posts)
    types = Counter(item.post_type for item in items)
    assert (types["page"], types["attachment"], types["nav_menu_item"]) == (
        summary.pages,
        summary.attachments,
        summary.menu_items,
    )
    assert summary.attachments == 15
    assert Counter(comment.approved for comment in comments) == summary.comments
    assert set(summary.comments) == {"1", "0", "spam"}
    assert sum(comment.parent_id != 0 for comment in comments) == summary.replies > 0
    assert sum(comment.type == "pingback" for comment in comments) == summary.pingbacks
    assert sum(item.is_sticky for item in items) == summary.sticky > 0
    assert sum(bool(item.password) for item in items) == summary.password_protected
    assert len(kinds["Author"]) == summary.authors > 1
    logins = {author.login for author in kinds["Author"]}
    assert sum(item.creator not in logins for item in posts) == summary.undeclared_creators
    terms = Counter(term.taxonomy for term in kinds["Term"])
    assert (terms["category"], terms["post_tag"]) == (summary.categories, summary.tags)
    assert sum(terms.values()) == summary.categories + summary.tags + summary.terms
    assert sum(bool(term.parent_slug) for term in kinds["Term"]) == summary.nested_categories > 0
    assert sum("<!-- wp:paragraph -->" in post.content for post in posts) == summary.block_editor
    assert any("[caption " in post.content for post in posts)
    # Every attachment's file is in --media-dir where its URL says, a real image.
    for item in items:
        if item.post_type == "attachment":
            relative = item.attachment_url.split("/wp-content/uploads/", 1)[1]
            assert item.meta["_wp_attached_file"] == relative
            with Image.open(uploads / relative) as image:
                assert image.format == ("PNG" if relative.endswith(".png") else "JPEG")
    assert sorted(summary.images) == sorted(str(p.relative_to(uploads)) for p in uploads.rglob("*.*"))


def test_generator_command_line(tmp_path, capsys):
    out = tmp_path / "export.xml"
    assert export_main(["20", str(out), "--seed", "3"]) == 0
    assert "20 posts" in capsys.readouterr().out
    assert len([item for item in read_all(out)["Item"] if item.post_type == "post"]) == 20
    with pytest.raises(SystemExit):
        export_main(["--help"])
    assert "--media-dir" in capsys.readouterr().out


def _peak_bytes(path):
    """The most memory Python held at once while reading ``path`` through, and how many items it read."""
    tracemalloc.start()
    try:
        count = 0
        for record in wxr.read(path):
            count += isinstance(record, Item)
        return tracemalloc.get_traced_memory()[1], count
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_export(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_export(small, 500, seed=1)
    write_export(large, 5000, seed=1)
    assert large.stat().st_size > 9 * small.stat().st_size
    small_peak, small_items = _peak_bytes(small)
    large_peak, large_items = _peak_bytes(large)
    assert large_items > 9 * small_items
    # A reader that kept the tree or the records would need ten times as much.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
