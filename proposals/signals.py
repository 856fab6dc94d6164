"""Proposal signal receivers: they connect to NotificationService, nothing more."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from notifications.utils import NotificationService

from .models import Proposal


@receiver(post_save, sender=Proposal, dispatch_uid="proposal_received_or_scored")
def notify_on_proposal_saved(sender, instance: Proposal, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # fixtures load rows, they do not submit proposals
    if created:
        NotificationService.notify_proposal_received(instance.competition, instance)
    elif instance.client_score is not None and (
        instance.tracked_changed("client_score") or instance.tracked_changed("client_note")
    ):
        NotificationService.notify_proposal_scored(instance)
