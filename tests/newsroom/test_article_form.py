"""The article form in the admin: a draft saves with what it has; publishing says what is missing, beside the field."""

from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from caspian.newsroom.models import ArticlePage, AuthorPage

from .scenario import NewsroomTestCase

LONG_HEADLINE = ("Ferry workers in Aktau walk out over pay as the port's owners say talks " * 4).strip()

# The article form's fields as the admin sends them with nothing filled in, but the headline, the
# web address, the lead image and the bylines (which each test gives).
BLANK_ARTICLE_FORM = {
    "standfirst": "",
    "dateline": "",
    "lead_image_alt": "",
    "lead_image_caption": "",
    "lead_image_credit": "",
    "body": streamfield([]),
    "tags": "",
    "related_picks": inline_formset([]),
    "update_note": "",
    "corrections": inline_formset([]),
    "comments": inline_formset([]),
    "comments_open": "on",
    "seo_title": "",
    "search_description": "",
    "go_live_at": "",
    "expire_at": "",
}


class ArticleFormCase(NewsroomTestCase):
    """An editor at the new-article form of this year's South Caucasus folder."""

    article_count = 1

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = User.objects.create_superuser("editor", "editor@caspian.example", "not-used")
        cls.folder = cls.caucasus.year_folder(timezone.localdate().year)

    def setUp(self):
        self.client.force_login(self.editor)

    def post_new(self, action=None, bylines=(), bylines_on_the_page=False, **fields):
        """The new-article form as the admin sends it: only a headline unless ``fields`` say more."""
        data = {
            **BLANK_ARTICLE_FORM,
            "title": "Ferry workers in Aktau walk out over pay",
            "slug": "",
            "lead_image": "",
            # Bylines the page came with (id empty: not saved yet), or ones the editor added.
            "bylines": inline_formset(
                [
                    {"id": "", "author": author.pk} if bylines_on_the_page else {"author": author.pk}
                    for author in bylines
                ],
                initial=len(bylines) if bylines_on_the_page else 0,
            ),
            **fields,
        }
        if action:
            data[action] = "1"
        url = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", self.folder.pk])
        return self.client.post(url, nested_form_data(data))

    def created(self, title="Ferry workers in Aktau walk out over pay"):
        return ArticlePage.objects.child_of(self.folder).filter(title=title)

    def errors_beside(self, response, field):
        """The error messages the page shows in ``field``'s panel."""
        page = BeautifulSoup(response.content, "html.parser")
        panel = page.select_one(f"#id_{field}").find_parent(attrs={"data-field-wrapper": True})
        return [error.get_text(" ", strip=True) for error in panel.select(".error-message")]


class ArticleFormTests(ArticleFormCase):
    def test_a_headline_alone_saves_a_draft_with_its_address_made_from_it(self):
        first = self.post_new()
        self.assertEqual(first.status_code, 302)
        second = self.post_new()
        self.assertEqual(second.status_code, 302)
        slugs = sorted(self.created().values_list("slug", flat=True))
        self.assertEqual(
            slugs, ["ferry-workers-in-aktau-walk-out-over-pay", "ferry-workers-in-aktau-walk-out-over-pay-2"]
        )
        self.assertFalse(self.created().filter(live=True).exists())

    def test_an_address_the_editor_typed_is_kept(self):
        self.post_new(slug="aktau-strike")
        self.assertEqual(self.created().get().slug, "aktau-strike")

    def test_the_headline_field_counts_and_does_not_cut(self):
        response = self.client.get(reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", self.folder.pk]))
        page = BeautifulSoup(response.content, "html.parser")
        headline = page.select_one("#id_title")
        self.assertNotIn("maxlength", headline.attrs)  # the browser would cut a pasted headline silently
        self.assertEqual(headline["data-length-limit"], "255")
        self.assertEqual(headline["data-w-sync-target-value"], "#id_slug")  # the address follows the headline
        self.assertIn("newsroom/admin/length-counter", str(page.select("script[src]")))
        self.assertEqual(page.select_one("#id_seo_title")["data-length-advice"], "70")

    def test_an_over_long_headline_is_refused_and_kept_whole(self):
        self.assertGreater(len(LONG_HEADLINE), 255)
        response = self.post_new(title=LONG_HEADLINE)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ArticlePage.objects.filter(title__startswith="Ferry workers in Aktau walk out").exists())
        self.assertEqual(
            self.errors_beside(response, "title"),
            [
                f"A headline can have at most 255 characters; this one has {len(LONG_HEADLINE)}. "
                "Shorten it: the standfirst is the place for more."
            ],
        )
        page = BeautifulSoup(response.content, "html.parser")
        self.assertEqual(page.select_one("#id_title")["value"], LONG_HEADLINE)

    def test_a_draft_saves_without_alt_text_and_publishing_asks_for_it_beside_the_field(self):
        image = self.articles[0].lead_image
        ready = {
            "standfirst": "Dockers stopped work at dawn.",
            "body": streamfield([("paragraph", rich_text("<p>Dockers stopped work at dawn.</p>"))]),
        }
        draft = self.post_new(lead_image=image.pk, bylines=[self.author], **ready)
        self.assertEqual(draft.status_code, 302)
        article = self.created().get()
        self.assertEqual((article.lead_image_id, article.lead_image_alt, article.live), (image.pk, "", False))

        edit = reverse("wagtailadmin_pages:edit", args=[article.pk])
        data = {
            "title": article.title,
            "slug": article.slug,
            "lead_image": image.pk,
            "bylines": inline_formset([{"id": article.bylines.get().pk, "author": self.author.pk}], initial=1),
            "action-publish": "1",
        }
        refused = self.client.post(edit, nested_form_data({**BLANK_ARTICLE_FORM, **ready, **data}))
        self.assertEqual(refused.status_code, 200)
        self.assertEqual(
            self.errors_beside(refused, "lead_image_alt"),
            ["Describe the lead image for readers who cannot see it, then publish."],
        )
        self.assertFalse(ArticlePage.objects.get(pk=article.pk).live)

        described = {**data, "lead_image_alt": "Dockers at the gate of the ferry terminal"}
        published = self.client.post(edit, nested_form_data({**BLANK_ARTICLE_FORM, **ready, **described}))
        self.assertEqual(published.status_code, 302)
        self.assertTrue(ArticlePage.objects.get(pk=article.pk).live)

    def test_publishing_without_a_byline_says_so_beside_the_bylines(self):
        refused = self.post_new(action="action-publish", standfirst="Dockers stopped work at dawn.")
        self.assertEqual(refused.status_code, 200)
        self.assertFalse(self.created().exists())
        page = BeautifulSoup(refused.content, "html.parser")
        errors = page.select_one("#id_bylines-FORMS").parent.select(":scope > .error-message")
        self.assertEqual(
            [error.get_text(strip=True) for error in errors],
            ["Add a byline before publishing: readers want to know who wrote this."],
        )
        self.assertEqual(self.post_new().status_code, 302)  # as a draft it saves

    def test_a_new_article_carries_the_byline_of_the_writers_author_page(self):
        add = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", self.folder.pk])
        self.assertIsNone(BeautifulSoup(self.client.get(add).content, "html.parser").find(id="id_bylines-0-author"))
        AuthorPage.objects.filter(pk=self.second_author.pk).update(user=self.editor)
        form = BeautifulSoup(self.client.get(add).content, "html.parser")
        self.assertEqual(form.find(id="id_bylines-0-author")["value"], str(self.second_author.pk))
        self.assertEqual(form.find(id="id_bylines-INITIAL_FORMS")["value"], "1")
        # Sent as the page has it: saved with that byline.
        self.assertEqual(self.post_new(bylines=[self.second_author], bylines_on_the_page=True).status_code, 302)
        self.assertEqual([b.author for b in self.created().get().bylines.all()], [self.second_author])
