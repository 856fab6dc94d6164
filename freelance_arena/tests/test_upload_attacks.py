"""Uploads under attack: decompression bombs, hostile file names, lying content types.

What the app tests already prove is not repeated here (see accounts/tests/test_profile.py and
proposals/tests/test_attachments.py, test_files.py): ordinary bad files, size limits, the
sanitizer as a unit, private storage and the download headers of an ordinary file. Here the
requests are hostile and built by hand where the test client would clean them up first (it
sends only the base name of a file), and the bombs are measured.
"""

import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings

from proposals.models import ProposalAttachment
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import DOCX, MP4, PDF, PNG, ZIP

PROFILE = "/api/auth/profile/"
MB = 1024 * 1024
BOUNDARY = "----FreelanceArenaBoundary7MA4YWxkTrZu0gW"


def attachments_url(proposal) -> str:
    return f"/api/proposals/{proposal.pk}/attachments/"


def download_url(attachment) -> str:
    return f"/api/proposals/{attachment.proposal_id}/attachments/{attachment.pk}/download/"


# --- helpers ------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit grayscale PNG of one colour: a few dozen KB that decode to width*height pixels.

    Compressed row block by row block, so building it costs no memory (the test measures memory).
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels, all black
    compressor = zlib.compressobj(9)
    block_rows = 1000
    block = row * block_rows
    parts = []
    for start in range(0, height, block_rows):
        rows = min(block_rows, height - start)
        parts.append(compressor.compress(block if rows == block_rows else row * rows))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measured(call):
    """Runs `call()`; returns (result, seconds, peak resident-memory growth in bytes).

    Linux resets the process's peak RSS (VmHWM) when "5" is written to /proc/self/clear_refs,
    so the peak after the call is the call's own (C allocations of Pillow included, which
    tracemalloc would not see).
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("needs Linux /proc/self/clear_refs to measure peak memory")
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    return result, seconds, (_status_kb("VmHWM") - before) * 1024


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> bytes:
    """A multipart body with file names sent verbatim (Django's test client would send only
    os.path.basename of them, hiding what a hostile client can put there)."""
    lines: list[bytes] = []
    for name, value in fields.items():
        lines += [
            f"--{BOUNDARY}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            value.encode(),
        ]
    for name, (filename, content, content_type) in files.items():
        disposition = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
        lines += [
            f"--{BOUNDARY}".encode(),
            disposition.encode("utf-8"),
            f"Content-Type: {content_type}".encode(),
            b"",
            content,
        ]
    lines += [f"--{BOUNDARY}--".encode(), b""]
    return b"\r\n".join(lines)


def post_raw(client, url: str, body: bytes, method: str = "post"):
    return getattr(client, method)(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def error_body(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False and body["message"] and isinstance(body["errors"], dict)
    return body


@pytest.fixture
def proposal(client_owner, freelancer):
    from competitions.tests.factories import CompetitionFactory

    return ProposalFactory(competition=CompetitionFactory(client=client_owner), freelancer=freelancer)


def stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


# --- decompression bombs ------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20000, 20000),  # 400 MP: above twice Pillow's MAX_IMAGE_PIXELS, Pillow itself refuses to open it
        (10000, 10000),  # 100 MP: Pillow only warns; the API's own 25 MP ceiling refuses it
    ],
)
def test_a_decompression_bomb_profile_picture_is_refused_fast_with_bounded_memory(as_user, freelancer, width, height):
    bomb = bomb_png(width, height)
    assert len(bomb) < 200_000  # tiny on the wire, gigabytes once decoded (1 byte per pixel in RAM)
    client = as_user(freelancer)

    response, seconds, growth = measured(
        lambda: post_raw(client, PROFILE, multipart({}, {"profile_picture": ("me.png", bomb, "image/png")}), "patch")
    )

    body = error_body(response, 400)
    assert "profile_picture" in body["errors"]
    assert seconds < 2, f"took {seconds:.2f} s"
    assert growth < 100 * MB, f"resident memory grew by {growth / MB:.0f} MB"
    freelancer.refresh_from_db()
    assert not freelancer.profile_picture
    assert stored_files(settings.MEDIA_ROOT) == []


def test_the_same_bomb_as_an_attachment_is_stored_without_ever_being_decoded(as_user, freelancer, proposal):
    # Attachments are checked by their first bytes only and served as opaque downloads, so a
    # bomb is just a small PNG file here: accepted (PNG is allowed), fast, in bounded memory.
    bomb = bomb_png(20000, 20000)
    client = as_user(freelancer)

    response, seconds, growth = measured(
        lambda: post_raw(client, attachments_url(proposal), multipart({}, {"file": ("bomb.png", bomb, "image/png")}))
    )

    assert response.status_code == 201, response.content
    assert seconds < 2, f"took {seconds:.2f} s"
    assert growth < 100 * MB, f"resident memory grew by {growth / MB:.0f} MB"
    attachment = ProposalAttachment.objects.get()
    assert (attachment.file_type, attachment.file_size) == ("png", len(bomb))
    with attachment.file.open("rb") as stored:
        assert stored.read() == bomb  # stored as sent, not re-encoded


# --- hostile file names -------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\x.pdf",
    "/etc/cron.d/evil.pdf",
    "C:\\Windows\\System32\\evil.pdf",
    "shell.php\x00.pdf",
    "..%2f..%2fescape.pdf",
    "tab\tand\x1b[31mansi\x7f.pdf",  # control characters
    "\u202etxt.exe.pdf",  # right-to-left override, shows as "fdp.exe.txt"
    "x" * 300 + ".pdf",
    "ü" * 300 + ".pdf",  # 300 characters, 600 bytes in UTF-8
]


@pytest.mark.parametrize("hostile_name", HOSTILE_NAMES)
def test_hostile_attachment_names_are_neutralized(as_user, freelancer, proposal, hostile_name, tmp_path):
    response = post_raw(
        as_user(freelancer),
        attachments_url(proposal),
        multipart({"description": "d"}, {"file": (hostile_name, PDF, "application/pdf")}),
    )

    assert response.status_code == 201, response.content
    attachment = ProposalAttachment.objects.get()
    # stored under a generated name, inside the private root, nowhere else
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert re.fullmatch(rf"proposal_attachments/{proposal.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert Path(attachment.file.path).resolve().is_relative_to(private_root)
    assert [path.resolve() for path in stored_files(tmp_path)] == [Path(attachment.file.path).resolve()]
    # the original name is kept only as sanitized data
    original = attachment.original_filename
    assert 0 < len(original) <= 255
    assert original.endswith(".pdf")
    assert not set(original) & {"/", "\\", "\x00", "\t", "\x1b", "\x7f", "\u202e"}
    assert response.json()["data"]["original_filename"] == original
    # and the download header carries it without breaking out of the header
    download = as_user(freelancer).get(download_url(attachment))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\r" not in download["Content-Disposition"] and "\n" not in download["Content-Disposition"]
    assert download["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("hostile_name", ["../../../../tmp/me.png", "..\\..\\me.png", "/etc/me.png", "m\x00e.png"])
def test_hostile_profile_picture_names_are_neutralized(as_user, freelancer, hostile_name, tmp_path):
    response = post_raw(
        as_user(freelancer), PROFILE, multipart({}, {"profile_picture": (hostile_name, PNG_1X1, "image/png")}), "patch"
    )

    assert response.status_code == 200, response.content
    freelancer.refresh_from_db()
    assert re.fullmatch(r"profile_pictures/[0-9a-f]{32}\.png", freelancer.profile_picture.name)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert [path.resolve() for path in stored_files(tmp_path)] == [media_root / freelancer.profile_picture.name]


# --- declared content type vs. the bytes --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "declared", "accepted"),
    [
        ("plan.pdf", PDF, "application/pdf", True),
        ("plan.pdf", PDF, "application/octet-stream", True),
        ("plan.pdf", PDF, "text/html", False),
        ("plan.pdf", PDF, "image/svg+xml", False),
        ("shot.png", PNG, "image/png", True),
        ("shot.png", PNG, "application/x-sh", False),
        ("spec.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", True),
        ("code.zip", ZIP, "application/x-zip-compressed", True),
        ("code.zip", ZIP, "application/javascript", False),
        ("demo.mp4", MP4, "video/mp4", True),
        ("demo.mp4", MP4, "text/html; charset=utf-8", False),
    ],
)
def test_a_declared_attachment_type_that_contradicts_the_bytes_is_refused(
    as_user, freelancer, proposal, name, content, declared, accepted
):
    response = post_raw(
        as_user(freelancer), attachments_url(proposal), multipart({}, {"file": (name, content, declared)})
    )

    if accepted:
        assert response.status_code == 201, response.content
    else:
        body = error_body(response, 400)
        assert "file" in body["errors"]
        assert "does not match" in body["message"]
        assert not ProposalAttachment.objects.exists()
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("declared", "status_code"),
    [("image/png", 200), ("image/jpeg", 200), ("application/octet-stream", 200), ("text/html", 400)],
)
def test_a_profile_picture_declared_as_a_non_image_is_refused(as_user, freelancer, declared, status_code):
    # image/jpeg for PNG bytes passes: the file is renamed by its decoded format anyway.
    response = post_raw(
        as_user(freelancer), PROFILE, multipart({}, {"profile_picture": ("me.png", PNG_1X1, declared)}), "patch"
    )

    assert response.status_code == status_code, response.content
    freelancer.refresh_from_db()
    assert bool(freelancer.profile_picture) is (status_code == 200)


# --- detection by content -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "file_type"),
    [
        ("spec.docx", DOCX, "docx"),
        ("spec.zip", DOCX, "zip"),  # a docx is a zip: honest as either
        ("code.zip", ZIP, "zip"),
        ("code.docx", ZIP, None),  # a zip without word/document.xml is no docx
        ("code.mp4", ZIP, None),
        ("demo.mp4", MP4, "mp4"),
        ("demo.zip", MP4, None),
        ("demo.docx", MP4, None),
        ("spec.mp4", DOCX, None),
    ],
)
def test_docx_zip_and_mp4_are_told_apart_by_content(as_user, freelancer, proposal, name, content, file_type):
    response = post_raw(
        as_user(freelancer),
        attachments_url(proposal),
        multipart({}, {"file": (name, content, "application/octet-stream")}),
    )

    if file_type is None:
        assert "not a valid" in error_body(response, 400)["message"]
    else:
        assert response.status_code == 201, response.content
        assert response.json()["data"]["file_type"] == file_type


def test_a_polyglot_pdf_is_downloaded_never_rendered(as_user, freelancer, proposal):
    # Starts like a PDF (so it passes), carries HTML and script: the browser must never run it.
    polyglot = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
    post_raw(
        as_user(freelancer), attachments_url(proposal), multipart({}, {"file": ("cv.pdf", polyglot, "application/pdf")})
    )
    attachment = ProposalAttachment.objects.get()

    response = as_user(freelancer).get(download_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == polyglot
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def _one_pixel_png() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + _png_chunk(b"IEND", b"")
    )


PNG_1X1 = _one_pixel_png()
