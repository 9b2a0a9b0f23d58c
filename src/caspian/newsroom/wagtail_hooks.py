from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import action_menu, admin_views, dashboard, roles
from .models import ArticleByline, AuthorPage, SectionPage


class AddArticleButton(PageMenuItem):
    label = "Add article"
    icon_name = "doc-full-inverse"

    @property
    def url(self):
        return reverse("newsroom_add_article", args=[self.page.pk])

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_add_subpage()


def _add_article_button(page, user, *args, **kwargs):
    if issubclass(page.specific_class or type(None), SectionPage):
        yield AddArticleButton(page=page, priority=12)


hooks.register("before_edit_page", roles.keep_contributors_to_drafts)
hooks.register("before_edit_page", roles.show_change_request)
hooks.register("register_permissions", roles.role_permissions)
hooks.register("construct_page_action_menu", action_menu.newsroom_action_menu)
hooks.register("construct_homepage_panels", dashboard.newsroom_panel)
hooks.register("register_page_header_buttons", _add_article_button)
hooks.register("register_page_listing_buttons", _add_article_button)


@hooks.register("register_admin_urls")
def newsroom_admin_urls():
    return [
        path("newsroom/sections/<int:section_id>/add-article/", admin_views.add_article, name="newsroom_add_article"),
    ]


@hooks.register("before_delete_page")
def keep_authors_with_bylines(request, page):
    """Refuse to delete authors (this page or below it) whose articles stay behind.

    Deleting them would strip those articles of their bylines; the editor is
    told which author and how many articles, and what to do instead.
    """
    authors = AuthorPage.objects.descendant_of(page, inclusive=True)
    bylines = ArticleByline.objects.filter(author__in=authors).exclude(page__path__startswith=page.path)
    count = bylines.values("page").distinct().count()
    if not count:
        return None
    messages.error(
        request,
        f"Authors in '{page.title}' have bylines on {count} article{'s' if count != 1 else ''} that would stay. "
        "Change those bylines first, or unpublish the profile instead of deleting it.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")
def stale_claims_urls():
    from .reports import StaleClaimsView

    return [
        path("reports/stale-claims/", StaleClaimsView.as_view(), name="newsroom_stale_claims"),
        path(
            "reports/stale-claims/results/",
            StaleClaimsView.as_view(results_only=True),
            name="newsroom_stale_claims_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def stale_claims_menu_item():
    from .reports import StaleClaimsMenuItem

    return StaleClaimsMenuItem("Stale claims", reverse("newsroom_stale_claims"), icon_name="date", order=750)
