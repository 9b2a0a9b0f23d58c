from django.utils.functional import SimpleLazyObject
from wagtail.models import Page

from . import sites
from .models import PublicationSettings, SectionPage


def publication(request):
    """``publication``: name, settings and menus of the site being read, loaded on first use."""

    def load():
        site = sites.find_site(request)
        settings = sites.site_setting(PublicationSettings, request)
        if site is None:
            return {"name": "Caspian", "settings": settings, "sections": [], "pages": []}
        sections, pages = [], []
        for item in sites.menu(site):
            (sections if issubclass(item.specific_class or Page, SectionPage) else pages).append(item)
        return {
            "name": site.site_name or site.root_page.title,
            "settings": settings,
            "sections": sections,
            "pages": pages,
        }

    return {"publication": SimpleLazyObject(load)}
