"""Identifying metadata is gone from stored attachments (issue 19): files made here with a
known author string, uploaded by the freelancer, downloaded back by the client during blind
review; the string is absent and the file still opens, with its content intact."""

import io
import zipfile

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from proposals.models import ProposalAttachment
from proposals.tests.samples import upload

pytestmark = pytest.mark.django_db

AUTHOR = "Jane Q. Freelancer-Doe"
NEEDLES = (AUTHOR.encode(), AUTHOR.encode("utf-16-le"), AUTHOR.encode("utf-16-be"))
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
    f"<rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def picture() -> Image.Image:
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, (x + y) % 256) for y in range(48) for x in range(64)])
    return image


def make_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x8298] = f"(c) {AUTHOR}"  # Copyright
    exif[0x0112] = 6  # orientation: rotated, must survive
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture().save(out, format="JPEG", quality=90, exif=exif, comment=AUTHOR.encode(), xmp=XMP.encode())
    return out.getvalue()


def make_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_text("Comment", f"made by {AUTHOR}", zip=True)  # zTXt: compressed
    info.add_itxt("Copyright", AUTHOR, lang="en", tkey="Copyright")
    out = io.BytesIO()
    picture().save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def make_pdf(**kwargs) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=100)
    writer.add_metadata({"/Author": AUTHOR, "/Creator": f"{AUTHOR}'s editor", "/Title": "My approach"})
    xmp = DecodedStreamObject()
    xmp.set_data(XMP.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    if kwargs.get("password"):
        writer.encrypt(kwargs["password"])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DOCUMENT_XML = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    b"<w:p><w:r><w:t>The work itself.</w:t></w:r></w:p>"
    b'<w:ins w:id="1" w:author="' + AUTHOR.encode() + b'" w:date="2026-01-01T00:00:00Z"><w:r><w:t>x</w:t></w:r></w:ins>'
    b"</w:body></w:document>"
)


def make_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", DOCUMENT_XML)
        archive.writestr(
            "word/comments.xml",
            f'<w:comments xmlns:w="x"><w:comment w:id="0" w:author="{AUTHOR}" w:initials="JQF"/></w:comments>',
        )
        archive.writestr(
            "docProps/core.xml",
            f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator>"
            f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy></cp:coreProperties>",
        )
        archive.writestr("docProps/app.xml", f"<Properties><Company>{AUTHOR} Ltd</Company></Properties>")
        archive.writestr(
            "docProps/custom.xml", f"<Properties><property><lpwstr>{AUTHOR}</lpwstr></property></Properties>"
        )
        archive.writestr("word/media/logo.bin", bytes(range(256)) * 8)
    return out.getvalue()


def upload_and_download(as_user, freelancer, client_owner, proposal, name: str, content: bytes) -> bytes:
    response = as_user(freelancer).post(
        f"/api/proposals/{proposal.pk}/attachments/", {"file": upload(name, content)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    download = as_user(client_owner).get(f"/api/proposals/{proposal.pk}/attachments/{data['id']}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert data["file_size"] == len(body) == ProposalAttachment.objects.get(pk=data["id"]).file.size
    return body


def assert_no_author(content: bytes) -> None:
    for needle in NEEDLES:
        assert needle not in content


def test_the_files_made_here_do_carry_the_author():
    # the control: without stripping, every sample would leak the name
    assert AUTHOR.encode() in make_jpeg()
    assert Image.open(io.BytesIO(make_png())).text["Author"] == AUTHOR
    assert PdfReader(io.BytesIO(make_pdf())).metadata["/Author"] == AUTHOR
    assert AUTHOR.encode() in zipfile.ZipFile(io.BytesIO(make_docx())).read("docProps/core.xml")


def test_jpeg_exif_xmp_and_comment_are_stripped_losslessly(as_user, freelancer, client_owner, proposal):
    original = make_jpeg()
    stored = upload_and_download(as_user, freelancer, client_owner, proposal, "photo.jpg", original)

    assert_no_author(stored)
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.format == "JPEG" and image.size == (64, 48)
    exif = image.getexif()
    assert dict(exif) == {0x0112: 6}  # only the orientation is left
    assert exif.get_ifd(0x8825) == {}  # no GPS
    assert "comment" not in image.info and "xmp" not in image.info
    # the compressed image is the same bytes: decoded pixels are identical, not re-encoded
    assert image.tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_png_text_chunks_are_stripped_losslessly(as_user, freelancer, client_owner, proposal):
    original = make_png()
    stored = upload_and_download(as_user, freelancer, client_owner, proposal, "shot.png", original)

    assert_no_author(stored)
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.text == {}
    assert image.tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_pdf_document_info_and_xmp_are_stripped(as_user, freelancer, client_owner, proposal):
    stored = upload_and_download(as_user, freelancer, client_owner, proposal, "plan.pdf", make_pdf())

    assert_no_author(stored)
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == 200
    assert not (reader.metadata or {}).get("/Author")
    assert reader.xmp_metadata is None


def test_an_encrypted_pdf_is_refused_since_it_cannot_be_checked(as_user, freelancer, proposal):
    response = as_user(freelancer).post(
        f"/api/proposals/{proposal.pk}/attachments/",
        {"file": upload("locked.pdf", make_pdf(password="s3cret"))},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and "Encrypted" in body["message"]
    assert not ProposalAttachment.objects.filter(proposal=proposal).exists()


def test_docx_properties_and_revision_authors_are_stripped(as_user, freelancer, client_owner, proposal):
    original = make_docx()
    stored = upload_and_download(as_user, freelancer, client_owner, proposal, "spec.docx", original)

    archive = zipfile.ZipFile(io.BytesIO(stored))
    assert archive.testzip() is None
    assert archive.namelist() == zipfile.ZipFile(io.BytesIO(original)).namelist()
    for name in archive.namelist():
        assert_no_author(archive.read(name))
    assert b"The work itself." in archive.read("word/document.xml")
    assert archive.read("word/media/logo.bin") == bytes(range(256)) * 8
    assert archive.read("[Content_Types].xml") == b"<Types/>"


def test_a_proposal_submitted_with_files_stores_them_stripped(as_user, freelancer, client_owner, competition):
    response = as_user(freelancer).post(
        "/api/proposals/",
        {
            "competition": str(competition.pk),
            "title": "With files",
            "description": "See the attachments.",
            "proposed_budget": "100.00",
            "estimated_duration": 3,
            "attachments": [upload("photo.jpg", make_jpeg()), upload("plan.pdf", make_pdf())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    for attachment in ProposalAttachment.objects.filter(proposal_id=response.json()["data"]["id"]):
        with attachment.file.open("rb") as stored:
            assert_no_author(stored.read())


def test_a_pdf_that_fails_to_rewrite_is_refused(as_user, freelancer, proposal, monkeypatch):
    # refused, not stored with its metadata
    content = make_pdf()

    def broken(self, stream):
        raise RuntimeError("a bug in the rewrite")

    monkeypatch.setattr(PdfWriter, "write", broken)
    response = as_user(freelancer).post(
        f"/api/proposals/{proposal.pk}/attachments/", {"file": upload("plan.pdf", content)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["The PDF could not be checked for identifying metadata."]}
    assert not ProposalAttachment.objects.filter(proposal=proposal).exists()


def test_a_docx_too_large_once_unpacked_is_refused(as_user, freelancer, proposal, monkeypatch):
    from proposals import metadata

    monkeypatch.setattr(metadata, "DOCX_MAX_UNPACKED", 1000)
    response = as_user(freelancer).post(
        f"/api/proposals/{proposal.pk}/attachments/", {"file": upload("spec.docx", make_docx())}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["The document is too large once unpacked."]}
    assert not ProposalAttachment.objects.filter(proposal=proposal).exists()
