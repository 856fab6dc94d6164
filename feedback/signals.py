"""Review receivers: the reviewee is told of a new review; UserRating stays exact.

UserRating is a denormalised aggregate of Review rows, so it follows every save and delete of
a Review (the admin's edits included), not only the service's: that is the one post_save
receiver left in the project, and it changes no state of its own.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from notifications.utils import NotificationService

from . import events
from .models import Review, UserRating


@receiver(events.review_posted, dispatch_uid="review_posted_notify_reviewee")
def notify_reviewee(sender, review: Review, **kwargs) -> int:
    NotificationService.notify_new_review(review)
    return 1


@receiver(post_save, sender=Review, dispatch_uid="review_saved_update_rating")
@receiver(post_delete, sender=Review, dispatch_uid="review_deleted_update_rating")
def update_rating(sender, instance: Review, **kwargs) -> None:
    UserRating.update_for_user(instance.reviewee_id)
