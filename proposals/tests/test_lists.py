"""The two lists: the freelancer's own (mine/) and the client's blind list; filters, paging and
query counts that do not grow with the page size."""

import pytest

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

MINE = "/api/proposals/mine/"


@pytest.mark.django_db
class TestMine:
    def test_lists_own_proposals_with_the_list_fields(self, as_user, freelancer, proposal):
        response = as_user(freelancer).get(MINE)

        assert response.status_code == 200
        payload = response.json()
        assert payload["success"] is True
        assert payload["data"]["count"] == 1
        (item,) = payload["data"]["results"]
        assert set(item) == {
            "id",
            "competition",
            "competition_title",
            "title",
            "status",
            "proposed_budget",
            "created_at",
        }
        assert item["competition_title"] == proposal.competition.title
        assert item["proposed_budget"] == "1200.00"

    def test_filters_by_competition_and_status(self, as_user, freelancer, proposal):
        other = ProposalFactory(freelancer=freelancer, status=ProposalStatus.WITHDRAWN)
        api = as_user(freelancer)

        by_competition = api.get(MINE, {"competition": str(other.competition_id)}).json()["data"]["results"]
        by_status = api.get(MINE, {"status": ProposalStatus.SUBMITTED}).json()["data"]["results"]

        assert [item["id"] for item in by_competition] == [str(other.pk)]
        assert [item["id"] for item in by_status] == [str(proposal.pk)]

    def test_invalid_filter_value_is_a_400(self, as_user, freelancer):
        response = as_user(freelancer).get(MINE, {"status": "NOPE"})

        assert response.status_code == 400
        assert response.json()["success"] is False

    def test_unknown_ordering_is_ignored(self, as_user, freelancer, proposal):
        response = as_user(freelancer).get(MINE, {"ordering": "password"})

        assert response.status_code == 200

    def test_page_past_the_end_is_a_404(self, as_user, freelancer, proposal):
        response = as_user(freelancer).get(MINE, {"page": 5})

        assert response.status_code == 404
        assert response.json()["success"] is False


@pytest.mark.django_db
class TestCompetitionList:
    def test_owner_lists_every_non_withdrawn_proposal_newest_first(self, as_user, client_owner, competition):
        first = ProposalFactory(competition=competition)
        second = ProposalFactory(competition=competition, status=ProposalStatus.UNDER_REVIEW, client_score=4)
        ProposalFactory(competition=competition, status=ProposalStatus.WITHDRAWN)
        ProposalFactory()  # another competition

        response = as_user(client_owner).get(f"/api/proposals/competition/{competition.pk}/")

        assert response.status_code == 200
        data = response.json()["data"]
        assert data["count"] == 2
        assert [item["id"] for item in data["results"]] == [str(second.pk), str(first.pk)]

    def test_unknown_competition_is_404(self, as_user, client_owner):
        response = as_user(client_owner).get("/api/proposals/competition/00000000-0000-0000-0000-000000000000/")

        assert response.status_code == 404

    def test_owner_lists_proposals_of_their_own_draft_as_empty(self, as_user, client_owner):
        draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)

        response = as_user(client_owner).get(f"/api/proposals/competition/{draft.pk}/")

        assert response.status_code == 200
        assert response.json()["data"]["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", [10, 100])
def test_mine_query_count_does_not_grow_with_the_page_size(
    as_user, freelancer, client_owner, page_size, django_assert_max_num_queries
):
    for competition in CompetitionFactory.create_batch(page_size, client=client_owner):
        ProposalFactory(competition=competition, freelancer=freelancer)
    api = as_user(freelancer)

    with django_assert_max_num_queries(5):
        response = api.get(MINE, {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["data"]["results"]) == page_size


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", [10, 100])
def test_competition_list_query_count_does_not_grow_with_the_page_size(
    as_user, client_owner, competition, page_size, django_assert_max_num_queries
):
    ProposalFactory.create_batch(page_size, competition=competition)
    api = as_user(client_owner)

    # 6: the page's originality matches are one more query (issue 16).
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/proposals/competition/{competition.pk}/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["data"]["results"]) == page_size


@pytest.mark.django_db
@pytest.mark.parametrize("attachments", [1, 10])
def test_detail_query_count_does_not_grow_with_attachments(
    as_user, freelancer, proposal, attachments, django_assert_max_num_queries
):
    from proposals.models import ProposalAttachment, ProposalRevision
    from proposals.tests.samples import PDF, upload

    for i in range(attachments):
        ProposalAttachment.objects.create(
            proposal=proposal, file=upload(f"{i}.pdf", PDF), original_filename=f"{i}.pdf", file_size=3, file_type="pdf"
        )
        ProposalRevision.objects.create(
            proposal=proposal, revised_by=freelancer, description="x", revision_number=i + 1
        )
    api = as_user(freelancer)

    with django_assert_max_num_queries(5):
        response = api.get(f"/api/proposals/{proposal.pk}/")

    assert response.status_code == 200
    assert len(response.json()["data"]["attachments"]) == attachments
