"""A DISQUALIFIED proposal is out of the running: not counted, not listed to the client, never
scored or selected; the owner may still open it, and its freelancer sees the admin's note."""

import pytest

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from proposals import services
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

NOTE = "Traced from another entry."


@pytest.fixture
def disqualified(competition, freelancer, admin_user):
    proposal = ProposalFactory(competition=competition, freelancer=freelancer, title="Copied entry")
    return services.disqualify_proposal(proposal=proposal, by=admin_user, note=NOTE)


@pytest.fixture
def honest(competition, other_freelancer):
    return ProposalFactory(competition=competition, freelancer=other_freelancer, title="Honest entry")


def test_disqualify_stamps_the_proposal(disqualified):
    disqualified.refresh_from_db()

    assert disqualified.status == ProposalStatus.DISQUALIFIED
    assert disqualified.disqualification_note == NOTE
    assert disqualified.disqualified_at is not None


@pytest.mark.parametrize(
    "status", [ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN, ProposalStatus.DISQUALIFIED]
)
def test_only_a_proposal_in_the_running_can_be_disqualified(competition, admin_user, status):
    proposal = ProposalFactory(competition=competition, status=status)

    with pytest.raises(Exception) as caught:
        services.disqualify_proposal(proposal=proposal, by=admin_user, note="x")

    assert getattr(caught.value, "status_code", None) == 400
    proposal.refresh_from_db()
    assert proposal.status == status


def test_it_is_not_active(disqualified, honest):
    assert list(Proposal.objects.active()) == [honest]


def test_it_is_not_listed_to_the_client(as_user, client_owner, competition, disqualified, honest):
    data = as_user(client_owner).get(f"/api/proposals/competition/{competition.pk}/").json()["data"]

    assert data["count"] == 1
    assert [item["id"] for item in data["results"]] == [str(honest.pk)]


def test_it_is_not_counted(as_user, api_client, competition, disqualified, honest):
    detail = api_client.get(f"/api/competitions/{competition.pk}/").json()["data"]
    (card,) = [
        c for c in api_client.get("/api/competitions/").json()["data"]["results"] if c["id"] == str(competition.pk)
    ]

    assert detail["proposal_count"] == 1
    assert card["proposal_count"] == 1
    assert competition.proposal_count == 1


def test_it_frees_its_slot_of_max_proposals(as_user, client_owner, freelancer, admin_user):
    competition = CompetitionFactory(client=client_owner, max_proposals=1)
    taken = ProposalFactory(competition=competition)
    services.disqualify_proposal(proposal=taken, by=admin_user, note=NOTE)

    response = as_user(freelancer).post(
        "/api/proposals/",
        {
            "competition": str(competition.pk),
            "title": "New",
            "description": "Mine",
            "proposed_budget": "100.00",
            "estimated_duration": 3,
        },
        format="json",
    )

    assert response.status_code == 201


def test_the_owner_can_still_open_it_and_sees_why(as_user, client_owner, disqualified):
    response = as_user(client_owner).get(f"/api/proposals/{disqualified.pk}/")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "DISQUALIFIED"
    assert data["disqualification"]["note"] == NOTE
    assert "freelancer" not in data  # still blind


def test_its_freelancer_sees_it_with_the_admins_note(as_user, freelancer, disqualified):
    api = as_user(freelancer)

    detail = api.get(f"/api/proposals/{disqualified.pk}/").json()["data"]
    mine = api.get("/api/proposals/mine/").json()["data"]["results"]

    assert detail["status"] == "DISQUALIFIED"
    assert detail["disqualification"]["note"] == NOTE
    assert detail["disqualification"]["disqualified_at"]
    assert [(item["id"], item["status"]) for item in mine] == [(str(disqualified.pk), "DISQUALIFIED")]
    assert api.get("/api/proposals/mine/", {"status": "DISQUALIFIED"}).json()["data"]["count"] == 1


def test_a_proposal_in_the_running_has_no_disqualification(as_user, other_freelancer, honest):
    assert as_user(other_freelancer).get(f"/api/proposals/{honest.pk}/").json()["data"]["disqualification"] is None


def test_scoring_it_is_a_400(as_user, client_owner, disqualified):
    response = as_user(client_owner).post(f"/api/proposals/{disqualified.pk}/score/", {"client_score": 5})

    assert response.status_code == 400
    disqualified.refresh_from_db()
    assert disqualified.client_score is None
    assert disqualified.status == ProposalStatus.DISQUALIFIED


def test_selecting_it_is_a_400_and_nothing_changes(as_user, client_owner, disqualified, honest):
    competition = disqualified.competition
    type(competition).objects.filter(pk=competition.pk).update(status=CompetitionStatus.REVIEW)

    response = as_user(client_owner).post(
        f"/api/competitions/{competition.pk}/select-winner/", {"proposal_id": str(disqualified.pk)}, format="json"
    )

    assert response.status_code == 400
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.REVIEW and competition.winner_id is None


def test_a_winner_selected_among_the_others_leaves_it_disqualified(as_user, client_owner, disqualified, honest):
    competition = disqualified.competition
    type(competition).objects.filter(pk=competition.pk).update(status=CompetitionStatus.REVIEW)

    response = as_user(client_owner).post(
        f"/api/competitions/{competition.pk}/select-winner/", {"proposal_id": str(honest.pk)}, format="json"
    )

    assert response.status_code == 200
    disqualified.refresh_from_db()
    honest.refresh_from_db()
    assert (honest.status, disqualified.status) == (ProposalStatus.ACCEPTED, ProposalStatus.DISQUALIFIED)


def test_the_freelancer_cannot_edit_or_withdraw_it(as_user, freelancer, disqualified):
    api = as_user(freelancer)

    assert api.patch(f"/api/proposals/{disqualified.pk}/", {"title": "Again"}, format="json").status_code == 400
    assert api.post(f"/api/proposals/{disqualified.pk}/withdraw/").status_code == 400
