from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import admin_views
from .models import SectionPage


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


hooks.register("register_page_header_buttons", _add_article_button)
hooks.register("register_page_listing_buttons", _add_article_button)


@hooks.register("register_admin_urls")
def newsroom_admin_urls():
    return [
        path("newsroom/sections/<int:section_id>/add-article/", admin_views.add_article, name="newsroom_add_article"),
    ]
