"""What an applicant attaches is judged by its content, never by the type their browser declared.

An attachment is published with the proposal, so it must be what it says and carry nothing that acts or tells
more than the applicant meant:

- an image (JPEG, PNG) must decode as that very format, and is stored **re-encoded** from its pixels — which
  drops EXIF (a phone's photo carries the GPS position of where it was taken: often the applicant's home), XMP
  and comments — turned upright first, since the EXIF orientation that said how goes with it;
- a PDF must parse as one, and is refused if it holds **active content**: JavaScript (an /OpenAction or any
  other action running it), actions that launch programs, submit or import data or open other files, embedded
  files, XFA forms, rich media. Links (/URI) and page destinations are ordinary and stay.

Anything else is refused with a 422 that says why, in the applicant's words.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from glos_chassis.errors import Problem

IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# a 48-megapixel phone photo passes; a "decompression bomb" (a tiny file that unpacks to gigabytes) does not
MAX_IMAGE_PIXELS = 50_000_000
JPEG_QUALITY = 90

# Keys whose presence alone makes a PDF active, and the action types (/S) that act beyond showing the document.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition",
                  "/RichMediaExecute", "/Sound", "/Movie"}
MAX_PDF_OBJECTS = 200_000  # a 5 MB file cannot honestly hold more; the walk stops there rather than run on


def _refused(pl: str, en: str) -> Problem:
    return Problem(422, pl, en, type_="https://glos.pl/problems/unsafe-upload",
                   errors=[{"location": "body", "field": "body", "message": pl, "message_en": en}])


def checked_content(declared_type: str, content: bytes) -> bytes:
    """The bytes to store for an upload declared as `declared_type` (one of the allowed types), or a 422."""
    if declared_type == "application/pdf":
        _check_pdf(content)
        return content
    return _reencoded_image(declared_type, content)


# --------------------------------------------------------------------------- images


def _too_large() -> Problem:
    return _refused(f"Obraz ma za dużo pikseli (najwyżej {MAX_IMAGE_PIXELS // 1_000_000} megapikseli) — zmniejsz go.",
                    f"The image has too many pixels (at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels) — make it "
                    "smaller.")


def _reencoded_image(declared_type: str, content: bytes) -> bytes:
    expected = IMAGE_FORMATS[declared_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                found = probe.format
                if found == expected and probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise _too_large()
                probe.verify()
            if found != expected:
                raise _refused(f"Plik nie jest obrazem {expected}, choć tak go opisano — sprawdź, czy to właściwy plik.",
                               f"The file is not a {expected} image although it was declared as one — check that "
                               "it is the right file.")
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)  # the orientation EXIF said, applied before EXIF goes
    except Problem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None  # Pillow's own guard, past its limit, before anything is unpacked
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refused(f"Nie da się odczytać pliku jako obrazu {expected}.",
                       f"The file cannot be read as a {expected} image.") from None
    # only what is needed to show the picture right survives: no EXIF, XMP, text chunks or comments
    upright.info = {k: v for k, v in upright.info.items() if k in ("icc_profile", "transparency")}
    out = io.BytesIO()
    if expected == "JPEG":
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        upright.save(out, "PNG", optimize=True)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def _check_pdf(content: bytes) -> None:
    if b"%PDF-" not in content[:1024]:
        raise _refused("Plik nie jest dokumentem PDF, choć tak go opisano — sprawdź, czy to właściwy plik.",
                       "The file is not a PDF although it was declared as one — check that it is the right file.")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refused("PDF jest zaszyfrowany hasłem — dołącz wersję bez hasła.",
                           "The PDF is password-protected — attach a version without a password.")
        found = _active_content(reader)
    except Problem:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError, NotImplementedError):
        raise _refused("Nie da się odczytać pliku jako dokumentu PDF.", "The file cannot be read as a PDF.") from None
    if found:
        raise _refused(f"PDF zawiera aktywną treść ({found}), której nie publikujemy — zapisz go ponownie jako zwykły "
                       "PDF (np. „Drukuj do PDF”).",
                       f"The PDF holds active content ({found}), which is not published — save it again as a plain "
                       "PDF (for example 'Print to PDF').")


def _active_content(reader: PdfReader) -> str | None:
    """The first active element reachable from the document's trailer (what a viewer could run), or None."""
    stack: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):  # a stream's dictionary too (StreamObject is one)
            for key in node.keys():
                if key in ACTIVE_KEYS:
                    return key.lstrip("/")
            action = node.get("/S")
            if action in ACTIVE_ACTIONS:
                return str(action).lstrip("/")
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None
