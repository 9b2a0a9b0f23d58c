"""Admin shortcuts that save editors from walking the page tree."""

from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from .models import ArchiveYearPage, ArticlePage, PublicationSettings, SectionPage


def add_article(request, section_id):
    """Start a new article in a section, filed in the folder for this year.

    The year is the publication's (a story written on New Year's Eve in Baku
    belongs to the year it is there). When the folder does not exist yet,
    the editor confirms its creation with a POST.
    """
    section = get_object_or_404(SectionPage, pk=section_id)
    if not section.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    site = section.get_site()
    zone = ZoneInfo(PublicationSettings.for_site(site).time_zone) if site else None
    year = timezone.localdate(timezone=zone).year
    folder = ArchiveYearPage.objects.child_of(section).filter(slug=str(year)).first()
    if folder is None:
        if request.method != "POST":
            context = {"section": section, "year": year, "page_title": f"New article in {section.title}"}
            return TemplateResponse(request, "newsroom/admin/start_year_folder.html", context)
        folder = section.year_folder(year)
    meta = ArticlePage._meta
    return redirect("wagtailadmin_pages:add", meta.app_label, meta.model_name, folder.pk)
