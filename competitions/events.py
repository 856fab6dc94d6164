"""Events the competitions app sends (after commit), with the arguments each carries."""

from django.dispatch import Signal

# competition: a brief edited by its owner (or an admin).
competition_updated = Signal()
# competition: DRAFT -> OPEN (published).
competition_opened = Signal()
# competition: DRAFT or OPEN -> CANCELLED.
competition_cancelled = Signal()
# competition: REVIEW -> CLOSED without a winner.
competition_closed = Signal()
# competitions (a queryset), by_deadline (bool): OPEN -> REVIEW, by the owner or by the cron job.
review_started = Signal()
# competition, proposal (the winning one), losers (queryset of the other active proposals).
winner_selected = Signal()
# question: answered (or re-answered) by the owner.
question_answered = Signal()
