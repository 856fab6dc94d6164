"""Fixtures of the originality tests: an OPEN competition of `client_owner`, and `submit`, which
posts a proposal through the API (multipart with files) and runs the fingerprinting that the
commit starts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import FreelancerFactory
from competitions.tests.factories import CompetitionFactory
from proposals.models import Proposal

from . import images, texts


@pytest.fixture(autouse=True)
def _fingerprinting_runs(run_tasks):
    """The fingerprinting is a task: here it runs (eagerly, after the commit) in every test."""


@pytest.fixture
def competition(client_owner):
    return CompetitionFactory(client=client_owner, title="Bakery landing page")


def png(seed: int) -> bytes:
    return images.encode(images.artwork(seed))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    """An upload whose extension matches its content (a variant may be a JPEG)."""
    stem = name.rsplit(".", 1)[0]
    extension = "jpg" if data.startswith(b"\xff\xd8\xff") else "png"
    return SimpleUploadedFile(f"{stem}.{extension}", data, content_type="application/octet-stream")


@pytest.fixture
def submit(as_user, django_capture_on_commit_callbacks):
    """submit(competition, files={name: bytes}, description=..., freelancer=None) -> Proposal.
    The default description is too short to be compared: only what a test gives is."""

    def _submit(competition, files=None, description=texts.TOO_SHORT, freelancer=None, title="My entry"):
        freelancer = freelancer or FreelancerFactory()
        body = {
            "competition": str(competition.pk),
            "title": title,
            "description": description,
            "proposed_budget": "900.00",
            "estimated_duration": "5",
            "attachments": [upload(name, data) for name, data in (files or {}).items()],
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(freelancer).post("/api/proposals/", body, format="multipart")
        assert response.status_code == 201, response.json()
        return Proposal.objects.get(pk=response.json()["data"]["id"])

    return _submit


@pytest.fixture
def originality(as_user):
    """originality(user, proposal) -> the `originality` block of its ProposalDetail."""

    def _read(user, proposal):
        response = as_user(user).get(f"/api/proposals/{proposal.pk}/")
        assert response.status_code == 200
        return response.json()["data"]["originality"]

    return _read
