"""Editing (with revisions) and withdrawing a proposal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import Competition, CompetitionStatus
from proposals.models import Proposal, ProposalRevision, ProposalStatus
from proposals.services import update_proposal, withdraw_proposal
from proposals.tests.factories import ProposalFactory


def detail(proposal) -> str:
    return f"/api/proposals/{proposal.pk}/"


def set_competition(proposal, **fields) -> None:
    Competition.objects.filter(pk=proposal.competition_id).update(**fields)


@pytest.mark.django_db
class TestEdit:
    def test_each_update_writes_the_next_revision(self, as_user, freelancer, proposal):
        api = as_user(freelancer)

        first = api.patch(detail(proposal), {"title": "v2", "proposed_budget": "999.00"}, format="json")
        second = api.patch(detail(proposal), {"description": "More detail"}, format="json")
        third = api.put(
            detail(proposal),
            {
                "title": "v3",
                "description": "More detail",
                "proposed_budget": "999.00",
                "estimated_duration": 5,
                "revision_note": "Shorter timeline after the Q&A.",
            },
            format="json",
        )

        assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
        assert third.json()["message"] == "Proposal updated."
        revisions = third.json()["data"]["revisions"]
        assert [r["revision_number"] for r in revisions] == [1, 2, 3]
        assert [r["description"] for r in revisions] == [
            "Changed: title, proposed_budget",
            "Changed: description",
            "Shorter timeline after the Q&A.",
        ]
        proposal.refresh_from_db()
        assert (proposal.title, proposal.estimated_duration, str(proposal.proposed_budget)) == ("v3", 5, "999.00")
        assert set(ProposalRevision.objects.values_list("revised_by", flat=True)) == {freelancer.pk}

    def test_put_requires_every_editable_field(self, as_user, freelancer, proposal):
        response = as_user(freelancer).put(detail(proposal), {"title": "only"}, format="json")

        assert response.status_code == 400
        assert {"description", "proposed_budget", "estimated_duration"} <= set(response.json()["errors"])
        assert ProposalRevision.objects.count() == 0

    @pytest.mark.parametrize(("field", "value"), [("proposed_budget", "0"), ("estimated_duration", 0)])
    def test_update_validates_like_create(self, as_user, freelancer, proposal, field, value):
        response = as_user(freelancer).patch(detail(proposal), {field: value}, format="json")

        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_competition_and_status_cannot_be_changed_by_an_update(self, as_user, freelancer, proposal):
        response = as_user(freelancer).patch(
            detail(proposal), {"status": "ACCEPTED", "is_winner": True, "client_score": 5}, format="json"
        )

        assert response.status_code == 200
        proposal.refresh_from_db()
        assert (proposal.status, proposal.is_winner, proposal.client_score) == (ProposalStatus.SUBMITTED, False, None)

    @pytest.mark.parametrize(
        "status",
        [ProposalStatus.UNDER_REVIEW, ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN],
    )
    def test_only_submitted_proposals_can_be_edited(self, as_user, freelancer, proposal, status):
        Proposal.objects.filter(pk=proposal.pk).update(status=status)

        response = as_user(freelancer).patch(detail(proposal), {"title": "late"}, format="json")

        assert response.status_code == 400
        assert "can no longer be edited" in response.json()["message"]
        proposal.refresh_from_db()
        assert proposal.title == "My approach"
        assert ProposalRevision.objects.count() == 0

    @pytest.mark.parametrize(
        "status", [CompetitionStatus.REVIEW, CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED]
    )
    def test_no_edits_once_the_competition_is_not_open(self, as_user, freelancer, proposal, status):
        set_competition(proposal, status=status)

        response = as_user(freelancer).patch(detail(proposal), {"title": "late"}, format="json")

        assert response.status_code == 400
        assert "no longer open" in response.json()["message"]
        assert ProposalRevision.objects.count() == 0

    def test_no_edits_after_the_submission_deadline(self, as_user, freelancer, proposal):
        set_competition(proposal, submission_deadline=timezone.now() - timedelta(seconds=1))

        response = as_user(freelancer).patch(detail(proposal), {"title": "late"}, format="json")

        assert response.status_code == 400
        assert ProposalRevision.objects.count() == 0

    def test_service_refuses_an_edit_by_someone_else(self, proposal, other_freelancer):
        from rest_framework.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            update_proposal(proposal=proposal, by=other_freelancer, data={"title": "x"})
        assert ProposalRevision.objects.count() == 0


@pytest.mark.django_db
class TestWithdraw:
    def test_freelancer_withdraws_a_submitted_proposal(self, as_user, freelancer, proposal):
        response = as_user(freelancer).post(detail(proposal) + "withdraw/")

        assert response.status_code == 200
        payload = response.json()
        assert payload["success"] is True and payload["message"] == "Proposal withdrawn."
        assert payload["data"]["status"] == ProposalStatus.WITHDRAWN
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN

    def test_delete_withdraws_and_keeps_the_row(self, as_user, freelancer, proposal):
        response = as_user(freelancer).delete(detail(proposal))

        assert response.status_code == 200
        assert response.json() == {"success": True, "message": "Proposal withdrawn.", "data": None}
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN

    def test_withdrawal_is_allowed_while_the_competition_is_in_review(self, as_user, freelancer, proposal):
        set_competition(proposal, status=CompetitionStatus.REVIEW)

        response = as_user(freelancer).post(detail(proposal) + "withdraw/")

        assert response.status_code == 200

    @pytest.mark.parametrize(
        "status",
        [ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.WITHDRAWN],
    )
    @pytest.mark.parametrize("method", ["post", "delete"])
    def test_only_submitted_proposals_can_be_withdrawn(self, as_user, freelancer, proposal, status, method):
        Proposal.objects.filter(pk=proposal.pk).update(status=status)
        api = as_user(freelancer)

        response = api.post(detail(proposal) + "withdraw/") if method == "post" else api.delete(detail(proposal))

        assert response.status_code == 400
        assert "cannot be withdrawn" in response.json()["message"]
        proposal.refresh_from_db()
        assert proposal.status == status

    @pytest.mark.parametrize("status", [CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED])
    def test_no_withdrawal_once_the_competition_is_closed_or_cancelled(self, as_user, freelancer, proposal, status):
        set_competition(proposal, status=status)

        response = as_user(freelancer).post(detail(proposal) + "withdraw/")

        assert response.status_code == 400
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SUBMITTED

    def test_withdrawn_proposals_are_not_listed_to_the_client(self, as_user, client_owner, freelancer, proposal):
        kept = ProposalFactory(competition=proposal.competition)
        assert as_user(freelancer).post(detail(proposal) + "withdraw/").status_code == 200

        response = as_user(client_owner).get(f"/api/proposals/competition/{proposal.competition_id}/")

        assert response.status_code == 200
        assert [item["id"] for item in response.json()["data"]["results"]] == [str(kept.pk)]
        assert response.json()["data"]["count"] == 1

    def test_withdrawn_proposal_stays_in_the_freelancers_own_list(self, as_user, freelancer, proposal):
        withdraw_proposal(proposal=proposal, by=freelancer)

        response = as_user(freelancer).get("/api/proposals/mine/")

        assert [item["status"] for item in response.json()["data"]["results"]] == [ProposalStatus.WITHDRAWN]
