"""Importing the three WordPress test exports: what each holds arrives, where readers and editors expect it."""

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TestCase
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision

from caspian.comments.models import Comment, Status
from caspian.newsroom.models import (
    ArticlePage,
    AuthorPage,
    HomePage,
    MustReadPick,
    NewsImage,
    SectionPage,
    StandardPage,
)
from caspian.pagecache import store
from caspian.wordpress.importer import import_export
from caspian.wordpress.models import ImportedObject

from ..corpora import path as corpus
from ..pagecache.client import WsgiClient
from .helpers import A11Y_TEST, BLOCK_TEST, THEME_UNIT_TEST, ExportFacts

STATUS_OF = {"1": Status.APPROVED, "0": Status.PENDING, "spam": Status.SPAM, "trash": Status.TRASH}


def imported(kind, wp_id):
    """The Caspian object made from a WordPress object."""
    return ImportedObject.objects.get(kind=kind, wp_id=str(wp_id)).target


def table_counts():
    """Rows in every table an import writes to."""
    models = [Page, ArticlePage, StandardPage, SectionPage, AuthorPage, Revision, PageLogEntry, PageViewRestriction]
    models += [Comment, Redirect, Tag, NewsImage, MustReadPick, ImportedObject]
    return {model.__name__: model.objects.count() for model in models}


class CorpusTests:
    """Checks every corpus must pass; subclasses name the corpus."""

    corpus = None

    @classmethod
    def setUpTestData(cls):
        cls.facts = ExportFacts(corpus(cls.corpus))
        cls.summary = import_export(corpus(cls.corpus))
        cls.home = HomePage.objects.get()

    def test_posts_arrive_with_their_status(self):
        facts = self.facts
        self.assertEqual(ArticlePage.objects.count(), len(facts.posts))
        self.assertEqual(self.summary.count("posts", "imported"), len(facts.posts))
        for post in facts.posts:
            article = imported("post", post["id"]).specific
            state = facts.state(post)
            with self.subTest(post=post["id"], status=post["status"]):
                self.assertEqual(article.live, state == "live")
                self.assertEqual(bool(article.go_live_at), state == "scheduled")
                self.assertEqual(article.first_published_at is not None, state == "live")
                restriction = PageViewRestriction.objects.filter(page=article).first()
                if post["password"]:
                    self.assertEqual(restriction.restriction_type, PageViewRestriction.PASSWORD)
                    self.assertEqual(restriction.password, post["password"])
                elif post["status"] == "private":
                    self.assertEqual(restriction.restriction_type, PageViewRestriction.LOGIN)
                else:
                    self.assertIsNone(restriction)
        skipped = [item for item in facts.items if item["type"] == "post" and not item["importable"]]
        self.assertEqual(self.summary.counts["posts"]["skipped"], len(skipped))

    def test_pages_keep_their_hierarchy(self):
        pages = self.facts.pages
        self.assertEqual(StandardPage.objects.count(), len(pages))
        wp_ids = {page["id"] for page in pages}
        for page in pages:
            made = imported("page", page["id"])
            parent = made.get_parent().specific
            with self.subTest(page=page["id"]):
                if page["parent"] in wp_ids:
                    self.assertEqual(parent.pk, imported("page", page["parent"]).pk)
                else:
                    self.assertEqual(parent.pk, self.home.pk)

    def test_comments_arrive_threaded_with_their_status(self):
        expected = self.facts.comments()
        self.assertEqual(Comment.objects.count(), len(expected))
        for comment in expected:
            made = imported("comment", comment["id"])
            with self.subTest(comment=comment["id"]):
                self.assertEqual(made.status, STATUS_OF[comment["approved"]])
                if comment["parent"]:
                    self.assertEqual(made.parent_id, imported("comment", comment["parent"]).pk)
                else:
                    self.assertIsNone(made.parent_id)
        replies = [comment for comment in expected if comment["parent"]]
        self.assertEqual(Comment.objects.filter(parent__isnull=False).count(), len(replies))
        for article in ArticlePage.objects.all():
            self.assertEqual(article.comment_count, article.comments.approved().count())

    def test_categories_become_sections_and_tags(self):
        section_type = ContentType.objects.get_for_model(SectionPage)
        sections = ImportedObject.objects.filter(kind="category", content_type=section_type)
        self.assertEqual({entry.wp_id for entry in sections}, self.facts.sections())
        self.assertEqual(SectionPage.objects.count(), len(self.facts.sections()))
        used = Tag.objects.filter(newsroom_articletag_items__isnull=False).distinct()
        self.assertEqual({tag.name.lower() for tag in used}, self.facts.tag_names())

    def test_authors_come_from_the_posts_creators(self):
        logins = self.facts.logins()
        self.assertEqual(AuthorPage.objects.count(), len(logins))
        for post in self.facts.posts:
            if post["creator"]:
                article = imported("post", post["id"]).specific
                byline = article.bylines.get()
                self.assertEqual(byline.author.pk, imported("author", post["creator"]).pk)

    def test_each_page_has_one_revision_and_a_history(self):
        for page in Page.objects.filter(depth__gt=2):
            with self.subTest(page=page.url_path):
                self.assertEqual(Revision.page_revisions.filter(object_id=str(page.pk)).count(), 1)
                self.assertEqual(page.latest_revision.object_id, str(page.pk))
                self.assertEqual(page.live_revision_id, page.latest_revision_id if page.live else None)
                self.assertTrue(PageLogEntry.objects.filter(page=page, action="wagtail.create").exists())
        self.assertEqual(Page.find_problems(), ([], [], [], [], []))

    def test_old_addresses_answer_301_with_the_new_page(self):
        for item in [*self.facts.posts, *self.facts.pages]:
            page = imported(item["type"], item["id"])
            short = f"/?p={item['id']}" if item["type"] == "post" else f"/?page_id={item['id']}"
            link = urlsplit(item["link"])
            old = re.sub("/+", "/", link.path) + (f"?{link.query}" if link.query else "")
            with self.subTest(item=item["id"]):
                response = self.client.get(short)
                self.assertEqual(response.status_code, 301, short)
                self.assertEqual(response["Location"], page.url)
                # By path: page.url is a full address whenever Wagtail counts more than one site.
                moved = unquote(old).rstrip("/") != unquote(urlsplit(page.url).path).rstrip("/")
                if moved and resolve(unquote(link.path)).url_name != "wagtail_serve":  # e.g. /search/: Caspian's own
                    self.assertEqual(self.client.get(old).status_code, 200)
                elif moved:
                    response = self.client.get(old)
                    self.assertEqual((response.status_code, response["Location"]), (301, page.url), old)

    def test_live_articles_are_served(self):
        public = ArticlePage.objects.live().filter(view_restrictions__isnull=True).order_by("pk")
        for article in public[:: max(1, public.count() // 5)]:
            response = self.client.get(article.url)
            self.assertEqual(response.status_code, 200, article.url)
            self.assertContains(response, escape(article.title))

    def test_importing_again_duplicates_nothing(self):
        before = table_counts()
        again = import_export(corpus(self.corpus))
        self.assertEqual(table_counts(), before)
        for kind in ("posts", "pages", "authors", "sections", "comments", "redirects"):
            self.assertEqual(again.count(kind, "imported"), 0, kind)
            self.assertEqual(again.count(kind, "updated"), 0, kind)
            self.assertEqual(again.count(kind, "unchanged"), self.summary.count(kind), kind)


class ThemeUnitTestImport(CorpusTests, TestCase):
    corpus = THEME_UNIT_TEST

    def test_special_characters_arrive_intact(self):
        post = next(p for p in self.facts.posts if "Special Characters" in p["title"])
        article = imported("post", post["id"]).specific
        self.assertEqual(article.title, post["title"].strip())
        self.assertIn("~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>", article.title)
        response = self.client.get(article.url)
        self.assertContains(response, f'<h1 class="article__headline">{escape(article.title)}</h1>', html=True)

    def test_markup_in_a_title_becomes_text(self):
        post = next(p for p in self.facts.posts if "<em>" in p["title"])
        self.assertEqual(imported("post", post["id"]).title, "Markup: Title With Markup")

    def test_sticky_posts_are_must_read(self):
        sticky = [p for p in self.facts.posts if p["sticky"] and self.facts.state(p) == "live" and not p["password"]]
        self.assertTrue(sticky)
        picks = list(MustReadPick.objects.filter(page=self.home).values_list("article_id", flat=True))
        self.assertEqual(picks, [imported("post", p["id"]).pk for p in sticky])
        home = HomePage.objects.get()
        self.assertEqual(home.live_revision_id, home.latest_revision_id)

    def test_password_protected_posts_ask_for_the_password(self):
        post = next(p for p in self.facts.posts if p["password"])
        article = imported("post", post["id"]).specific
        response = self.client.get(article.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'type="password"')
        self.assertNotContains(response, escape(article.standfirst))
        self.assertIn(article.title, [item.title for item in self.summary.not_public])

    def test_scheduled_posts_are_published_by_wagtails_scheduler(self):
        post = next(p for p in self.facts.posts if p["status"] == "future")
        article = imported("post", post["id"]).specific
        revision = article.latest_revision
        self.assertEqual(revision.approved_go_live_at, article.go_live_at)
        call_command("publish_scheduled", verbosity=0)
        self.assertFalse(ArticlePage.objects.get(pk=article.pk).live)  # not yet due
        due = timezone.now() - timedelta(minutes=1)  # as if the date had come
        Revision.objects.filter(pk=revision.pk).update(
            approved_go_live_at=due, content={**revision.content, "go_live_at": due.isoformat()}
        )
        ArticlePage.objects.filter(pk=article.pk).update(go_live_at=due)
        call_command("publish_scheduled", verbosity=0)
        self.assertTrue(ArticlePage.objects.get(pk=article.pk).live)

    def test_short_addresses_redirect_through_the_page_cache(self):
        store.clear_local()
        reader = WsgiClient()
        post = self.facts.posts[0]
        article = imported("post", post["id"])
        reader.get("/")  # the first reader creates the site's settings, so this page is not kept
        self.assertEqual(reader.get("/").status, 200)
        self.assertTrue(reader.get("/").hit)
        for _ in range(2):  # a redirect is never stored in place of the page
            response = reader.get(f"/?p={post['id']}")
            self.assertEqual((response.status, response.headers["location"]), (301, article.url))
        self.assertTrue(reader.get("/").hit)
        self.assertEqual(reader.get("/?p=999999").status, 200)  # no such post: the front page

    def test_an_edit_in_wordpress_updates_the_article(self):
        post = next(p for p in self.facts.posts if p["title"] == "Template: Comments")
        text = corpus(self.corpus).read_text(encoding="utf-8")
        self.assertEqual(text.count("<title>Template: Comments</title>"), 1)
        with tempfile.TemporaryDirectory() as folder:
            edited = Path(folder) / "edited.xml"
            edited.write_text(text.replace("<title>Template: Comments</title>", "<title>Comments, edited</title>"))
            before = table_counts()
            summary = import_export(edited)
        article = imported("post", post["id"]).specific
        self.assertEqual(article.title, "Comments, edited")
        self.assertEqual(summary.count("posts", "updated"), 1)
        self.assertEqual(summary.count("posts", "unchanged"), len(self.facts.posts) - 1)
        after = table_counts()
        self.assertEqual(after.pop("Revision"), before.pop("Revision") + 1)
        after.pop("PageLogEntry"), before.pop("PageLogEntry")
        self.assertEqual(after, before)
        self.assertEqual(self.client.get(f"/?p={post['id']}")["Location"], article.url)

    def test_editors_can_open_and_publish_what_was_imported(self):
        self.client.force_login(get_user_model().objects.create_superuser("editor", "", "x"))
        post = next(p for p in self.facts.posts if p["title"] == "Template: Comments")
        article = imported("post", post["id"]).specific
        for view in ("edit", "history"):
            response = self.client.get(reverse(f"wagtailadmin_pages:{view}", args=[article.pk]))
            self.assertEqual(response.status_code, 200, view)
        self.assertContains(response, "Published")
        revision = article.get_latest_revision_as_object()
        self.assertEqual([byline.author_id for byline in revision.bylines.all()], [imported("author", "themedemos").pk])
        revision.save_revision().publish()
        self.assertEqual(article.bylines.count(), 1)
        self.assertEqual(sorted(ArticlePage.objects.get(pk=article.pk).tags.names()), sorted(article.tags.names()))

    def test_a_dry_run_changes_nothing(self):
        before = table_counts()
        summary = import_export(corpus(BLOCK_TEST), dry_run=True)
        self.assertEqual(table_counts(), before)
        self.assertTrue(summary.dry_run)
        self.assertGreater(summary.count("posts", "imported"), 50)


class BlockTestImport(CorpusTests, TestCase):
    corpus = BLOCK_TEST

    def test_block_markup_becomes_body_blocks(self):
        article = imported("post", next(p for p in self.facts.posts if p["title"] == "Paragraph")["id"]).specific
        self.assertTrue(article.body)
        self.assertNotIn("wp:paragraph", article.body.raw_data.__str__())

    def test_a_section_never_hides_behind_the_sites_own_addresses(self):
        section = imported("category", "media")
        self.assertEqual((section.title, section.slug), ("Media", "media-2"))  # /media/ serves uploaded files
        self.assertEqual(self.client.get(section.url).status_code, 200)


class A11yTestImport(CorpusTests, TestCase):
    corpus = A11Y_TEST

    def test_authors_without_a_wp_author_list_come_from_dc_creator(self):
        self.assertEqual(self.facts.root.find("channel").findall(f"{{{self.facts.wp}}}author"), [])
        names = set(AuthorPage.objects.values_list("title", flat=True))
        self.assertEqual(len(names), len(self.facts.logins()))
        self.assertIn("Accessibility Tester", names)  # named by the non-standard wp:wp_author element
