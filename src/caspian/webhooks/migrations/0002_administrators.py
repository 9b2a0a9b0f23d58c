"""Webhooks are the Administrators' business: their group gets every permission on the webhooks models.

No other role gets any, so the Webhooks menu shows to Administrators (and
superusers) only. The permissions are created here first: Django only
makes them after the last migration.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("webhooks"), verbosity=0, apps=apps)
    group = Group.objects.filter(name="Administrator").first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="webhooks"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrator").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="webhooks"))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("newsroom", "0006_roles_and_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
