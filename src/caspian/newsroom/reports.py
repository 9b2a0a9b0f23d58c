"""The stale-claim report: published articles still announcing something for a day that has passed.

Listed under the admin's Reports menu for whoever may publish pages, each
claim with its article, the sentence (its date's words highlighted), the
day the words were read as and how long ago that was; the most recently
passed first, since those articles are the likeliest to be read now.
Filter by section; download as CSV or XLSX (Wagtail's ``ReportView``).
"""

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timesince import timesince
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import stale_claims
from .models import DatedClaim, SectionPage


class StaleClaimFilterSet(WagtailFilterSet):
    section = django_filters.ModelChoiceFilter(
        label="Section",
        field_name="article__section",
        queryset=lambda request: SectionPage.objects.order_by("title"),
        empty_label="All sections",
    )

    class Meta:
        model = DatedClaim
        fields = []


class ArticleColumn(TitleColumn):
    """The article's headline, linking to its editor, with a link to the live page beside it."""

    cell_template_name = "newsroom/admin/stale_claims/article_cell.html"


class SentenceColumn(Column):
    """The claim's sentence with the words of its date highlighted (escaped by the template)."""

    cell_template_name = "newsroom/admin/stale_claims/sentence_cell.html"


class StaleClaimsView(ReportView):
    page_title = "Stale claims"
    header_icon = "date"
    results_template_name = "newsroom/admin/stale_claims/results.html"
    index_url_name = "newsroom_stale_claims"
    index_results_url_name = "newsroom_stale_claims_results"
    filterset_class = StaleClaimFilterSet
    permission_required = "publish"
    model = DatedClaim
    default_ordering = "-resolves_on"
    columns = [
        ArticleColumn("article", label="Article", accessor="article.title", get_url=lambda claim: claim.edit_url),
        Column("section", label="Section", accessor="section_title"),
        DateColumn("published", label="Published", accessor="article.first_published_at",
                   sort_key="article__first_published_at"),
        SentenceColumn("sentence", label="Sentence"),
        Column("resolves_on", label="Date named", accessor="date_named", sort_key="resolves_on"),
        Column("passed", label="Passed", accessor="passed"),
    ]  # fmt: skip
    list_export = ["headline", "section_title", "published_at", "sentence", "phrase", "resolves_on", "live_url"]
    export_headings = {
        "headline": "Article",
        "section_title": "Section",
        "published_at": "Published",
        "sentence": "Sentence",
        "phrase": "Words read as a date",
        "resolves_on": "Date named",
        "live_url": "Address",
    }

    @cached_property
    def permission_policy(self):
        return PagePermissionPolicy()

    def get_filename(self):
        return f"stale-claims-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        # The row shows the article's headline and address, never its body: not loaded.
        claims = stale_claims.stale().select_related("article", "article__section").defer("article__body")
        if not self.request.user.is_superuser:  # only the articles this user may publish
            claims = claims.filter(article__in=self.permission_policy.instances_user_has_permission_for(
                self.request.user, "publish"
            ).values("pk"))  # fmt: skip
        self.queryset = claims.order_by(self.ordering, "-pk") if self.ordering else claims
        return super().get_queryset()

    def order_queryset(self, queryset):
        return queryset  # ordered in get_queryset, with a tie-breaker

    def decorate_paginated_queryset(self, object_list):
        """Give each claim what its row shows; the article's address is built without queries."""
        today = timezone.localdate()
        for claim in object_list:
            article = claim.article
            claim.headline = article.title
            claim.section_title = article.section.title if article.section else ""
            claim.published_at = article.first_published_at
            claim.edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
            claim.live_url = article.get_url(request=self.request) or ""
            claim.before, claim.highlighted, claim.after = _split(claim.sentence, claim.phrase)
            claim.date_named = date_format(claim.resolves_on, "j F Y")
            claim.passed = f"{timesince(claim.resolves_on, today, depth=1)} ago"
        return object_list

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return "No stale claims in this section."
        return "No published article announces a date that has passed without an update since."


def _split(sentence, phrase):
    """``sentence`` as (before, ``phrase``, after); the whole sentence first when the phrase is not in it."""
    before, found, after = sentence.partition(phrase)
    return (before, found, after) if found else (sentence, "", "")


class StaleClaimsMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_permission(request.user, "publish")
