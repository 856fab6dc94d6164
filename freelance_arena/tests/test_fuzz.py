"""Property-based fuzzing of the whole API: schemathesis over /api/schema/, in process (WSGI).

Three passes (anonymous, a client, a freelancer) against a seeded world, so generated path ids
often name real rows in every state instead of always 404ing. Checks: `not_a_server_error`
(zero 5xx for any input) and `response_schema_conformance` (every response, 2xx included,
matches the schema that /api/schema/ publishes, envelopes included), plus
`status_code_conformance` and `content_type_conformance` (only documented codes, and JSON
everywhere except the attachment download, which the schema declares as a binary body; so
nothing needs excluding: /api/docs/ is not an operation of the schema).

Bounded and reproducible: few examples per operation, derandomized, no deadline. Run alone with
`scripts/test.sh -m fuzz`.
"""

import uuid
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.tests.factories import FreelancerFactory
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory, CompetitionQuestionFactory
from feedback.models import ReviewType
from feedback.tests.factories import ReviewFactory
from freelance_arena.wsgi import application
from payments.models import PaymentStatus
from payments.tests.factories import PaymentRecordFactory
from proposals.models import ProposalAttachment, ProposalStatus
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PDF, upload

# Per operation: up to MAX_EXAMPLES generated cases in the fuzzing phase, plus the schema's
# examples and schemathesis' deterministic coverage cases (boundary values, missing fields).
MAX_EXAMPLES = 25

FUZZ_CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            # Stateful (link-following) runs need the CLI runner; the pytest plugin tests
            # operations one by one.
            "stateful": {"enabled": False},
        },
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
    }
)


@pytest.fixture
def world(client_owner, other_client, freelancer, other_freelancer):
    """Rows in every state, owned by and involving the fuzzing users."""

    def days(n: int):
        return timezone.now() + timedelta(days=n)

    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    open_ = CompetitionFactory(client=client_owner, max_proposals=3)
    review = CompetitionFactory(
        client=client_owner, status=CompetitionStatus.REVIEW, submission_deadline=days(-1), deadline=days(5)
    )
    closed = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED)
    foreign = CompetitionFactory(client=other_client)
    competitions = [draft, open_, review, closed, foreign]

    proposals = [
        ProposalFactory(competition=open_, freelancer=freelancer),
        ProposalFactory(competition=open_, freelancer=other_freelancer),
        ProposalFactory(competition=review, freelancer=freelancer),
        ProposalFactory(competition=review, freelancer=FreelancerFactory(), status=ProposalStatus.WITHDRAWN),
        ProposalFactory(competition=closed, freelancer=freelancer, status=ProposalStatus.ACCEPTED, is_winner=True),
        ProposalFactory(competition=foreign, freelancer=freelancer),
    ]
    closed.winner = freelancer
    closed.winning_proposal = proposals[4]
    closed.save(update_fields=["winner", "winning_proposal"])

    attachments = [
        ProposalAttachment.objects.create(
            proposal=proposal,
            file=upload("brief.pdf", PDF),
            original_filename="brief.pdf",
            file_size=len(PDF),
            file_type="pdf",
        )
        for proposal in (proposals[0], proposals[2], proposals[4])
    ]
    questions = [
        CompetitionQuestionFactory(competition=open_, asked_by=freelancer),
        CompetitionQuestionFactory(competition=open_, asked_by=other_freelancer, is_public=False),
    ]
    closed_too = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED, winner=freelancer)
    payments = [
        PaymentRecordFactory(competition=closed, client=client_owner, freelancer=freelancer),
        PaymentRecordFactory(
            competition=closed_too, client=client_owner, freelancer=freelancer, status=PaymentStatus.PROCESSING
        ),
    ]
    ReviewFactory(
        competition=closed, reviewer=client_owner, reviewee=freelancer, review_type=ReviewType.CLIENT_TO_FREELANCER
    )
    ReviewFactory(
        competition=closed,
        reviewer=freelancer,
        reviewee=client_owner,
        review_type=ReviewType.FREELANCER_TO_CLIENT,
        is_public=False,
    )
    users = [client_owner, other_client, freelancer, other_freelancer]
    return {
        "users": users,
        "payments": payments,
        "competitions": competitions,
        "proposals": proposals,
        "attachments": attachments,
        "questions": questions,
    }


@pytest.fixture
def fuzz_headers(fuzz_role, client_owner, freelancer) -> dict[str, str]:
    user = {"anonymous": None, "client": client_owner, "freelancer": freelancer}[fuzz_role]
    if user is None:
        return {}
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


@pytest.fixture(autouse=True)
def _in_process_wsgi(settings):
    # Throttling would turn most of the run into 429s: a dummy cache never counts.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    # The WSGI handler closes "old" connections at each request's start and end, which inside
    # the test's transaction would break it; Django's own test client disconnects it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]

# Path parameter -> which seeded rows it may name.
POOLS = {
    "competition_id": "competitions",
    "question_id": "questions",
    "attachment_id": "attachments",
    "user_id": "users",
}


def _pool_for(path: str, name: str) -> str:
    if name != "id":
        return POOLS.get(name, "")
    for prefix, pool in (
        ("/api/auth/users/", "users"),
        ("/api/competitions/", "competitions"),
        ("/api/feedback/competitions/", "competitions"),
        ("/api/payments/", "payments"),
        ("/api/proposals/", "proposals"),
    ):
        if path.startswith(prefix):
            return pool
    return ""


def aim_at_the_world(case, world) -> None:
    """Most generated UUIDs are replaced by a seeded row's id (picked by the UUID's own bits, so
    Hypothesis still chooses); the rest stay random and exercise the 404s."""
    for name, value in list((case.path_parameters or {}).items()):
        rows = world.get(_pool_for(case.operation.path, name))
        if not rows:
            continue
        try:
            pick = uuid.UUID(str(value)).int
        except ValueError:
            continue  # not a UUID at all: the URL resolver's 404
        index = pick % (len(rows) + 1)
        if index < len(rows):
            case.path_parameters[name] = str(rows[index].pk)


# Loaded at collection from the served document (no database access is needed to build it).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=FUZZ_CONFIG)


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize("fuzz_role", ["anonymous", "client", "freelancer"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_input_makes_the_api_fail_or_break_its_schema(case, world, fuzz_headers):
    # A fuzzed DELETE /api/auth/profile/ deactivates the caller: every case starts active again.
    User.objects.filter(pk__in=[user.pk for user in world["users"]]).update(is_active=True)
    aim_at_the_world(case, world)
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)
