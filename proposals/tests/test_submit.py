"""Submitting a proposal: POST /api/proposals/ and every submission rule."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import FreelancerFactory
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from notifications.models import Notification, NotificationType
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory
from proposals.tests.samples import PDF, PNG, TEXT, upload

URL = "/api/proposals/"


def body(competition, **overrides):
    data = {
        "competition": str(competition.pk),
        "title": "Fast and accessible 🚀",
        "description": "A static site with a tiny JS bundle.",
        "proposed_budget": "1400.50",
        "estimated_duration": 12,
        "submission_note": "Prototype attached.",
    }
    data.update(overrides)
    return data


def assert_refused(response, text: str):
    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["success"] is False
    assert text in payload["message"]
    return payload


@pytest.mark.django_db
class TestSubmit:
    def test_freelancer_submits_a_proposal(self, as_user, freelancer, competition, client_owner):
        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert response.status_code == 201, response.content
        payload = response.json()
        assert payload["success"] is True
        assert payload["message"] == "Proposal submitted."
        data = payload["data"]
        assert data["title"] == "Fast and accessible 🚀"
        assert data["proposed_budget"] == "1400.50"
        assert data["status"] == ProposalStatus.SUBMITTED
        assert data["competition"] == str(competition.pk)
        assert data["competition_title"] == competition.title
        assert data["freelancer"] == {"id": str(freelancer.pk), "username": freelancer.username}
        assert data["client_score"] is None and data["client_note"] is None and data["is_winner"] is None
        assert data["attachments"] == [] and data["revisions"] == []
        proposal = Proposal.objects.get(pk=data["id"])
        assert proposal.freelancer == freelancer
        assert proposal.proposed_budget == Decimal("1400.50")

    @pytest.mark.parametrize("fmt", ["json", "multipart"])
    def test_the_answer_is_the_proposal_as_it_reads_back(self, as_user, freelancer, competition, fmt):
        data = body(competition)
        if fmt == "multipart":
            data["attachments"] = [upload("plan.pdf", PDF), upload("mockup.png", PNG)]
        api = as_user(freelancer)

        created = api.post(URL, data, format=fmt)

        assert created.status_code == 201, created.content
        answer = created.json()["data"]
        read_back = api.get(f"{URL}{answer['id']}/").json()["data"]
        assert answer == read_back
        assert len(answer["attachments"]) == (2 if fmt == "multipart" else 0)

    def test_submission_sends_four_statements(self, as_user, freelancer, competition):
        api = as_user(freelancer)
        api.get("/api/notifications/unread-count/")  # last_seen is written once per 5 minutes

        with CaptureQueriesContext(connection) as captured:
            response = api.post(URL, body(competition), format="json")

        assert response.status_code == 201, response.content
        sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
        # The user of the token, the competition locked, the proposal, the client's notification:
        # no existence check (the unique constraint refuses duplicates), no read-back.
        assert [re.match(r"(SELECT|INSERT INTO) .*?`(\w+)`", s).groups() for s in sql] == [
            ("SELECT", "accounts_user"),
            ("SELECT", "competitions_competition"),
            ("INSERT INTO", "proposals_proposal"),
            ("INSERT INTO", "notifications_notification"),
        ], sql
        assert " FROM `competitions_competition` " in sql[1] and sql[1].endswith(" FOR UPDATE")

    def test_submission_notifies_the_client_without_naming_the_freelancer(
        self, as_user, freelancer, competition, client_owner
    ):
        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert response.status_code == 201
        notification = Notification.objects.get(recipient=client_owner)
        assert notification.notification_type == NotificationType.PROPOSAL_RECEIVED
        assert str(notification.related_proposal_id) == response.json()["data"]["id"]
        assert freelancer.username not in notification.title + notification.message

    def test_multipart_submission_stores_repeated_attachments(self, as_user, freelancer, competition):
        data = body(competition)
        data["attachments"] = [upload("plan.pdf", PDF), upload("mockup.png", PNG)]

        response = as_user(freelancer).post(URL, data, format="multipart")

        assert response.status_code == 201, response.content
        files = response.json()["data"]["attachments"]
        assert sorted((f["original_filename"], f["file_type"]) for f in files) == [
            ("mockup.png", "png"),
            ("plan.pdf", "pdf"),
        ]
        assert Proposal.objects.get().attachments.count() == 2

    def test_multipart_submission_with_a_fake_file_creates_nothing(self, as_user, freelancer, competition):
        data = body(competition)
        data["attachments"] = [upload("plan.pdf", PDF), upload("notes.pdf", TEXT)]

        response = as_user(freelancer).post(URL, data, format="multipart")

        payload = assert_refused(response, "not a valid pdf")
        assert "attachments" in payload["errors"]
        assert Proposal.objects.count() == 0

    def test_duplicate_proposal_is_refused(self, as_user, freelancer, competition, proposal):
        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert_refused(response, "already submitted")
        assert Proposal.objects.filter(freelancer=freelancer).count() == 1

    def test_duplicate_refused_by_the_constraint_notifies_nobody_and_stores_no_file(
        self, as_user, freelancer, competition, proposal
    ):
        data = body(competition)
        data["attachments"] = [upload("plan.pdf", PDF)]
        notifications = Notification.objects.count()

        response = as_user(freelancer).post(URL, data, format="multipart")

        assert_refused(response, "already submitted")
        assert Notification.objects.count() == notifications
        assert not Proposal.objects.get().attachments.exists()
        # The competition's row was released with the refused transaction: the next one goes in.
        assert as_user(FreelancerFactory()).post(URL, body(competition), format="json").status_code == 201

    def test_a_full_competition_tells_its_own_freelancer_they_already_submitted(
        self, as_user, freelancer, client_owner
    ):
        competition = CompetitionFactory(client=client_owner, max_proposals=2)
        ProposalFactory(competition=competition, freelancer=freelancer)
        ProposalFactory(competition=competition)

        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert_refused(response, "already submitted")

    def test_resubmission_after_withdrawing_is_refused(self, as_user, freelancer, competition, proposal):
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save()

        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert_refused(response, "already submitted")
        assert Proposal.objects.filter(freelancer=freelancer).count() == 1

    def test_submission_after_the_deadline_is_refused(self, as_user, freelancer, client_owner):
        competition = CompetitionFactory(client=client_owner)
        competition.submission_deadline = timezone.now() - timedelta(minutes=1)
        competition.save()

        response = as_user(freelancer).post(URL, body(competition), format="json")

        payload = assert_refused(response, "deadline")
        assert "competition" in payload["errors"]
        assert Proposal.objects.count() == 0

    @pytest.mark.parametrize(
        "status", [CompetitionStatus.REVIEW, CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED]
    )
    def test_submission_to_a_competition_that_is_not_open_is_refused(self, as_user, freelancer, client_owner, status):
        competition = CompetitionFactory(client=client_owner, status=status)

        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert_refused(response, "not open")
        assert Proposal.objects.count() == 0

    def test_submission_to_another_clients_draft_says_not_found(self, as_user, freelancer, client_owner):
        draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)

        response = as_user(freelancer).post(URL, body(draft), format="json")

        assert_refused(response, "not found")
        assert Proposal.objects.count() == 0

    def test_submission_to_an_unknown_competition_is_refused(self, as_user, freelancer, competition):
        data = body(competition)
        data["competition"] = "00000000-0000-0000-0000-000000000000"

        response = as_user(freelancer).post(URL, data, format="json")

        assert_refused(response, "not found")

    def test_submission_when_max_proposals_is_reached_is_refused(self, as_user, freelancer, client_owner):
        competition = CompetitionFactory(client=client_owner, max_proposals=2)
        ProposalFactory.create_batch(2, competition=competition)

        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert_refused(response, "maximum number of proposals")
        assert competition.proposals.count() == 2

    def test_withdrawn_proposals_do_not_count_toward_max_proposals(self, as_user, freelancer, client_owner):
        competition = CompetitionFactory(client=client_owner, max_proposals=2)
        ProposalFactory(competition=competition)
        ProposalFactory(competition=competition, status=ProposalStatus.WITHDRAWN)

        response = as_user(freelancer).post(URL, body(competition), format="json")

        assert response.status_code == 201, response.content
        assert competition.proposals.count() == 3

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("proposed_budget", "0"),
            ("proposed_budget", "-5.00"),
            ("proposed_budget", "12.345"),
            ("estimated_duration", 0),
            ("estimated_duration", -1),
            ("title", ""),
            ("title", "x" * 201),
            ("description", ""),
        ],
    )
    def test_invalid_fields_are_refused(self, as_user, freelancer, competition, field, value):
        response = as_user(freelancer).post(URL, body(competition, **{field: value}), format="json")

        assert response.status_code == 400
        payload = response.json()
        assert payload["success"] is False
        assert field in payload["errors"]
        assert Proposal.objects.count() == 0

    def test_missing_fields_are_listed(self, as_user, freelancer):
        response = as_user(freelancer).post(URL, {}, format="json")

        assert response.status_code == 400
        errors = response.json()["errors"]
        for field in ("competition", "title", "description", "proposed_budget", "estimated_duration"):
            assert field in errors

    @pytest.mark.parametrize("role", ["client_owner", "admin_user"])
    def test_only_freelancers_can_submit(self, request, as_user, competition, role):
        response = as_user(request.getfixturevalue(role)).post(URL, body(competition), format="json")

        assert response.status_code == 403
        assert response.json()["success"] is False
        assert Proposal.objects.count() == 0

    def test_anonymous_cannot_submit(self, as_user, competition):
        response = as_user(None).post(URL, body(competition), format="json")

        assert response.status_code == 401
        assert response.json()["success"] is False

    def test_two_freelancers_can_each_submit_once(self, as_user, competition, freelancer, other_freelancer):
        assert as_user(freelancer).post(URL, body(competition), format="json").status_code == 201
        assert as_user(other_freelancer).post(URL, body(competition), format="json").status_code == 201
        assert competition.proposals.count() == 2


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_eight_freelancers_racing_for_two_slots_yield_exactly_two_proposals(as_user):
    import threading

    from django.db import connection

    competition = CompetitionFactory(max_proposals=2)
    freelancers = FreelancerFactory.create_batch(8)
    barrier = threading.Barrier(len(freelancers))
    statuses: list[int] = []
    lock = threading.Lock()

    def submit(user):
        try:
            client = as_user(user)
            barrier.wait(timeout=10)
            response = client.post(URL, body(competition), format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(user,)) for user in freelancers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201, 201] + [400] * 6
    assert Proposal.objects.filter(competition=competition).count() == 2
    assert Notification.objects.filter(notification_type=NotificationType.PROPOSAL_RECEIVED).count() == 2


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_same_freelancer_submitting_twice_at_once_yields_one_proposal(as_user):
    import threading

    from django.db import connection

    competition = CompetitionFactory()
    freelancer = FreelancerFactory()
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit():
        try:
            client = as_user(freelancer)
            barrier.wait(timeout=10)
            response = client.post(URL, body(competition), format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201, 400, 400, 400]
    assert Proposal.objects.filter(competition=competition).count() == 1
