"""Originality tasks (Celery): the fingerprinting of a proposal, queued after the commit that
submitted or changed it (in this process right after the commit when there is no broker)."""

from celery import shared_task


@shared_task(name="originality.fingerprint_proposal")
def fingerprint_proposal(*, proposal_id: str) -> int:
    from . import services

    return services.fingerprint_proposal(proposal_id)
