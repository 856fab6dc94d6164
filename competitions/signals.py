"""Competition event receivers: notifications of bookmarkers, participants and askers, and the
public list cache, which follows every event that changes a card (fields or proposal count)."""

from django.dispatch import receiver

from notifications.utils import NotificationService
from proposals import events as proposal_events
from proposals.models import Proposal

from . import events, list_cache
from .models import CompetitionBookmark


@receiver(events.competition_updated, dispatch_uid="competition_updated_list_cache")
@receiver(events.competition_opened, dispatch_uid="competition_opened_list_cache")
@receiver(events.competition_cancelled, dispatch_uid="competition_cancelled_list_cache")
@receiver(events.competition_closed, dispatch_uid="competition_closed_list_cache")
@receiver(events.review_started, dispatch_uid="review_started_list_cache")
@receiver(events.winner_selected, dispatch_uid="winner_selected_list_cache")
@receiver(proposal_events.proposal_submitted, dispatch_uid="proposal_submitted_list_cache")
@receiver(proposal_events.proposal_withdrawn, dispatch_uid="proposal_withdrawn_list_cache")
@receiver(proposal_events.proposal_disqualified, dispatch_uid="proposal_disqualified_list_cache")
def invalidate_public_list(sender, **kwargs) -> None:
    list_cache.invalidate()


@receiver(events.competition_opened, dispatch_uid="competition_opened_notify_bookmarkers")
def notify_bookmarkers(sender, competition, **kwargs) -> int:
    bookmarks = CompetitionBookmark.objects.filter(competition_id=competition.pk)
    return NotificationService.notify_competition_opened(competition, bookmarks)


@receiver(events.review_started, dispatch_uid="review_started_notify_participants")
def notify_review_started(sender, competitions, by_deadline: bool, **kwargs) -> int:
    # The owner ending submissions early tells nobody (as before); the deadline does.
    if not by_deadline:
        return 0
    participants = Proposal.objects.filter(competition__in=competitions).active()
    return NotificationService.notify_competitions_closed(participants, submissions_only=True)


@receiver(events.competition_closed, dispatch_uid="competition_closed_notify_participants")
def notify_closed(sender, competition, **kwargs) -> int:
    participants = Proposal.objects.filter(competition_id=competition.pk).active()
    return NotificationService.notify_competitions_closed(participants)


@receiver(events.winner_selected, dispatch_uid="winner_selected_notify")
def notify_winner_and_losers(sender, competition, proposal, losers, **kwargs) -> int:
    return NotificationService.notify_winner_selected(competition, proposal, losers)


@receiver(events.question_answered, dispatch_uid="question_answered_notify_asker")
def notify_asker(sender, question, **kwargs) -> int:
    NotificationService.notify_question_answered(question)
    return 1
