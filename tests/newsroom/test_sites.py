"""The site, its settings and menu come from the shared cache, and editors' changes show at once.

Also: reader routing finds pages by their URL path, with Wagtail's view
restrictions and aliases still honoured.
"""

from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from caspian import versions
from caspian.masthead import weather
from caspian.masthead.models import MastheadSettings
from caspian.newsroom import sites
from caspian.newsroom.factories import (
    ArticlePageFactory,
    NewsImageFactory,
    SectionPageFactory,
    StandardPageFactory,
)
from caspian.newsroom.models import ArticlePage, HomePage, PublicationSettings

from .scenario import NewsroomTestCase, html

LOOKUPS = {
    "site": 'FROM "wagtailcore_site"',
    "home page": 'FROM "newsroom_homepage"',
    "publication settings": 'FROM "newsroom_publicationsettings"',
    "masthead settings": 'FROM "masthead_mastheadsettings"',
    "menu": '"wagtailcore_page"."show_in_menus") ORDER BY',
    "view restrictions": 'FROM "wagtailcore_pageviewrestriction" WHERE "wagtailcore_pageviewrestriction"."page_id" IN',
}


class CachedSiteTests(NewsroomTestCase):
    def queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            self.get(url)
        return [query["sql"] for query in queries.captured_queries]

    def lookups(self, url):
        """Which of the per-request site lookups a page view ran."""
        sql = self.queries(url)
        return [name for name, marker in LOOKUPS.items() if any(marker in query for query in sql)]

    def test_once_cached_a_reader_page_looks_up_no_site_settings_or_menu(self):
        for url in (self.articles[0].url, "/", self.caucasus.url, self.author.url, "/tags/ports/"):
            cache.delete(versions.key(sites.VERSION_NAME))  # as after an editor's change
            self.assertIn("site", self.lookups(url), url)  # the first view fills the cache...
            self.assertEqual(self.lookups(url), [], url)  # ...and the next ones read it

    def test_other_processes_share_the_cache(self):
        self.get("/")
        # A worker process starting now has nothing in memory: only the shared cache.
        request = RequestFactory().get("/")
        with self.assertNumQueries(0):
            site = sites.find_site(request)
            publication = sites.site_setting(PublicationSettings, request)
            masthead = sites.site_setting(MastheadSettings, request)
            menu = sites.menu(site)
        self.assertEqual((site.pk, site.root_page.pk), (self.site.pk, self.home.pk))
        self.assertIsInstance(site.root_page, HomePage)
        self.assertEqual((publication.time_zone, masthead.weather_city), ("Asia/Baku", "Munich"))
        self.assertEqual([page.title for page in menu], ["South Caucasus", "Central Asia", "About us"])

    def test_renaming_the_site_shows_at_once(self):
        self.get("/")
        self.site.site_name = "The Baku Herald"
        self.site.save()
        self.assertEqual(
            html(self.get(self.articles[0])).select_one(".masthead__name").get_text(strip=True), "The Baku Herald"
        )

    def test_without_a_site_name_the_home_page_title_is_used_and_follows_it(self):
        self.site.site_name = ""
        self.site.save()
        self.get("/")
        home = HomePage.objects.get(pk=self.home.pk)
        home.title = "Caspian Daily"
        home.save_revision().publish()
        self.assertEqual(html(self.get(self.about)).select_one(".masthead__name").get_text(strip=True), "Caspian Daily")

    def test_hosts_follow_the_sites_hostnames_and_default(self):
        url = self.articles[0].url
        self.assertEqual(self.client.get(url, HTTP_HOST="other.example").status_code, 200)  # the default site
        self.site.is_default_site = False
        self.site.save()
        self.assertEqual(self.client.get(url, HTTP_HOST="other.example").status_code, 404)
        self.site.hostname = "other.example"
        self.site.save()
        self.assertEqual(self.client.get(url, HTTP_HOST="other.example").status_code, 200)
        Site.objects.filter(pk=self.site.pk).update(hostname="elsewhere.example")
        sites.invalidate()  # a queryset update sends no signal: whoever makes one says so
        self.assertEqual(self.client.get(url, HTTP_HOST="other.example").status_code, 404)

    def test_publication_settings_show_at_once(self):
        self.get("/")
        publication = PublicationSettings.objects.get(site=self.site)
        publication.tagline = "News from the shores of the Caspian"
        publication.language = "de"
        publication.save()
        page = html(self.get(self.articles[0]))
        self.assertEqual(page.find("html")["lang"], "de")
        self.assertEqual(page.select_one(".masthead__tagline").get_text(), "News from the shores of the Caspian")

    def test_masthead_settings_show_at_once(self):
        baku = weather.Location("Baku", 40.40926, 49.86709, "C")
        weather.refresh(baku)  # the reading is there; only the setting decides what is shown
        self.get("/")
        masthead = MastheadSettings.objects.get(site=self.site)
        masthead.weather_city, masthead.latitude, masthead.longitude = baku.city, "40.40926", "49.86709"
        masthead.save()
        widget = html(self.get("/")).select_one(".masthead .weather")
        self.assertEqual(widget.get_text(" ", strip=True), "5 °C Baku")
        masthead.weather_city = ""
        masthead.save()
        self.assertIsNone(html(self.get("/")).select_one(".masthead .weather"))

    def test_the_logo_is_cached_with_the_settings_and_follows_the_image(self):
        logo = NewsImageFactory(title="Logo")
        publication = PublicationSettings.objects.get(site=self.site)
        publication.logo = logo
        publication.save()
        self.assertIn(logo.file.url, self.structured_data("/"))
        logo.file = NewsImageFactory.build(title="New logo").file  # the editor uploads a new file
        logo.save()
        self.assertIn(logo.file.url, self.structured_data("/"))
        logo.delete()
        self.assertIn("favicon.svg", self.structured_data("/"))

    def structured_data(self, url):
        return html(self.get(url)).find("script", type="application/ld+json").string

    def test_the_menu_follows_the_sections(self):
        def menu():
            return [a.get_text() for a in html(self.get("/")).select(".masthead__nav a")]

        self.assertEqual(menu()[:2], ["South Caucasus", "Central Asia"])
        caucasus = Page.objects.get(pk=self.caucasus.pk).specific
        caucasus.title = "Caucasus"
        caucasus.save_revision().publish()
        self.assertEqual(menu()[:2], ["Caucasus", "Central Asia"])
        caucasus.unpublish()
        self.assertEqual(menu()[:1], ["Central Asia"])
        SectionPageFactory(parent=self.home, title="Iran")
        self.assertIn("Iran", menu())
        Page.objects.get(title="Iran").delete()
        self.assertNotIn("Iran", menu())

    def test_the_front_page_follows_the_home_page(self):
        self.get("/")
        home = HomePage.objects.get(pk=self.home.pk)
        home.lead_story = ArticlePage.objects.get(pk=self.articles[4].pk)
        home.save_revision().publish()
        lead = html(self.get("/")).select_one(".lead-story__headline")
        self.assertEqual(lead.get_text(strip=True), self.articles[4].title)

    def test_a_stale_entry_written_after_a_change_is_never_read(self):
        # A reader read the old rows just before an editor's change and
        # stores them just after it: they are stored under the old version.
        old_version = versions.stamps_or_new([sites.VERSION_NAME])[0]
        sites.invalidate()
        cache.set("caspian:sites:test", (old_version, "old"))
        self.assertEqual(sites._cached("caspian:sites:test", lambda: "new"), "new")
        self.assertEqual(sites._cached("caspian:sites:test", lambda: "newer"), "new")

    def test_a_change_shows_however_long_its_transaction_took(self):
        # The version changes again on commit, after a reader may have read
        # the old rows during the transaction.
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            sites.invalidate()
            during = cache.get(versions.key(sites.VERSION_NAME))
        self.assertEqual(len(callbacks), 1)
        self.assertNotEqual(cache.get(versions.key(sites.VERSION_NAME)), during)

    @override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
    def test_without_a_cache_pages_are_still_right(self):
        self.get(self.articles[0])
        self.site.site_name = "The Baku Herald"
        self.site.save()
        self.assertEqual(
            html(self.get(self.articles[0])).select_one(".masthead__name").get_text(strip=True), "The Baku Herald"
        )


class RoutingTests(NewsroomTestCase):
    def test_every_kind_of_page_is_found(self):
        nested = StandardPageFactory(parent=self.about, title="Our team", slug="team")
        article = self.articles[0]
        for page in (self.home, self.caucasus, article.get_parent(), article, self.author, self.about, nested):
            page = page.specific
            response = self.get(page.url)
            self.assertEqual(response.context["page"].pk, page.pk, page.url)
            self.assertIsInstance(response.context["page"], type(page))

    def test_missing_and_draft_pages_are_404(self):
        article = self.articles[1]
        year = article.get_parent()
        for url in (
            "/no-such-section/",
            f"{year.url}no-such-article/",
            f"{article.url}more/",
            f"{self.caucasus.url}1999/",
            "/about/no-such-page/",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        article.unpublish()
        self.assertEqual(self.client.get(article.url).status_code, 404)

    def test_an_article_follows_its_section_to_a_new_address(self):
        article = self.articles[1]
        caucasus = Page.objects.get(pk=self.caucasus.pk).specific
        caucasus.slug = "caucasus"
        caucasus.save_revision().publish()
        moved = ArticlePage.objects.get(pk=article.pk)
        self.assertTrue(moved.url.startswith("/caucasus/"))
        self.assertEqual(self.get(moved.url).context["page"].pk, article.pk)

    def test_a_moved_article_is_found_at_its_new_address(self):
        article = ArticlePage.objects.get(pk=self.articles[1].pk)  # South Caucasus
        target = self.central_asia.year_folder(article.first_published_at.year)
        article.move(target, pos="last-child")
        moved = ArticlePage.objects.get(pk=article.pk)
        self.assertTrue(moved.url.startswith(self.central_asia.url))
        self.assertEqual(self.get(moved.url).context["page"].pk, article.pk)

    def test_view_restrictions_anywhere_on_the_path_still_apply(self):
        article = self.articles[1]
        self.get(article)
        for restricted in (self.caucasus, article.get_parent(), article):
            restriction = PageViewRestriction.objects.create(page=restricted, restriction_type="login")
            response = self.client.get(article.url)
            self.assertEqual(response.status_code, 302, restricted)
            self.assertIn("login", response["Location"])
            restriction.delete()
        self.get(article)

    def test_listings_leave_out_whatever_is_restricted_at_any_depth(self):
        def listed():
            return set(ArticlePage.objects.public_articles().values_list("pk", flat=True))

        everything = {article.pk for article in self.articles}
        self.assertEqual(listed(), everything)
        article = self.articles[1]
        for restricted in (self.caucasus, article.get_parent(), article):
            under = set(ArticlePage.objects.descendant_of(restricted, inclusive=True).values_list("pk", flat=True))
            restriction = PageViewRestriction.objects.create(page=restricted, restriction_type="login")
            self.assertEqual(listed(), everything - under, restricted)
            self.assertEqual(ArticlePage.objects.public_articles().count(), len(everything - under), restricted)
            restriction.delete()
            self.assertEqual(listed(), everything, restricted)
        # Restrictions at two depths at once: a section and an article in the other section.
        other = next(a for a in self.articles if a.section_id == self.central_asia.pk)
        PageViewRestriction.objects.create(page=self.caucasus, restriction_type="login")
        PageViewRestriction.objects.create(page=other, restriction_type="password", password="x")
        hidden = {a.pk for a in self.articles if a.section_id == self.caucasus.pk} | {other.pk}
        self.assertEqual(listed(), everything - hidden)

    def test_a_restricted_home_page_asks_for_the_password(self):
        self.get("/")
        restriction = PageViewRestriction.objects.create(page=self.home, restriction_type="password", password="x")
        self.assertContains(self.client.get("/"), 'name="password"')
        self.assertContains(self.client.get(self.about.url), 'name="password"')
        restriction.delete()
        self.get("/")

    def test_an_alias_has_the_restrictions_of_its_original(self):
        original = self.articles[1]
        folder = self.central_asia.year_folder(original.first_published_at.year)
        alias = original.create_alias(parent=folder, update_slug="alias-of-article")
        self.assertEqual(self.get(alias.url).context["page"].pk, alias.pk)
        PageViewRestriction.objects.create(page=original, restriction_type="password", password="x")
        self.assertContains(self.client.get(alias.url), 'name="password"')

    def test_an_article_costs_one_routing_query(self):
        article = self.articles[2]
        self.get(article)
        with CaptureQueriesContext(connection) as queries:
            self.get(article)
        routing = [q["sql"] for q in queries.captured_queries if f"'{article.slug}'" in q["sql"]]
        self.assertEqual(len(routing), 1, routing)


class ArticleInAnotherSiteTests(NewsroomTestCase):
    def test_each_site_routes_only_its_own_pages(self):
        other_home = Page.objects.get(depth=1).add_child(instance=HomePage(title="Other", slug="other"))
        Site.objects.create(hostname="other.example", root_page=other_home, site_name="Other")
        section = SectionPageFactory(parent=other_home, title="South Caucasus")  # the same slug as ours
        theirs = ArticlePageFactory(section=section, authors=[self.author], title="Theirs")
        ours = self.articles[1]
        self.assertEqual(self.client.get(ours.url, HTTP_HOST="other.example").status_code, 404)
        their_url = theirs.relative_url(Site.objects.get(hostname="other.example"))
        self.assertEqual(self.client.get(their_url, HTTP_HOST="other.example").context["page"].pk, theirs.pk)
        self.assertEqual(self.client.get(their_url).status_code, 404)


class PagesFromTheCacheTests(NewsroomTestCase):
    def test_pages_read_from_the_cache_are_announced_as_if_loaded(self):
        from django.db.models.signals import post_init

        self.get("/")
        loaded = []

        def note(sender, instance, **kwargs):
            loaded.append(instance.pk)

        post_init.connect(note)
        try:
            self.get(self.about)
        finally:
            post_init.disconnect(note)
        # The home page (the site's root) and the sections in the menu, as when they came from the database.
        for page in (self.home, self.caucasus, self.central_asia, self.about):
            self.assertIn(page.pk, loaded)
