"""Originality event receivers: the parties of a report are told."""

from django.dispatch import receiver

from notifications import reports

from . import events
from .models import Report


@receiver(events.proposal_reported, dispatch_uid="proposal_reported_notify_freelancer")
def notify_reported_freelancer(sender, report: Report, **kwargs) -> int:
    reports.notify_proposal_reported(proposal=report.proposal, reason=report.reason)
    return 1


@receiver(events.report_decided, dispatch_uid="report_decided_notify_parties")
def notify_parties(sender, report: Report, **kwargs) -> int:
    notices = reports.notify_report_decided(
        proposal=report.proposal, reported_by_id=report.reported_by_id, outcome=report.status, note=report.note
    )
    return len(notices)
