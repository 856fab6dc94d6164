"""In-app notifications."""

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models

from .messages import render


class NotificationType(models.TextChoices):
    COMPETITION_OPENED = "COMPETITION_OPENED", "Competition opened"
    PROPOSAL_RECEIVED = "PROPOSAL_RECEIVED", "Proposal received"
    PROPOSAL_SCORED = "PROPOSAL_SCORED", "Proposal scored"
    PROPOSAL_ACCEPTED = "PROPOSAL_ACCEPTED", "Proposal accepted"
    PROPOSAL_REJECTED = "PROPOSAL_REJECTED", "Proposal rejected"
    COMPETITION_CLOSED = "COMPETITION_CLOSED", "Competition closed"
    QUESTION_ANSWERED = "QUESTION_ANSWERED", "Question answered"
    WINNER_SELECTED = "WINNER_SELECTED", "Winner selected"
    NEW_REVIEW = "NEW_REVIEW", "New review"
    COMPETITION_DEADLINE_APPROACHING = "COMPETITION_DEADLINE_APPROACHING", "Competition deadline approaching"
    # Money (payments/notifications.py builds them).
    FUNDING_SUCCEEDED = "FUNDING_SUCCEEDED", "Prize funded"
    FUNDING_FAILED = "FUNDING_FAILED", "Prize funding failed"
    PRIZE_REFUNDED = "PRIZE_REFUNDED", "Prize refunded"
    PAYOUT_ACCOUNT_NEEDED = "PAYOUT_ACCOUNT_NEEDED", "Payout account needed"
    PAYOUT_SENT = "PAYOUT_SENT", "Payout sent"
    PROPOSAL_REPORTED = "PROPOSAL_REPORTED", "Proposal reported"
    REPORT_DECIDED = "REPORT_DECIDED", "Report decided"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    notification_type = models.CharField(max_length=40, choices=NotificationType.choices)
    # The values its text needs (see messages.TEMPLATES); title and message are rendered on read.
    params = models.JSONField(default=dict, blank=True)
    is_read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    related_competition_id = models.UUIDField(null=True, blank=True)
    related_proposal_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set for notifications that must exist at most once (deadline reminders, cron fan-out):
    # the unique index makes two overlapping cron runs insert each one only once.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notif_recipient_created_idx"),
            models.Index(fields=["recipient", "is_read", "created_at"], name="notif_recipient_read_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} → {self.recipient_id}"

    @cached_property
    def _text(self) -> tuple[str, str]:
        return render(self.notification_type, self.params)

    @property
    def title(self) -> str:
        return self._text[0]

    @property
    def message(self) -> str:
        return self._text[1]


class NotificationPreference(models.Model):
    """The types a user chose to get (or not get) by e-mail; a type they never chose follows
    the default of notifications/preferences.py, so a new type needs no data migration."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    # {notification_type: bool}, only the user's own choices.
    email = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"
