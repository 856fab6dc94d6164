"""Blind review: what each role sees of a proposal (the freelancer's identity, the score, the
winner) before and after the competition closes.

Who may call which proposal endpoint, with the exact status, is part of the one permission
matrix (freelance_arena/tests/test_permission_matrix.py: the `/api/proposals/...` rows, which also
check that a refused call changes no proposal or attachment). The rule it encodes: a proposal the
user may not see is a 404 (it is not in their queryset); a proposal they may see but whose action
is not theirs (the client editing, the freelancer scoring, an admin writing) is a 403; no token is
a 401 — except the download, which answers 404 to anyone who may not see the proposal, anonymous
callers included.
"""

import pytest

from competitions.models import Competition, CompetitionStatus
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory


def close(competition: Competition) -> None:
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.CLOSED)


@pytest.mark.django_db
class TestBlindReviewContent:
    def test_client_sees_no_freelancer_identity_before_closed(self, as_user, client_owner, proposal, freelancer):
        api = as_user(client_owner)

        detail = api.get(f"/api/proposals/{proposal.pk}/")
        listing = api.get(f"/api/proposals/competition/{proposal.competition_id}/")

        assert detail.status_code == 200 and listing.status_code == 200
        assert "freelancer" not in detail.json()["data"]
        for response in (detail, listing):
            body = response.content.decode()
            assert freelancer.username not in body
            assert str(freelancer.pk) not in body
            assert freelancer.email not in body

    def test_client_sees_who_submitted_once_closed(self, as_user, client_owner, proposal, freelancer):
        close(proposal.competition)

        response = as_user(client_owner).get(f"/api/proposals/{proposal.pk}/")

        assert response.status_code == 200
        assert response.json()["data"]["freelancer"] == {"id": str(freelancer.pk), "username": freelancer.username}

    def test_client_list_has_exactly_the_blind_fields_even_once_closed(self, as_user, client_owner, proposal):
        close(proposal.competition)

        response = as_user(client_owner).get(f"/api/proposals/competition/{proposal.competition_id}/")

        assert response.status_code == 200
        (item,) = response.json()["data"]["results"]
        # Part 2 of the contract adds `originality` (which names no identity: originality/tests).
        assert set(item) == {
            "id",
            "title",
            "proposed_budget",
            "estimated_duration",
            "created_at",
            "client_score",
            "originality",
        }

    def test_admin_sees_the_freelancer_and_the_score(self, as_user, admin_user, proposal, freelancer):
        Proposal.objects.filter(pk=proposal.pk).update(client_score=3, status=ProposalStatus.UNDER_REVIEW)

        data = as_user(admin_user).get(f"/api/proposals/{proposal.pk}/").json()["data"]

        assert data["freelancer"]["username"] == freelancer.username
        assert data["client_score"] == 3

    def test_freelancer_sees_score_note_and_winner_only_once_closed(self, as_user, freelancer, proposal):
        Proposal.objects.filter(pk=proposal.pk).update(client_score=5, client_note="Great", is_winner=True)
        api = as_user(freelancer)

        before = api.get(f"/api/proposals/{proposal.pk}/").json()["data"]
        close(proposal.competition)
        after = api.get(f"/api/proposals/{proposal.pk}/").json()["data"]

        assert (before["client_score"], before["client_note"], before["is_winner"]) == (None, None, None)
        assert (after["client_score"], after["client_note"], after["is_winner"]) == (5, "Great", True)
        assert before["freelancer"]["id"] == str(freelancer.pk)

    def test_client_sees_own_score_and_note_while_reviewing(self, as_user, client_owner, proposal):
        Proposal.objects.filter(pk=proposal.pk).update(client_score=2, client_note="Too slow")

        data = as_user(client_owner).get(f"/api/proposals/{proposal.pk}/").json()["data"]

        assert (data["client_score"], data["client_note"]) == (2, "Too slow")

    def test_freelancer_lists_only_their_own_proposals(self, as_user, freelancer, other_freelancer, proposal):
        ProposalFactory(competition=proposal.competition, freelancer=other_freelancer)

        response = as_user(freelancer).get("/api/proposals/mine/")

        assert response.status_code == 200
        assert [item["id"] for item in response.json()["data"]["results"]] == [str(proposal.pk)]

    def test_client_cannot_open_a_withdrawn_proposal(self, as_user, client_owner, proposal):
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.WITHDRAWN)

        response = as_user(client_owner).get(f"/api/proposals/{proposal.pk}/")

        assert response.status_code == 404

    def test_competition_list_of_another_clients_draft_is_404(self, as_user, other_client, client_owner):
        from competitions.tests.factories import CompetitionFactory

        draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)

        response = as_user(other_client).get(f"/api/proposals/competition/{draft.pk}/")

        assert response.status_code == 404
        assert response.json()["success"] is False

    def test_unknown_proposal_is_404(self, as_user, freelancer):
        response = as_user(freelancer).get("/api/proposals/00000000-0000-0000-0000-000000000000/")

        assert response.status_code == 404
