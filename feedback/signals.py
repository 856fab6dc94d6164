"""Review signal receivers: keep UserRating exact and tell the reviewee."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from notifications.utils import NotificationService

from .models import Review, UserRating


@receiver(post_save, sender=Review, dispatch_uid="review_saved_update_rating")
def update_rating_on_save(sender, instance: Review, created: bool, raw: bool = False, **kwargs) -> None:
    UserRating.update_for_user(instance.reviewee_id)
    if created and not raw:
        NotificationService.notify_new_review(instance)


@receiver(post_delete, sender=Review, dispatch_uid="review_deleted_update_rating")
def update_rating_on_delete(sender, instance: Review, **kwargs) -> None:
    UserRating.update_for_user(instance.reviewee_id)
