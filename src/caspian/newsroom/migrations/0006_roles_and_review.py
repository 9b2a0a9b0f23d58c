"""The newsroom's roles and the editorial review workflow.

Five groups, each with exactly the permissions below (set here, replacing
whatever the group held before):

- **Contributor**: uses the admin; writes drafts anywhere in the page tree
  (Wagtail's "add" permission, which also lets them edit pages they own) and
  submits them for review; chooses images and documents. Cannot publish, and
  cannot edit their pages once published (``newsroom.edit_own_published_page``
  is what lifts that; see ``caspian.newsroom.roles``).
- **Reporter**: as Contributor, plus uploads images and documents, and edits
  their own pages after publication: those changes go through review too.
- **Editor**: edits any page (corrections, material updates, the home page's
  Must read), publishes, schedules, unpublishes, locks and unlocks; reviews in
  the workflow; manages images and documents; moderates reader comments and
  the comment blocklist.
- **Moderator**: uses the admin to moderate reader comments and the comment
  blocklist; no page, image or document permissions.
- **Administrator**: everything. A group cannot make someone a superuser, so
  it holds every permission that exists when this migration runs (created
  here first: Django only makes them after the last migration), and every
  page and collection permission at the roots. A later migration that adds
  models must grant their permissions to it too (a test checks this).

Page and collection permissions are given at the tree's root (and the root
collection), so they cover every site and section. A desk can be scoped to
one section with Wagtail's group page permissions on that section page.

Wagtail's own migrations make groups "Moderators" (add, edit, publish and
lock pages) and "Editors" (add and edit pages, no publishing), and a default
workflow "Moderators approval"; ``comments.0002`` made "Comment moderators".
Next to our roles those names would mislead (our Moderator looks after
comments, and Wagtail's "Editors" cannot publish), so this migration takes
the rows over instead of adding beside them:

- "Moderators" becomes **Editor**: its members already reviewed and published;
- "Editors" becomes **Reporter**: writers without publishing (they keep
  writing and uploading, and lose editing other people's pages);
- "Comment moderators" becomes **Moderator**;
- the workflow "Moderators approval" and its task become "Editorial review"
  with the single step "Editor review" (Editor and Administrator approve),
  assigned to the root.

Renaming keeps members, and pages already in review stay in review. Nobody
gains power they did not have. Where a group with the new name exists
already, the old group's members join it and the old group is removed.

The definitions are frozen in this file on purpose: a migration must do the
same thing whenever it runs, whatever the code looks like by then.

The reverse puts the names, permissions and workflow back the way Wagtail
and ``comments.0002`` left them, and removes Contributor, Administrator and
the ``edit_own_published_page`` permission.
"""

import swapper
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGE = ("wagtailcore", "page")
IMAGE = ("wagtailimages", "image")
DOCUMENT = ("wagtaildocs", "document")
ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin")
EDIT_OWN_PUBLISHED = ("newsroom", "articlepage", "edit_own_published_page")
EDIT_OWN_PUBLISHED_NAME = "Edit own pages after publication (changes still go through review)"
COMMENT_MODERATION = [
    ("comments", "comment", "moderate_comment"),
    *(("comments", "blockrule", f"{action}_blockrule") for action in ("add", "change", "delete", "view")),
]
ALL_PAGE_ACTIONS = ["add", "change", "bulk_delete", "lock", "publish", "unlock"]
ALL_MEDIA_ACTIONS = ["add", "change", "delete", "choose"]


def _media(*actions):
    """Collection permissions on images and documents for these actions."""
    return [(*model, f"{action}_{model[1]}") for model in (IMAGE, DOCUMENT) for action in actions]


# name: (group permissions, page permission actions at the root, collection permissions at the root)
ROLES = {
    "Contributor": ([ACCESS_ADMIN], ["add"], _media("choose")),
    "Reporter": ([ACCESS_ADMIN, EDIT_OWN_PUBLISHED], ["add"], _media("add", "choose")),
    "Editor": (
        [ACCESS_ADMIN, *COMMENT_MODERATION],
        ["add", "change", "publish", "lock", "unlock"],
        _media(*ALL_MEDIA_ACTIONS),
    ),
    "Moderator": ([ACCESS_ADMIN, *COMMENT_MODERATION], [], []),
    # Administrator: every permission, see _grant_everything.
}
# Our role: the group it takes over.
TAKEN_OVER = {"Editor": "Moderators", "Reporter": "Editors", "Moderator": "Comment moderators"}

# What the taken-over groups held before (for the reverse).
_WAGTAIL_GLOBAL = [
    ACCESS_ADMIN,
    *((*IMAGE, f"{a}_image") for a in ALL_MEDIA_ACTIONS),
    *((*DOCUMENT, f"{a}_document") for a in ALL_MEDIA_ACTIONS),
]
PREVIOUS = {
    "Moderators": (_WAGTAIL_GLOBAL, ["add", "change", "lock", "publish", "unlock"], _media("add", "change", "choose")),
    "Editors": (_WAGTAIL_GLOBAL, ["add", "change"], _media("add", "change", "choose")),
    "Comment moderators": ([ACCESS_ADMIN, *COMMENT_MODERATION], [], []),
}

WORKFLOW, TASK = "Editorial review", "Editor review"
WAGTAIL_WORKFLOW = WAGTAIL_TASK = "Moderators approval"
REVIEWERS = ["Editor", "Administrator"]


def _permission(apps, app_label, model, codename, name=None):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": name or codename.replace("_", " ").capitalize()},
    )
    return permission


def _roots(apps):
    Page = apps.get_model(swapper.get_model_name("wagtailcore", "Page"))
    Collection = apps.get_model("wagtailcore", "Collection")
    return Page.objects.filter(depth=1).order_by("path").first(), Collection.objects.filter(depth=1).first()


def _take_over(apps, old_name, new_name):
    """Rename group ``old_name`` to ``new_name``; merge into ``new_name`` if that exists already."""
    Group = apps.get_model("auth", "Group")
    old, new = Group.objects.filter(name=old_name).first(), Group.objects.filter(name=new_name).first()
    if new is None:
        if old is None:
            return Group.objects.create(name=new_name)
        old.name = new_name
        old.save(update_fields=["name"])
        return old
    if old is not None:
        new.user_set.add(*old.user_set.all())
        old.delete()
    return new


def _set_permissions(apps, group, permissions, page_actions, collection_permissions):
    """Give ``group`` exactly these permissions, at the page tree's and the collections' roots."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    root_page, root_collection = _roots(apps)
    group.permissions.set([_permission(apps, *p) for p in permissions])
    GroupPagePermission.objects.filter(group=group).delete()
    GroupCollectionPermission.objects.filter(group=group).delete()
    GroupSitePermission.objects.filter(group=group).delete()
    for action in page_actions:
        GroupPagePermission.objects.create(
            group=group, page=root_page, permission=_permission(apps, *PAGE, f"{action}_page")
        )
    for permission in collection_permissions:
        GroupCollectionPermission.objects.create(
            group=group, collection=root_collection, permission=_permission(apps, *permission)
        )


def _grant_everything(apps, group):
    """Every permission of every model as the database stands now, and all page and collection permissions."""
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    media = [(*model, f"{action}_{model[1]}") for model in (IMAGE, DOCUMENT) for action in ALL_MEDIA_ACTIONS]
    _set_permissions(apps, group, [], ALL_PAGE_ACTIONS, media)
    group.permissions.set(Permission.objects.all())


def _set_workflow(apps, workflow_names, task_names, new_workflow, new_task, reviewers):
    """Make the root's workflow ``new_workflow``, one group approval step ``new_task`` by ``reviewers``.

    The first existing workflow (and task) named in ``*_names`` is reused
    and renamed, so pages in review stay in review; otherwise one is made.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    workflow = next(filter(None, (Workflow.objects.filter(name=n).first() for n in workflow_names)), None)
    workflow = workflow or Workflow(name=new_workflow)
    workflow.name, workflow.active = new_workflow, True
    workflow.save()
    task = next(filter(None, (GroupApprovalTask.objects.filter(name=n).first() for n in task_names)), None)
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask(content_type=content_type)
    task.name, task.active = new_task, True
    task.save()
    task.groups.set(Group.objects.filter(name__in=reviewers))
    WorkflowTask.objects.filter(workflow=workflow).exclude(task_id=task.pk).delete()
    WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": 0})
    root_page, _ = _roots(apps)
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    _permission(apps, *EDIT_OWN_PUBLISHED, name=EDIT_OWN_PUBLISHED_NAME)
    for name, definition in ROLES.items():
        if name in TAKEN_OVER:
            group = _take_over(apps, TAKEN_OVER[name], name)
        else:
            group, _ = Group.objects.get_or_create(name=name)
        _set_permissions(apps, group, *definition)
    _grant_everything(apps, Group.objects.get_or_create(name="Administrator")[0])
    _set_workflow(apps, [WORKFLOW, WAGTAIL_WORKFLOW], [TASK, WAGTAIL_TASK], WORKFLOW, TASK, REVIEWERS)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, old_name in TAKEN_OVER.items():
        _set_permissions(apps, _take_over(apps, name, old_name), *PREVIOUS[old_name])
    _set_workflow(
        apps, [WORKFLOW, WAGTAIL_WORKFLOW], [TASK, WAGTAIL_TASK], WAGTAIL_WORKFLOW, WAGTAIL_TASK, ["Moderators"]
    )
    Group.objects.filter(name__in=["Contributor", "Administrator"]).delete()
    app_label, model, codename = EDIT_OWN_PUBLISHED
    Permission.objects.filter(content_type__app_label=app_label, content_type__model=model, codename=codename).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_newsroom_desk"),
        ("comments", "0002_comment_moderators_group"),
        ("masthead", "0001_initial"),
        ("wordpress", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        # Wagtail's groups, default workflow and choose permissions come first.
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailembeds", "0009_embed_cache_until"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
