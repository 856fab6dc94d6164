"""Identifying metadata stripped from an attachment before it is stored (issue 19).

During blind review the client downloads the freelancers' files: a camera's or an editor's
metadata (EXIF Artist/Copyright/GPS, PNG text chunks, a PDF's Author/Creator and XMP, a DOCX's
docProps creator) would name the freelancer. What is removed, per type:

- JPEG: the APP1 (EXIF, XMP), APP13 (Photoshop/IPTC) and COM segments, losslessly (the
  compressed image data is copied byte for byte, not re-encoded); the EXIF orientation is kept
  in a new, minimal EXIF segment so the picture is not shown rotated.
- PNG: the tEXt, zTXt and iTXt text chunks, eXIf and tIME, losslessly (chunk by chunk).
- PDF: the document information dictionary and the XMP metadata streams (document and pages),
  rewritten with pypdf; the pages are untouched.
- DOCX: docProps/core.xml, app.xml and custom.xml are replaced by empty property sets, and the
  author/initials attributes of comments and tracked changes are blanked.

Not stripped: text inside the work itself, and the formats this module does not rewrite (DOC,
ZIP, MP4). A file its format's parser cannot read is stored as sent (it passed the magic-byte
check; there is no metadata structure to find in it).
"""

import io
import logging
import re
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from rest_framework.exceptions import ValidationError

logger = logging.getLogger(__name__)

# --- JPEG ---------------------------------------------------------------------------------------

JPEG_DROPPED_MARKERS = frozenset({0xE1, 0xED, 0xFE})  # APP1 (EXIF, XMP), APP13 (IPTC), COM
EXIF_ORIENTATION = 0x0112


def _jpeg_orientation(segment: bytes) -> int | None:
    from PIL import Image

    if not segment.startswith(b"Exif\x00\x00"):
        return None
    try:
        exif = Image.Exif()
        exif.load(segment[6:])
        value = exif.get(EXIF_ORIENTATION)
    except Exception:  # noqa: BLE001 - a broken EXIF block just has no orientation to keep
        return None
    return value if isinstance(value, int) and 1 < value <= 8 else None


def _orientation_segment(orientation: int) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    payload = b"Exif\x00\x00" + exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        return data
    out, position, orientation = [b"\xff\xd8"], 2, None
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return data  # not a marker where one must be: not a JPEG we can walk
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9 or marker == 0xDA:  # EOI, or SOS: the image data runs to the end
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # standalone markers
            out.append(data[position : position + 2])
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if length < 2 or end > len(data):
            return data
        if marker in JPEG_DROPPED_MARKERS:
            if marker == 0xE1 and orientation is None:
                orientation = _jpeg_orientation(data[position + 4 : end])
        else:
            out.append(data[position:end])
        position = end
    if orientation is not None:
        out.insert(1, _orientation_segment(orientation))
    out.append(data[position:])
    return b"".join(out)


# --- PNG ----------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_DROPPED_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"})


def strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        return data
    out, position = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            break  # a truncated chunk: kept as sent, below
        if kind not in PNG_DROPPED_CHUNKS:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            break
    out.append(data[position:])
    return b"".join(out)


# --- PDF ----------------------------------------------------------------------------------------


def strip_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                "Encrypted PDFs cannot be checked for identifying metadata: upload it without a password."
            )
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the trailer's /Info: Author, Creator, Producer, Title, ...
        metadata = NameObject("/Metadata")
        for holder in (writer._root_object, *(page for page in writer.pages)):
            if metadata in holder:
                del holder[metadata]  # XMP (dc:creator, xmp:CreatorTool, ...)
        # The clone still holds the unlinked Info and XMP objects: written out, they would leak.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        # Not a PDF pypdf can read (the magic bytes matched): there is no document info to find.
        logger.info("PDF not readable by pypdf: stored as sent")
        return data
    except Exception:
        # Anything else is a bug here or in pypdf, not the uploader's fault: logged, and the
        # upload refused rather than stored with its metadata.
        logger.exception("Stripping a PDF's metadata failed")
        raise ValidationError("The PDF could not be checked for identifying metadata.") from None
    return out.getvalue()


# --- DOCX ---------------------------------------------------------------------------------------

EMPTY_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
}
# Who wrote a comment or a tracked change (word/comments.xml, document.xml, people.xml, ...).
AUTHOR_ATTRIBUTES = re.compile(rb'\b(w:author|w:initials|w15:author|w15:userId|w15:providerId)="[^"]*"')
DOCX_MAX_UNPACKED = 200 * 1024 * 1024


def strip_docx(data: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        entries = source.infolist()
        if sum(entry.file_size for entry in entries) > DOCX_MAX_UNPACKED:
            raise ValidationError("The document is too large once unpacked.")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for entry in entries:
                content = source.read(entry)
                if entry.filename in EMPTY_PARTS:
                    content = EMPTY_PARTS[entry.filename]
                elif entry.filename.startswith("word/") and entry.filename.endswith(".xml"):
                    content = AUTHOR_ATTRIBUTES.sub(rb'\1=""', content)
                target.writestr(entry, content, compress_type=entry.compress_type)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        logger.info("DOCX not readable as a zip archive: stored as sent")
        return data
    return out.getvalue()


STRIPPERS = {"jpg": strip_jpeg, "jpeg": strip_jpeg, "png": strip_png, "pdf": strip_pdf, "docx": strip_docx}


def strip_metadata(upload: UploadedFile, file_type: str) -> UploadedFile:
    """The upload without identifying metadata (a new in-memory file), or the upload itself for
    a type with nothing to strip. Raises ValidationError for a file that cannot be checked."""
    stripper = STRIPPERS.get(file_type)
    if stripper is None:
        return upload
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    cleaned = stripper(data)
    if cleaned == data:
        return upload
    return SimpleUploadedFile(upload.name, cleaned, content_type=getattr(upload, "content_type", None))
