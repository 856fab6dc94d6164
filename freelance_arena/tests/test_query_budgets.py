"""Query budgets (issue 7): every list endpoint of the API costs a pinned number of SQL queries,
the same for a page of 10 and a page of 100.

Each case builds (with bulk inserts) more than 100 rows for its list, each with the related rows
its serializer reads (clients, proposals, attachments, revisions, askers, reviewers, ratings,
competitions...), spread over many distinct related objects so that an N+1 would show: a
per-row query costs 10 more queries on the first page and 100 more on the second. It then asks
for page_size=10 and page_size=100 and asserts that

- both pages are full (10 and 100 distinct items: the budget cannot pass on an empty page),
- both cost the same number of queries, and that number is the one pinned in the case.

The pinned number counts every statement Django sends while the request runs: the JWT user
lookup, the paginator's COUNT, the page, prefetches, extra aggregates. A warm-up request
(page_size=1) runs first, so the once-per-5-minutes `last_seen` UPDATE of
UpdateLastSeenMiddleware and process-wide lazy caches (the InnoDB stopword list of the search)
are out of the way and the count is stable.

Nested lists of detail endpoints (a proposal's attachments and revisions, a competition's public
questions) get the same treatment with 10 and 100 nested rows.

`test_every_list_endpoint_has_a_budget` finds the list endpoints in the URL resolver (DRF list
views and GET handlers that paginate) and in the OpenAPI schema (GET answering a page or an
array) and fails when one has no case here, or when a case names an endpoint that is gone.
"""

import inspect
import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.mixins import ListModelMixin
from rest_framework.views import APIView

from accounts.models import Role, User
from competitions.models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus
from feedback.models import Review, ReviewType, UserRating
from notifications.models import Notification, NotificationType
from payments.models import PaymentRecord, PaymentStatus
from proposals.models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus

pytestmark = pytest.mark.django_db

PAGE_SIZES = (10, 100)
ROWS = 110  # more than the largest page, so page_size=100 is full
UNUSABLE_PASSWORD = "!budget-tests"  # an unusable password hash: no hashing cost


# --- Bulk builders ------------------------------------------------------------------------------

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


def open_market(cast, *, status: str = CompetitionStatus.OPEN, n: int = ROWS, **fields) -> list[Competition]:
    """`n` competitions of `n` distinct clients, each with two live proposals (charlie's and
    dana's) and a withdrawn one, plus drafts and closed competitions that lists must skip."""
    clients = make_users(n, Role.CLIENT)
    competitions = make_competitions(n, clients, status=status, **fields)
    quitter = make_users(1)[0]
    make_proposals([(c, cast.charlie) for c in competitions] + [(c, cast.dana) for c in competitions])
    make_proposals([(c, quitter) for c in competitions], status=ProposalStatus.WITHDRAWN)
    make_competitions(5, [cast.bob], status=CompetitionStatus.DRAFT)
    make_competitions(5, [cast.bob], status=CompetitionStatus.CANCELLED)
    if status != CompetitionStatus.CLOSED:
        make_competitions(5, [cast.bob], status=CompetitionStatus.CLOSED)
    return competitions


# --- Cases --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """Who asks, for which URL kwargs and query parameters, and what the full page must show."""

    user: User | None
    kwargs: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    check: Callable[[list[dict], dict], None] | None = None  # (results of page_size=100, page data)


@dataclass(frozen=True)
class Case:
    endpoint: str  # "namespace:url-name"
    queries: int
    build: Callable[[SimpleNamespace], Ask]
    transactional: bool = False


CASES: dict[str, Case] = {}


def case(endpoint: str, queries: int, *, transactional: bool = False):
    """Registers `build_<name>` as the case `<name>` of `endpoint` with its pinned query count."""

    def register(build: Callable[[SimpleNamespace], Ask]) -> Callable[[SimpleNamespace], Ask]:
        name = build.__name__.removeprefix("build_")
        assert name not in CASES, name
        CASES[name] = Case(endpoint, queries, build, transactional)
        return build

    return register


def ids(results: list[dict]) -> set[str]:
    return {row["id"] for row in results}


# competitions:list-create (GET: the public list) -------------------------------------------------


def _public_cards(results: list[dict], _page: dict) -> None:
    for row in results:
        assert row["status"] == CompetitionStatus.OPEN
        assert row["proposal_count"] == 2  # charlie's and dana's; the withdrawn one does not count
        assert row["is_open"] is True
        assert row["client_username"].startswith("budget")
    assert len({row["client_username"] for row in results}) == len(results)


@case("competitions:list-create", 3)
def build_competitions_anonymous(cast) -> Ask:
    open_market(cast)
    return Ask(None, check=_public_cards)


@case("competitions:list-create", 4)
def build_competitions_as_freelancer(cast) -> Ask:
    open_market(cast)
    return Ask(cast.charlie, check=_public_cards)


@case("competitions:list-create", 4)
def build_competitions_as_client(cast) -> Ask:
    open_market(cast)
    return Ask(cast.alice, check=_public_cards)


@case("competitions:list-create", 4)
def build_competitions_as_admin(cast) -> Ask:
    open_market(cast)
    return Ask(cast.admin, check=_public_cards)


@case("competitions:list-create", 4)
def build_competitions_admin_status_filter(cast) -> Ask:
    open_market(cast, status=CompetitionStatus.CLOSED)
    make_competitions(10, [cast.bob])  # OPEN: filtered out

    def check(results, _page):
        assert {row["status"] for row in results} == {CompetitionStatus.CLOSED}
        assert all(row["proposal_count"] == 2 for row in results)

    return Ask(cast.admin, params={"status": CompetitionStatus.CLOSED}, check=check)


@case("competitions:list-create", 3)
def build_competitions_every_filter(cast) -> Ask:
    now = timezone.now()
    matching = {
        "category": "Design",
        "budget": lambda i: Decimal(500 + i * 3),
        "deadline": lambda i: now + timedelta(days=12, hours=i),
        "tags": "figma,ui",
    }
    open_market(cast, **matching)
    # One filter missed each.
    make_competitions(5, [cast.bob], **{**matching, "category": "web"})
    make_competitions(5, [cast.bob], **{**matching, "budget": Decimal("499.00")})
    make_competitions(5, [cast.bob], **{**matching, "budget": Decimal("901.00")})
    make_competitions(5, [cast.bob], **{**matching, "deadline": now + timedelta(days=8)})
    make_competitions(5, [cast.bob], **{**matching, "deadline": now + timedelta(days=30)})
    make_competitions(5, [cast.bob], **{**matching, "tags": "html"})
    params = {
        "category": "design",
        "budget_min": "500",
        "budget_max": "900",
        "deadline_after": (now + timedelta(days=10)).isoformat(),
        "deadline_before": (now + timedelta(days=20)).isoformat(),
        "tags": "figma",
    }

    def check(results, page):
        assert page["count"] == ROWS
        assert {row["category"] for row in results} == {"Design"}
        assert all(Decimal("500") <= Decimal(row["budget"]) <= Decimal("900") for row in results)
        _public_cards(results, page)

    return Ask(None, params=params, check=check)


@case("competitions:list-create", 3)
def build_competitions_ordered_by_budget(cast) -> Ask:
    open_market(cast)

    def check(results, page):
        budgets = [Decimal(row["budget"]) for row in results]
        assert budgets == sorted(budgets, reverse=True)
        _public_cards(results, page)

    return Ask(None, params={"ordering": "-budget"}, check=check)


@case("competitions:list-create", 3)
def build_competitions_ordered_by_deadline(cast) -> Ask:
    open_market(cast)

    def check(results, page):
        deadlines = [row["deadline"] for row in results]
        assert deadlines == sorted(deadlines)
        _public_cards(results, page)

    return Ask(None, params={"ordering": "deadline"}, check=check)


@case("competitions:list-create", 3, transactional=True)  # InnoDB FULLTEXT sees committed rows only
def build_competitions_search(cast) -> Ask:
    # "kubernetes" goes through the FULLTEXT index, "go" (too short for it) through LIKE.
    open_market(cast, title=lambda i: f"Kubernetes cluster {i}", description="Operators written in Go.")
    make_competitions(10, [cast.bob], title="Landing page", description="Written in Go.")
    make_competitions(10, [cast.bob], title="Kubernetes", description="Helm charts only.")

    def check(results, page):
        assert page["count"] == ROWS
        assert all(row["title"].startswith("Kubernetes cluster") for row in results)
        _public_cards(results, page)

    return Ask(None, params={"search": "kubernetes go"}, check=check)


# competitions:mine -----------------------------------------------------------------------------


def _alice_cards(results: list[dict], _page: dict) -> None:
    assert {row["client_username"] for row in results} == {"alice"}


@case("competitions:mine", 4)
def build_my_competitions(cast) -> Ask:
    per_status = ROWS // len(CompetitionStatus.values) + 1
    for status in CompetitionStatus.values:
        competitions = make_competitions(per_status, [cast.alice], status=status)
        if status != CompetitionStatus.DRAFT:
            make_proposals([(c, cast.charlie) for c in competitions])
    make_competitions(10, [cast.bob])

    def check(results, page):
        _alice_cards(results, page)
        assert len({row["status"] for row in results}) > 1

    return Ask(cast.alice, check=check)


@case("competitions:mine", 4)
def build_my_competitions_status_and_ordering(cast) -> Ask:
    competitions = make_competitions(ROWS, [cast.alice])
    make_proposals([(c, cast.charlie) for c in competitions] + [(c, cast.dana) for c in competitions])
    make_competitions(20, [cast.alice], status=CompetitionStatus.CLOSED)

    def check(results, page):
        _alice_cards(results, page)
        assert {row["status"] for row in results} == {CompetitionStatus.OPEN}
        assert all(row["proposal_count"] == 2 for row in results)
        budgets = [Decimal(row["budget"]) for row in results]
        assert budgets == sorted(budgets, reverse=True)

    return Ask(cast.alice, params={"status": CompetitionStatus.OPEN, "ordering": "-budget"}, check=check)


@case("competitions:mine", 4, transactional=True)  # InnoDB FULLTEXT sees committed rows only
def build_my_competitions_search(cast) -> Ask:
    make_competitions(ROWS, [cast.alice], title=lambda i: f"Kubernetes migration {i}")
    make_competitions(20, [cast.alice], title="Landing page")
    make_competitions(20, [cast.bob], title="Kubernetes migration")

    def check(results, page):
        assert page["count"] == ROWS
        _alice_cards(results, page)
        assert all(row["title"].startswith("Kubernetes") for row in results)

    return Ask(cast.alice, params={"search": "kubernetes"}, check=check)


# competitions:bookmarks ------------------------------------------------------------------------


def _bookmarks_of(cast, user: User) -> Ask:
    competitions = open_market(cast)
    CompetitionBookmark.objects.bulk_create(CompetitionBookmark(competition=c, user=user) for c in competitions)
    CompetitionBookmark.objects.bulk_create(
        CompetitionBookmark(competition=c, user=cast.bob) for c in competitions[:20]
    )
    bookmarked = {str(c.pk) for c in competitions}

    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= bookmarked
        _public_cards(results, page)

    return Ask(user, check=check)


@case("competitions:bookmarks", 4)
def build_bookmarks_of_a_freelancer(cast) -> Ask:
    return _bookmarks_of(cast, cast.charlie)


@case("competitions:bookmarks", 4)
def build_bookmarks_of_a_client(cast) -> Ask:
    return _bookmarks_of(cast, cast.alice)


# competitions:questions ------------------------------------------------------------------------


def _questions(cast) -> tuple[Competition, set[str]]:
    """alice's competition: ROWS public questions of ROWS askers (half answered), ROWS private
    ones of charlie, 20 private ones of other freelancers."""
    competition = make_competitions(1, [cast.alice])[0]
    make_questions(competition, make_users(ROWS), is_public=True, answered_by=cast.alice)
    charlies = make_questions(competition, [cast.charlie] * ROWS, is_public=False, answered_by=cast.alice)
    make_questions(competition, make_users(20), is_public=False)
    make_questions(make_competitions(1, [cast.bob])[0], make_users(10), is_public=True)
    return competition, {str(q.pk) for q in charlies}


@case("competitions:questions", 3)
def build_questions_anonymous(cast) -> Ask:
    competition, _ = _questions(cast)

    def check(results, page):
        assert page["count"] == ROWS
        assert all(row["is_public"] and row["competition"] == str(competition.pk) for row in results)
        assert len({row["asked_by_username"] for row in results}) == len(results)

    return Ask(None, kwargs={"pk": competition.pk}, check=check)


@case("competitions:questions", 4)
def build_questions_of_the_asker(cast) -> Ask:
    competition, charlies = _questions(cast)

    def check(results, page):
        assert page["count"] == 2 * ROWS
        assert all(row["is_public"] or row["id"] in charlies for row in results)

    return Ask(cast.charlie, kwargs={"pk": competition.pk}, check=check)


@case("competitions:questions", 4)
def build_questions_of_the_owner(cast) -> Ask:
    competition, _ = _questions(cast)

    def check(results, page):
        assert page["count"] == 2 * ROWS + 20
        assert all(row["competition"] == str(competition.pk) for row in results)

    return Ask(cast.alice, kwargs={"pk": competition.pk}, check=check)


@case("competitions:questions", 4)
def build_questions_as_admin(cast) -> Ask:
    competition, _ = _questions(cast)

    def check(results, page):
        assert page["count"] == 2 * ROWS + 20

    return Ask(cast.admin, kwargs={"pk": competition.pk}, check=check)


# proposals:mine --------------------------------------------------------------------------------


def _charlies_proposals(cast, status: str = ProposalStatus.SUBMITTED) -> dict[str, str]:
    clients = make_users(ROWS, Role.CLIENT)
    competitions = make_competitions(ROWS, clients, title=lambda i: f"Contest {i}")
    proposals = make_proposals([(c, cast.charlie) for c in competitions], status=status)
    make_proposals([(c, cast.dana) for c in competitions])
    attach_files_and_revisions(proposals)
    return {str(p.pk): p.competition.title for p in proposals}


@case("proposals:mine", 3)
def build_my_proposals(cast) -> Ask:
    titles = _charlies_proposals(cast)
    closed = make_competitions(20, [cast.bob], status=CompetitionStatus.CLOSED)
    make_proposals([(c, cast.charlie) for c in closed], status=ProposalStatus.REJECTED)

    def check(results, page):
        assert page["count"] == ROWS + 20
        for row in results:
            assert row["id"] not in titles or row["competition_title"] == titles[row["id"]]
        assert len({row["competition"] for row in results}) == len(results)

    return Ask(cast.charlie, check=check)


@case("proposals:mine", 3)
def build_my_proposals_status_and_ordering(cast) -> Ask:
    titles = _charlies_proposals(cast)
    review = make_competitions(20, [cast.bob])
    make_proposals([(c, cast.charlie) for c in review], status=ProposalStatus.UNDER_REVIEW, client_score=4)

    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= set(titles)
        assert {row["status"] for row in results} == {ProposalStatus.SUBMITTED}
        budgets = [Decimal(row["proposed_budget"]) for row in results]
        assert budgets == sorted(budgets, reverse=True)

    return Ask(cast.charlie, params={"status": ProposalStatus.SUBMITTED, "ordering": "-proposed_budget"}, check=check)


# proposals:competition-proposals (the client's blind list) --------------------------------------

CLIENT_LIST_KEYS = {"id", "title", "proposed_budget", "estimated_duration", "created_at", "client_score", "originality"}


def _competition_with_proposals(cast, status: str) -> tuple[Competition, set[str]]:
    """alice's competition with ROWS proposals of ROWS freelancers (scored, with files and
    revisions) and 10 withdrawn ones; CLOSED: a winner, the others rejected."""
    competition = make_competitions(1, [cast.alice], status=status)[0]
    freelancers = make_users(ROWS)
    live_status = ProposalStatus.REJECTED if status == CompetitionStatus.CLOSED else ProposalStatus.UNDER_REVIEW
    proposals = make_proposals(
        [(competition, f) for f in freelancers], status=live_status, client_score=lambda i: 1 + i % 5
    )
    make_proposals([(competition, f) for f in make_users(10)], status=ProposalStatus.WITHDRAWN)
    attach_files_and_revisions(proposals)
    if status == CompetitionStatus.CLOSED:
        winner = proposals[0]
        Proposal.objects.filter(pk=winner.pk).update(status=ProposalStatus.ACCEPTED, is_winner=True)
        Competition.objects.filter(pk=competition.pk).update(winner=winner.freelancer, winning_proposal=winner)
    other = make_competitions(1, [cast.bob])[0]
    make_proposals([(other, f) for f in freelancers[:20]])
    return competition, {str(p.pk) for p in proposals}


def _blind_rows(live: set[str]):
    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= live
        assert all(set(row) == CLIENT_LIST_KEYS for row in results)  # never the freelancer

    return check


# 5: the page's originality matches are one query (issue 16).
@case("proposals:competition-proposals", 5)
def build_client_proposals_of_an_open_competition(cast) -> Ask:
    competition, live = _competition_with_proposals(cast, CompetitionStatus.OPEN)
    return Ask(cast.alice, kwargs={"competition_id": competition.pk}, check=_blind_rows(live))


# 5: the page's originality matches are one query (issue 16).
@case("proposals:competition-proposals", 5)
def build_client_proposals_of_a_closed_competition(cast) -> Ask:
    competition, live = _competition_with_proposals(cast, CompetitionStatus.CLOSED)
    return Ask(cast.alice, kwargs={"competition_id": competition.pk}, check=_blind_rows(live))


# 5: the page's originality matches are one query (issue 16).
@case("proposals:competition-proposals", 5)
def build_client_proposals_by_score(cast) -> Ask:
    competition, live = _competition_with_proposals(cast, CompetitionStatus.REVIEW)
    blind = _blind_rows(live)

    def check(results, page):
        blind(results, page)
        scores = [row["client_score"] for row in results]
        assert scores == sorted(scores, reverse=True)

    return Ask(cast.alice, kwargs={"competition_id": competition.pk}, params={"ordering": "-client_score"}, check=check)


# originality:report-list ----------------------------------------------------------------------


@case("originality:report-list", 3)
def build_reports_as_admin(cast) -> Ask:
    from originality.models import Report, ReportStatus

    competition, _live = _competition_with_proposals(cast, CompetitionStatus.OPEN)
    proposals = list(competition.proposals.all()[:ROWS])
    reports = Report.objects.bulk_create(
        Report(proposal=proposal, reported_by=cast.alice, reason=f"Copy {n}", status=ReportStatus.OPEN)
        for n, proposal in enumerate(proposals)
    )
    made = {str(report.pk) for report in reports}

    def check(results, page):
        assert page["count"] == len(made)
        assert ids(results) <= made

    return Ask(cast.admin, params={"status": "OPEN"}, check=check)


# feedback:user-reviews -------------------------------------------------------------------------


def _reviews_of_charlie(cast) -> set[str]:
    """ROWS public reviews of charlie by ROWS clients (with pictures) on their CLOSED
    competitions, 10 private ones, and reviews of dana."""
    clients = make_users(ROWS + 10, Role.CLIENT, profile_picture=lambda i: f"profile_pictures/{i}.png")
    competitions = make_competitions(ROWS + 10, clients, status=CompetitionStatus.CLOSED, winner=cast.charlie)
    reviews = Review.objects.bulk_create(
        Review(
            reviewer=c.client,
            reviewee=cast.charlie,
            competition=c,
            rating=1 + i % 5,
            comment=f"Review {i}",
            review_type=ReviewType.CLIENT_TO_FREELANCER,
            is_public=i < ROWS,
        )
        for i, c in enumerate(competitions)
    )
    for_dana = make_competitions(10, [cast.bob], status=CompetitionStatus.CLOSED, winner=cast.dana)
    Review.objects.bulk_create(
        Review(
            reviewer=cast.bob,
            reviewee=cast.dana,
            competition=c,
            rating=4,
            comment="Fine",
            review_type=ReviewType.CLIENT_TO_FREELANCER,
        )
        for c in for_dana
    )
    return {str(r.pk) for r in reviews if r.is_public}


def _public_reviews_of_charlie(public: set[str], cast):
    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= public
        assert all(row["reviewee"]["id"] == str(cast.charlie.pk) for row in results)
        assert len({row["reviewer"]["username"] for row in results}) == len(results)
        assert all(row["reviewer"]["profile_picture"].endswith(".png") for row in results)

    return check


@case("feedback:user-reviews", 3)
def build_user_reviews_anonymous(cast) -> Ask:
    public = _reviews_of_charlie(cast)
    return Ask(None, kwargs={"user_id": cast.charlie.pk}, check=_public_reviews_of_charlie(public, cast))


@case("feedback:user-reviews", 4)
def build_user_reviews_by_rating(cast) -> Ask:
    public = _reviews_of_charlie(cast)
    base = _public_reviews_of_charlie(public, cast)

    def check(results, page):
        base(results, page)
        ratings = [row["rating"] for row in results]
        assert ratings == sorted(ratings)

    return Ask(cast.dana, kwargs={"user_id": cast.charlie.pk}, params={"ordering": "rating"}, check=check)


# feedback:competition-reviews ------------------------------------------------------------------


def _reviews_of_a_competition(cast) -> tuple[Competition, User, list[Review]]:
    """alice's CLOSED competition: ROWS participants each review alice (every 11th privately),
    alice reviews the winner."""
    competition = make_competitions(1, [cast.alice], status=CompetitionStatus.CLOSED)[0]
    freelancers = make_users(ROWS, profile_picture=lambda i: f"profile_pictures/f{i}.png")
    proposals = make_proposals([(competition, f) for f in freelancers], status=ProposalStatus.REJECTED)
    winner = freelancers[0]
    Proposal.objects.filter(pk=proposals[0].pk).update(status=ProposalStatus.ACCEPTED, is_winner=True)
    Competition.objects.filter(pk=competition.pk).update(winner=winner, winning_proposal=proposals[0])
    reviews = Review.objects.bulk_create(
        [
            Review(
                reviewer=f,
                reviewee=cast.alice,
                competition=competition,
                rating=1 + i % 5,
                comment=f"Client review {i}",
                review_type=ReviewType.FREELANCER_TO_CLIENT,
                is_public=i % 11 != 1,
            )
            for i, f in enumerate(freelancers)
        ]
        + [
            Review(
                reviewer=cast.alice,
                reviewee=winner,
                competition=competition,
                rating=5,
                comment="Great work",
                review_type=ReviewType.CLIENT_TO_FREELANCER,
            )
        ]
    )
    other = make_competitions(1, [cast.bob], status=CompetitionStatus.CLOSED)[0]
    Review.objects.bulk_create(
        Review(
            reviewer=f,
            reviewee=cast.bob,
            competition=other,
            rating=3,
            comment="Other",
            review_type=ReviewType.FREELANCER_TO_CLIENT,
        )
        for f in freelancers[:20]
    )
    return competition, freelancers[1], reviews


def _reviews_visible(expected: set[str], competition: Competition):
    def check(results, page):
        assert page["count"] == len(expected)
        assert ids(results) <= expected
        assert all(row["competition"] == str(competition.pk) for row in results)

    return check


@case("feedback:competition-reviews", 4)
def build_competition_reviews_of_the_reviewee(cast) -> Ask:
    competition, _, reviews = _reviews_of_a_competition(cast)
    expected = {str(r.pk) for r in reviews}  # alice sees the private reviews of her too
    return Ask(cast.alice, kwargs={"pk": competition.pk}, check=_reviews_visible(expected, competition))


@case("feedback:competition-reviews", 4)
def build_competition_reviews_of_a_private_reviewer(cast) -> Ask:
    competition, private_reviewer, reviews = _reviews_of_a_competition(cast)
    expected = {str(r.pk) for r in reviews if r.is_public or r.reviewer_id == private_reviewer.pk}
    return Ask(private_reviewer, kwargs={"pk": competition.pk}, check=_reviews_visible(expected, competition))


@case("feedback:competition-reviews", 4)
def build_competition_reviews_as_admin(cast) -> Ask:
    competition, _, reviews = _reviews_of_a_competition(cast)
    expected = {str(r.pk) for r in reviews}
    return Ask(cast.admin, kwargs={"pk": competition.pk}, check=_reviews_visible(expected, competition))


# notifications:list ----------------------------------------------------------------------------


def _notifications_of_charlie(cast) -> None:
    """ROWS unread PROPOSAL_SCORED, ROWS read NEW_REVIEW; dana's are noise."""
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=cast.charlie,
                notification_type=NotificationType.PROPOSAL_SCORED,
                params={"text": [f"Scored {i}", "Your proposal was scored."]},
                related_competition_id=uuid.uuid4(),
                related_proposal_id=uuid.uuid4(),
            )
            for i in range(ROWS)
        ]
        + [
            Notification(
                recipient=cast.charlie,
                notification_type=NotificationType.NEW_REVIEW,
                params={"text": [f"Review {i}", "You were reviewed."]},
                is_read=True,
                read_at=now,
            )
            for i in range(ROWS)
        ]
        + [
            Notification(
                recipient=cast.dana, notification_type=NotificationType.NEW_REVIEW, params={"text": ["x", "y"]}
            )
            for _ in range(20)
        ]
    )


def _notifications(count: int, **expected):
    def check(results, page):
        assert page["count"] == count
        assert page["unread_count"] == ROWS  # all of charlie's unread, whatever the filters
        for key, value in expected.items():
            assert {row[key] for row in results} == {value}

    return check


@case("notifications:list", 3)
def build_notifications(cast) -> Ask:
    _notifications_of_charlie(cast)
    return Ask(cast.charlie, check=_notifications(2 * ROWS))


@case("notifications:list", 3)
def build_notifications_unread(cast) -> Ask:
    _notifications_of_charlie(cast)
    return Ask(cast.charlie, params={"is_read": "false"}, check=_notifications(ROWS, is_read=False))


@case("notifications:list", 3)
def build_notifications_of_a_type(cast) -> Ask:
    _notifications_of_charlie(cast)
    return Ask(
        cast.charlie,
        params={"notification_type": NotificationType.NEW_REVIEW},
        check=_notifications(ROWS, notification_type=NotificationType.NEW_REVIEW, is_read=True),
    )


# payments --------------------------------------------------------------------------------------


def _ledger(cast) -> dict[str, set[str]]:
    """ROWS payments alice owes ROWS freelancers, ROWS payments of ROWS clients to charlie
    (every other one COMPLETED on a "Website" competition)."""
    won_from_alice = make_competitions(ROWS, [cast.alice], status=CompetitionStatus.CLOSED, title=lambda i: f"Shop {i}")
    owed = make_payments(list(zip(won_from_alice, make_users(ROWS), strict=True)))
    clients = make_users(ROWS, Role.CLIENT)
    won_by_charlie = make_competitions(
        ROWS, clients, status=CompetitionStatus.CLOSED, title=lambda i: f"Website {i}" if i % 2 else f"App {i}"
    )
    now = timezone.now()
    earned = make_payments(
        [(c, cast.charlie) for c in won_by_charlie],
        status=lambda i: PaymentStatus.COMPLETED if i % 2 else PaymentStatus.PROCESSING,
        completed_at=lambda i: now if i % 2 else None,
        transaction_reference=lambda i: f"TX-{uuid.uuid4().hex}" if i % 2 else None,
    )
    return {"alice": {str(p.pk) for p in owed}, "charlie": {str(p.pk) for p in earned}}


@case("payments:client-list", 3)
def build_payments_of_a_client(cast) -> Ask:
    ledger = _ledger(cast)

    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= ledger["alice"]
        assert all(row["competition_title"].startswith("Shop") for row in results)

    return Ask(cast.alice, check=check)


@case("payments:freelancer-list", 3)
def build_payments_of_a_freelancer(cast) -> Ask:
    ledger = _ledger(cast)

    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= ledger["charlie"]
        assert all(row["competition_title"] for row in results)

    return Ask(cast.charlie, check=check)


@case("payments:admin-list", 3)
def build_payments_as_admin(cast) -> Ask:
    ledger = _ledger(cast)

    def check(results, page):
        assert page["count"] == 2 * ROWS
        assert ids(results) <= ledger["alice"] | ledger["charlie"]

    return Ask(cast.admin, check=check)


@case("payments:admin-list", 3)
def build_payments_as_admin_every_filter(cast) -> Ask:
    ledger = _ledger(cast)
    # 55 COMPLETED "Website" payments to charlie: add 55 more so the filtered list fills a page.
    clients = make_users(ROWS, Role.CLIENT)
    competitions = make_competitions(ROWS, clients, status=CompetitionStatus.CLOSED, title=lambda i: f"Website v{i}")
    now = timezone.now()
    extra = make_payments(
        [(c, cast.dana) for c in competitions],
        status=PaymentStatus.COMPLETED,
        completed_at=now,
        transaction_reference=lambda i: f"TX-{uuid.uuid4().hex}",
    )
    completed_websites = {str(p.pk) for p in extra} | ledger["charlie"]
    today = timezone.now().date().isoformat()
    params = {
        "status": PaymentStatus.COMPLETED,
        "created_after": today,
        "created_before": today,
        "search": "website",
        "ordering": "-amount",
    }

    def check(results, page):
        assert page["count"] == ROWS + ROWS // 2
        assert ids(results) <= completed_websites
        assert all(
            row["status"] == PaymentStatus.COMPLETED and row["competition_title"].startswith("Website")
            for row in results
        )
        amounts = [Decimal(row["amount"]) for row in results]
        assert amounts == sorted(amounts, reverse=True)

    return Ask(cast.admin, params=params, check=check)


# accounts:user-list (ADMIN) --------------------------------------------------------------------


@case("accounts:user-list", 3)
def build_users_as_admin(cast) -> Ask:
    made = make_users(ROWS, hourly_rate=Decimal("40.00"), profile_picture=lambda i: f"profile_pictures/u{i}.png")
    make_users(20, Role.CLIENT, is_active=False)

    def check(results, page):
        assert page["count"] == ROWS + 20 + 5  # and the cast
        assert "email" in results[0] and "is_active" in results[0]
        assert len(ids(results) & {str(u.pk) for u in made}) >= 75

    return Ask(cast.admin, check=check)


@case("accounts:user-list", 3)
def build_users_as_admin_every_filter(cast) -> Ask:
    made = make_users(ROWS)
    make_users(20, is_active=False)
    make_users(20, Role.CLIENT)

    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= {str(u.pk) for u in made}
        usernames = [row["username"] for row in results]
        assert usernames == sorted(usernames)

    params = {"role": Role.FREELANCER, "is_active": "true", "search": "budget", "ordering": "username"}
    return Ask(cast.admin, params=params, check=check)


# accounts:freelancer-search (public directory) -------------------------------------------------


def _directory() -> set[str]:
    """ROWS active freelancers with ratings and pictures; inactive ones and clients are noise."""
    freelancers = make_users(
        ROWS,
        skills=lambda i: "Python, Django, REST" if i % 2 else "Python, Django",
        hourly_rate=lambda i: Decimal(20 + i),
        bio="Backend developer.",
        profile_picture=lambda i: f"profile_pictures/d{i}.png",
    )
    make_ratings(freelancers)
    make_ratings(make_users(20, is_active=False, skills="Python, Django"))
    make_users(20, Role.CLIENT, skills="Python, Django")
    return {str(u.pk) for u in freelancers}


def _cards(directory: set[str]):
    def check(results, page):
        assert page["count"] == ROWS + 2  # and charlie and dana from the cast
        assert len(ids(results) & directory) >= 98
        assert all("email" not in row for row in results)
        assert all(row["total_reviews"] >= 0 for row in results)

    return check


@case("accounts:freelancer-search", 2)
def build_freelancers_anonymous(cast) -> Ask:
    return Ask(None, check=_cards(_directory()))


@case("accounts:freelancer-search", 3)
def build_freelancers_as_client(cast) -> Ask:
    return Ask(cast.alice, check=_cards(_directory()))


@case("accounts:freelancer-search", 2)
def build_freelancers_every_filter(cast) -> Ask:
    directory = _directory()

    def check(results, page):
        assert page["count"] == ROWS
        assert ids(results) <= directory
        assert all(row["average_rating"] is not None for row in results)
        rates = [Decimal(row["hourly_rate"]) for row in results]
        assert rates == sorted(rates, reverse=True)

    params = {"skills": "python, django", "search": "budget", "ordering": "-hourly_rate"}
    return Ask(None, params=params, check=check)


# --- The budget test ----------------------------------------------------------------------------


@pytest.fixture
def cast(client_owner, other_client, freelancer, other_freelancer, admin_user) -> SimpleNamespace:
    return SimpleNamespace(
        alice=client_owner, bob=other_client, charlie=freelancer, dana=other_freelancer, admin=admin_user
    )


def page_data(response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def over_budget(pinned: int, runs: dict[int, list[str]]) -> str:
    lines = [f"pinned {pinned}, " + ", ".join(f"page_size={size}: {len(sql)}" for size, sql in runs.items())]
    for size, sql in runs.items():
        lines.append(f"--- page_size={size}")
        lines.extend(f"{n}. {statement[:300]}" for n, statement in enumerate(sql, 1))
    return "\n".join(lines)


def case_params():
    for name, item in CASES.items():
        marks = [pytest.mark.django_db(transaction=True)] if item.transactional else []
        yield pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", list(case_params()))
def test_list_query_budget(name, cast, as_user):
    item = CASES[name]
    ask = item.build(cast)
    client = as_user(ask.user)
    url = reverse(item.endpoint, kwargs=ask.kwargs)
    page_data(client.get(url, {**ask.params, "page_size": 1}))  # warm-up: last_seen, lazy caches

    runs: dict[int, list[str]] = {}
    pages: dict[int, dict] = {}
    for size in PAGE_SIZES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {**ask.params, "page_size": size})
        pages[size] = page_data(response)
        runs[size] = statements(captured)

    for size, page in pages.items():
        assert len(page["results"]) == size, f"page_size={size} gave {len(page['results'])} items"
        assert len(ids(page["results"])) == size, "an item appears twice on the page"
        assert page["count"] >= size
    assert len(runs[10]) == len(runs[100]) == item.queries, over_budget(item.queries, runs)
    if ask.check is not None:
        ask.check(pages[100]["results"], pages[100])


# --- Nested lists of detail endpoints -----------------------------------------------------------


@dataclass(frozen=True)
class NestedAsk:
    user: User | None
    kwargs: dict[int, dict]  # nested size -> URL kwargs of an object with that many nested rows
    lists: tuple[str, ...]  # the nested lists of the detail
    check: Callable[[dict], None] | None = None


@dataclass(frozen=True)
class NestedCase:
    endpoint: str
    queries: int
    build: Callable[[SimpleNamespace], NestedAsk]


def _proposals_with_files(cast, competition_status: str) -> dict[int, dict]:
    """Two of charlie's proposals on alice's competitions, with 10 and 100 files and revisions."""
    competitions = make_competitions(2, [cast.alice], status=competition_status)
    proposals = make_proposals(
        [(c, cast.charlie) for c in competitions], status=ProposalStatus.UNDER_REVIEW, client_score=4
    )
    for proposal, size in zip(proposals, PAGE_SIZES, strict=True):
        attach_files_and_revisions([proposal], per_proposal=size)
    return {size: {"pk": proposal.pk} for proposal, size in zip(proposals, PAGE_SIZES, strict=True)}


def _with_identity(shown: bool):
    def check(data):
        assert ("freelancer" in data) is shown
        assert all(row["url"].endswith("/download/") for row in data["attachments"])

    return check


def _public_questions(data: dict) -> None:
    assert all(row["is_public"] for row in data["questions"])
    assert len({row["asked_by_username"] for row in data["questions"]}) == len(data["questions"])


def _competitions_with_questions(cast) -> dict[int, dict]:
    """Two of alice's competitions with 10 and 100 public questions of distinct askers (and
    private ones the detail must leave out)."""
    kwargs = {}
    for size in PAGE_SIZES:
        competition = make_competitions(1, [cast.alice])[0]
        make_questions(competition, make_users(size), is_public=True, answered_by=cast.alice)
        make_questions(competition, make_users(5), is_public=False)
        kwargs[size] = {"pk": competition.pk}
    return kwargs


NESTED: dict[str, NestedCase] = {}


def nested_case(endpoint: str, queries: int):
    """Registers `build_<name>` as the nested-list case `<name>` of a detail endpoint."""

    def register(build: Callable[[SimpleNamespace], NestedAsk]) -> Callable[[SimpleNamespace], NestedAsk]:
        name = build.__name__.removeprefix("build_")
        assert name not in NESTED, name
        NESTED[name] = NestedCase(endpoint, queries, build)
        return build

    return register


PROPOSAL_LISTS = ("attachments", "revisions")


@nested_case("proposals:detail", 4)
def build_proposal_files_of_the_freelancer(cast) -> NestedAsk:
    kwargs = _proposals_with_files(cast, CompetitionStatus.OPEN)
    return NestedAsk(cast.charlie, kwargs, PROPOSAL_LISTS, _with_identity(True))


# 5: the owner and admins also read the originality matches (issue 16).
@nested_case("proposals:detail", 5)
def build_proposal_files_of_the_client_while_open(cast) -> NestedAsk:
    kwargs = _proposals_with_files(cast, CompetitionStatus.OPEN)
    return NestedAsk(cast.alice, kwargs, PROPOSAL_LISTS, _with_identity(False))


# 5: the owner and admins also read the originality matches (issue 16).
@nested_case("proposals:detail", 5)
def build_proposal_files_of_the_client_once_closed(cast) -> NestedAsk:
    kwargs = _proposals_with_files(cast, CompetitionStatus.CLOSED)
    return NestedAsk(cast.alice, kwargs, PROPOSAL_LISTS, _with_identity(True))


# 5: the owner and admins also read the originality matches (issue 16).
@nested_case("proposals:detail", 5)
def build_proposal_files_as_admin(cast) -> NestedAsk:
    kwargs = _proposals_with_files(cast, CompetitionStatus.REVIEW)
    return NestedAsk(cast.admin, kwargs, PROPOSAL_LISTS, _with_identity(True))


@nested_case("competitions:detail", 2)
def build_competition_questions_anonymous(cast) -> NestedAsk:
    return NestedAsk(None, _competitions_with_questions(cast), ("questions",), _public_questions)


@nested_case("competitions:detail", 3)
def build_competition_questions_of_the_owner(cast) -> NestedAsk:
    return NestedAsk(cast.alice, _competitions_with_questions(cast), ("questions",), _public_questions)


@pytest.mark.parametrize("name", list(NESTED))
def test_nested_list_query_budget(name, cast, as_user):
    item = NESTED[name]
    ask = item.build(cast)
    client = as_user(ask.user)
    runs: dict[int, list[str]] = {}
    for size in PAGE_SIZES:
        url = reverse(item.endpoint, kwargs=ask.kwargs[size])
        page_data(client.get(url))  # warm-up
        with CaptureQueriesContext(connection) as captured:
            data = page_data(client.get(url))
        runs[size] = statements(captured)
        for nested in ask.lists:
            assert len(data[nested]) == size, f"{nested}: {len(data[nested])} instead of {size}"
        if ask.check is not None:
            ask.check(data)
    assert len(runs[10]) == len(runs[100]) == item.queries, over_budget(item.queries, runs)


# --- Guard: no list endpoint without a budget ---------------------------------------------------


def _url_patterns(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _url_patterns(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern), pattern


def _is_list_view(view_class: type) -> bool:
    """A DRF view whose GET answers a list: a ListModelMixin, or a GET handler that paginates."""
    if not issubclass(view_class, APIView) or not hasattr(view_class, "get"):
        return False
    if issubclass(view_class, ListModelMixin):
        return True
    source = inspect.getsource(view_class.get)
    return "paginate_queryset" in source or "many=True" in source


def list_endpoints_in_resolver() -> set[str]:
    found = set()
    for name, _route, pattern in _url_patterns(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if view_class is not None and _is_list_view(view_class):
            found.add(name)
    return found


def list_endpoints_in_schema() -> set[str]:
    """GET operations of /api/schema/ whose `data` is a page (`Paginated...`) or an array."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = set()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        body = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        data = body.get("properties", {}).get("data", {})
        if data.get("type") == "array" or data.get("$ref", "").split("/")[-1].startswith("Paginated"):
            concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            found.add(resolve(concrete).view_name)
    return found


def test_every_list_endpoint_has_a_budget():
    budgeted = {item.endpoint for item in CASES.values()}
    in_resolver = list_endpoints_in_resolver()
    in_schema = list_endpoints_in_schema()
    discovered = in_resolver | in_schema

    assert discovered - budgeted == set(), "list endpoints without a query budget in this file"
    assert budgeted - discovered == set(), "budgets of endpoints that are no longer list endpoints"
    # The two ways of finding them agree, so neither one is quietly finding nothing.
    assert in_resolver == in_schema


def test_the_guard_recognizes_list_views_and_nothing_else():
    from competitions.views import CompetitionDetailView, CompetitionQuestionListCreateView
    from notifications.views import NotificationListView, UnreadCountView

    assert _is_list_view(NotificationListView)  # a ListAPIView
    assert _is_list_view(CompetitionQuestionListCreateView)  # a GenericAPIView whose get paginates
    assert not _is_list_view(CompetitionDetailView)
    assert not _is_list_view(UnreadCountView)
