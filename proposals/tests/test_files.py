"""Attachment checks: allowed extension AND matching content, size limit, name sanitizing."""

import pytest
from rest_framework.exceptions import ValidationError

from proposals.files import check_upload, sanitize_filename
from proposals.tests.samples import DOC, DOCX, JPEG, MP4, PDF, PNG, TEXT, ZIP, upload, zip_bytes


@pytest.mark.parametrize(
    ("name", "content", "file_type"),
    [
        ("report.pdf", PDF, "pdf"),
        ("legacy.doc", DOC, "doc"),
        ("letter.docx", DOCX, "docx"),
        ("source.zip", ZIP, "zip"),
        ("empty.zip", zip_bytes({}), "zip"),
        ("photo.jpg", JPEG, "jpg"),
        ("photo.JPEG", JPEG, "jpeg"),
        ("screen.png", PNG, "png"),
        ("demo.mp4", MP4, "mp4"),
    ],
)
def test_allowed_type_with_matching_content_is_accepted(name, content, file_type):
    checked = check_upload(upload(name, content, content_type="text/html"))
    assert checked.file_type == file_type
    assert checked.file_size == len(content)
    assert checked.original_filename == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", TEXT),  # a text file named .pdf
        ("cover.png", PDF),  # a PDF named .png
        ("photo.jpg", PNG),
        ("archive.zip", PDF),
        ("letter.docx", ZIP),  # a zip without word/document.xml is not a docx
        ("letter.docx", b"PK\x03\x04 broken archive"),
        ("legacy.doc", DOCX),
        ("demo.mp4", TEXT),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, content))
    assert "not a valid" in str(exc.value.detail[0])


@pytest.mark.parametrize("name", ["script.exe", "page.html", "noextension", "image.gif", "report.pdf.exe"])
def test_extension_outside_the_allow_list_is_refused(name):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, PDF))
    assert "not allowed" in str(exc.value.detail[0])


def test_file_larger_than_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 64
    check_upload(upload("small.pdf", PDF[:64]))
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("big.pdf", PDF + b"x" * 64))
    assert "too large" in str(exc.value.detail[0])


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        check_upload(upload("empty.pdf", b""))


def test_default_limit_is_ten_megabytes(settings):
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\cv.pdf", "cv.pdf"),
        ("we\x00ird\nname.pdf", "weirdname.pdf"),
        ("résumé 😀.pdf", "résumé 😀.pdf"),
    ],
)
def test_original_filename_is_the_sanitized_base_name(raw, clean):
    assert sanitize_filename(raw) == clean


def test_long_original_filename_is_cut_to_255_keeping_the_extension():
    name = sanitize_filename("a" * 400 + ".pdf")
    assert len(name) == 255
    assert name.endswith(".pdf")
