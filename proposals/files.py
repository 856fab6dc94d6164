"""Attachment checks, in one place: size, allowed extension and content that matches it.

The extension alone proves nothing (anyone can rename a script to `.pdf`), so the first bytes
of the file must match the type its extension claims. `file_type` stores the checked
extension in lower case (`pdf`, `docx`, `jpeg`, ...), never the MIME type the uploader sent.
"""

import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from rest_framework.exceptions import ValidationError

from .metadata import strip_metadata

ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "zip", "jpg", "jpeg", "png", "mp4")
FILENAME_MAX = 255
HEAD_BYTES = 16

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with the metadata taken from it (not from the client)."""

    file: UploadedFile
    original_filename: str
    file_size: int
    file_type: str


def _read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _is_zip(upload: UploadedFile, head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY_MAGIC)


def _is_docx(upload: UploadedFile, head: bytes) -> bool:
    if not head.startswith(ZIP_MAGIC):
        return False
    # Only the central directory is read (names, no extraction), so a zip bomb costs nothing.
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)


MATCHERS: dict[str, Callable[[UploadedFile, bytes], bool]] = {
    "pdf": lambda upload, head: head.startswith(PDF_MAGIC),
    "doc": lambda upload, head: head.startswith(OLE2_MAGIC),
    "docx": _is_docx,
    "zip": _is_zip,
    "jpg": lambda upload, head: head.startswith(JPEG_MAGIC),
    "jpeg": lambda upload, head: head.startswith(JPEG_MAGIC),
    "png": lambda upload, head: head.startswith(PNG_MAGIC),
    "mp4": lambda upload, head: len(head) >= 8 and head[4:8] == b"ftyp",
}


# What a browser or HTTP client may declare for each checked type. The declared type is never
# stored or served (downloads are application/octet-stream), but one that contradicts the bytes
# (an HTML page declared for a file whose content is a PNG) means a forged or confused upload:
# refused. Generic declarations (none, octet-stream) say nothing and pass.
GENERIC_CONTENT_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
ZIP_CONTENT_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/x-zip", "multipart/x-zip"}
)
JPEG_CONTENT_TYPES = frozenset({"image/jpeg", "image/pjpeg", "image/jpg"})
DECLARED_CONTENT_TYPES: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf", "application/x-pdf"}),
    "doc": frozenset({"application/msword", "application/vnd.ms-word", "application/x-ole-storage"}),
    "docx": frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}) | ZIP_CONTENT_TYPES,
    "zip": ZIP_CONTENT_TYPES,
    "jpg": JPEG_CONTENT_TYPES,
    "jpeg": JPEG_CONTENT_TYPES,
    "png": frozenset({"image/png", "image/x-png", "image/apng"}),
    "mp4": frozenset({"video/mp4", "application/mp4", "audio/mp4", "video/x-m4v"}),
}


def declared_content_type(upload: UploadedFile) -> str:
    """The multipart part's Content-Type, lower case, without parameters."""
    return (getattr(upload, "content_type", None) or "").split(";")[0].strip().lower()


def sanitize_filename(name: str | None) -> str:
    """The upload's base name without any path, control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > FILENAME_MAX:
        stem, extension = os.path.splitext(name)
        extension = extension[:16]
        name = stem[: FILENAME_MAX - len(extension)] + extension
    return name


def _human_size(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size} bytes"


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validates one attachment; raises a DRF ValidationError (400) that says what is wrong."""
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(f"File is too large: at most {_human_size(max_bytes)} allowed.")
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    original_filename = sanitize_filename(upload.name)
    extension = os.path.splitext(original_filename)[1].lower().lstrip(".")
    if extension not in MATCHERS:
        raise ValidationError(f"File type not allowed. Allowed extensions: {', '.join(ALLOWED_EXTENSIONS)}.")
    if not MATCHERS[extension](upload, _read_head(upload)):
        raise ValidationError(f"The file's content is not a valid {extension} file.")
    declared = declared_content_type(upload)
    if declared not in GENERIC_CONTENT_TYPES and declared not in DECLARED_CONTENT_TYPES[extension]:
        raise ValidationError(
            f"The declared content type {declared[:100]} does not match the file's {extension} content."
        )
    # What is stored is the file without identifying metadata (blind review): metadata.py.
    cleaned = strip_metadata(upload, extension)
    return CheckedUpload(file=cleaned, original_filename=original_filename, file_size=cleaned.size, file_type=extension)
