"""Property-based fuzzing of the whole API: schemathesis over /api/schema/, in process (WSGI).

Three passes (anonymous, a client, a freelancer) against a seeded world, so generated path ids
often name real rows in every state instead of always 404ing. Checks: `not_a_server_error`
(zero 5xx for any input) and `response_schema_conformance` (every response, 2xx included,
matches the schema that /api/schema/ publishes, envelopes included), plus
`status_code_conformance` and `content_type_conformance` (only documented codes, and JSON
everywhere except the attachment download, which the schema declares as a binary body; so
nothing needs excluding: /api/docs/ is not an operation of the schema).

A second test sends every operation, through the same served application, what generation from
the schema rarely or never makes (issue 19): bodies nested 2,000 deep or 100,000 wide, integers
past any column, datetimes that do not exist in UTC, in bodies and query strings.

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


# --- hostile bodies and out-of-range values (issue 19) ---------------------------------------------
# Hypothesis draws from the schema, which makes deep nesting, huge widths and values past a
# column's range rare or impossible. So every operation of the same served schema is also sent,
# through the served WSGI application (its request class included), bodies built to break the
# parsers and values built to break the database: none may answer a 5xx or leave the envelope.

DEPTH = 2000
HOSTILE_BODIES = {
    "deep arrays": "[" * DEPTH,
    "deep objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "deep but closed": "[" * DEPTH + "]" * DEPTH,
    "wide object": "{" + ",".join(f'"k{i}": {i}' for i in range(20000)) + "}",
    "wide array": "[" + ",".join(["0"] * 100000) + "]",
    "long string": '{"title": "' + "x" * 500000 + '"}',
}
TOO_WIDE_INTEGER = 2**63
OUT_OF_UTC = "9999-12-31T23:59:59-05:00"
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


def _resolve(node, components):
    while isinstance(node, dict) and "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[-1]]
    return node


def out_of_range_body(operation) -> dict | None:
    """The operation's JSON body with every integer past any column and every date-time out of UTC."""
    content = (operation.definition.raw.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return None
    components = schema.raw_schema.get("components", {}).get("schemas", {})
    properties = _resolve(content["application/json"].get("schema", {}), components).get("properties", {})
    body = {}
    for name, prop in properties.items():
        prop = _resolve(prop, components)
        if prop.get("type") == "integer":
            body[name] = TOO_WIDE_INTEGER
        elif prop.get("type") == "number":
            body[name] = 1e308
        elif prop.get("format") == "date-time":
            body[name] = OUT_OF_UTC
    return body or None


def out_of_range_query(operation) -> dict[str, str]:
    query = {}
    for parameter in operation.definition.raw.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        kind = parameter.get("schema", {})
        if kind.get("type") == "integer":
            query[parameter["name"]] = str(TOO_WIDE_INTEGER)
        elif kind.get("type") == "number":
            query[parameter["name"]] = "1e400"
        elif kind.get("format") in ("date-time", "date"):
            query[parameter["name"]] = OUT_OF_UTC if kind["format"] == "date-time" else "10000-01-01"
    return query


def served_path(operation, world) -> str:
    # UUID(int=0) picks each pool's first seeded row (see aim_at_the_world).
    case = operation.Case(path_parameters={name: str(uuid.UUID(int=0)) for name in _path_names(operation.path)})
    aim_at_the_world(case, world)
    return case.formatted_path


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def assert_answered(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data()[:300]!r}"
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        return  # a successful download is the file itself
    body = response.get_json(silent=True)
    assert body is not None, f"{what}: not JSON"
    assert body["success"] is (response.status_code < 400), f"{what}: {body}"


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize("fuzz_role", ["anonymous", "client", "freelancer"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS])
def test_hostile_bodies_and_out_of_range_values_never_break_the_api(operation, world, fuzz_headers):
    from werkzeug.test import Client

    client = Client(application)
    User.objects.filter(pk__in=[user.pk for user in world["users"]]).update(is_active=True)
    path = served_path(operation, world)
    method = operation.method.upper()
    headers = {**fuzz_headers, "Content-Type": "application/json"}
    takes_json = "application/json" in (operation.definition.raw.get("requestBody") or {}).get("content", {})
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        for name, body in HOSTILE_BODIES.items():
            response = client.open(path, method=method, data=body, headers=headers)
            assert_answered(response, f"{method} {path} with {name}")
            if name.startswith("deep") and takes_json:
                # an operation that reads a JSON body refuses one nested 2,000 deep
                assert response.status_code >= 400, f"{method} {path} accepted {name}"
        body = out_of_range_body(operation)
        if body is not None:
            response = client.open(path, method=method, json=body, headers=fuzz_headers)
            assert_answered(response, f"{method} {path} with {body}")
    for name, value in out_of_range_query(operation).items():  # one at a time: none hides another
        response = client.open(path, method=method, query_string={name: value}, headers=fuzz_headers)
        assert_answered(response, f"{method} {path}?{name}={value}")
