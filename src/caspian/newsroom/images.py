"""Responsive images: named presets rendered as <picture> with modern formats.

Every image on a reader page goes through :func:`picture`, so crops, widths
and formats are decided here and nowhere else.

A rendition's address never changes once it exists: a new focal point or
file makes new renditions under new names. So each process remembers the
address, size and file of every rendition it has shown
(:func:`shown_renditions`), keyed by what decides them, and a page showing
an image again reads nothing from the database or the cache for it. The
first time, renditions come from the image's prefetched ``renditions`` when
the listing prefetched them (:func:`prefetch_renditions`), else one query.
"""

import functools
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from PIL import Image as PILImage
from PIL import features
from wagtail.images.models import SourceImageIOError

logger = logging.getLogger(__name__)

# AVIF only where this Pillow build can write it, and WebP: every current
# browser reads one of them. The <img> inside <picture> carries a single
# JPEG for the rest, so a preset costs (widths x 2) + 1 renditions.
MODERN_FORMATS = ("avif", "webp") if features.check("avif") else ("webp",)


@dataclass(frozen=True)
class Preset:
    widths: tuple
    sizes: str
    aspect: tuple | None = None  # (w, h) to crop to; None keeps the original shape

    def resize_spec(self, width):
        if self.aspect is None:
            return f"width-{width}"
        ratio_w, ratio_h = self.aspect
        return f"fill-{width}x{round(width * ratio_h / ratio_w)}"

    def spec(self, width, image_format):
        return f"{self.resize_spec(width)}|format-{image_format}"

    @property
    def fallback_spec(self):
        return self.spec(self.widths[len(self.widths) // 2], "jpeg")

    def all_specs(self):
        return [self.spec(width, fmt) for fmt in MODERN_FORMATS for width in self.widths] + [self.fallback_spec]


PRESETS = {
    "lead": Preset(
        (480, 960, 1440), "(min-width: 76rem) 46rem, (min-width: 64rem) calc(100vw - 26rem), 100vw", aspect=(16, 9)
    ),
    "card": Preset((320, 640), "(min-width: 48rem) 18rem, 100vw", aspect=(16, 9)),
    "thumb": Preset((320, 640), "6rem", aspect=(16, 9)),
    "inline": Preset((480, 960, 1440), "(min-width: 76rem) 46rem, 100vw"),
    "portrait": Preset((96, 192), "6rem", aspect=(1, 1)),
}


def picture(image, preset_name, alt, eager=False):
    """A <picture> for ``image`` at the preset's widths, in AVIF/WebP with a JPEG <img>.

    ``eager`` is for the one image above the fold (the lead): it loads at
    once; all others load lazily. (No ``fetchpriority``: the Nu HTML checker
    we validate against does not know it yet.) Width and height are
    those of the JPEG fallback, which has the preset's aspect ratio, so the
    layout never jumps.
    """
    preset = PRESETS[preset_name]
    renditions = shown_renditions(image, preset.all_specs())
    if renditions is None:  # a lost original file costs the reader a picture, not the page
        return ""

    def srcset(image_format):
        seen, parts = set(), []
        for width in preset.widths:
            rendition = renditions[preset.spec(width, image_format)]
            if rendition.width not in seen:  # small originals are never upscaled
                seen.add(rendition.width)
                parts.append((rendition.url, rendition.width))
        return format_html_join(", ", "{} {}w", parts)

    fallback = renditions[preset.fallback_spec]
    sources = format_html_join(
        "",
        '<source type="image/{}" srcset="{}" sizes="{}">',
        ((fmt, srcset(fmt), preset.sizes) for fmt in MODERN_FORMATS),
    )
    loading = mark_safe('loading="eager"' if eager else 'loading="lazy"')
    return format_html(
        '<picture>{}<img src="{}" width="{}" height="{}" alt="{}" decoding="async" {}></picture>',
        sources,
        fallback.url,
        fallback.width,
        fallback.height,
        alt,
        loading,
    )


def prepare_renditions(image, *preset_names):
    """Make every rendition the presets use for ``image`` now, instead of on a reader's first view."""
    for name in preset_names:
        image.get_renditions(*PRESETS[name].all_specs())


# For search engines and social cards: the lead image at 16:9, 4:3 and 1:1,
# 1200 px wide where the original allows (Google's guidance for articles).
SHARE_SPECS = {
    "16:9": "fill-1200x675|format-jpeg",
    "4:3": "fill-1200x900|format-jpeg",
    "1:1": "fill-1200x1200|format-jpeg",
}


def share_renditions(image):
    """``{"16:9": shown rendition, ...}`` (see :class:`Shown`) for ``image``, or ``{}`` if its file is lost."""
    renditions = shown_renditions(image, SHARE_SPECS.values())
    return {} if renditions is None else {ratio: renditions[spec] for ratio, spec in SHARE_SPECS.items()}


def jpeg_rendition(image, preset_name):
    """The preset's JPEG rendition of ``image`` as :class:`Shown` (for feeds, cards elsewhere); ``None`` if lost."""
    spec = PRESETS[preset_name].fallback_spec
    renditions = shown_renditions(image, [spec])
    return None if renditions is None else renditions[spec]


@dataclass(frozen=True)
class Shown:
    """What a page needs of a rendition: its address and size; ``file`` to ask the storage for more."""

    url: str
    width: int
    height: int
    file: str

    @property
    def bytes(self):
        """The rendition file's size (for feed enclosures), asked of the storage once per process."""
        return _file_size(self.file)


@functools.lru_cache(maxsize=10_000)
def _file_size(name):
    return default_storage.size(name)


# Images whose renditions each process remembers: a few KB each, so a few MB.
SHOWN_IMAGES = 2_000
_shown = OrderedDict()  # image identity -> {filter spec: Shown}
_shown_lock = threading.Lock()


def _identity(image):
    """What decides an image's renditions: its file and focal point (a change to either makes new ones)."""
    return (image.pk, image.file.name, image.focal_point_x, image.focal_point_y,
            image.focal_point_width, image.focal_point_height)  # fmt: skip


def shown_renditions(image, specs):
    """``{spec: Shown}`` for ``image`` at each filter spec, or ``None`` if its original file is lost.

    Remembered in this process (see the module's docstring); renditions not
    remembered yet are looked up (and made when missing) together.
    """
    identity = _identity(image)
    with _shown_lock:
        known = _shown.get(identity, {})
        found = {spec: known[spec] for spec in specs if spec in known}
    missing = [spec for spec in specs if spec not in found]
    if not missing:
        return found
    try:
        renditions = image.get_renditions(*missing)
    except SourceImageIOError:
        logger.warning("Image %s (%s) has no readable file; not shown.", image.pk, image.file.name)
        return None
    made = {
        spec: Shown(rendition.url, rendition.width, rendition.height, rendition.file.name)
        for spec, rendition in renditions.items()
    }
    with _shown_lock:
        _shown.setdefault(identity, {}).update(made)
        _shown.move_to_end(identity)
        while len(_shown) > SHOWN_IMAGES:
            _shown.popitem(last=False)
    return found | made


def forget_shown_renditions():
    """Forget the renditions this process remembers (tests)."""
    with _shown_lock:
        _shown.clear()


def prefetch_renditions(images):
    """Load in one query the renditions of those ``images`` (``None`` skipped) this process has not shown.

    An image shown before in any size counts: a page asking for another of
    its presets costs one query for that image.
    """
    with _shown_lock:
        wanted = [image for image in images if image is not None and _identity(image) not in _shown]
    prefetch_related_objects(wanted, "renditions")


# libavif's default speed (6) takes ~0.8 s to encode one 1440 px rendition on
# these machines; speed 8 takes a tenth of that for files about the size of
# WebP. Renditions are made on a reader's first view, so speed wins.
AVIF_ENCODER_SPEED = 8


def use_fast_avif_encoding():
    """Make every AVIF that Pillow writes default to :data:`AVIF_ENCODER_SPEED` (called at startup)."""
    PILImage.init()  # loads the format plugins, so the AVIF writer is registered
    save_avif = PILImage.SAVE.get("AVIF")
    if save_avif is None or getattr(save_avif, "caspian_fast", False):
        return

    def save_fast(image, fp, filename, *args, **kwargs):
        image.encoderinfo.setdefault("speed", AVIF_ENCODER_SPEED)
        return save_avif(image, fp, filename, *args, **kwargs)

    save_fast.caspian_fast = True
    PILImage.register_save("AVIF", save_fast)
