"""Proposal event receivers: who is told what when a proposal or its competition moves."""

from django.dispatch import receiver

from notifications.utils import NotificationService

from . import events
from .models import Proposal


@receiver(events.proposal_submitted, dispatch_uid="proposal_submitted_notify_client")
def notify_client(sender, proposal: Proposal, **kwargs) -> int:
    NotificationService.notify_proposal_received(proposal.competition, proposal)
    return 1


@receiver(events.proposal_scored, dispatch_uid="proposal_scored_notify_freelancer")
def notify_freelancer_scored(sender, proposal: Proposal, **kwargs) -> int:
    NotificationService.notify_proposal_scored(proposal)
    return 1
