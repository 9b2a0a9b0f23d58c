"""Pages declare their own cache tags and what their changes invalidate: the page cache names no page type."""

import re
from pathlib import Path

import pytest
from wagtail.models import get_page_models

import caspian.pagecache
from caspian.newsroom.cache_tags import SITE, Invalidation, default_invalidation, listing_tag, page_tag
from caspian.newsroom.models import ArchiveYearPage, ArticlePage, SectionPage, StandardPage


@pytest.mark.pure
def test_the_page_cache_names_no_page_type():
    names = {model.__name__ for model in get_page_models()} - {"Page"}
    for source in Path(caspian.pagecache.__file__).parent.glob("*.py"):
        text = source.read_text()
        assert "newsroom.models" not in text, source.name
        found = {name for name in names if re.search(rf"\b{name}\b", text)}
        assert not found, f"{source.name} names {sorted(found)}"


@pytest.mark.django_db  # a new page looks up its content type
def test_page_types_declare_the_lists_they_show():
    assert SectionPage(pk=3).cache_tags() == {listing_tag("section", 3)}
    assert ArchiveYearPage(pk=4).cache_tags() == {listing_tag("year", 4)}
    assert ArticlePage(pk=5, section_id=3).cache_tags() == {"latest", "must-read", listing_tag("section", 3)}
    assert not hasattr(StandardPage, "cache_tags")  # declares nothing: shows no list a page could join


@pytest.mark.django_db
def test_a_page_that_declares_nothing_invalidates_itself_and_the_navigation():
    page = StandardPage(pk=9, live=True)
    assert default_invalidation(page) == Invalidation({page_tag(9), SITE}, hard=False)
    assert default_invalidation(page, deleted=True).hard
    assert default_invalidation(StandardPage(pk=9, live=False)).hard  # unpublished: gone everywhere
