"""An attachment judged by its content (issue 24, point 4): the declared type must be the real one, images are
stored re-encoded without EXIF, PDFs with active content are refused."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from glos_chassis.errors import Problem
from proposals_svc.uploads import checked_content

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from upload_samples import (ACTIVE_PDFS, HTML_AS_PNG, phone_photo, plain_pdf_with_a_link, png,  # noqa: E402
                            raw_pdf)


def refusal(declared: str, content: bytes) -> str:
    with pytest.raises(Problem) as refused:
        checked_content(declared, content)
    assert refused.value.status == 422 and refused.value.errors[0]["field"] == "body"
    return refused.value.detail_pl


def test_a_phone_photo_is_stored_upright_without_its_gps_position_exif_or_comment():
    original = phone_photo(size=(40, 20), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the sample does carry it
    stored = checked_content("image/jpeg", original)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (20, 40)  # turned as the orientation said
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in image.info and "comment" not in image.info and b"Debowa" not in stored


@pytest.mark.parametrize("declared,content", [("image/png", HTML_AS_PNG), ("image/jpeg", png()),
                                              ("image/png", phone_photo()), ("image/jpeg", b"\xff\xd8\xff" + b"0" * 100),
                                              ("application/pdf", HTML_AS_PNG), ("application/pdf", png())])
def test_content_that_is_not_the_declared_type_is_refused(declared, content):
    assert "Plik nie jest" in refusal(declared, content) or "Nie da się odczytać" in refusal(declared, content)


def test_a_png_stays_a_png_and_its_size_is_kept():
    image = Image.open(io.BytesIO(checked_content("image/png", png((30, 12), "RGBA"))))
    assert image.format == "PNG" and image.size == (30, 12) and image.mode == "RGBA"


def test_a_decompression_bomb_is_refused_before_it_is_unpacked():
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, "PNG")  # 144 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 100_000
    assert "za dużo pikseli" in refusal("image/png", bomb.getvalue())


@pytest.mark.parametrize("name", sorted(ACTIVE_PDFS))
def test_a_pdf_with_active_content_is_refused(name):
    assert "aktywną treść" in refusal("application/pdf", ACTIVE_PDFS[name])


def test_an_ordinary_pdf_with_a_link_and_an_opening_page_is_kept_as_it_is():
    for pdf in (plain_pdf_with_a_link(), raw_pdf(b"/OpenAction [3 0 R /Fit]")):
        assert checked_content("application/pdf", pdf) == pdf


def test_an_image_over_the_megapixel_limit_but_under_pillow_s_own_is_refused_too():
    big = io.BytesIO()
    Image.new("1", (8_000, 7_000)).save(big, "PNG")  # 56 megapixels: below Pillow's warning, above ours
    assert "za dużo pikseli" in refusal("image/png", big.getvalue())
