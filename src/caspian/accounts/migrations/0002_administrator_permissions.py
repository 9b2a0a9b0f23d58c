"""The Administrator role holds every permission (newsroom.0006): grant it those of this app and django-otp's.

So administrators see and lift sign-in locks and manage second factors. The
app labels are frozen here on purpose.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["accounts", "otp_totp", "otp_static", "django_otp_webauthn"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in APPS:
        # Django makes permissions only after the last migration; make them now to grant them.
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    administrator = Group.objects.filter(name="Administrator").first()
    if administrator is not None:
        administrator.permissions.add(*Permission.objects.filter(content_type__app_label__in=APPS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator = Group.objects.filter(name="Administrator").first()
    if administrator is not None:
        administrator.permissions.remove(*Permission.objects.filter(content_type__app_label__in=APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("newsroom", "0006_roles_and_review"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
        ("django_otp_webauthn", "0004_webauthnuserhandle"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
