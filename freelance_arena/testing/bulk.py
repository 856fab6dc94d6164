"""Bulk builders for tests that need many rows: one INSERT per call, not one per row.

Every builder takes a count (or pairs) and field overrides; an override may be a callable of
the row's index (`title=lambda i: f"Shop {i}"`). Users get usernames `budget<k>` (searchable as
"budget"), an unusable password (no hashing cost) and distinct names; competitions are OPEN and
published unless told otherwise. Rows go in with bulk_create, so no save() and no domain event
runs: the tests that use them set up state, they do not exercise the services.
"""

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from competitions.models import Competition, CompetitionQuestion, CompetitionStatus
from feedback.models import UserRating
from payments.models import PaymentRecord, PaymentStatus
from proposals.models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus

UNUSABLE_PASSWORD = "!budget-tests"  # an unusable password hash: no hashing cost

_serial = itertools.count()


def _value(value, i: int):
    """A field value, or a callable of the row's index giving one."""
    return value(i) if callable(value) else value


def make_users(n: int, role: str = Role.FREELANCER, **fields) -> list[User]:
    rows = []
    for i in range(n):
        k = next(_serial)
        data = {
            "email": f"budget{k}@example.com",
            "username": f"budget{k}",
            "first_name": f"First{k}",
            "last_name": f"Last{k}",
            "role": role,
            "password": UNUSABLE_PASSWORD,
        }
        data.update({name: _value(value, i) for name, value in fields.items()})
        rows.append(User(**data))
    return User.objects.bulk_create(rows)


def make_competitions(n: int, clients: list[User], status: str = CompetitionStatus.OPEN, **fields) -> list[Competition]:
    now = timezone.now()
    rows = []
    for i in range(n):
        k = next(_serial)
        data = {
            "client": clients[i % len(clients)],
            "title": f"Competition {k}",
            "description": "Build a landing page for our product.",
            "requirements": "Responsive, accessible, fast.",
            "budget": Decimal(1000 + i),
            "currency": "USD",
            "submission_deadline": now + timedelta(days=7),
            "deadline": now + timedelta(days=14, minutes=i),
            "status": status,
            "category": "web",
            "tags": "html,css",
            "published_at": None if status == CompetitionStatus.DRAFT else now,
        }
        data.update({name: _value(value, i) for name, value in fields.items()})
        rows.append(Competition(**data))
    return Competition.objects.bulk_create(rows)


def make_proposals(pairs: list[tuple[Competition, User]], status: str = ProposalStatus.SUBMITTED, **fields):
    rows = []
    for i, (competition, freelancer) in enumerate(pairs):
        data = {
            "competition": competition,
            "freelancer": freelancer,
            "title": f"Proposal {next(_serial)}",
            "description": "A working prototype with tests.",
            "proposed_budget": Decimal(900 + i),
            "estimated_duration": 1 + i % 30,
            "status": status,
        }
        data.update({name: _value(value, i) for name, value in fields.items()})
        rows.append(Proposal(**data))
    return Proposal.objects.bulk_create(rows)


def attach_files_and_revisions(proposals: list[Proposal], per_proposal: int = 2) -> None:
    """What ProposalDetail shows, so a list that starts reading it would be caught."""
    ProposalAttachment.objects.bulk_create(
        ProposalAttachment(
            proposal=proposal,
            file=f"proposal_attachments/{proposal.pk}/{uuid.uuid4().hex}.pdf",
            original_filename=f"deliverable-{n}.pdf",
            file_size=1024 + n,
            file_type="pdf",
            description=f"File {n}",
        )
        for proposal in proposals
        for n in range(per_proposal)
    )
    ProposalRevision.objects.bulk_create(
        ProposalRevision(
            proposal=proposal,
            revised_by=proposal.freelancer,
            description=f"Changed: title ({n})",
            revision_number=n + 1,
        )
        for proposal in proposals
        for n in range(per_proposal)
    )


def make_questions(competition: Competition, askers: list[User], *, is_public: bool, answered_by: User | None = None):
    now = timezone.now()
    return CompetitionQuestion.objects.bulk_create(
        CompetitionQuestion(
            competition=competition,
            asked_by=asker,
            question=f"Question {next(_serial)}?",
            is_public=is_public,
            answer="Yes." if answered_by is not None and i % 2 == 0 else None,
            answered_at=now if answered_by is not None and i % 2 == 0 else None,
            answered_by=answered_by if i % 2 == 0 else None,
        )
        for i, asker in enumerate(askers)
    )


def make_ratings(users: list[User]) -> None:
    UserRating.objects.bulk_create(
        UserRating(user=user, average_rating=Decimal(100 + i % 400) / 100, total_reviews=1 + i % 50)
        for i, user in enumerate(users)
    )


def make_payments(pairs: list[tuple[Competition, User]], **fields) -> list[PaymentRecord]:
    rows = []
    for i, (competition, freelancer) in enumerate(pairs):
        data = {
            "competition": competition,
            "client_id": competition.client_id,
            "freelancer": freelancer,
            "amount": Decimal(500 + i) + Decimal("0.99"),
            "currency": "USD",
            "status": PaymentStatus.PENDING,
        }
        data.update({name: _value(value, i) for name, value in fields.items()})
        payment = PaymentRecord(**data)
        payment.recalculate_fee()  # bulk_create skips save(), which sets the fee
        rows.append(payment)
    return PaymentRecord.objects.bulk_create(rows)
