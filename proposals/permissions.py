"""Who may act on a proposal, written once: views ask before reading the body (403 before
400), services ask again for callers that are not views."""

from rest_framework.exceptions import PermissionDenied


def require_freelancer_of(proposal, user, action: str) -> None:
    """Only the proposal's own freelancer may `action` (edit it, withdraw it, …)."""
    if proposal.freelancer_id != user.pk:
        raise PermissionDenied(f"Only the freelancer who submitted this proposal can {action}.")


def require_client_of(competition, user, action: str) -> None:
    """Only the competition's owner may `action` (score its proposals, list them)."""
    if competition.client_id != user.pk:
        raise PermissionDenied(f"Only the competition's owner can {action}.")
