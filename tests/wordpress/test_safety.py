"""All or nothing: a broken or hostile export, or a failing database, leaves the site as it was."""

import io
import tempfile
from pathlib import Path
from unittest import mock

from django.db import DatabaseError
from django.test import TestCase

from caspian.wordpress.importer import import_export
from caspian.wordpress.media import Media
from caspian.wordpress.wxr import WxrError

from ..corpora import path as corpus
from .helpers import THEME_UNIT_TEST, attachment, export, item, jpeg
from .test_import import table_counts
from .test_media import stored_files

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol4;</title>
<item><title>&lol4;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item></channel></rss>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Feed</title>
<item><title>&secret;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item></channel></rss>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Feed</title></channel></rss>
"""


class RollbackTests(TestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        # An image of the theme unit test data, so a file is copied before the export breaks off.
        (self.folder / "2008/06").mkdir(parents=True)
        (self.folder / "2008/06/canola2.jpg").write_bytes(jpeg())

    def test_an_export_cut_short_leaves_nothing_behind(self):
        whole = corpus(THEME_UNIT_TEST).read_bytes()
        cut = self.folder / "cut.xml"
        cut.write_bytes(whole[: len(whole) * 2 // 3])
        before, files = table_counts(), stored_files()
        original, copied = Media.discard, []

        def discard(media):
            copied.extend(media.saved)
            original(media)

        with mock.patch.object(Media, "discard", discard), self.assertRaises(WxrError) as raised:
            import_export(cut, media_dir=self.folder)
        self.assertEqual(len(copied), 1)  # the image was copied before the break, then deleted
        message = str(raised.exception)
        self.assertIn("cut short", message)
        self.assertRegex(message, r"line \d+")
        self.assertEqual(len(message.splitlines()), 1)
        self.assertEqual(table_counts(), before)
        self.assertEqual(stored_files(), files)

    def test_a_database_error_halfway_leaves_nothing_behind(self):
        before, files = table_counts(), stored_files()
        failing = mock.patch("caspian.wordpress.redirects.Redirects.flush", side_effect=DatabaseError("disk full"))
        with failing, self.assertRaises(DatabaseError):
            import_export(corpus(THEME_UNIT_TEST), media_dir=self.folder)
        self.assertEqual(table_counts(), before)
        self.assertEqual(stored_files(), files)

    def test_a_dry_run_writes_no_row_and_no_file(self):
        document = export(attachment(5, "2008/06/canola2.jpg"), item(1, "Story", meta={"_thumbnail_id": "5"}))
        before, files = table_counts(), stored_files()
        summary = import_export(io.BytesIO(document), media_dir=self.folder, dry_run=True)
        self.assertEqual((table_counts(), stored_files()), (before, files))
        self.assertEqual((summary.count("posts", "imported"), summary.count("images", "imported")), (1, 1))


class HostileExportTests(TestCase):
    def test_dtds_and_entities_are_refused(self):
        for name, document in [
            ("entity expansion", BILLION_LAUGHS),
            ("external entity", EXTERNAL_ENTITY),
            ("parameter entity", PARAMETER_ENTITY),
        ]:
            before = table_counts()
            with self.subTest(name), self.assertRaises(WxrError) as raised:
                import_export(io.BytesIO(document))
            self.assertIn("refused", str(raised.exception))
            self.assertEqual(table_counts(), before)

    def test_a_file_that_is_not_an_export_is_named_as_such(self):
        with self.assertRaisesMessage(WxrError, "not a WordPress export"):
            import_export(io.BytesIO(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'))
