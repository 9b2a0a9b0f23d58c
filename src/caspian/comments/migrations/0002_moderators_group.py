"""The Moderators role: comments and the blocklist in the admin, nothing else.

Wagtail's own first migrations make a "Moderators" group that may publish
any page. In a newsroom, moderators look after readers' comments and
editors publish, so this takes the page, image and document permissions
away from the group (editors keep theirs in Wagtail's "Editors" group).
"""

from django.db import migrations

PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("comments", "comment", "moderate_comment"),
    ("comments", "blockrule", "add_blockrule"),
    ("comments", "blockrule", "change_blockrule"),
    ("comments", "blockrule", "delete_blockrule"),
    ("comments", "blockrule", "view_blockrule"),
]


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.clear()
    apps.get_model("wagtailcore", "GroupPagePermission").objects.filter(group=group).delete()
    apps.get_model("wagtailcore", "GroupCollectionPermission").objects.filter(group=group).delete()
    for app_label, model, codename in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        # Django creates permissions after all migrations; make them now so the group can hold them.
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ").capitalize()}
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    """Leave the group (Wagtail made it) without its comment permissions."""
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="comments"))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        # After every Wagtail migration that hands the group permissions.
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
