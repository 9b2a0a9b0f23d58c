"""The site answering a request, with its home page, menu and site settings, from the shared cache.

Every reader request needs the same few rows before it can route: the
Wagtail ``Site`` for its host (with the root page), the settings of that
site (``PublicationSettings``, ``MastheadSettings``) and the pages in its
menu. They change only when editors change them, yet Wagtail reads them
from the database on every request. Here they are kept in Django's cache,
which every worker process shares, each entry stamped with the version
(:mod:`caspian.versions`) of the name ``sites`` it was read under.

Invalidation: anything that changes what these entries hold calls
:func:`invalidate` (the receivers are in :mod:`caspian.newsroom.signals`),
which bumps that version, so every entry goes stale at once. The
stamp is replaced when the change is saved and again when its transaction
commits: a reader who read the old rows in between cannot leave them in
the cache under the new stamp. Changes made without model signals
(``QuerySet.update()``, raw SQL) must call :func:`invalidate` themselves.

If the cache is down every lookup falls back to the database, as Wagtail
would do.
"""

import functools

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_init
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from .. import versions

VERSION_NAME = "sites"
# Stale entries are never read (their version is old); this only lets the
# cache drop entries for hosts nobody asks for any more.
ENTRY_SECONDS = 24 * 60 * 60


def find_site(request):
    """The Wagtail site answering ``request``, or ``None``; what ``Site.find_for_request`` would return.

    The site's ``root_page`` is the home page in its specific class, with
    ``view_restriction_free`` set (see :func:`view_restriction_free`). The
    result is kept on the request as Wagtail's own lookup does, so Wagtail's
    routing and ``BaseSiteSetting.for_request`` use it without a query.
    """
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]  # no ALLOWED_HOSTS check, as in Wagtail
        port = request.get_port()
        request._wagtail_site = _cached(f"caspian:sites:site:{hostname}:{port}", lambda: _load_site(hostname, port))
    return request._wagtail_site


def site_setting(model, request):
    """``model.for_request(request)`` for a ``BaseSiteSetting``, read from the cache.

    Returns an unsaved default when no site answers the request's host. Like
    Wagtail's ``for_request``, creates the site's settings on first use and
    keeps the result on the request.
    """
    attr_name = model.get_cache_attr_name()
    if hasattr(request, attr_name):
        return getattr(request, attr_name)
    site = find_site(request)
    if site is None:
        setting = model()
    else:
        setting = _cached(f"caspian:sites:setting:{model._meta.label_lower}:{site.pk}", lambda: model.for_site(site))
    setting._request = request
    setattr(request, attr_name, setting)
    return setting


def menu(site):
    """The live pages directly under ``site``'s root page that are shown in menus, in tree order."""
    return _cached(
        f"caspian:sites:menu:{site.pk}",
        lambda: list(Page.objects.child_of(site.root_page).live().in_menu().order_by("path")),
    )


def restricted_paths():
    """The tree paths of every page with a view restriction (private, password or group), sorted.

    Listings leave out the pages under these (see
    ``ArticlePageQuerySet.public_articles``). Restrictions are rare and
    change only when editors change them; reading them from the cache spares
    every listing a subquery over the whole restriction table.
    """
    return _cached(
        "caspian:sites:restricted-paths",
        lambda: sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True))),
    )


def invalidate():
    """Make every cached site, setting and menu stale, now and when the current transaction commits."""
    _new_version()
    transaction.on_commit(_new_version)


def shapes_a_site(page):
    """Whether ``page`` is a site's root page or a page directly under one (which menus list).

    Asks the database, not Wagtail's cached site root paths: this runs
    while pages are saved, fixtures loaded included, and must not fill
    that cache from a half-loaded tree.
    """
    url_path = page.url_path or "/"
    parent_url_path = url_path.rstrip("/").rpartition("/")[0] + "/"
    return Site.objects.filter(root_page__url_path__in={url_path, parent_url_path}).exists()


def shown_in_settings(image):
    """Whether a cached site setting shows ``image`` (a publication's logo)."""
    from .models import PublicationSettings  # the models import this module (view_restriction_free)

    return PublicationSettings.objects.filter(logo=image).exists()


def view_restriction_free(depth):
    """An expression: true when no page on the path to the page (itself included) is restricted or an alias.

    For a queryset of pages at ``depth`` or above (for a page above it the
    extra levels repeat the page's own path). Wagtail checks view restrictions
    before serving every page, in two queries (the ancestors, then their
    restrictions); a page loaded with this annotation as
    ``view_restriction_free`` answers that check without a query when it
    is true (see ``ViewRestrictionShortcutMixin``). Aliases are left to
    Wagtail, which checks the restrictions of the aliased page instead.

    Written as SQL once per depth: built from Django expressions, the
    subquery took longer to compile (3 ms) than the article it routes to
    took to load. It names the page table of the outer query, which every
    page queryset joins first under its own name.
    """
    return RawSQL(_restriction_free_sql(depth), (), output_field=BooleanField())


@functools.cache
def _restriction_free_sql(depth):
    quote = connection.ops.quote_name
    page, restriction = quote(Page._meta.db_table), quote(PageViewRestriction._meta.db_table)
    prefixes = ", ".join(f"SUBSTR({page}.{quote('path')}, 1, {Page.steplen * level})" for level in range(1, depth + 1))
    return (
        f"NOT EXISTS (SELECT 1 FROM {page} AS on_path WHERE on_path.{quote('path')} IN ({prefixes}) "
        f"AND (on_path.{quote('alias_of_id')} IS NOT NULL OR EXISTS "
        f"(SELECT 1 FROM {restriction} AS restriction WHERE restriction.{quote('page_id')} = on_path.{quote('id')})))"
    )


def _load_site(hostname, port):
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    root = site.root_page
    model = root.specific_class or Page
    site.root_page = model._default_manager.annotate(view_restriction_free=view_restriction_free(root.depth)).get(
        pk=root.pk
    )
    return site


def _cached(key, load):
    """The value cached under ``key`` for the current version, or ``load()`` (then cached)."""
    version_key = versions.key(VERSION_NAME)
    found = cache.get_many([version_key, key])
    version = found.get(version_key) or versions.stamps_or_new([VERSION_NAME])[0] or versions.new_stamp()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        _announce_pages(entry[1])
        return entry[1]
    value = load()
    cache.set(key, (version, value), ENTRY_SECONDS)
    return value


def _announce_pages(value):
    """Send ``post_init`` for the pages in a cached value, as loading them from the database would.

    Unpickling skips ``__init__``; receivers that note which pages a
    response shows (the page cache's dependency tags) must still see them.
    """
    pages = value if isinstance(value, list) else [getattr(value, "root_page", None)]
    for page in pages:
        if isinstance(page, Page):
            post_init.send(sender=type(page), instance=page)


def _new_version():
    versions.bump([VERSION_NAME])
