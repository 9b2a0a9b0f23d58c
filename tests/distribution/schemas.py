"""The sitemap XSDs in the shared corpora (third-party files, used where they are, never copied)."""

import os
from pathlib import Path

from lxml import etree

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"


def corpora():
    """``../shared/corpora`` beside the repository (or ``$CASPIAN_CORPORA``)."""
    candidates = [os.environ.get("CASPIAN_CORPORA"), Path(__file__).resolve().parents[3] / "shared" / "corpora"]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "sitemaps.org-sitemap.xsd").is_file():
            return Path(candidate)
    raise FileNotFoundError("The sitemap XSDs are missing: set CASPIAN_CORPORA to the shared corpora folder.")


def urlset_schema():
    """``<urlset>`` with the news and image extensions, through a wrapper that imports them (see corpora/README.md)."""
    folder = corpora()
    imports = "".join(
        f'<xsd:import namespace="{namespace}" schemaLocation="{(folder / name).as_uri()}"/>'
        for namespace, name in (
            (SITEMAP, "sitemaps.org-sitemap.xsd"),
            (NEWS, "google-sitemap-news.xsd"),
            (IMAGE, "google-sitemap-image.xsd"),
        )
    )
    wrapper = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=(folder / "wrapper.xsd").as_uri()))


def index_schema():
    return etree.XMLSchema(etree.parse(str(corpora() / "sitemaps.org-siteindex.xsd")))


def parser():
    """No network and no entities: the schemas and documents are read as they are."""
    return etree.XMLParser(no_network=True, resolve_entities=False)
