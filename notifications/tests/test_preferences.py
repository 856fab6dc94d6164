"""GET/PATCH /api/notifications/preferences/: which notification types are also e-mailed."""

import pytest
from django.template.loader import get_template

from notifications.models import NotificationPreference, NotificationType
from notifications.preferences import EMAIL_OFF_BY_DEFAULT, email_default, email_preferences

pytestmark = pytest.mark.django_db

URL = "/api/notifications/preferences/"
ON_BY_DEFAULT = {
    NotificationType.PROPOSAL_ACCEPTED,
    NotificationType.PROPOSAL_REJECTED,
    # Part 2's money types (issue 12)
    NotificationType.FUNDING_SUCCEEDED,
    NotificationType.FUNDING_FAILED,
    NotificationType.PRIZE_REFUNDED,
    NotificationType.PAYOUT_ACCOUNT_NEEDED,
    NotificationType.PAYOUT_SENT,
    # Part 2's report types (issue 16)
    NotificationType.PROPOSAL_REPORTED,
    NotificationType.REPORT_DECIDED,
}


def ok(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def refused(response, status_code: int = 400) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    return body["errors"]


def test_defaults_email_accepted_and_rejected_and_no_other_part_one_type(as_user, freelancer):
    data = ok(as_user(freelancer).get(URL))

    assert data == {"email": {t: t in ON_BY_DEFAULT for t in NotificationType.values}}
    assert not NotificationPreference.objects.exists()  # reading writes nothing


def test_a_type_added_later_is_emailed_by_default():
    # Part 2's types (funding, refund, award, payout, handover, dispute, report) are on by
    # default without being listed: only Part 1's other types are off.
    assert email_default("FUNDING_SUCCEEDED") and email_default("DISPUTE_OPENED")
    assert set(EMAIL_OFF_BY_DEFAULT) == set(NotificationType.values) - ON_BY_DEFAULT


def test_patch_changes_the_given_types_and_keeps_the_others(as_user, freelancer, other_freelancer):
    first = ok(as_user(freelancer).patch(URL, {"email": {"COMPETITION_OPENED": True, "PROPOSAL_REJECTED": False}}))
    second = ok(as_user(freelancer).patch(URL, {"email": {"NEW_REVIEW": True}}))

    expected = {t: t in ON_BY_DEFAULT for t in NotificationType.values}
    expected.update(COMPETITION_OPENED=True, PROPOSAL_REJECTED=False)
    assert first == {"email": expected}
    expected["NEW_REVIEW"] = True
    assert second == ok(as_user(freelancer).get(URL)) == {"email": expected}
    assert NotificationPreference.objects.get(user=freelancer).email == {
        "COMPETITION_OPENED": True,
        "PROPOSAL_REJECTED": False,
        "NEW_REVIEW": True,
    }
    # another user still has the defaults
    assert ok(as_user(other_freelancer).get(URL))["email"]["COMPETITION_OPENED"] is False


def test_an_empty_patch_changes_nothing(as_user, freelancer):
    assert ok(as_user(freelancer).patch(URL, {}))["email"] == email_preferences(None)
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        {"NO_SUCH_TYPE": True},
        {"COMPETITION_OPENED": True, "proposal_accepted": False},  # types are upper case
        {"COMPETITION_OPENED": "yes"},
        {"COMPETITION_OPENED": 1},
        {"COMPETITION_OPENED": None},
        ["COMPETITION_OPENED"],
        "COMPETITION_OPENED",
    ],
)
def test_patch_refuses_unknown_types_and_non_booleans(as_user, freelancer, email):
    errors = refused(as_user(freelancer).patch(URL, {"email": email}, format="json"))

    assert "email" in errors
    assert not NotificationPreference.objects.exists()


def test_unknown_type_message_names_it(as_user, freelancer):
    errors = refused(as_user(freelancer).patch(URL, {"email": {"NO_SUCH_TYPE": True}}, format="json"))
    assert errors == {"email": ["Unknown notification type(s): NO_SUCH_TYPE."]}


@pytest.mark.parametrize("method", ["get", "patch"])
def test_preferences_need_a_signed_in_user(api_client, method):
    refused(getattr(api_client, method)(URL, {}), 401)


@pytest.mark.parametrize("notification_type", NotificationType.values)
def test_every_notification_type_has_its_own_email_templates(notification_type):
    for extension in ("txt", "html"):
        get_template(f"emails/notifications/{notification_type.lower()}.{extension}")
