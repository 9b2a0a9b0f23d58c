"""The sitemap XSDs from the test corpora (third-party files, used where they are, never copied).

Each is read once per process; it skips the calling test when its files are missing (see tests/corpora.py).
"""

from functools import cache

from lxml import etree

from .. import corpora

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"


@cache
def urlset_schema():
    """``<urlset>`` with the news and image extensions, through a wrapper that imports them (see corpora/README.md)."""
    imports = "".join(
        f'<xsd:import namespace="{namespace}" schemaLocation="{corpora.path(name).as_uri()}"/>'
        for namespace, name in (
            (SITEMAP, "sitemaps.org-sitemap.xsd"),
            (NEWS, "google-sitemap-news.xsd"),
            (IMAGE, "google-sitemap-image.xsd"),
        )
    )
    wrapper = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


@cache
def index_schema():
    return etree.XMLSchema(etree.parse(str(corpora.path("sitemaps.org-siteindex.xsd"))))


def parser():
    """No network and no entities: the schemas and documents are read as they are."""
    return etree.XMLParser(no_network=True, resolve_entities=False)
