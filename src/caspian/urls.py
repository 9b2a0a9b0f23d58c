from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import errors, health, sqlite_file  # noqa: F401 (sqlite_file watches the database file on each request)
from .accounts import views as account_views
from .newsroom import views as newsroom_views
from .search import views as search_views

urlpatterns = [
    path(settings.ADMIN_URL_PREFIX.lstrip("/"), include(wagtailadmin_urls)),
    path("healthz", health.healthz, name="healthz"),
    # --- Content API (caspian.api): before Wagtail's catch-all; webhooks link to /api/v1/articles/<id>/.
    path("api/v1/", include("caspian.api.urls", namespace="api-v1")),
    path("documents/", include(wagtaildocs_urls)),
    path("tags/<str:slug>/", newsroom_views.tag_page, name="tag"),
    path("corrections/", newsroom_views.corrections_page, name="corrections"),
    path("search/", search_views.search, name="search"),
    path("comments/", include("caspian.comments.urls")),
    path("", include("caspian.distribution.urls")),
]

if settings.SERVE_MEDIA:
    # The embedded default keeps uploads in a local folder; production points
    # MEDIA_URL at its media store or CDN and turns this off.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

urlpatterns += [
    # Wagtail's own sign-in page for private pages would be a second way in that skips the
    # admin's throttling and locks (caspian/accounts/): there is one sign-in page, the admin's.
    path("_util/login/", account_views.the_one_sign_in_page),
    path("", include(wagtail_urls)),
]

handler500 = errors.server_error
