"""The newsroom's roles at work, where Wagtail's page permissions stop short.

The groups (Contributor, Reporter, Editor, Moderator, Administrator) and
their permissions are made by the migration ``newsroom.0006_roles_and_review``,
which keeps its own frozen copy of the definitions.

Wagtail's "add" permission lets a writer edit every page they own, published
or not. In the newsroom a contributor's story belongs to the desk once it is
published: only people who may edit any page, and those holding
``newsroom.edit_own_published_page`` (Reporters), edit their own stories
after publication, and their changes still go through review.
"""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.admin.utils import get_user_display_name
from wagtail.models import TaskState, WorkflowState

EDIT_OWN_PUBLISHED = "newsroom.edit_own_published_page"
ROLES = ["Contributor", "Reporter", "Editor", "Moderator", "Administrator"]


def is_published(page):
    """Whether the page is live, has ever been, or is approved and waiting for its go-live time."""
    return page.live or page.first_published_at is not None or page.scheduled_revision is not None


def may_edit_own_published(user, page):
    """Whether ``user`` may edit ``page`` as far as this rule goes (Wagtail's own checks apply as well).

    Only a writer whose right to edit comes from owning the page is held
    back, and only once it is published: people who may edit any page, or
    who reach the editor through a review step, are not concerned.
    """
    if user.is_superuser or page.owner_id != user.pk or not is_published(page):
        return True
    if "change" in page.permissions_for_user(user).permissions:
        return True
    return user.has_perm(EDIT_OWN_PUBLISHED)


def keep_contributors_to_drafts(request, page):
    """``before_edit_page`` hook: send a contributor back from their published story, saying why."""
    if may_edit_own_published(request.user, page):
        return None
    messages.error(
        request,
        f"'{page.get_admin_display_title()}' is published, so it is in the editors' hands now: "
        "ask an editor to change it.",
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


def show_change_request(request, page):
    """``before_edit_page`` hook: open a story sent back for changes with the editor's request at the top.

    Wagtail keeps it under Status › View details, where writers did not find
    it. Shown when the page is opened, not again after each save.
    """
    if request.method != "GET":
        return None
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    sent_back = (
        TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_REJECTED)
        .select_related("finished_by")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if sent_back is None:
        return None
    when = date_format(timezone.localtime(sent_back.finished_at), "j M, H:i")
    who = get_user_display_name(sent_back.finished_by) if sent_back.finished_by else "An editor"
    comment = sent_back.get_comment().strip()
    wanted = f": “{comment}”" if comment else "."
    messages.warning(request, f"Changes requested by {who} ({when}){wanted} Make them, then submit again.")
    return None


def role_permissions():
    """``register_permissions`` hook: show the newsroom's own permission in the group editor."""
    app_label, codename = EDIT_OWN_PUBLISHED.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)
