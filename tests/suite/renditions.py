"""Each image rendition is encoded once per test process, not once per test class.

Test classes build their publication afresh and the database forgets the
renditions with each rolled-back class, so the same factory image was
resized and encoded to AVIF, WebP and JPEG again for every class that showed
a page: a fifth of the suite's time. Wagtail still makes every rendition a
page asks for (its row, its file, its URL); only the encoding of an identical
original through an identical filter is reused. A lost or unreadable
original still fails as before: Wagtail reads the file before the filter runs.
"""

import functools
import hashlib
from io import BytesIO

import pytest
from django.conf import settings
from wagtail.images.models import Filter

_encoded = {}  # (digest of the original, filter spec, focal point key, settings): (willow image class, bytes)
# The settings Wagtail's encoding reads: a test that overrides one gets an encoding of its own.
ENCODING_SETTINGS = (
    "WAGTAILIMAGES_JPEG_QUALITY",
    "WAGTAILIMAGES_WEBP_QUALITY",
    "WAGTAILIMAGES_AVIF_QUALITY",
    "WAGTAILIMAGES_FORMAT_CONVERSIONS",
)


@pytest.fixture(autouse=True, scope="session")
def _renditions_encoded_once():
    run = Filter.run

    @functools.wraps(run)  # run_once.__wrapped__ is Wagtail's own
    def run_once(self, image, output, source=None):
        original = getattr(source, "file", None)  # the bytes Wagtail read for several renditions at once
        if not isinstance(original, BytesIO):  # a single rendition, read from storage by the filter: rare
            return run(self, image, output, source=source)
        encoding = repr([getattr(settings, name, None) for name in ENCODING_SETTINGS])
        key = (hashlib.sha256(original.getbuffer()).digest(), self.spec, self.get_cache_key(image), encoding)
        found = _encoded.get(key)  # (Wagtail encodes in threads: at worst two encode the same once)
        if found is None:
            made = run(self, image, output, source=source)
            made.f.seek(0)
            found = _encoded[key] = (type(made), made.f.read())
        willow_class, data = found
        output.seek(0)
        output.truncate()
        output.write(data)
        output.seek(0)
        return willow_class(output)

    Filter.run = run_once
    yield
    Filter.run = run
