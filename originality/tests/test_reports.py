"""Reports: the owner reports, the reported freelancer answers within 24 hours, an admin
decides once (API and Django admin); each party is told."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification, NotificationType
from originality.models import Report, ReportStatus
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

REPORT_KEYS = {
    "id",
    "proposal",
    "reason",
    "original_proposal",
    "response",
    "status",
    "note",
    "created_at",
    "responded_at",
    "decided_at",
}


@pytest.fixture
def suspect(competition, freelancer):
    return ProposalFactory(competition=competition, freelancer=freelancer, title="Suspect entry")


@pytest.fixture
def original(competition, other_freelancer):
    return ProposalFactory(competition=competition, freelancer=other_freelancer, title="First entry")


def report_url(proposal) -> str:
    return f"/api/proposals/{proposal.pk}/report/"


def response_url(proposal) -> str:
    return f"/api/proposals/{proposal.pk}/report-response/"


def decide_url(report_id) -> str:
    return f"/api/proposals/reports/{report_id}/decide/"


@pytest.fixture
def reported(as_user, client_owner, suspect, original):
    """An OPEN report of `suspect` as a copy of `original`, as the API made it."""
    response = as_user(client_owner).post(
        report_url(suspect), {"reason": "Same layout as the first entry.", "original_proposal": str(original.pk)}
    )
    assert response.status_code == 201, response.json()
    return Report.objects.get(pk=response.json()["data"]["id"])


# --- Reporting ------------------------------------------------------------------------------------


def test_the_owner_reports_and_the_freelancer_is_told(as_user, client_owner, suspect, original, freelancer):
    response = as_user(client_owner).post(
        report_url(suspect), {"reason": "Same layout as the first entry.", "original_proposal": str(original.pk)}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == REPORT_KEYS
    assert data["proposal"] == str(suspect.pk)
    assert data["original_proposal"] == str(original.pk)
    assert (data["status"], data["response"], data["note"]) == ("OPEN", "", "")
    assert data["responded_at"] is None and data["decided_at"] is None
    report = Report.objects.get(pk=data["id"])
    assert (report.reported_by_id, report.proposal_id, report.original_proposal_id) == (
        client_owner.pk,
        suspect.pk,
        original.pk,
    )
    (notice,) = Notification.objects.filter(notification_type=NotificationType.PROPOSAL_REPORTED)
    assert notice.recipient_id == freelancer.pk
    assert notice.related_proposal_id == suspect.pk
    assert "Same layout as the first entry." in notice.message
    assert "24 hours" in notice.message


def test_the_original_proposal_is_optional(as_user, client_owner, suspect):
    response = as_user(client_owner).post(report_url(suspect), {"reason": "Looks like a stock image."})

    assert response.status_code == 201
    assert response.json()["data"]["original_proposal"] is None


@pytest.mark.parametrize("who", ["freelancer", "admin_user"])
def test_only_the_owner_may_report(request, as_user, suspect, who):
    response = as_user(request.getfixturevalue(who)).post(report_url(suspect), {"reason": "x"})

    assert response.status_code == 403
    assert response.json()["success"] is False
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["other_client", "other_freelancer"])
def test_someone_who_cannot_see_the_proposal_gets_a_404(request, as_user, suspect, who):
    response = as_user(request.getfixturevalue(who)).post(report_url(suspect), {"reason": "x"})

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_anonymous_gets_a_401(api_client, suspect):
    assert api_client.post(report_url(suspect), {"reason": "x"}).status_code == 401


def test_a_reason_is_required(as_user, client_owner, suspect):
    response = as_user(client_owner).post(report_url(suspect), {"reason": "  "})

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize("original", ["itself", "other competition", "unknown", "not a uuid"])
def test_the_original_must_be_another_proposal_of_the_competition(as_user, client_owner, suspect, original):
    value = {
        "itself": str(suspect.pk),
        "other competition": str(ProposalFactory().pk),
        "unknown": "00000000-0000-4000-8000-000000000000",
        "not a uuid": "nope",
    }[original]

    response = as_user(client_owner).post(report_url(suspect), {"reason": "copy", "original_proposal": value})

    assert response.status_code == 400
    assert "original_proposal" in response.json()["errors"]


def test_one_open_report_at_a_time(as_user, client_owner, suspect, reported):
    response = as_user(client_owner).post(report_url(suspect), {"reason": "Again."})

    assert response.status_code == 400
    assert Report.objects.count() == 1


@pytest.mark.parametrize("status", [ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DISQUALIFIED])
def test_a_proposal_out_of_the_running_cannot_be_reported(as_user, client_owner, suspect, status):
    type(suspect).objects.filter(pk=suspect.pk).update(status=status)

    response = as_user(client_owner).post(report_url(suspect), {"reason": "copy"})

    assert response.status_code == 400


# --- Answering ------------------------------------------------------------------------------------


def test_the_freelancer_answers_within_24_hours(as_user, freelancer, suspect, reported):
    with time_machine.travel(reported.created_at + timedelta(hours=23, minutes=59)):
        response = as_user(freelancer).post(response_url(suspect), {"response": "I drew it myself, see the PSD."})

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["response"] == "I drew it myself, see the PSD."
    assert data["responded_at"] is not None
    # The other freelancer's proposal is not the reported freelancer's business.
    assert data["original_proposal"] is None
    reported.refresh_from_db()
    assert reported.response == "I drew it myself, see the PSD."
    assert reported.status == ReportStatus.OPEN


def test_after_24_hours_the_answer_is_refused(as_user, freelancer, suspect, reported):
    with time_machine.travel(reported.created_at + timedelta(hours=24, seconds=1)):
        response = as_user(freelancer).post(response_url(suspect), {"response": "Too late?"})

    assert response.status_code == 400
    assert "24 hours" in response.json()["message"]
    reported.refresh_from_db()
    assert reported.response == "" and reported.responded_at is None


def test_the_answer_is_given_once(as_user, freelancer, suspect, reported):
    api = as_user(freelancer)
    assert api.post(response_url(suspect), {"response": "First."}).status_code == 200

    response = api.post(response_url(suspect), {"response": "Second."})

    assert response.status_code == 400
    reported.refresh_from_db()
    assert reported.response == "First."


@pytest.mark.parametrize("who", ["client_owner", "admin_user"])
def test_only_the_reported_freelancer_answers(request, as_user, suspect, reported, who):
    response = as_user(request.getfixturevalue(who)).post(response_url(suspect), {"response": "x"})

    assert response.status_code == 403


def test_another_freelancer_gets_a_404(as_user, other_freelancer, suspect, reported):
    assert as_user(other_freelancer).post(response_url(suspect), {"response": "x"}).status_code == 404


def test_nothing_to_answer_without_an_open_report(as_user, freelancer, suspect):
    response = as_user(freelancer).post(response_url(suspect), {"response": "x"})

    assert response.status_code == 400


# --- Deciding -------------------------------------------------------------------------------------


def test_the_admin_lists_reports_by_status(as_user, admin_user, reported, other_freelancer, competition):
    decided = Report.objects.create(
        proposal=ProposalFactory(competition=competition),
        reported_by=competition.client,
        reason="old",
        status=ReportStatus.DISMISSED,
    )
    api = as_user(admin_user)

    everything = api.get("/api/proposals/reports/").json()["data"]
    open_only = api.get("/api/proposals/reports/", {"status": "OPEN"}).json()["data"]

    assert everything["count"] == 2
    assert {item["id"] for item in everything["results"]} == {str(reported.pk), str(decided.pk)}
    assert [item["id"] for item in open_only["results"]] == [str(reported.pk)]
    assert set(open_only["results"][0]) == REPORT_KEYS
    assert api.get("/api/proposals/reports/", {"status": "LOST"}).status_code == 400


@pytest.mark.parametrize("who", ["client_owner", "freelancer"])
def test_only_admins_list_and_decide(request, as_user, reported, who):
    api = as_user(request.getfixturevalue(who))

    assert api.get("/api/proposals/reports/").status_code == 403
    assert api.post(decide_url(reported.pk), {"decision": "DISMISS", "note": "x"}).status_code == 403
    reported.refresh_from_db()
    assert reported.status == ReportStatus.OPEN


def test_dismiss_keeps_the_proposal_and_tells_both_parties(
    as_user, admin_user, client_owner, freelancer, suspect, reported
):
    response = as_user(admin_user).post(decide_url(reported.pk), {"decision": "DISMISS", "note": "Common layout."})

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["status"], data["note"]) == ("DISMISSED", "Common layout.")
    assert data["decided_at"] is not None
    suspect.refresh_from_db()
    assert suspect.status == ProposalStatus.SUBMITTED
    notices = Notification.objects.filter(notification_type=NotificationType.REPORT_DECIDED)
    assert {n.recipient_id for n in notices} == {client_owner.pk, freelancer.pk}
    assert all("Common layout." in n.message and "dismissed" in n.title for n in notices)


def test_disqualify_moves_the_proposal_and_keeps_the_note(
    as_user, admin_user, client_owner, freelancer, suspect, reported
):
    response = as_user(admin_user).post(
        decide_url(reported.pk), {"decision": "DISQUALIFY", "note": "Traced from entry one."}
    )

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "DISQUALIFIED"
    suspect.refresh_from_db()
    assert suspect.status == ProposalStatus.DISQUALIFIED
    assert suspect.disqualification_note == "Traced from entry one."
    assert suspect.disqualified_at is not None
    assert Notification.objects.filter(notification_type=NotificationType.REPORT_DECIDED).count() == 2


def test_a_second_decision_is_a_400(as_user, admin_user, suspect, reported):
    api = as_user(admin_user)
    assert api.post(decide_url(reported.pk), {"decision": "DISMISS", "note": "No."}).status_code == 200

    response = api.post(decide_url(reported.pk), {"decision": "DISQUALIFY", "note": "Yes after all."})

    assert response.status_code == 400
    reported.refresh_from_db()
    suspect.refresh_from_db()
    assert (reported.status, suspect.status) == (ReportStatus.DISMISSED, ProposalStatus.SUBMITTED)


def test_the_admin_may_decide_before_the_answer_window_ends(as_user, admin_user, freelancer, suspect, reported):
    assert (
        as_user(admin_user).post(decide_url(reported.pk), {"decision": "DISMISS", "note": "Fine."}).status_code == 200
    )

    # The report is decided: nothing is left to answer.
    assert as_user(freelancer).post(response_url(suspect), {"response": "late"}).status_code == 400


def test_a_refused_disqualification_leaves_the_report_open(as_user, admin_user, suspect, reported):
    type(suspect).objects.filter(pk=suspect.pk).update(status=ProposalStatus.ACCEPTED, is_winner=True)

    response = as_user(admin_user).post(decide_url(reported.pk), {"decision": "DISQUALIFY", "note": "Too late."})

    assert response.status_code == 400
    reported.refresh_from_db()
    assert reported.status == ReportStatus.OPEN


@pytest.mark.parametrize(
    "body", [{}, {"decision": "BAN", "note": "x"}, {"decision": "DISMISS"}, {"decision": "DISMISS", "note": ""}]
)
def test_a_decision_needs_a_known_decision_and_a_note(as_user, admin_user, reported, body):
    assert as_user(admin_user).post(decide_url(reported.pk), body, format="json").status_code == 400


def test_an_unknown_report_is_a_404(as_user, admin_user):
    response = as_user(admin_user).post(
        decide_url("00000000-0000-4000-8000-000000000000"), {"decision": "DISMISS", "note": "x"}
    )

    assert response.status_code == 404


# --- Django admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_browser(client, admin_user):
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_the_django_admin_decides_through_the_same_service(admin_browser, suspect, reported):
    url = f"/admin/originality/report/{reported.pk}/change/"
    assert admin_browser.get(url).status_code == 200

    response = admin_browser.post(url, {"decision": "DISQUALIFY", "decision_note": "Copied, see both files."})

    assert response.status_code == 302
    reported.refresh_from_db()
    suspect.refresh_from_db()
    assert (reported.status, reported.note) == (ReportStatus.DISQUALIFIED, "Copied, see both files.")
    assert suspect.status == ProposalStatus.DISQUALIFIED
    assert Notification.objects.filter(notification_type=NotificationType.REPORT_DECIDED).count() == 2


def test_the_django_admin_refuses_a_second_decision_and_a_missing_note(admin_browser, reported):
    url = f"/admin/originality/report/{reported.pk}/change/"
    assert admin_browser.post(url, {"decision": "DISMISS", "decision_note": ""}).status_code == 200  # form error
    reported.refresh_from_db()
    assert reported.status == ReportStatus.OPEN
    assert admin_browser.post(url, {"decision": "DISMISS", "decision_note": "ok"}).status_code == 302

    response = admin_browser.post(url, {"decision": "DISQUALIFY", "decision_note": "again"})

    assert response.status_code == 200
    assert b"already decided" in response.content
    reported.refresh_from_db()
    assert reported.status == ReportStatus.DISMISSED


def test_the_django_admin_dismiss_action(admin_browser, reported):
    response = admin_browser.post(
        "/admin/originality/report/", {"action": "dismiss_selected", "_selected_action": [str(reported.pk)]}
    )

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == ReportStatus.DISMISSED
    assert reported.decided_at is not None and reported.decided_at <= timezone.now()


@pytest.mark.parametrize("model", ["report", "match", "filefingerprint", "textsketch", "imagekey", "textkey"])
def test_every_originality_admin_list_opens(admin_browser, reported, model):
    assert admin_browser.get(f"/admin/originality/{model}/").status_code == 200


def test_the_parties_are_emailed_on_report_and_decision(
    as_user, client_owner, freelancer, admin_user, suspect, mailoutbox
):
    for user in (client_owner, freelancer):
        type(user).objects.filter(pk=user.pk).update(email_verified=True)
    response = as_user(client_owner).post(report_url(suspect), {"reason": "Same layout."})
    assert response.status_code == 201
    assert (
        as_user(admin_user)
        .post(decide_url(response.json()["data"]["id"]), {"decision": "DISMISS", "note": "Common layout."})
        .status_code
        == 200
    )

    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([freelancer.email], "Your proposal “Suspect entry” was reported"),
        ([freelancer.email], "The report on “Suspect entry” was dismissed"),
        ([client_owner.email], "The report on “Suspect entry” was dismissed"),
    ]
