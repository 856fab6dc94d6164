"""Notifications of originality reports (issue 16): one function per notification type.

They go through `utils.notify_user` like every single-row notification (params stored, words in
messages.TEMPLATES, the e-mail queued, the WebSocket push). Neither names the other party: the
client is never told who the freelancer is before the competition closes, and needs no name
here. This module imports no other app: it is handed the rows.
"""

from typing import Any

from .models import Notification, NotificationType
from .utils import notify_user


def notify_proposal_reported(*, proposal: Any, reason: str) -> Notification:
    """PROPOSAL_REPORTED to the reported freelancer, with the client's reason."""
    return notify_user(
        proposal.freelancer_id,
        NotificationType.PROPOSAL_REPORTED,
        {"proposal": proposal.title, "reason": reason},
        related_competition_id=proposal.competition_id,
        related_proposal_id=proposal.pk,
    )


def notify_report_decided(*, proposal: Any, reported_by_id: Any, outcome: str, note: str) -> list[Notification]:
    """REPORT_DECIDED to the reported freelancer and to the client who reported; `outcome` is
    the report's new status (DISMISSED or DISQUALIFIED)."""
    params = {"variant": outcome, "proposal": proposal.title, "note": note}
    return [
        notify_user(
            recipient_id,
            NotificationType.REPORT_DECIDED,
            params,
            related_competition_id=proposal.competition_id,
            related_proposal_id=proposal.pk,
        )
        for recipient_id in (proposal.freelancer_id, reported_by_id)
    ]
