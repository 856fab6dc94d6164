"""Which notification types are e-mailed: the defaults (one place) and a user's choices.

Email is on by default for PROPOSAL_ACCEPTED, PROPOSAL_REJECTED and every type Part 2 of the
contract adds (funding, refund, award, payout, handover, dispute, report), off for Part 1's
other types. The rule is written as the closed list of Part 1 types that are off, so a type added
to NotificationType is e-mailed by default without touching this file; a new type that should
be off by default goes into EMAIL_OFF_BY_DEFAULT.
"""

from django.db import transaction
from django.db.models import Q

from .models import NotificationPreference, NotificationType

EMAIL_OFF_BY_DEFAULT = frozenset(
    {
        NotificationType.COMPETITION_OPENED,
        NotificationType.PROPOSAL_RECEIVED,
        NotificationType.PROPOSAL_SCORED,
        NotificationType.COMPETITION_CLOSED,
        NotificationType.QUESTION_ANSWERED,
        NotificationType.WINNER_SELECTED,
        NotificationType.NEW_REVIEW,
        NotificationType.COMPETITION_DEADLINE_APPROACHING,
    }
)


def email_default(notification_type: str) -> bool:
    return notification_type not in EMAIL_OFF_BY_DEFAULT


def email_preferences(choices: dict | None) -> dict[str, bool]:
    """Every type with whether it is e-mailed: the user's `choices` over the defaults."""
    choices = choices or {}
    return {
        notification_type: bool(choices.get(notification_type, email_default(notification_type)))
        for notification_type in NotificationType.values
    }


def wants_email(preference: NotificationPreference | None, notification_type: str) -> bool:
    choice = (preference.email if preference is not None else {}).get(notification_type)
    return email_default(notification_type) if choice is None else bool(choice)


def may_want_email(recipient_path: str = "recipient") -> Q:
    """Narrows notifications in SQL to those whose recipient may want them e-mailed: types on by
    default, and off-by-default types the recipient switched on. `wants_email` decides."""
    key = f"{recipient_path}__notification_preference__email"
    opted_in = Q()
    for notification_type in sorted(EMAIL_OFF_BY_DEFAULT):
        opted_in |= Q(notification_type=notification_type, **{f"{key}__{notification_type}": True})
    return ~Q(notification_type__in=EMAIL_OFF_BY_DEFAULT) | opted_in


def get_preferences(*, user) -> dict[str, dict[str, bool]]:
    preference = NotificationPreference.objects.filter(user=user).first()
    return {"email": email_preferences(preference.email if preference else None)}


@transaction.atomic
def update_preferences(*, user, email: dict[str, bool]) -> dict[str, dict[str, bool]]:
    """Records the given choices (the others stay as they were) and returns every type's value."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.email = {**preference.email, **email}
    preference.save(update_fields=["email", "updated_at"])
    return {"email": email_preferences(preference.email)}
