"""Admin shortcuts that save editors from walking the page tree."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from .models import ArticlePage, SectionPage


def add_article(request, section_id):
    """Start a new article in a section: file it in this year's folder, creating it if needed."""
    section = get_object_or_404(SectionPage, pk=section_id)
    if not section.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    folder = section.year_folder(timezone.localdate().year)
    meta = ArticlePage._meta
    return redirect("wagtailadmin_pages:add", meta.app_label, meta.model_name, folder.pk)
