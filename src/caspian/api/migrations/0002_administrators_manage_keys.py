"""Administrators manage API keys and see their usage (they hold every permission); no other role does."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("apikey", "apikeyusage")]


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("caspian_api"), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrator").first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="caspian_api", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("caspian_api", "0001_api_keys"), ("newsroom", "0006_roles_and_review")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
