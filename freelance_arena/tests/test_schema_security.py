"""The schema's `security` of every operation matches what the server does with no token:
declared token-required ⇔ an anonymous request answers 401."""

import re

import pytest
from django.core.files.base import ContentFile
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from competitions.tests.factories import CompetitionFactory, CompetitionQuestionFactory
from originality.models import Report
from payments.models import Funding
from payments.tests.factories import PaymentRecordFactory
from proposals.models import ProposalAttachment
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PDF

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def operations() -> list[tuple[str, str, list]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method, path, operation.get("security"))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


OPERATIONS = operations()


def requires_token(security: list | None) -> bool:
    """OpenAPI: the operation needs one of the listed requirements; `{}` is "none needed"."""
    return bool(security) and {} not in security


@pytest.fixture
def real_ids(client_owner, freelancer):
    """One real, publicly visible object for every kind of path parameter."""
    competition = CompetitionFactory(client=client_owner)
    question = CompetitionQuestionFactory(competition=competition, asked_by=freelancer)
    proposal = ProposalFactory(competition=competition, freelancer=freelancer)
    attachment = ProposalAttachment.objects.create(
        proposal=proposal,
        file=ContentFile(PDF, name="plan.pdf"),
        original_filename="plan.pdf",
        file_size=len(PDF),
        file_type="pdf",
    )
    payment = PaymentRecordFactory(freelancer=freelancer)
    funding = Funding.objects.filter(competition=competition).get()  # an OPEN competition is funded
    report = Report.objects.create(proposal=proposal, reported_by=client_owner, reason="Copied.")
    return {
        "payments/fundings": funding.pk,
        "proposals/reports": report.pk,
        "competitions": competition.pk,
        "question_id": question.pk,
        "proposals": proposal.pk,
        "attachment_id": attachment.pk,
        "payments": payment.pk,
        "users": freelancer.pk,
        "user_id": freelancer.pk,
        "competition_id": competition.pk,
        "feedback/competitions": competition.pk,
    }


def fill(path: str, ids: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name != "id":
            return str(ids[name])
        before = path[: match.start()]
        prefixes = ("feedback/competitions", "competitions", "proposals/reports", "proposals", "payments/fundings")
        for prefix in (*prefixes, "payments", "users"):
            if before.rstrip("/").endswith(prefix):
                return str(ids[prefix])
        raise AssertionError(f"no real object for {{id}} in {path}")

    return re.sub(r"\{(\w+)\}", value, path)


def test_the_schema_has_operations_of_both_kinds():
    assert sum(requires_token(security) for *_, security in OPERATIONS) > 10
    public = {f"{method.upper()} {path}" for method, path, security in OPERATIONS if not requires_token(security)}
    # The two public reads that were declared as protected:
    assert {"GET /api/competitions/{id}/", "GET /api/competitions/{id}/questions/"} <= public
    assert {"POST /api/auth/register/", "POST /api/auth/login/", "GET /api/health/"} <= public


def test_declared_security_matches_an_anonymous_request(real_ids):
    mismatches = []
    anonymous = APIClient()
    for method, path, security in OPERATIONS:
        url = fill(path, real_ids)
        response = getattr(anonymous, method)(url, {}, format="json")
        declared = requires_token(security)
        if declared != (response.status_code == 401):
            mismatches.append(f"{method.upper()} {path}: declared {security}, anonymous got {response.status_code}")
    assert not mismatches, "\n".join(mismatches)


def test_token_optional_operations_declare_the_bearer_scheme_too():
    for method, path, security in OPERATIONS:
        if security and {} in security and len(security) > 1:
            assert security == [{}, {"jwtAuth": []}], (method, path, security)
