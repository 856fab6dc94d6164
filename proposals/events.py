"""Events the proposals app sends (after commit)."""

from django.dispatch import Signal

# proposal: a new proposal (and its files) was submitted.
proposal_submitted = Signal()
# proposal: SUBMITTED -> WITHDRAWN.
proposal_withdrawn = Signal()
# proposal: the client set or changed its score or note.
proposal_scored = Signal()
# proposal, by: an admin disqualified the proposal on a report (services.disqualify_proposal).
proposal_disqualified = Signal()
