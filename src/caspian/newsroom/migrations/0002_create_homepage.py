"""Replace Wagtail's placeholder welcome page with a Caspian front page.

A new installation then serves a (blank) publication at once; the demo
loader or the editors fill it. Databases whose tree already holds real
pages are left alone.
"""

import uuid

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("newsroom.HomePage")

    placeholder_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    top_level = Page.objects.filter(depth=2)
    if top_level.exclude(content_type=placeholder_type).exists():
        return
    top_level.filter(slug="home", numchild=0).delete()
    if Page.objects.filter(depth=2).exists():
        return

    home_type, _ = ContentType.objects.get_or_create(app_label="newsroom", model="homepage")
    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=Locale.objects.order_by("pk").first(),
        translation_key=uuid.uuid4(),
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Caspian")


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_initial")]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
