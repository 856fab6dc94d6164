"""Blind review and the permission matrix: every proposal endpoint, every role, exact statuses.

Rule: a proposal the user may not see is a 404 (it is not in their queryset); a proposal they
may see but whose action is not theirs (the client editing, the freelancer scoring, an admin
writing) is a 403; no token is a 401 — except the download, which answers 404 to anyone who
may not see the proposal, anonymous callers included.
"""

import pytest

from competitions.models import Competition, CompetitionStatus
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PNG, upload

ROLES = ["owner_freelancer", "other_freelancer", "owning_client", "other_client", "admin", "anonymous"]


def close(competition: Competition) -> None:
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.CLOSED)


def row(**statuses):
    return [statuses[role] for role in ROLES]


# endpoint -> expected status per role (in ROLES order)
MATRIX = {
    "get_detail": row(
        owner_freelancer=200, other_freelancer=404, owning_client=200, other_client=404, admin=200, anonymous=401
    ),
    "put_detail": row(
        owner_freelancer=200, other_freelancer=404, owning_client=403, other_client=404, admin=403, anonymous=401
    ),
    "patch_detail": row(
        owner_freelancer=200, other_freelancer=404, owning_client=403, other_client=404, admin=403, anonymous=401
    ),
    "delete_detail": row(
        owner_freelancer=200, other_freelancer=404, owning_client=403, other_client=404, admin=403, anonymous=401
    ),
    "withdraw": row(
        owner_freelancer=200, other_freelancer=404, owning_client=403, other_client=404, admin=403, anonymous=401
    ),
    "add_attachment": row(
        owner_freelancer=201, other_freelancer=404, owning_client=403, other_client=404, admin=403, anonymous=401
    ),
    "delete_attachment": row(
        owner_freelancer=200, other_freelancer=404, owning_client=403, other_client=404, admin=403, anonymous=401
    ),
    "download": row(
        owner_freelancer=200, other_freelancer=404, owning_client=200, other_client=404, admin=200, anonymous=404
    ),
    "score": row(
        owner_freelancer=403, other_freelancer=404, owning_client=200, other_client=404, admin=403, anonymous=401
    ),
    "competition_list": row(
        owner_freelancer=403, other_freelancer=403, owning_client=200, other_client=403, admin=403, anonymous=401
    ),
    "mine": row(
        owner_freelancer=200, other_freelancer=200, owning_client=403, other_client=403, admin=403, anonymous=401
    ),
}

EDIT = {
    "title": "Better approach",
    "description": "Now with tests.",
    "proposed_budget": "1300.00",
    "estimated_duration": 9,
    "submission_note": "",
}


def call(endpoint: str, api, proposal: Proposal, attachment):
    base = f"/api/proposals/{proposal.pk}/"
    if endpoint == "get_detail":
        return api.get(base)
    if endpoint == "put_detail":
        return api.put(base, EDIT, format="json")
    if endpoint == "patch_detail":
        return api.patch(base, {"title": "Patched"}, format="json")
    if endpoint == "delete_detail":
        return api.delete(base)
    if endpoint == "withdraw":
        return api.post(base + "withdraw/")
    if endpoint == "add_attachment":
        return api.post(base + "attachments/", {"file": upload("shot.png", PNG)}, format="multipart")
    if endpoint == "delete_attachment":
        return api.delete(f"{base}attachments/{attachment.pk}/")
    if endpoint == "download":
        return api.get(f"{base}attachments/{attachment.pk}/download/")
    if endpoint == "score":
        return api.post(base + "score/", {"client_score": 4, "client_note": "Good"}, format="json")
    if endpoint == "competition_list":
        return api.get(f"/api/proposals/competition/{proposal.competition_id}/")
    if endpoint == "mine":
        return api.get("/api/proposals/mine/")
    raise AssertionError(endpoint)


CASES = [(endpoint, role, MATRIX[endpoint][i]) for endpoint in MATRIX for i, role in enumerate(ROLES)]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role", "expected"), CASES, ids=[f"{e}-{r}" for e, r, _ in CASES])
def test_permission_matrix(as_user, users, proposal, attachment, endpoint, role, expected):
    before = Proposal.objects.values().get(pk=proposal.pk)

    response = call(endpoint, as_user(users[role]), proposal, attachment)

    assert response.status_code == expected, getattr(response, "content", b"")[:300]
    if endpoint == "download" and expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        return
    payload = response.json()
    assert payload["success"] is (expected < 400)
    if expected >= 400:
        assert set(payload["errors"]) == {"detail"}
        # a refused request changes nothing
        assert Proposal.objects.values().get(pk=proposal.pk) == before
        assert proposal.attachments.count() == 1


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
