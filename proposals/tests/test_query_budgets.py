"""Query budgets of the proposal lists: a pinned number of SQL queries per request, the same for
a full page of 10 and a full page of 100 (what is counted: freelance_arena/testing/budgets.py).

The nested lists of the detail (a proposal's attachments and revisions) get the same treatment
with 10 and 100 of each."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from competitions.models import Competition, CompetitionStatus
from freelance_arena.testing.budgets import PAGE_SIZES, ROWS, full_page, ids, page_data, warm_up
from freelance_arena.testing.bulk import attach_files_and_revisions, make_competitions, make_proposals, make_users
from proposals.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


# proposals:mine --------------------------------------------------------------------------------


def charlies_proposals(cast, status: str = ProposalStatus.SUBMITTED) -> dict[str, str]:
    """Proposal id -> competition title of ROWS proposals of charlie, one on each competition of
    ROWS clients (dana competes on each), with files and revisions."""
    clients = make_users(ROWS, Role.CLIENT)
    competitions = make_competitions(ROWS, clients, title=lambda i: f"Contest {i}")
    proposals = make_proposals([(c, cast.charlie) for c in competitions], status=status)
    make_proposals([(c, cast.dana) for c in competitions])
    attach_files_and_revisions(proposals)
    return {str(p.pk): p.competition.title for p in proposals}


@pytest.mark.query_budget("proposals:mine")
def test_my_proposals(cast, as_user, django_assert_num_queries):
    titles = charlies_proposals(cast)
    closed = make_competitions(20, [cast.bob], status=CompetitionStatus.CLOSED)
    make_proposals([(c, cast.charlie) for c in closed], status=ProposalStatus.REJECTED)
    client, url = as_user(cast.charlie), reverse("proposals:mine")
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS + 20
    for row in page["results"]:
        assert row["id"] not in titles or row["competition_title"] == titles[row["id"]]
    assert len({row["competition"] for row in page["results"]}) == len(page["results"])


@pytest.mark.query_budget("proposals:mine")
def test_my_proposals_status_and_ordering(cast, as_user, django_assert_num_queries):
    titles = charlies_proposals(cast)
    review = make_competitions(20, [cast.bob])
    make_proposals([(c, cast.charlie) for c in review], status=ProposalStatus.UNDER_REVIEW, client_score=4)
    client, url = as_user(cast.charlie), reverse("proposals:mine")
    params = {"status": ProposalStatus.SUBMITTED, "ordering": "-proposed_budget"}
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= set(titles)
    assert {row["status"] for row in page["results"]} == {ProposalStatus.SUBMITTED}
    budgets = [Decimal(row["proposed_budget"]) for row in page["results"]]
    assert budgets == sorted(budgets, reverse=True)


# proposals:competition-proposals (the client's blind list) --------------------------------------

CLIENT_LIST_KEYS = {"id", "title", "proposed_budget", "estimated_duration", "created_at", "client_score", "originality"}


def competition_with_proposals(cast, status: str) -> tuple[Competition, set[str]]:
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


@pytest.mark.query_budget("proposals:competition-proposals")
@pytest.mark.parametrize(
    ("status", "params"),
    [
        (CompetitionStatus.OPEN, {}),
        (CompetitionStatus.CLOSED, {}),
        (CompetitionStatus.REVIEW, {"ordering": "-client_score"}),
    ],
    ids=["open", "closed", "review-by-score"],
)
def test_client_proposals(status, params, cast, as_user, django_assert_num_queries):
    competition, live = competition_with_proposals(cast, status)
    client = as_user(cast.alice)
    url = reverse("proposals:competition-proposals", kwargs={"competition_id": competition.pk})
    warm_up(client, url, params)

    # 5: the page's originality matches are one query (issue 16).
    with django_assert_num_queries(5):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(5):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= live
    assert all(set(row) == CLIENT_LIST_KEYS for row in page["results"])  # never the freelancer
    if params:
        scores = [row["client_score"] for row in page["results"]]
        assert scores == sorted(scores, reverse=True)


# proposals:detail: its nested lists of attachments and revisions ----------------------------


@pytest.mark.parametrize(
    ("viewer", "competition_status", "identity_shown"),
    [
        ("charlie", CompetitionStatus.OPEN, True),  # the freelancer
        ("alice", CompetitionStatus.OPEN, False),  # the client while open: blind
        ("alice", CompetitionStatus.CLOSED, True),  # the client once closed
        ("admin", CompetitionStatus.REVIEW, True),
    ],
    ids=["freelancer", "client-while-open", "client-once-closed", "admin"],
)
def test_detail_files_and_revisions(
    viewer, competition_status, identity_shown, cast, as_user, django_assert_num_queries
):
    """Two of charlie's proposals on alice's competitions, with 10 and 100 files and revisions:
    the detail costs the same queries for both (4; 5 with the owner's originality block)."""
    competitions = make_competitions(2, [cast.alice], status=competition_status)
    proposals = make_proposals(
        [(c, cast.charlie) for c in competitions], status=ProposalStatus.UNDER_REVIEW, client_score=4
    )
    for proposal, size in zip(proposals, PAGE_SIZES, strict=True):
        attach_files_and_revisions([proposal], per_proposal=size)
    client = as_user(cast[viewer])
    for proposal, size in zip(proposals, PAGE_SIZES, strict=True):
        url = reverse("proposals:detail", kwargs={"pk": proposal.pk})
        page_data(client.get(url))  # warm-up

        # The owner and admins also read the originality matches (issue 16): one query more.
        with django_assert_num_queries(4 if viewer == "charlie" else 5):
            response = client.get(url)

        data = page_data(response)
        for nested in ("attachments", "revisions"):
            assert len(data[nested]) == size, f"{nested}: {len(data[nested])} instead of {size}"
        assert ("freelancer" in data) is identity_shown
        assert all(row["url"].endswith("/download/") for row in data["attachments"])
