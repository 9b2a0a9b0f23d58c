"""Attachments become images: from a copy of wp-content/uploads, or downloaded only when asked."""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from caspian.newsroom.models import ArticlePage, NewsImage
from caspian.wordpress.importer import import_export
from caspian.wordpress.models import ImportedObject

from ..fake_services import FakeFileHost
from .helpers import attachment, export, item, jpeg

UPLOADS = "https://news.example.org/wp-content/uploads"
FILES = ("harbour.jpg", "missing.jpg")


def imported(kind, wp_id):
    return ImportedObject.objects.get(kind=kind, wp_id=str(wp_id)).target


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def illustrated_export(site=None):
    """Two posts: one with a featured and an inline image that exist, one whose featured image is missing."""
    extra = {"site": site} if site else {}
    inline = f'<p>Text.</p><img src="{UPLOADS}/2024/05/harbour-300x200.jpg" class="wp-image-50" alt="Boats">'
    return export(
        attachment(50, "2024/05/harbour.jpg", caption="The old harbour.", **extra),
        attachment(51, "2024/05/missing.jpg", title="Lost", **extra),
        item(1, "With pictures", content=inline, meta={"_thumbnail_id": "50"}),
        item(2, "Picture missing", meta={"_thumbnail_id": "51"}),
    )


class MediaFolderTests(TestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (self.folder / "2024/05").mkdir(parents=True)
        (self.folder / "2024/05/harbour.jpg").write_bytes(jpeg(size=(640, 360)))

    def test_images_come_from_the_media_folder(self):
        summary = import_export(io.BytesIO(illustrated_export()), media_dir=self.folder)
        image = imported("attachment", 50)
        self.assertEqual((image.title, image.width, image.height), ("Harbour at dawn", 640, 360))
        self.assertEqual(image.description, "Fishing boats in the harbour at dawn")
        self.assertTrue(image.file.storage.exists(image.file.name))
        article = imported("post", 1).specific
        self.assertEqual(article.lead_image, image)
        self.assertEqual(article.lead_image_alt, "Fishing boats in the harbour at dawn")
        self.assertEqual(article.lead_image_caption, "The old harbour.")
        images = [block.value["image"] for block in article.body if block.block_type == "image"]
        self.assertEqual(images, [image])
        self.assertEqual(self.client.get(article.url).status_code, 200)
        self.assertEqual(summary.count("images", "imported"), 1)

    def test_a_missing_file_is_listed_and_the_article_still_imports(self):
        summary = import_export(io.BytesIO(illustrated_export()), media_dir=self.folder)
        article = imported("post", 2).specific
        self.assertTrue(article.live)
        self.assertIsNone(article.lead_image)
        self.assertEqual(summary.reasons["images"]["file missing"], 1)
        self.assertTrue(any("2024/05/missing.jpg" in line for line in summary.missing_media), summary.missing_media)

    def test_importing_again_copies_no_file_twice(self):
        import_export(io.BytesIO(illustrated_export()), media_dir=self.folder)
        files, images = stored_files(), NewsImage.objects.count()
        again = import_export(io.BytesIO(illustrated_export()), media_dir=self.folder)
        self.assertEqual((stored_files(), NewsImage.objects.count()), (files, images))
        self.assertEqual(again.count("images", "unchanged"), 1)
        self.assertEqual(again.count("posts", "unchanged"), 2)

    def test_a_file_found_later_is_added_on_the_next_import(self):
        import_export(io.BytesIO(illustrated_export()), media_dir=self.folder)
        (self.folder / "2024/05/missing.jpg").write_bytes(jpeg("navy"))
        again = import_export(io.BytesIO(illustrated_export()), media_dir=self.folder)
        self.assertEqual(imported("post", 2).specific.lead_image, imported("attachment", 51))
        self.assertEqual((again.count("images", "imported"), again.count("posts", "updated")), (1, 1))

    def test_a_path_may_not_lead_out_of_the_media_folder(self):
        secret = self.folder.parent / "secret.jpg"
        secret.write_bytes(jpeg())
        self.addCleanup(secret.unlink)
        summary = import_export(io.BytesIO(export(attachment(60, f"../{secret.name}"))), media_dir=self.folder)
        self.assertEqual(NewsImage.objects.count(), 0)
        self.assertEqual(summary.reasons["images"]["file missing"], 1)


class FetchMediaTests(TestCase):
    def test_attachments_are_downloaded_only_when_asked(self):
        with FakeFileHost({"/wp-content/uploads/2024/05/harbour.jpg": jpeg()}) as host:
            document = illustrated_export(site=host.url)
            import_export(io.BytesIO(document))
            self.assertEqual(host.requests, [])
            self.assertEqual(NewsImage.objects.count(), 0)
            summary = import_export(io.BytesIO(document), fetch_media=True)
        self.assertEqual(sorted(host.requests), [f"/wp-content/uploads/2024/05/{name}" for name in FILES])
        image = imported("attachment", 50)
        self.assertEqual((image.width, image.height), (64, 48))
        self.assertEqual(imported("post", 1).specific.lead_image, image)
        self.assertTrue(any("missing.jpg" in line and "HTTP 404" in line for line in summary.missing_media))
        self.assertEqual(ArticlePage.objects.count(), 2)
