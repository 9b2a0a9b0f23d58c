from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from .models import PublicationSettings, SectionPage
from .models.publication import site_setting


def publication(request):
    """``publication``: name, settings and menus of the site being read, loaded on first use."""

    def load():
        site = Site.find_for_request(request)
        settings = site_setting(PublicationSettings, request)
        if site is None:
            return {"name": "Caspian", "settings": settings, "sections": [], "pages": []}
        menu = Page.objects.child_of(site.root_page).live().in_menu().order_by("path")
        sections, pages = [], []
        for item in menu:
            (sections if issubclass(item.specific_class or Page, SectionPage) else pages).append(item)
        return {
            "name": site.site_name or site.root_page.title,
            "settings": settings,
            "sections": sections,
            "pages": pages,
        }

    return {"publication": SimpleLazyObject(load)}
