"""The page editor's action buttons, in the order a newsroom works.

Wagtail leads with "Save draft" everywhere, puts "Unpublish" beside
"Publish", and in review offers an approver both "Publish" and "Approve and
Publish" (and "Approve with comment and Publish" beside it). Here, on a
live story the main button is "Publish changes" (the draft comes second),
"Unpublish" is last, away from it (it asks for confirmation on its own
page), and in review one "Approve and Publish" is the only way to publish:
Wagtail's approval with a comment, whose dialog leaves the comment optional.
"""

from wagtail.admin.action_menu import PublishMenuItem


class PublishChangesMenuItem(PublishMenuItem):
    label = "Publish changes"


def newsroom_action_menu(menu_items, request, context):
    """``construct_page_action_menu`` hook: reorder and relabel ``menu_items`` (the first is the main button)."""
    page = context.get("page")
    one_approval(menu_items)
    names = [item.name for item in menu_items]
    if "approve" in names and "action-publish" in names:  # "Approve and Publish" says it all
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]
    elif page is not None and page.pk and page.live and "action-publish" in names:
        publish = next(item for item in menu_items if item.name == "action-publish")
        others = [item for item in menu_items if item is not publish]
        menu_items[:] = [PublishChangesMenuItem(order=publish.order), *others]
    unpublish = [item for item in menu_items if item.name == "action-unpublish"]
    if unpublish:
        menu_items[:] = [item for item in menu_items if item.name != "action-unpublish"] + unpublish


def one_approval(menu_items):
    """Keep one approve action in ``menu_items``: the one that asks for a comment (optional), named as the other."""
    approvals = [item for item in menu_items if item.name == "approve"]
    with_comment = [item for item in approvals if item.launch_modal]
    if len(approvals) < 2 or not with_comment:
        return
    plain = next(item for item in approvals if not item.launch_modal)
    with_comment[0].label = plain.label  # "Approve and Publish"; the dialog offers the comment
    menu_items[:] = [item for item in menu_items if item.name != "approve" or item is with_comment[0]]
