"""What each WordPress status, kind and field becomes, on small exports written for each case."""

import io
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.test import TestCase
from wagtail.models import PageViewRestriction

from caspian.comments.models import Comment, Status
from caspian.newsroom.factories import AuthorIndexPageFactory, AuthorPageFactory, SectionPageFactory
from caspian.newsroom.models import ArticlePage, AuthorPage, HomePage, SectionPage, StandardPage
from caspian.wordpress.importer import import_export
from caspian.wordpress.models import ImportedObject
from caspian.wordpress.taxonomy import SectionMapError, read_section_map

from .helpers import export, item

ARTICLE_TEXT = (
    "<p>Ferries to Aktau run again. The port reopened on Monday after the storm. "
    f"{'The harbour master listed every berth that was damaged and when it would be repaired, ' * 3}.</p>"
)


def run(document, **options):
    return import_export(io.BytesIO(document), **options)


def imported(kind, wp_id):
    return ImportedObject.objects.get(kind=kind, wp_id=str(wp_id)).target


class StatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.summary = run(
            export(
                item(1, "Published", status="publish"),
                item(2, "Private", status="private"),
                item(3, "Protected", password="open sesame"),
                item(4, "Draft", status="draft", slug=""),
                item(5, "Pending", status="pending"),
                item(6, "Scheduled", status="future", date=datetime(2031, 1, 1, 9, 0)),
                item(7, "Binned", status="trash"),
                item(8, "Auto", status="auto-draft"),
                item(9, "A page", post_type="page", status="private"),
            )
        )

    def test_each_status_maps(self):
        published, private, protected, draft, pending, scheduled = (imported("post", n) for n in range(1, 7))
        self.assertTrue(published.live and private.live and protected.live)
        self.assertFalse(draft.live or pending.live or scheduled.live)
        self.assertTrue(draft.has_unpublished_changes)
        self.assertEqual(scheduled.go_live_at, datetime(2031, 1, 1, 5, 0, tzinfo=UTC))
        self.assertEqual(scheduled.latest_revision.approved_go_live_at, scheduled.go_live_at)
        self.assertEqual(draft.slug, "draft")  # WordPress gives drafts no slug yet

    def test_private_needs_a_login_and_a_password_the_password(self):
        self.assertEqual(PageViewRestriction.objects.get(page=imported("post", 2)).restriction_type, "login")
        restriction = PageViewRestriction.objects.get(page=imported("post", 3))
        self.assertEqual((restriction.restriction_type, restriction.password), ("password", "open sesame"))
        self.assertEqual(PageViewRestriction.objects.get(page=imported("page", 9)).restriction_type, "login")
        self.assertEqual(self.client.get(imported("post", 2).url).status_code, 302)  # to the login page
        self.assertEqual(
            sorted((item.title, item.restriction) for item in self.summary.not_public),
            [("A page", "login"), ("Private", "login"), ("Protected", "password")],
        )

    def test_trash_and_automatic_drafts_are_skipped_with_a_reason(self):
        self.assertFalse(ImportedObject.objects.filter(wp_id__in=["7", "8"]).exists())
        self.assertEqual(dict(self.summary.reasons["posts"]), {"in the trash": 1, "an automatic draft": 1})
        self.assertEqual(
            dict(self.summary.statuses), {"live": 1, "login": 1, "password": 1, "draft": 2, "scheduled": 1}
        )


class FieldTests(TestCase):
    def test_dates_excerpt_and_body(self):
        run(
            export(
                item(1, "With excerpt", excerpt="<p>The <b>short</b> version &amp; more.</p>", content=ARTICLE_TEXT),
                item(2, "Without excerpt", content=ARTICLE_TEXT, date=datetime(2023, 12, 31, 23, 30)),
            )
        )
        first, second = imported("post", 1), imported("post", 2)
        self.assertEqual(first.standfirst, "The short version & more.")
        self.assertEqual(second.standfirst, "Ferries to Aktau run again. The port reopened on Monday after the storm.")
        self.assertEqual(first.first_published_at, datetime(2024, 5, 1, 6, 0, tzinfo=UTC))
        self.assertEqual(first.last_published_at, first.first_published_at)
        self.assertEqual(first.latest_revision.created_at, first.first_published_at)
        self.assertEqual(second.get_parent().slug, "2023")  # the year in the publication's time zone (UTC)
        self.assertIn("Ferries to Aktau", str(first.body.raw_data))

    def test_a_long_excerpt_is_shortened_between_words(self):
        run(export(item(1, "Long", excerpt="word " * 200)))
        standfirst = imported("post", 1).standfirst
        self.assertLessEqual(len(standfirst), 400)
        self.assertTrue(standfirst.endswith("word…"))

    def test_slugs_stay_unique_in_a_folder_and_keep_wordpress_s_where_free(self):
        run(export(item(1, "Same", slug="same"), item(2, "Same again", slug="same"), item(3, "Ünïcode", slug="%c3%bc")))
        self.assertEqual([imported("post", n).slug for n in (1, 2, 3)], ["same", "same-2", "ü"])


class TaxonomyTests(TestCase):
    categories = [("news", "News", ""), ("europe", "Europe", "news"), ("sport", "Sport", "")]

    def test_top_level_categories_become_sections_and_the_rest_tags(self):
        run(
            export(
                item(1, "In Europe", categories=[("europe", "Europe")], tags=[("ports", "Ports")]),
                item(2, "In two", categories=[("sport", "Sport"), ("news", "News")]),
                item(3, "Nowhere"),
                categories=self.categories,
            )
        )
        first, second, third = (imported("post", n).specific for n in (1, 2, 3))
        self.assertEqual(first.section.slug, "news")
        self.assertEqual(sorted(first.tags.names()), ["Europe", "Ports"])
        self.assertEqual((second.section.slug, list(second.tags.names())), ("sport", ["News"]))
        self.assertEqual(third.section.slug, "uncategorized")
        self.assertEqual(set(SectionPage.objects.values_list("slug", flat=True)), {"news", "sport", "uncategorized"})

    def test_an_existing_section_is_used_not_duplicated(self):
        home = HomePage.objects.get()
        existing = SectionPageFactory(parent=home, title="News", slug="news")
        run(export(item(1, "Story", categories=[("news", "News")]), categories=self.categories))
        self.assertEqual(imported("post", 1).specific.section, existing)
        self.assertEqual(SectionPage.objects.count(), 1)

    def test_a_section_map_sends_categories_to_existing_sections(self):
        home = HomePage.objects.get()
        politics = SectionPageFactory(parent=home, title="Politics", slug="politics")
        culture = SectionPageFactory(parent=home, title="Culture", slug="culture")
        section_map = self._map("# where WordPress's categories go\nnews = politics\n* = culture  # everything else\n")
        run(
            export(
                item(1, "Mapped", categories=[("europe", "Europe"), ("news", "News")]),
                item(2, "Unmapped", categories=[("sport", "Sport")]),
                categories=self.categories,
            ),
            section_map=section_map,
        )
        first, second = imported("post", 1).specific, imported("post", 2).specific
        self.assertEqual((first.section, sorted(first.tags.names())), (politics, ["Europe"]))
        self.assertEqual((second.section, list(second.tags.names())), (culture, ["Sport"]))
        self.assertEqual(SectionPage.objects.count(), 2)

    def test_a_section_map_naming_an_unknown_section_stops_the_import(self):
        section_map = self._map("news = politcs\n")
        with self.assertRaisesMessage(SectionMapError, "map.txt line 1: this site has no section 'politcs'"):
            run(export(item(1, "Story", categories=[("news", "News")])), section_map=section_map)
        self.assertEqual(ArticlePage.objects.count(), 0)

    def test_a_malformed_section_map_line_is_named(self):
        with self.assertRaisesMessage(SectionMapError, "map.txt line 2: expected `category-slug = section-slug`"):
            read_section_map(self._map("news = politics\nsport politics\n"))
        with self.assertRaisesMessage(SectionMapError, "map.txt line 2: 'news' is mapped already on line 1"):
            read_section_map(self._map("news = politics\nnews = culture\n"))

    def _map(self, text):
        folder = self.enterContext(tempfile.TemporaryDirectory())
        path = Path(folder) / "map.txt"
        path.write_text(text)
        return path


class AuthorTests(TestCase):
    def test_authors_from_the_list_then_from_dc_creator_and_existing_ones_matched(self):
        index = AuthorIndexPageFactory(parent=HomePage.objects.get())
        existing = AuthorPageFactory(parent=index, title="Leyla Aliyeva")
        run(
            export(
                item(1, "By Leyla", creator="leyla"),
                item(2, "By Timur", creator="timur"),
                item(3, "By someone unlisted", creator="guest-writer"),
                item(4, "By Timur again", creator=" <timur> "),
                authors=[("leyla", "Leyla Aliyeva"), ("timur", "Timur Saidov"), ("nobody", "Never Wrote")],
            )
        )
        authors = [imported("post", n).specific.bylines.get().author for n in (1, 2, 3, 4)]
        self.assertEqual(authors[0], existing)
        self.assertEqual([a.title for a in authors[1:]], ["Timur Saidov", "guest-writer", "Timur Saidov"])
        self.assertEqual(AuthorPage.objects.count(), 3)


class CommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        comments = [
            {"id": 12, "parent": 11, "content": "A reply <b>before</b> its parent."},
            {"id": 11, "content": 'First!<br>See <a href="https://example.org/x">this</a>.'},
            {"id": 13, "approved": "0"},
            {"id": 14, "approved": "spam"},
            {"id": 15, "approved": "trash"},
            {"id": 16, "type": "pingback", "content": "Linked from elsewhere"},
        ]
        cls.summary = run(export(item(1, "Discussed", comments=comments)))

    def test_replies_find_their_parent_whatever_the_order(self):
        self.assertEqual(imported("comment", 12).parent, imported("comment", 11))

    def test_status_author_and_text_are_kept(self):
        first = imported("comment", 11)
        self.assertEqual(first.body, "First!\nSee this (https://example.org/x).")
        self.assertEqual(
            (first.author_name, first.author_email, first.author_url, first.ip_address),
            ("A reader", "reader@example.org", "https://reader.example.org/", "203.0.113.9"),
        )
        self.assertEqual(first.created_at, datetime(2024, 5, 1, 6, 0, tzinfo=UTC))
        statuses = [imported("comment", n).status for n in (11, 13, 14, 15)]
        self.assertEqual(statuses, [Status.APPROVED, Status.PENDING, Status.SPAM, Status.TRASH])
        self.assertEqual(imported("post", 1).specific.comment_count, 2)

    def test_pingbacks_are_skipped(self):
        self.assertEqual(Comment.objects.count(), 5)
        self.assertEqual(dict(self.summary.reasons["comments"]), {"pingbacks are not imported": 1})


class PageTests(TestCase):
    def test_children_before_their_parents_still_nest(self):
        run(
            export(
                item(3, "Team", post_type="page", parent=2, link="https://news.example.org/about/team/"),
                item(2, "About", post_type="page", link="https://news.example.org/about/"),
                item(4, "Orphan", post_type="page", parent=99, link="https://news.example.org/orphan/"),
            )
        )
        about, team, orphan = (imported("page", n) for n in (2, 3, 4))
        self.assertEqual(team.get_parent().pk, about.pk)
        self.assertEqual(team.url, "/about/team/")
        self.assertEqual(orphan.get_parent().pk, HomePage.objects.get().pk)
        self.assertEqual(StandardPage.objects.count(), 3)


class RedirectTests(TestCase):
    def test_a_previous_slug_redirects_too(self):
        run(export(item(1, "Renamed", slug="renamed", meta={"_wp_old_slug": "first-name"})))
        article = imported("post", 1)
        for old in ("/2024/05/01/renamed/", "/2024/05/01/first-name/", "/?p=1"):
            response = self.client.get(old)
            self.assertEqual((response.status_code, response["Location"]), (301, article.url), old)

    def test_an_editors_redirect_is_left_alone(self):
        from wagtail.contrib.redirects.models import Redirect

        Redirect.objects.create(old_path="/2024/05/01/story", redirect_link="https://elsewhere.example.org/")
        summary = run(export(item(1, "Story", slug="story")))
        self.assertEqual(self.client.get("/2024/05/01/story/")["Location"], "https://elsewhere.example.org/")
        self.assertEqual(summary.reasons["redirects"]["an editor's redirect already uses the old address"], 1)


class UpdateTests(TestCase):
    """A second import of a newer export: what changed in WordPress changes here, through Wagtail."""

    categories = [("news", "News", ""), ("sport", "Sport", "")]

    def export(self, *, version):
        moved = {"categories": [("sport" if version == 2 else "news", "Sport" if version == 2 else "News")]}
        comment = {"id": 20, "approved": "1" if version == 2 else "0"}
        return export(
            item(1, "Moves to sport", slug="moves", **moved),
            item(2, "Unpublished later", status="draft" if version == 2 else "publish"),
            item(3, "Published later", status="publish" if version == 2 else "draft", comments=[comment]),
            categories=self.categories,
        )

    def test_moves_status_changes_and_comment_states_follow_wordpress(self):
        run(self.export(version=1))
        first_url = imported("post", 1).url
        summary = run(self.export(version=2))
        moved, unpublished, published = (imported("post", n).specific for n in (1, 2, 3))
        self.assertEqual(moved.section.slug, "sport")
        self.assertEqual(moved.url, "/sport/2024/moves/")
        self.assertEqual(self.client.get(first_url)["Location"], moved.url)  # Wagtail's redirect on moving
        self.assertEqual(self.client.get("/2024/05/01/moves/")["Location"], moved.url)
        self.assertFalse(unpublished.live)
        self.assertTrue(published.live)
        self.assertEqual(published.first_published_at, datetime(2024, 5, 1, 6, 0, tzinfo=UTC))
        self.assertEqual(imported("comment", 20).status, Status.APPROVED)
        self.assertEqual(published.comment_count, 1)
        self.assertEqual((summary.count("posts", "updated"), summary.count("comments", "updated")), (3, 1))
        self.assertEqual(ArticlePage.objects.count(), 3)
