"""WordPress post HTML → body blocks: block-editor and classic markup, shortcodes, images, safety, the three exports.

The small inputs are our own; the corpora tests run every post and page of
the three WordPress test exports (read here with lxml, independently of the
importer's reader) through :func:`convert` and check that nothing unsafe
survives, no visible word is lost, and the blocks load and render.
"""

import json
import re
from functools import cache
from unittest.mock import ANY

import pytest
from django.db import connection
from lxml import etree
from lxml import html as lxml_html
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.blocks import StreamValue

from caspian.newsroom.blocks import TEXT_FEATURES, BodyBlock, SanitisedHTMLBlock
from caspian.wordpress.content import Conversion, convert
from tests.corpora import path as corpus

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXPORTS = ("wp-themeunittestdata.wordpress.xml", "wp-64-block-test-data.xml", "wp-a11y-theme-unit-test-data.xml")


def blocks(html, **kwargs):
    """``(type, value)`` pairs of the conversion, for compact assertions."""
    return [(block["type"], block["value"]) for block in convert(html, **kwargs).blocks]


def known_images(url, attachment_id):
    """A stand-in for the importer's lookup: attachments with odd ids exist, as image 100 + id."""
    return 100 + attachment_id if attachment_id and attachment_id % 2 else None


# --- block-editor markup -----------------------------------------------------------------


@pytest.mark.pure
def test_paragraph_text_and_inline_formatting_survive_exactly():
    html = (
        "<!-- wp:paragraph -->\n<p>Çay &amp; “simit” at 5&nbsp;a.m. &lt;sharp&gt; — <strong>strong</strong>, "
        '<em>emphasis</em>, <a href="https://example.org/?a=1&amp;b=2" target="_blank">a link</a>, '
        '<span class="x">a span</span>\'s end</p>\n<!-- /wp:paragraph -->'
    )
    assert blocks(html) == [
        (
            "paragraph",
            "<p>Çay &amp; “simit” at 5\xa0a.m. &lt;sharp&gt; — <b>strong</b>, <i>emphasis</i>, "
            '<a href="https://example.org/?a=1&amp;b=2">a link</a>, a span\'s end</p>',
        )
    ]


@pytest.mark.pure
def test_h2_becomes_a_heading_block_and_h3_h4_stay_in_rich_text():
    html = (
        '<!-- wp:heading --><h2 class="wp-block-heading">Harbour <em>plans</em></h2><!-- /wp:heading -->'
        '<!-- wp:heading {"level":3} --><h3>Berths</h3><!-- /wp:heading -->'
        '<!-- wp:heading {"level":4} --><h4>North <strong>quay</strong></h4><!-- /wp:heading -->'
        '<!-- wp:heading {"level":5} --><h5>Small print</h5><!-- /wp:heading -->'
    )
    assert blocks(html) == [
        ("heading", "Harbour plans"),
        ("paragraph", "<h3>Berths</h3>"),
        ("paragraph", "<h4>North <b>quay</b></h4>"),
        ("html", "<h5>Small print</h5>"),
    ]


@pytest.mark.pure
def test_a_heading_too_long_or_with_a_link_is_kept_as_html():
    long = "A" * 121
    html = f'<h2>{long}</h2><h2>See <a href="https://example.org/">the map</a></h2>'
    assert [kind for kind, _ in blocks(html)] == ["html", "html"]
    assert 'href="https://example.org/"' in blocks(html)[1][1]


@pytest.mark.pure
def test_lists_with_list_item_blocks_become_rich_text_lists():
    html = (
        '<!-- wp:list --><ul class="wp-block-list"><!-- wp:list-item --><li>Ferries</li><!-- /wp:list-item -->'
        '<!-- wp:list-item --><li>Rail<!-- wp:list {"ordered":true} --><ol><!-- wp:list-item -->'
        "<li><strong>Baku</strong>–Tbilisi</li><!-- /wp:list-item --></ol><!-- /wp:list --></li>"
        "<!-- /wp:list-item --></ul><!-- /wp:list -->"
    )
    assert blocks(html) == [
        ("paragraph", "<ul><li>Ferries</li><li>Rail<ol><li><b>Baku</b>–Tbilisi</li></ol></li></ul>")
    ]


@pytest.mark.pure
def test_quote_and_pullquote_become_quote_blocks():
    html = (
        '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>The port never sleeps.</p>'
        "<!-- /wp:paragraph --><!-- wp:paragraph --><p>Nor do we.</p><!-- /wp:paragraph -->"
        "<cite>A crane driver</cite></blockquote><!-- /wp:quote -->"
        '<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>Line one<br>line two</p>'
        "<cite>Harbour master</cite></blockquote></figure><!-- /wp:pullquote -->"
    )
    assert blocks(html) == [
        ("quote", {"text": "The port never sleeps.\n\nNor do we.", "attribution": "A crane driver"}),
        ("quote", {"text": "Line one\nline two", "attribution": "Harbour master"}),
    ]


@pytest.mark.pure
def test_a_quote_with_a_link_keeps_its_link_as_html():
    html = '<blockquote><p>Read <a href="https://example.org/report">the report</a>.</p></blockquote>'
    ((kind, value),) = blocks(html)
    assert kind == "html"
    assert value.startswith("<blockquote>") and 'href="https://example.org/report"' in value


@pytest.mark.pure
def test_image_block_uses_the_attachment_id_alt_and_caption():
    calls = []

    def image_for(url, attachment_id):
        calls.append((url, attachment_id))
        return 42

    html = (
        '<!-- wp:image {"id":81,"sizeSlug":"large"} --><figure class="wp-block-image size-large">'
        '<a href="https://old.example/ferry.jpg"><img src="https://old.example/ferry-1024x768.jpg" alt="A ferry &amp; '
        'gulls" class="wp-image-81"/></a><figcaption class="wp-element-caption">Morning <em>ferry</em> to '
        "Türkmenbaşy</figcaption></figure><!-- /wp:image -->"
    )
    assert blocks(html, image_for=image_for) == [
        ("image", {"image": 42, "alt": "A ferry & gulls", "caption": "Morning ferry to Türkmenbaşy", "credit": ""})
    ]
    assert calls == [("https://old.example/ferry-1024x768.jpg", 81)]


@pytest.mark.pure
def test_gallery_becomes_one_image_block_per_image_and_its_caption_a_paragraph():
    html = (
        '<!-- wp:gallery {"linkTo":"none"} --><figure class="wp-block-gallery has-nested-images">'
        '<!-- wp:image {"id":11} --><figure class="wp-block-image"><img src="https://old.example/a.jpg" alt="Dock" '
        'class="wp-image-11"/></figure><!-- /wp:image --><!-- wp:image {"id":13} --><figure class="wp-block-image">'
        '<img src="https://old.example/b.jpg" alt="" class="wp-image-13"/><figcaption>Cranes</figcaption></figure>'
        '<!-- /wp:image --><figcaption class="blocks-gallery-caption">The new terminal</figcaption></figure>'
        "<!-- /wp:gallery -->"
    )
    assert blocks(html, image_for=known_images) == [
        ("image", {"image": 111, "alt": "Dock", "caption": "", "credit": ""}),
        ("image", {"image": 113, "alt": "", "caption": "Cranes", "credit": ""}),
        ("paragraph", "<p>The new terminal</p>"),
    ]


@pytest.mark.pure
def test_embed_blocks_become_embeds_with_their_caption_after():
    html = (
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc123","type":"video","providerNameSlug":"youtube"} -->'
        '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">\n'
        "https://www.youtube.com/watch?v=abc123\n</div><figcaption>Launch day</figcaption></figure><!-- /wp:embed -->"
        '<!-- wp:core-embed/vimeo {"url":"https://vimeo.com/1234"} --><figure class="wp-block-embed-vimeo">'
        '<div class="wp-block-embed__wrapper">https://vimeo.com/1234</div></figure><!-- /wp:core-embed/vimeo -->'
    )
    assert blocks(html) == [
        ("embed", "https://www.youtube.com/watch?v=abc123"),
        ("paragraph", "<p>Launch day</p>"),
        ("embed", "https://vimeo.com/1234"),
    ]


@pytest.mark.pure
def test_code_preformatted_table_html_and_separator_blocks():
    html = (
        '<!-- wp:code --><pre class="wp-block-code"><code>if (a &lt; b) {\n  go();\n}</code></pre><!-- /wp:code -->'
        '<!-- wp:preformatted --><pre class="wp-block-preformatted">  two  spaces</pre><!-- /wp:preformatted -->'
        '<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr><td>Baku</td><td>2.3m</td></tr></tbody>'
        "</table></figure><!-- /wp:table -->"
        '<!-- wp:html --><div class="widget">Tide <sub>low</sub></div><!-- /wp:html -->'
        '<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->'
    )
    assert blocks(html) == [
        ("html", "<pre><code>if (a &lt; b) {\n  go();\n}</code></pre>"),
        ("html", "<pre>  two  spaces</pre>"),
        ("html", "<figure><table><tbody><tr><td>Baku</td><td>2.3m</td></tr></tbody></table></figure>"),
        ("html", "<p>Tide <sub>low</sub></p>"),
        ("html", "<hr>"),
    ]


@pytest.mark.pure
def test_columns_and_groups_are_flattened_in_reading_order():
    html = (
        '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column">'
        "<!-- wp:paragraph --><p>Left</p><!-- /wp:paragraph --></div><!-- /wp:column --><!-- wp:column -->"
        '<div class="wp-block-column"><!-- wp:group --><div class="wp-block-group"><!-- wp:heading -->'
        "<h2>Right</h2><!-- /wp:heading --><!-- wp:paragraph --><p>Below</p><!-- /wp:paragraph --></div>"
        "<!-- /wp:group --></div><!-- /wp:column --></div><!-- /wp:columns -->"
    )
    assert blocks(html) == [("paragraph", "<p>Left</p>"), ("heading", "Right"), ("paragraph", "<p>Below</p>")]


@pytest.mark.pure
def test_unknown_blocks_keep_their_html_and_dynamic_blocks_leave_a_note():
    html = (
        '<!-- wp:acme/timeline {"year":1901} --><div class="timeline"><p>1901: <b>oil</b> boom</p>'
        '<button onclick="go()">More</button></div><!-- /wp:acme/timeline -->'
        '<!-- wp:latest-posts {"postsToShow":3} /-->'
        '<!-- wp:spacer --><div style="height:20px"></div><!-- /wp:spacer -->'
    )
    result = convert(html)
    assert [(b["type"], b["value"]) for b in result.blocks] == [("html", "<div><p>1901: <b>oil</b> boom</p>More</div>")]
    assert "kept wp:acme/timeline as HTML" in result.notes
    assert "skipped wp:latest-posts (WordPress builds it when the page is shown)" in result.notes
    assert "removed event-handler attribute" in result.notes


# --- classic content ---------------------------------------------------------------------


@pytest.mark.pure
def test_classic_blank_lines_make_paragraphs_and_single_newlines_line_breaks():
    html = "First line\nsecond line\n\nNext <strong>paragraph\n\nsplit</strong> inside bold<br />\nafter a break"
    assert blocks(html) == [
        ("paragraph", "<p>First line<br/>second line</p>"),
        ("paragraph", "<p>Next <b>paragraph</b></p>"),
        ("paragraph", "<p><b>split</b> inside bold<br/>after a break</p>"),
    ]


@pytest.mark.pure
def test_classic_inline_html_and_block_elements_are_kept():
    html = (
        "<h2>Section</h2>\nIntro with <b>bold</b> and <i>italic</i>.\n<ul>\n\t<li>one</li>\n\t<li>two</li>\n</ul>\n"
        "<blockquote>Stand on the quay.\n\nWatch.</blockquote>\n<h6>Footnote</h6>"
    )
    assert blocks(html) == [
        ("heading", "Section"),
        ("paragraph", "<p>Intro with <b>bold</b> and <i>italic</i>.</p>"),
        ("paragraph", "<ul><li>one</li><li>two</li></ul>"),
        ("quote", {"text": "Stand on the quay.\n\nWatch.", "attribution": ""}),
        ("html", "<h6>Footnote</h6>"),
    ]


@pytest.mark.pure
def test_caption_shortcode_becomes_an_image_with_its_caption():
    html = (
        'Before.\n\n[caption id="attachment_7" align="alignleft" width="300"]<a href="https://old.example/p.jpg">'
        '<img class="size-medium wp-image-7" src="https://old.example/p-300x200.jpg" alt="Pier" width="300" /></a>'
        " The old pier, 1950[/caption]\n\nAfter."
    )
    assert blocks(html, image_for=known_images) == [
        ("paragraph", "<p>Before.</p>"),
        ("image", {"image": 107, "alt": "Pier", "caption": "The old pier, 1950", "credit": ""}),
        ("paragraph", "<p>After.</p>"),
    ]


@pytest.mark.pure
def test_gallery_shortcode_with_ids_becomes_image_blocks_and_without_ids_a_note():
    result = convert('[gallery columns="2" ids="3, 5,9"]\n\n[gallery]', image_for=known_images)
    assert [(b["type"], b["value"]["image"]) for b in result.blocks] == [("image", 103), ("image", 105), ("image", 109)]
    assert "skipped a [gallery] without ids (it showed the post's attached images)" in result.notes


@pytest.mark.pure
def test_embed_shortcode_and_oembed_url_on_its_own_line_become_embeds():
    html = (
        'Watch this:\n[embed width="400"]https://vimeo.com/76979871[/embed]\n'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
        "https://example.org/not-a-provider\n\nSee https://www.youtube.com/watch?v=inline in a sentence."
    )
    assert blocks(html) == [
        ("paragraph", "<p>Watch this:</p>"),
        ("embed", "https://vimeo.com/76979871"),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("paragraph", "<p>https://example.org/not-a-provider</p>"),
        ("paragraph", "<p>See https://www.youtube.com/watch?v=inline in a sentence.</p>"),
    ]


@pytest.mark.pure
def test_unknown_shortcodes_keep_their_text_and_are_noted():
    result = convert('[note type="tip"]Bring a <b>coat</b>.[/note] [sic] [button url="/x"] [[gallery]]')
    assert [b["value"] for b in result.blocks] == ["<p>Bring a <b>coat</b>. [sic] [gallery]</p>"]
    assert "kept the text of unknown shortcode [note]" in result.notes
    assert 'removed unknown shortcode [button url="/x"]' in result.notes


@pytest.mark.pure
def test_a_stray_bracket_beside_a_shortcode_stays_as_written():
    # WordPress escapes a shortcode only with a bracket on both sides.
    assert [b["value"] for b in convert("[[sic] and [sic]]").blocks] == ["<p>[[sic] and [sic]]</p>"]


@pytest.mark.pure
def test_audio_and_video_shortcodes_become_players_in_html_blocks():
    html = '[audio mp3="https://old.example/a.mp3"]\n\n[video src="https://old.example/v.mp4" poster="https://old.example/p.jpg"]'
    assert blocks(html) == [
        ("html", '<audio controls="" src="https://old.example/a.mp3"></audio>'),
        ("html", '<video controls="" src="https://old.example/v.mp4" poster="https://old.example/p.jpg"></video>'),
    ]


@pytest.mark.pure
def test_a_missing_image_keeps_its_alt_and_caption_as_text_and_is_listed():
    html = (
        '<p>Text <img src="https://old.example/gone.jpg" alt="An empty quay" class="wp-image-8"> more text</p>'
        '[caption id="attachment_4"]<img src="https://old.example/also-gone.jpg" alt="" /> Night &amp; fog[/caption]'
        '<figure><img src="https://old.example/gone.jpg" alt="An empty quay"></figure>'
    )
    result = convert(html, image_for=known_images)
    assert [(b["type"], b["value"]) for b in result.blocks] == [
        ("paragraph", "<p>Text</p>"),
        ("paragraph", "<p><i>An empty quay</i></p>"),
        ("paragraph", "<p>more text</p>"),
        ("paragraph", "<p>Night &amp; fog</p>"),
        ("paragraph", "<p><i>An empty quay</i></p>"),
    ]
    assert result.missing_images == ["https://old.example/gone.jpg", "https://old.example/also-gone.jpg"]


@pytest.mark.pure
def test_without_a_callback_every_image_is_missing():
    result = convert('<img src="https://old.example/x.jpg" alt="X">[gallery ids="6"]')
    assert result.missing_images == ["https://old.example/x.jpg", 6]


@pytest.mark.pure
def test_an_image_inside_a_paragraph_splits_it_and_keeps_formatting_around_it():
    html = '<p><strong>Bold <img src="https://old.example/1.jpg" class="wp-image-1" alt="One"> still bold</strong></p>'
    assert blocks(html, image_for=known_images) == [
        ("paragraph", "<p><b>Bold</b></p>"),
        ("image", {"image": 101, "alt": "One", "caption": "", "credit": ""}),
        ("paragraph", "<p><b>still bold</b></p>"),
    ]


@pytest.mark.pure
def test_scripts_styles_event_handlers_and_javascript_links_are_removed_text_kept():
    html = (
        '<p onclick="steal()">Hello <a href="javascript:alert(1)">click</a> <a href=" JaVa\tScript:x">'
        "again</a></p><script>alert('x')</script><style>p{color:red}</style>"
        '<table><tr><td onmouseover="x()"><a href="javascript:void(0)">cell</a></td></tr></table>'
        '<iframe src="https://tracker.example/ad"></iframe>'
    )
    result = convert(html)
    assert [(b["type"], b["value"]) for b in result.blocks] == [
        ("paragraph", "<p>Hello click again</p>"),
        ("html", '<table><tbody><tr><td><a rel="noopener noreferrer">cell</a></td></tr></tbody></table>'),
    ]
    assert {"removed <script>", "removed <style>", "removed <iframe>"} <= set(result.notes)
    assert "removed javascript: address (×3)" in result.notes
    assert "removed event-handler attribute (×2)" in result.notes


@pytest.mark.pure
def test_a_video_player_iframe_becomes_an_embed():
    html = (
        '<p>Intro</p><iframe width="560" src="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?rel=0"></iframe>'
        '<p><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e"></iframe></p>'
    )
    assert blocks(html) == [
        ("paragraph", "<p>Intro</p>"),
        ("embed", "https://www.youtube.com/watch?v=M7lc1UVf-VE"),
        ("embed", "https://vimeo.com/76979871"),
    ]


@pytest.mark.pure
def test_an_old_flash_video_object_becomes_an_embed():
    html = (
        '<object width="425"><param name="movie" value="http://www.youtube.com/v/AbCdEf12345&amp;hl=en"></param>'
        '<embed src="http://www.youtube.com/v/AbCdEf12345&amp;hl=en" type="application/x-shockwave-flash"></embed>'
        "</object>"
    )
    assert blocks(html) == [("embed", "https://www.youtube.com/watch?v=AbCdEf12345")]


@pytest.mark.pure
def test_inline_formatting_rich_text_cannot_hold_keeps_the_paragraph_as_html():
    result = convert("<p>Water is H<sub>2</sub>O; run <code>make &amp;&amp; go</code>.</p>")
    assert [(b["type"], b["value"]) for b in result.blocks] == [
        ("html", "<p>Water is H<sub>2</sub>O; run <code>make &amp;&amp; go</code>.</p>")
    ]
    assert result.notes == ["kept <sub> as HTML", "kept <code> as HTML"]


@pytest.mark.pure
def test_ids_are_unique_and_the_same_on_every_run():
    html = "<p>Same</p><p>Same</p>"
    first, second = convert(html).blocks, convert(html).blocks
    assert first == second
    assert len({block["id"] for block in first}) == 2


@pytest.mark.parametrize(
    "html",
    [
        "<span>" * 5000 + "deep" + "</span>" * 5000,
        "<div>" * 5000 + "deep",
        "<!-- wp:group -->" * 3000 + "<p>deep</p>" + "<!-- /wp:group -->" * 3000,
        "[a]" * 3000 + "deep" + "[/a]" * 3000,
        "<ul><li>" * 2000 + "deep",
    ],
    ids=["spans", "unclosed divs", "groups", "shortcodes", "lists"],
)
@pytest.mark.pure
def test_absurdly_deep_nesting_keeps_the_text_without_raising(html):
    result = convert(html)
    assert "deep" in " ".join(str(block["value"]) for block in result.blocks)


@pytest.mark.pure
def test_empty_and_garbage_input_give_no_blocks():
    assert convert("") == Conversion()
    assert convert("<p>&nbsp;</p>\n\n<div><br></div><!-- /wp:paragraph -->").blocks == []
    assert convert("<<<>>>&&&").blocks == [
        {"type": "paragraph", "value": "<p>&lt;&lt;&lt;&gt;&gt;&gt;&amp;&amp;&amp;</p>", "id": ANY}
    ]


# --- the html block ----------------------------------------------------------------------

HOSTILE = (
    '<p onclick="steal()">Kept text</p><script>alert(1)</script><img src="x.png" onerror="alert(2)">'
    '<a href="javascript:alert(3)">link</a><style>body{display:none}</style><iframe src="https://evil.example"></iframe>'
)


def assert_harmless(html):
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    assert not tree.xpath("//script|//style|//iframe")
    for element in tree.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")], html
        for name in ("href", "src"):
            assert not re.sub(r"[\x00-\x20]", "", element.get(name, "")).lower().startswith("javascript:"), html


@pytest.mark.pure
def test_html_block_sanitises_when_cleaned_saved_and_rendered():
    block = SanitisedHTMLBlock()
    for html in (block.clean(HOSTILE), block.get_prep_value(HOSTILE), block.render(HOSTILE), block.to_python(HOSTILE)):
        assert "Kept text" in html
        assert_harmless(html)
    assert "sanitised" in block.field.help_text


@pytest.mark.pure
def test_html_block_value_set_without_to_python_still_renders_sanitised():
    body = StreamValue(BodyBlock(), [("html", HOSTILE)])
    rendered = body.render_as_block()
    assert '<div class="body-html">' in rendered and "Kept text" in rendered
    assert_harmless(rendered)


@pytest.mark.django_db
def test_html_block_edited_by_hand_in_the_database_renders_sanitised():
    from caspian.newsroom.factories import StandardPageFactory
    from caspian.newsroom.models import HomePage, StandardPage

    page = StandardPageFactory(parent=HomePage.objects.get(), title="Imported", body=[("html", "<p>Safe</p>")])
    # What a hand edit stores: raw JSON, no block code involved.
    StandardPage.objects.filter(pk=page.pk).update(body=[{"type": "html", "value": HOSTILE, "id": "x"}])
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM newsroom_standardpage WHERE page_ptr_id = %s", [page.pk])
        stored = cursor.fetchone()[0]
    assert "<script>" in (stored if isinstance(stored, str) else json.dumps(stored))
    rendered = StandardPage.objects.get(pk=page.pk).body.render_as_block()
    assert "Kept text" in rendered
    assert_harmless(rendered)


@pytest.mark.django_db
def test_editors_see_the_html_block_with_its_sanitised_value_in_the_admin(admin_client):
    from django.urls import reverse

    from caspian.newsroom.factories import StandardPageFactory
    from caspian.newsroom.models import HomePage

    page = StandardPageFactory(parent=HomePage.objects.get(), title="Imported", body=[("html", HOSTILE)])
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Formatted HTML (imported)" in content
    assert "It is sanitised" in content
    assert "Kept text" in content
    assert "alert(1)" not in content and "steal()" not in content


# --- the three WordPress exports ---------------------------------------------------------


@cache
def corpus_posts():
    """``(label, content)`` of every post and page in the three exports, read with lxml."""
    posts = []
    for name in EXPORTS:
        for item in etree.parse(str(corpus(name))).iter("item"):
            if item.findtext("{*}post_type") in ("post", "page"):
                posts.append((f"{name} #{item.findtext('{*}post_id')}", item.findtext(CONTENT) or ""))
    return posts


@cache
def corpus_conversions():
    return [(label, content, convert(content, image_for=known_images)) for label, content in corpus_posts()]


def block_html(block):
    """The block's content as HTML, for inspection."""
    kind, value = block["type"], block["value"]
    if kind in ("paragraph", "html"):
        return value
    if kind == "quote":
        return f"<p>{value['text']}</p><p>{value['attribution']}</p>"
    if kind == "image":
        return f"<p>{value['caption']}</p><p>{value['alt']}</p>"
    return f"<p>{value}</p>"


def words(html):
    if not html.strip():
        return set()
    return text_words(lxml_html.fragment_fromstring(html, create_parent="div"))


def text_words(tree):
    """The words of a tree's text, each element's text taken apart (so "a</li><li>b" is two words)."""
    return set(re.findall(r"\w+", " ".join(tree.itertext())))


SHORTCODE_SYNTAX = re.compile(r"\[/?[A-Za-z][\w-]*(?:[^\]\[]*)\]")


def visible_words(content):
    """The words a reader of the WordPress post sees: no scripts, styles, frames or shortcode syntax."""
    if not content.strip():
        return set()
    tree = lxml_html.fragment_fromstring(content, create_parent="div")
    for element in tree.xpath("//script|//style|//iframe|//noscript|//template|//svg|//object"):
        element.drop_tree()
    return text_words(
        lxml_html.fragment_fromstring(SHORTCODE_SYNTAX.sub(" ", etree.tostring(tree, encoding="unicode")))
    )


@pytest.mark.pure
def test_the_exports_hold_the_posts_and_pages_the_readme_counts():
    labels = [label for label, _ in corpus_posts()]
    assert len([label for label in labels if label.startswith("wp-themeunittestdata")]) == 58 + 21
    assert len([label for label in labels if label.startswith("wp-a11y")]) == 47 + 18


@pytest.mark.pure
def test_every_export_post_converts_and_nothing_unsafe_survives():
    for label, _, result in corpus_conversions():
        for block in result.blocks:
            assert block["type"] in BodyBlock.base_blocks, label
            assert_harmless(block_html(block))
            if block["type"] == "html":  # stored as it will be shown: loading it again changes nothing
                assert SanitisedHTMLBlock().to_python(block["value"]) == block["value"], label


@pytest.mark.pure
def test_no_visible_word_of_an_export_post_is_dropped():
    lost = {}
    for label, content, result in corpus_conversions():
        kept = set().union(*(words(block_html(block)) for block in result.blocks))
        missing = visible_words(content) - kept
        if missing:
            lost[label] = sorted(missing)
    assert lost == {}


@pytest.mark.pure
def test_export_paragraphs_are_rich_text_the_editor_opens_without_losing_words_or_links():
    converter = ContentstateConverter(features=TEXT_FEATURES)
    changed = []
    for label, _, result in corpus_conversions():
        for block in result.blocks:
            if block["type"] != "paragraph":
                continue
            value = block["value"]
            state = json.loads(converter.from_database_format(value))
            text = " ".join(line["text"] for line in state["blocks"])
            links = [entity for entity in state["entityMap"].values() if entity["type"] == "LINK"]
            tree = lxml_html.fragment_fromstring(value, create_parent="div")
            # Every letter, in order (block boundaries aside, where the two put spaces differently).
            expected = "".join(re.findall(r"\w+", tree.text_content()))
            if "".join(re.findall(r"\w+", text)) != expected or len(links) != len(tree.xpath("//a")):
                changed.append((label, value, text))
    assert changed == []


@pytest.mark.django_db
def test_export_blocks_load_and_render_through_the_block_templates():
    from caspian.newsroom.factories import NewsImageFactory

    image = NewsImageFactory(title="Stand-in")
    body_block = BodyBlock()
    kinds = set()
    for label, content, _ in corpus_conversions():
        result = convert(content, image_for=lambda url, attachment: image.pk if attachment else None)
        value = body_block.to_python(result.blocks)
        assert len(value) == len(result.blocks), label
        rendered = value.render_as_block()
        assert_harmless(rendered)
        kinds.update(block.block_type for block in value)
    assert kinds == {"paragraph", "heading", "image", "quote", "embed", "html"}
