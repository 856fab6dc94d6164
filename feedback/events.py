"""Events the feedback app sends (after commit)."""

from django.dispatch import Signal

# review: a new review was posted.
review_posted = Signal()
