"""Fixtures and helpers of the competitions tests (the cast of users is in the root conftest)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory

URL = "/api/competitions/"


def detail_url(competition) -> str:
    return f"{URL}{competition.pk}/"


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


def iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def create_payload(**overrides) -> dict:
    data = {
        "title": "Landing page for a bakery",
        "description": "A one-page site with a menu and opening hours.",
        "requirements": "Responsive, accessible, under 1 s first paint.",
        "budget": "1500.00",
        "currency": "EUR",
        "deadline": iso(in_days(30)),
        "submission_deadline": iso(in_days(20)),
        "category": "web",
        "tags": "html, css",
        "max_proposals": 5,
        "allow_questions": True,
    }
    data.update(overrides)
    return data


def ok(response, status_code: int = 200):
    """Asserts a success envelope with `status_code`; returns `data`."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is True
    assert isinstance(body["message"], str) and body["message"]
    return body["data"]


def error(response, status_code: int) -> dict:
    """Asserts an error envelope with `status_code`; returns `errors`."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body["errors"]


@pytest.fixture
def open_competition(client_owner):
    return CompetitionFactory(client=client_owner, title="Open contest")


@pytest.fixture
def draft_competition(client_owner):
    return CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, title="Secret draft")


@pytest.fixture
def review_competition(client_owner):
    return CompetitionFactory(
        client=client_owner,
        status=CompetitionStatus.REVIEW,
        title="Under review",
        submission_deadline=in_days(-1),
        deadline=in_days(5),
    )
