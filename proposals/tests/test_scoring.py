"""Scoring: the competition's owner gives 1-5 and a note while OPEN or REVIEW."""

import pytest

from competitions.models import Competition, CompetitionStatus
from notifications.models import Notification, NotificationType
from proposals.models import Proposal, ProposalStatus


def score_url(proposal) -> str:
    return f"/api/proposals/{proposal.pk}/score/"


def scored_notifications(user):
    return Notification.objects.filter(recipient=user, notification_type=NotificationType.PROPOSAL_SCORED)


@pytest.mark.django_db
class TestScore:
    def test_client_scores_a_submitted_proposal_which_goes_under_review(
        self, as_user, client_owner, freelancer, proposal
    ):
        response = as_user(client_owner).post(
            score_url(proposal), {"client_score": 4, "client_note": "Solid, add tests"}, format="json"
        )

        assert response.status_code == 200, response.content
        payload = response.json()
        assert payload["success"] is True and payload["message"] == "Proposal scored."
        assert payload["data"]["client_score"] == 4
        assert payload["data"]["status"] == ProposalStatus.UNDER_REVIEW
        assert "freelancer" not in payload["data"]
        proposal.refresh_from_db()
        assert (proposal.client_score, proposal.client_note, proposal.status) == (
            4,
            "Solid, add tests",
            ProposalStatus.UNDER_REVIEW,
        )
        (notification,) = scored_notifications(freelancer)
        assert notification.related_proposal_id == proposal.pk

    def test_rescoring_updates_the_score_and_notifies_again(self, as_user, client_owner, freelancer, proposal):
        api = as_user(client_owner)
        assert api.post(score_url(proposal), {"client_score": 2}, format="json").status_code == 200

        response = api.post(score_url(proposal), {"client_score": 5, "client_note": "Much better"}, format="json")

        assert response.status_code == 200
        proposal.refresh_from_db()
        assert (proposal.client_score, proposal.client_note, proposal.status) == (
            5,
            "Much better",
            ProposalStatus.UNDER_REVIEW,
        )
        assert scored_notifications(freelancer).count() == 2

    def test_same_score_and_note_again_sends_no_second_notification(self, as_user, client_owner, freelancer, proposal):
        api = as_user(client_owner)
        api.post(score_url(proposal), {"client_score": 3, "client_note": "ok"}, format="json")

        response = api.post(score_url(proposal), {"client_score": 3, "client_note": "ok"}, format="json")

        assert response.status_code == 200
        assert scored_notifications(freelancer).count() == 1

    def test_omitting_the_note_keeps_the_previous_one(self, as_user, client_owner, proposal):
        api = as_user(client_owner)
        api.post(score_url(proposal), {"client_score": 3, "client_note": "keep me"}, format="json")

        api.post(score_url(proposal), {"client_score": 4}, format="json")

        proposal.refresh_from_db()
        assert (proposal.client_score, proposal.client_note) == (4, "keep me")

    @pytest.mark.parametrize("value", [0, 6, -1, "x", None, 3.5])
    def test_score_must_be_an_integer_from_one_to_five(self, as_user, client_owner, freelancer, proposal, value):
        response = as_user(client_owner).post(score_url(proposal), {"client_score": value}, format="json")

        assert response.status_code == 400
        assert "client_score" in response.json()["errors"]
        proposal.refresh_from_db()
        assert (proposal.client_score, proposal.status) == (None, ProposalStatus.SUBMITTED)
        assert scored_notifications(freelancer).count() == 0

    def test_score_is_required(self, as_user, client_owner, proposal):
        response = as_user(client_owner).post(score_url(proposal), {"client_note": "no score"}, format="json")

        assert response.status_code == 400
        assert "client_score" in response.json()["errors"]

    def test_scoring_is_allowed_in_review(self, as_user, client_owner, proposal):
        Competition.objects.filter(pk=proposal.competition_id).update(status=CompetitionStatus.REVIEW)

        response = as_user(client_owner).post(score_url(proposal), {"client_score": 1}, format="json")

        assert response.status_code == 200
        proposal.refresh_from_db()
        assert proposal.client_score == 1

    @pytest.mark.parametrize("status", [CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED])
    def test_scoring_only_while_open_or_in_review(self, as_user, client_owner, freelancer, proposal, status):
        Competition.objects.filter(pk=proposal.competition_id).update(status=status)

        response = as_user(client_owner).post(score_url(proposal), {"client_score": 5}, format="json")

        assert response.status_code == 400
        assert "cannot be scored" in response.json()["message"]
        proposal.refresh_from_db()
        assert proposal.client_score is None
        assert scored_notifications(freelancer).count() == 0

    def test_freelancer_sees_the_score_only_after_closing(self, as_user, client_owner, freelancer, proposal):
        as_user(client_owner).post(score_url(proposal), {"client_score": 5, "client_note": "Great"}, format="json")
        api = as_user(freelancer)

        before = api.get(f"/api/proposals/{proposal.pk}/").json()["data"]
        Competition.objects.filter(pk=proposal.competition_id).update(status=CompetitionStatus.CLOSED)
        after = api.get(f"/api/proposals/{proposal.pk}/").json()["data"]

        assert (before["client_score"], before["client_note"]) == (None, None)
        assert before["status"] == ProposalStatus.UNDER_REVIEW
        assert (after["client_score"], after["client_note"]) == (5, "Great")

    def test_client_list_orders_by_score(self, as_user, client_owner, proposal):
        from proposals.tests.factories import ProposalFactory

        low = ProposalFactory(competition=proposal.competition, client_score=1)
        high = ProposalFactory(competition=proposal.competition, client_score=5)
        Proposal.objects.filter(pk=proposal.pk).update(client_score=3)
        url = f"/api/proposals/competition/{proposal.competition_id}/"

        descending = as_user(client_owner).get(url, {"ordering": "-client_score"}).json()["data"]["results"]
        ascending = as_user(client_owner).get(url, {"ordering": "client_score"}).json()["data"]["results"]

        assert [item["id"] for item in descending] == [str(high.pk), str(proposal.pk), str(low.pk)]
        assert [item["id"] for item in ascending] == [str(low.pk), str(proposal.pk), str(high.pk)]
