"""Competition signal receivers: they connect to NotificationService, nothing more."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from notifications.utils import NotificationService

from .models import Competition, CompetitionStatus


@receiver(post_save, sender=Competition, dispatch_uid="competition_opened_notify_bookmarkers")
def notify_bookmarkers_when_opened(sender, instance: Competition, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    # Only on the change to OPEN, not on every save of an open competition.
    if instance.status == CompetitionStatus.OPEN and (created or instance.tracked_changed("status")):
        NotificationService.notify_competition_opened(instance)
