"""Events the originality app sends (after commit)."""

from django.dispatch import Signal

# report: the competition's owner reported a proposal as a possible copy.
proposal_reported = Signal()
# report: an admin dismissed it or disqualified the proposal (report.status says which).
report_decided = Signal()
