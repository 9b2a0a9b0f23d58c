"""A rendition encoded once is reused only for the same original, filter and focal point (renditions.py)."""

from io import BytesIO

import pytest
from django.core.files import File
from PIL import Image
from wagtail.images.models import Filter

from caspian.newsroom.models import NewsImage

from . import renditions

pytestmark = pytest.mark.pure


def original(color):
    data = BytesIO()
    Image.new("RGB", (160, 90), color).save(data, "JPEG")
    return data.getvalue()


def render(spec, data, encode=None, **focal_point):
    """``(willow class, bytes)`` of ``spec`` applied to the original ``data``, as Wagtail renders several at once."""
    image = NewsImage(width=160, height=90, collection_id=1, **focal_point)  # unsaved: no query
    output = BytesIO()
    encode = encode or Filter.run  # as patched for the session
    made = encode(Filter(spec), image, output, source=File(BytesIO(data), name="original.jpg"))
    return type(made), output.getvalue()


def test_the_same_original_and_filter_give_wagtails_bytes_and_are_encoded_once():
    teal = original("teal")
    before = len(renditions._encoded)
    first, again = render("fill-80x45|format-webp", teal), render("fill-80x45|format-webp", teal)
    assert first == again == render("fill-80x45|format-webp", teal, encode=Filter.run.__wrapped__)
    assert first[0].__name__ == "WebPImageFile"
    assert len(renditions._encoded) == before + 1


def test_another_original_filter_or_focal_point_is_encoded_afresh():
    teal = render("fill-80x45|format-jpeg", original("teal"))
    assert render("fill-80x45|format-jpeg", original("navy")) != teal
    assert render("fill-40x40|format-jpeg", original("teal")) != teal
    focused = {"focal_point_x": 10, "focal_point_y": 10, "focal_point_width": 4, "focal_point_height": 4}
    before = len(renditions._encoded)
    render("fill-80x45|format-jpeg", original("teal"), **focused)
    assert len(renditions._encoded) == before + 1
