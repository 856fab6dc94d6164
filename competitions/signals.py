"""Competition signal receivers: bookmarker notifications and the public list cache."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from notifications.utils import NotificationService
from proposals.models import Proposal

from . import list_cache
from .models import Competition, CompetitionStatus


@receiver(post_save, sender=Competition, dispatch_uid="competition_opened_notify_bookmarkers")
def notify_bookmarkers_when_opened(sender, instance: Competition, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    # Only on the change to OPEN, not on every save of an open competition.
    if instance.status == CompetitionStatus.OPEN and (created or instance.tracked_changed("status")):
        NotificationService.notify_competition_opened(instance)


@receiver(post_save, sender=Competition, dispatch_uid="competition_saved_list_cache")
@receiver(post_delete, sender=Competition, dispatch_uid="competition_deleted_list_cache")
@receiver(post_save, sender=Proposal, dispatch_uid="proposal_saved_list_cache")
@receiver(post_delete, sender=Proposal, dispatch_uid="proposal_deleted_list_cache")
def invalidate_public_list(sender, **kwargs) -> None:
    # A card shows the competition's fields and its proposal count. Bulk UPDATEs bypass this
    # receiver: they call list_cache.invalidate() themselves.
    list_cache.invalidate()
