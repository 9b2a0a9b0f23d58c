"""The newsroom's roles, tried through the real Wagtail admin.

Every check goes the way a member of staff would: fetch the admin page,
fill in its own form (CSRF token included) and send it. ``AdminBrowser``
and ``RolesTestCase`` are shared with ``test_review_workflow``.
"""

import importlib
import io
import json
import re
from contextlib import redirect_stdout

from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission, User
from django.http import QueryDict
from django.test import Client, TestCase
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
)
from wagtail.test.utils.form_data import rich_text

from caspian import cli
from caspian.comments.factories import CommentFactory
from caspian.comments.models import Status
from caspian.demo import staff
from caspian.newsroom import roles
from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArchiveYearPage, ArticlePage, HomePage, MustReadPick

from .scenario import NewsroomTestCase, html

ROLES = ["Administrator", "Contributor", "Editor", "Moderator", "Reporter"]
migration = importlib.import_module("caspian.newsroom.migrations.0006_roles_and_review")


def form_fields(form):
    """What a browser would send for ``form`` (a BeautifulSoup tag) before anyone touches it."""
    data = QueryDict(mutable=True)
    for field in form.select("input[name], textarea[name], select[name]"):
        if field.find_parent("template"):
            continue  # an inline panel's blank child form, copied in by JavaScript when asked
        name, kind = field["name"], field.get("type", "text")
        if field.name == "textarea":
            data.appendlist(name, field.get_text().removeprefix("\n"))  # browsers drop the first newline
        elif field.name == "select":
            options = field.select("option[selected]") or (
                [] if field.has_attr("multiple") else field.select("option")[:1]
            )
            for option in options:
                data.appendlist(name, option.get("value", option.get_text()))
        elif kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.appendlist(name, field.get("value", "on"))
        elif kind not in ("submit", "button", "image", "file", "reset"):
            data.appendlist(name, field.get("value", ""))
    # StreamFields are drawn by JavaScript from their value; post it back as their editor does.
    for block in form.select("[data-w-block-arguments-value]"):
        value, _errors = json.loads(block["data-w-block-arguments-value"])
        for name, field_value in stream_fields(block["id"], value).items():
            data[name] = field_value
    return data


def stream_fields(name, blocks):
    """A StreamField's form fields for ``blocks``: dicts with ``type`` and ``value`` (text or a dict of texts)."""
    fields = {f"{name}-count": str(len(blocks))}
    for index, block in enumerate(blocks):
        prefix = f"{name}-{index}"
        fields.update({f"{prefix}-type": block["type"], f"{prefix}-order": str(index), f"{prefix}-deleted": ""})
        fields[f"{prefix}-id"] = block.get("id") or ""
        value = block["value"]
        if isinstance(value, dict):
            fields.update({f"{prefix}-value-{key}": "" if v is None else str(v) for key, v in value.items()})
        else:
            fields[f"{prefix}-value"] = "" if value is None else str(value)
    return fields


def paragraphs(*texts):
    """An article body of plain paragraphs, as the rich text editor sends it."""
    return [{"type": "paragraph", "value": rich_text(f"<p>{text}</p>")} for text in texts]


class AdminBrowser:
    """One member of staff at the Wagtail admin, with CSRF checks on as in production."""

    def __init__(self, user):
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)

    def get(self, url, status=200):
        response = self.client.get(url)
        assert response.status_code == status, f"GET {url}: {response.status_code}, expected {status}"
        return response

    def submit(self, url, form="#page-edit-form", press=None, changes=None, body=None):
        """Open ``url``, fill in its ``form`` with ``changes``, press the button named ``press`` and send it.

        ``body`` replaces the article body (a list of blocks, e.g. from :func:`paragraphs`).
        """
        return self.post_form(html(self.get(url)).select_one(form), url, press, changes, body)

    def post_form(self, form, url, press=None, changes=None, body=None):
        assert form is not None, f"no such form on {url}"
        data = form_fields(form)
        if body is not None:
            for name in [key for key in data if key.startswith("body-")]:
                del data[name]
            data.update(stream_fields("body", body))
        for name, value in (changes or {}).items():
            data.setlist(name, value if isinstance(value, list) else [value])
        if press:
            button = form.select_one(f'button[name="{press}"], input[name="{press}"]')
            assert button is not None, f"no {press} button on {url}"
            data[press] = button.get("value", "")
        return self.client.post(form.get("action") or url, data)

    def post(self, url, data=None):
        """A hand-made POST with this session's CSRF token: what a crafted request could send."""
        if "csrftoken" not in self.client.cookies:
            self.get(reverse("wagtailadmin_home"))
        return self.client.post(url, {**(data or {}), "csrfmiddlewaretoken": self.client.cookies["csrftoken"].value})

    def can_open(self, url):
        """Whether the admin lets this person see ``url`` (it sends refusals to the dashboard)."""
        response = self.client.get(url)
        if response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"):
            return False
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        return True


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def buttons(response):
    """The labels of the page editor's action buttons."""
    page = html(response)
    return [b.get_text(" ", strip=True) for b in page.select("#page-edit-form footer button, #page-edit-form footer a")]


class RolesTestCase(NewsroomTestCase):
    """The scenario's publication with one member of staff per role (a second reporter too)."""

    article_count = 2

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.staff = {}
        for username, role in [
            ("cora", "Contributor"),
            ("rashid", "Reporter"),
            ("rena", "Reporter"),
            ("elif", "Editor"),
            ("murad", "Moderator"),
            ("ada", "Administrator"),
        ]:
            user = User.objects.create_user(username, f"{username}@newsroom.example", "pw", first_name=username.title())
            user.groups.add(Group.objects.get(name=role))
            cls.staff[username] = user

    def assertRefused(self, response):
        """Wagtail answers a refusal in the admin with a redirect to the dashboard."""
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)

    def browser(self, username):
        return AdminBrowser(self.staff[username])

    def write_article(self, browser, section, title, press=None, text="The first paragraph of the story."):
        """Start an article in ``section`` the way the admin's "Add article" button does; returns it."""
        add = reverse("newsroom_add_article", args=[section.pk])
        response = browser.client.get(add)
        if response.status_code == 200:  # this year's folder does not exist yet: confirm it
            response = browser.post_form(html(response).select_one("form[method=post]"), add)
        assert response.status_code == 302, f"Add article in {section}: {response.status_code}"
        response = browser.submit(
            response["Location"],
            press=press,
            changes={
                "title": title,
                "slug": title.lower().replace(" ", "-"),
                "standfirst": f"The summary of {title.lower()}.",
                "dateline": "TBILISI",
                # A new article has no byline yet: "Add byline" adds the first.
                "bylines-TOTAL_FORMS": "1",
                "bylines-0-id": "",
                "bylines-0-ORDER": "1",
                "bylines-0-author": str(self.author.pk),
            },
            body=paragraphs(text),
        )
        assert response.status_code == 302, html(response).select(".error-message, .help-critical")
        return ArticlePage.objects.get(title=title)


class GroupTests(RolesTestCase):
    def test_the_five_roles_replace_wagtails_groups_and_workflow(self):
        self.assertEqual(sorted(Group.objects.values_list("name", flat=True)), ROLES)
        workflow = WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow
        self.assertEqual(workflow.name, "Editorial review")
        self.assertEqual(list(Workflow.objects.values_list("name", flat=True)), ["Editorial review"])
        [task] = [t.task.specific for t in workflow.workflow_tasks.all()]
        self.assertEqual(task.name, "Editor review")
        self.assertIsInstance(task, GroupApprovalTask)
        self.assertEqual(sorted(task.groups.values_list("name", flat=True)), ["Administrator", "Editor"])

    def test_page_and_media_permissions_sit_at_the_roots(self):
        def page_actions(role):
            rows = GroupPagePermission.objects.filter(group__name=role).select_related("page", "permission")
            self.assertEqual({row.page.depth for row in rows} - {1}, set(), role)
            return sorted(row.permission.codename for row in rows)

        def media(role):
            rows = GroupCollectionPermission.objects.filter(group__name=role).select_related("collection", "permission")
            self.assertEqual({row.collection.depth for row in rows} - {1}, set(), role)
            return sorted(row.permission.codename for row in rows)

        self.assertEqual(page_actions("Contributor"), ["add_page"])
        self.assertEqual(page_actions("Reporter"), ["add_page"])
        self.assertEqual(
            page_actions("Editor"), ["add_page", "change_page", "lock_page", "publish_page", "unlock_page"]
        )
        self.assertEqual(page_actions("Moderator"), [])
        self.assertEqual(len(page_actions("Administrator")), 6)
        self.assertEqual(media("Contributor"), ["choose_document", "choose_image"])
        self.assertEqual(media("Reporter"), ["add_document", "add_image", "choose_document", "choose_image"])
        self.assertEqual(len(media("Editor")), 8)
        self.assertEqual(media("Moderator"), [])

    def test_administrators_hold_every_permission(self):
        missing = Permission.objects.exclude(group__name="Administrator")
        self.assertFalse(
            missing.exists(),
            "Grant these to the Administrator group in a data migration: "
            + ", ".join(f"{p.content_type.app_label}.{p.codename}" for p in missing),
        )

    def test_the_migration_undoes_and_redoes_cleanly(self):
        migration.remove_roles(apps, None)
        self.assertEqual(
            sorted(Group.objects.values_list("name", flat=True)), ["Comment moderators", "Editors", "Moderators"]
        )
        self.assertEqual(self.staff["elif"].groups.get().name, "Moderators")  # members stay with their group
        self.assertEqual(
            sorted(
                GroupPagePermission.objects.filter(group__name="Editors").values_list("permission__codename", flat=True)
            ),
            ["add_page", "change_page"],
        )
        task = GroupApprovalTask.objects.get()
        self.assertEqual((task.name, [g.name for g in task.groups.all()]), ("Moderators approval", ["Moderators"]))
        self.assertFalse(Permission.objects.filter(codename="edit_own_published_page").exists())

        migration.create_roles(apps, None)
        self.assertEqual(sorted(Group.objects.values_list("name", flat=True)), ROLES)
        self.assertEqual(self.staff["elif"].groups.get().name, "Editor")
        self.assertEqual(GroupApprovalTask.objects.get().name, "Editor review")
        self.assertEqual(Workflow.objects.get().name, "Editorial review")


class ContributorTests(RolesTestCase):
    def test_a_contributor_submits_for_review_and_cannot_publish(self):
        cora = self.browser("cora")
        draft = self.write_article(cora, self.caucasus, "Ferry timetable changes")
        self.assertEqual(draft.owner, self.staff["cora"])
        self.assertFalse(draft.live)
        edit = cora.get(edit_url(draft))
        self.assertIn("Submit to Editorial review", buttons(edit))
        self.assertNotIn("Publish", buttons(edit))

        # A hand-made POST with the publish button's name only saves a draft.
        response = cora.submit(edit_url(draft), changes={"action-publish": "action-publish", "title": "Published?"})
        self.assertEqual(response.status_code, 302)
        draft.refresh_from_db()
        self.assertFalse(draft.live)
        self.assertIsNone(draft.live_revision)
        self.assertEqual(draft.get_latest_revision().as_object().title, "Published?")
        self.assertEqual(self.client.get(f"/south-caucasus/{draft.get_parent().slug}/{draft.slug}/").status_code, 404)

    def test_a_contributor_cannot_publish_or_unpublish_other_pages(self):
        cora = self.browser("cora")
        article = self.articles[0]
        self.assertFalse(cora.can_open(edit_url(article)))
        self.assertFalse(cora.can_open(reverse("wagtailadmin_pages:unpublish", args=[article.pk])))
        self.assertRefused(cora.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk])))
        self.assertTrue(ArticlePage.objects.get(pk=article.pk).live)

    def test_contributors_choose_images_but_do_not_upload_them(self):
        self.assertTrue(self.browser("cora").can_open(reverse("wagtailimages_chooser:choose")))
        self.assertFalse(self.browser("cora").can_open(reverse("wagtailimages:add")))
        self.assertTrue(self.browser("rashid").can_open(reverse("wagtailimages:add")))

    def test_a_contributors_published_story_belongs_to_the_desk(self):
        published = ArticlePageFactory(section=self.caucasus, authors=[self.author], owner=self.staff["cora"])
        cora = self.browser("cora")
        explorer = reverse("wagtailadmin_explore", args=[published.get_parent().pk])
        self.assertRedirects(cora.client.get(edit_url(published)), explorer, fetch_redirect_response=False)
        self.assertRedirects(
            cora.post(edit_url(published), {"title": "Rewritten"}), explorer, fetch_redirect_response=False
        )
        self.assertIsNone(published.get_latest_revision())
        messages = [str(m) for m in cora.client.get(explorer).context["messages"]]
        self.assertIn("ask an editor to change it", messages[-1])


class ReporterTests(RolesTestCase):
    def test_a_reporter_edits_their_own_published_story_through_review(self):
        mine = ArticlePageFactory(section=self.caucasus, authors=[self.author], owner=self.staff["rashid"])
        rashid = self.browser("rashid")
        edit = rashid.get(edit_url(mine))
        self.assertNotIn("Publish", buttons(edit))
        response = rashid.submit(edit_url(mine), press="action-submit", changes={"standfirst": "Now with figures."})
        self.assertEqual(response.status_code, 302)
        mine.refresh_from_db()
        self.assertEqual(mine.current_workflow_task.name, "Editor review")
        self.assertNotEqual(mine.standfirst, "Now with figures.")  # readers see the published version until approval
        self.assertEqual(mine.get_latest_revision().as_object().standfirst, "Now with figures.")

    def test_a_reporter_cannot_edit_another_reporters_story(self):
        theirs = ArticlePageFactory(section=self.caucasus, authors=[self.author], owner=self.staff["rena"])
        draft = self.write_article(self.browser("rena"), self.caucasus, "Draft by Rena")
        rashid = self.browser("rashid")
        for page in (theirs, draft):
            self.assertFalse(rashid.can_open(edit_url(page)))
            self.assertRefused(rashid.post(edit_url(page), {"title": "Taken over"}))
            self.assertNotEqual(Page.objects.get(pk=page.pk).get_latest_revision_as_object().title, "Taken over")
        self.assertTrue(self.browser("rena").can_open(edit_url(theirs)))


class SectionDeskTests(RolesTestCase):
    def test_administrators_grant_editing_after_publication_in_the_group_editor(self):
        self.assertTrue(self.staff["rashid"].has_perm(roles.EDIT_OWN_PUBLISHED))
        self.assertFalse(self.staff["cora"].has_perm(roles.EDIT_OWN_PUBLISHED))
        reporter = Group.objects.get(name="Reporter")
        page = html(self.browser("ada").get(reverse("wagtailusers_groups:edit", args=[reporter.pk])))
        permission = Permission.objects.get(codename="edit_own_published_page")
        checkbox = page.select_one(f'input[name="permissions"][value="{permission.pk}"]')
        self.assertIsNotNone(checkbox, "the permission is not offered in the group editor")
        self.assertTrue(checkbox.has_attr("checked"))

    def test_an_administrator_scopes_a_desk_to_one_section(self):
        ada = self.browser("ada")
        access_admin = Permission.objects.get(codename="access_admin")
        response = ada.submit(
            reverse("wagtailusers_groups:add"),
            form="form[method=post]",
            changes={
                "name": "South Caucasus desk",
                "permissions": str(access_admin.pk),
                "page_permissions-TOTAL_FORMS": "1",
                "page_permissions-0-page": str(self.caucasus.pk),
                "page_permissions-0-permissions": "add_page",
            },
        )
        self.assertEqual(response.status_code, 302)
        desk = Group.objects.get(name="South Caucasus desk")
        self.assertEqual(
            list(desk.page_permissions.values_list("page", "permission__codename")), [(self.caucasus.pk, "add_page")]
        )
        stringer = User.objects.create_user("stringer", password="pw")
        stringer.groups.add(desk)
        browser = AdminBrowser(stringer)
        article = self.write_article(browser, self.caucasus, "Tbilisi metro extension")
        self.assertTrue(article.is_descendant_of(self.caucasus))
        ArchiveYearPage.objects.child_of(self.central_asia).delete()
        self.assertFalse(browser.can_open(reverse("newsroom_add_article", args=[self.central_asia.pk])))
        self.assertRefused(browser.post(reverse("newsroom_add_article", args=[self.central_asia.pk])))
        self.assertFalse(ArchiveYearPage.objects.child_of(self.central_asia).exists())
        folder = ArchiveYearPage.objects.child_of(self.caucasus).get()
        self.assertFalse(browser.can_open(edit_url(self.home)))
        self.assertTrue(
            browser.can_open(reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", folder.pk]))
        )


class EditorTests(RolesTestCase):
    def test_an_editor_curates_must_read_on_the_home_page(self):
        elif_ = self.browser("elif")
        edit = elif_.get(edit_url(self.home))
        self.assertEqual(buttons(edit)[0], "Publish changes")  # the home page is live
        picks = [self.articles[1], self.articles[0]]
        changes = {"must_read_picks-TOTAL_FORMS": str(len(picks))}
        for n, article in enumerate(picks):
            changes |= {f"must_read_picks-{n}-article": str(article.pk), f"must_read_picks-{n}-ORDER": str(n + 1)}
        response = elif_.submit(edit_url(self.home), press="action-publish", changes=changes)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(MustReadPick.objects.filter(page=self.home).order_by("sort_order").values_list("article", flat=True)),
            [a.pk for a in picks],
        )
        self.assertTrue(HomePage.objects.get().live)

    def test_an_editor_edits_anyone_s_story_and_moderates_comments(self):
        story = ArticlePageFactory(section=self.caucasus, authors=[self.author], owner=self.staff["rashid"])
        elif_ = self.browser("elif")
        response = elif_.submit(edit_url(story), press="action-publish", changes={"update_note": "Adds figures."})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(story.updates.get().note, "Adds figures.")
        comment = CommentFactory(article=story, status=Status.PENDING)
        queue = reverse("comments_admin:queue")
        self.assertTrue(elif_.can_open(queue))
        elif_.post_form(
            html(elif_.get(queue)).select_one("form[method=post]"),
            queue,
            changes={"action": "approve", "comment": str(comment.pk)},
        )
        comment.refresh_from_db()
        self.assertEqual(comment.status, Status.APPROVED)


class ModeratorTests(RolesTestCase):
    def test_a_moderator_moderates_comments_and_nothing_else(self):
        murad = self.browser("murad")
        comment = CommentFactory(article=self.articles[0], status=Status.PENDING)
        queue = reverse("comments_admin:queue")
        self.assertIn(comment.body, murad.get(queue).content.decode())
        murad.post_form(
            html(murad.get(queue)).select_one("form[method=post]"),
            queue,
            changes={"action": "approve", "comment": str(comment.pk)},
        )
        comment.refresh_from_db()
        self.assertEqual(comment.status, Status.APPROVED)
        for url in (
            edit_url(self.articles[0]),
            edit_url(self.home),
            reverse("wagtailadmin_explore", args=[self.home.pk]),
            reverse("wagtailimages:index"),
        ):
            self.assertFalse(murad.can_open(url), url)
        self.assertFalse(murad.can_open(reverse("newsroom_add_article", args=[self.caucasus.pk])))

    def test_only_comment_roles_reach_the_queue(self):
        queue = reverse("comments_admin:queue")
        self.assertFalse(self.browser("cora").can_open(queue))
        self.assertFalse(self.browser("rashid").can_open(queue))
        self.assertTrue(self.browser("ada").can_open(queue))


class DemoStaffTests(TestCase):
    def test_the_demo_makes_one_login_per_role_once_and_shows_each_password_once(self):
        out = io.StringIO()
        with redirect_stdout(out):
            cli._ensure_demo_staff()
        logins = re.findall(r"^(\w+) login: (\w+) / (\S{16,})  \(shown only now\)$", out.getvalue(), re.MULTILINE)
        roles_shown = [(role, username) for role, username, _ in logins]
        self.assertEqual(
            roles_shown,
            [
                ("Contributor", "contributor"),
                ("Reporter", "reporter"),
                ("Editor", "editor"),
                ("Moderator", "moderator"),
            ],
        )
        for role, username, password in logins:
            user = authenticate(username=username, password=password)
            self.assertEqual([g.name for g in user.groups.all()], [role])
            self.assertEqual(user.email, f"{username}@caspian-times.example")  # the review workflow writes to it
        # The editor signs in through the admin's login form and reaches the dashboard.
        browser = Client(enforce_csrf_checks=True)
        login = reverse("wagtailadmin_login")
        form = html(browser.get(login)).select_one("form[method=post]")
        passwords = {username: password for _, username, password in logins}
        data = {**form_fields(form), "username": "editor", "password": passwords["editor"]}
        self.assertRedirects(browser.post(login, data), reverse("wagtailadmin_home"), fetch_redirect_response=False)
        self.assertEqual(browser.get(reverse("wagtailadmin_home")).status_code, 200)

        User.objects.filter(username="reporter").delete()
        self.assertEqual([(user, role) for user, role, _ in staff.ensure_staff()], [("reporter", "Reporter")])
        self.assertEqual(staff.ensure_staff(), [])
