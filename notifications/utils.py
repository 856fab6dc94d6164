"""NotificationService: every notification the platform sends is created here.

Fan-out (many recipients) is always one bulk INSERT per batch, never a loop of saves.
Notifications that must exist at most once carry a `dedupe_key` and are inserted with
ignore_conflicts, so two overlapping cron runs cannot create the same one twice.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from .models import Notification, NotificationType

if TYPE_CHECKING:
    from competitions.models import Competition, CompetitionQuestion
    from feedback.models import Review
    from proposals.models import Proposal

BATCH_SIZE = 1000
TITLE_MAX = 200


def _title(text: str) -> str:
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _quoted(title: str, limit: int = 120) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


class NotificationService:
    @staticmethod
    def bulk_send(notifications: Iterable[Notification], *, deduplicate: bool = False) -> int:
        """Inserts notifications in batches; with `deduplicate`, existing dedupe keys are skipped."""
        batch: list[Notification] = []
        sent = 0
        for notification in notifications:
            batch.append(notification)
            if len(batch) >= BATCH_SIZE:
                Notification.objects.bulk_create(batch, ignore_conflicts=deduplicate)
                sent += len(batch)
                batch = []
        if batch:
            Notification.objects.bulk_create(batch, ignore_conflicts=deduplicate)
            sent += len(batch)
        return sent

    @staticmethod
    def notify_proposal_received(competition: "Competition", proposal: "Proposal") -> Notification:
        """Tells the client a proposal arrived (without naming the freelancer: blind review)."""
        return Notification.objects.create(
            recipient_id=competition.client_id,
            notification_type=NotificationType.PROPOSAL_RECEIVED,
            title=_title(f"New proposal for {_quoted(competition.title)}"),
            message=f"A new proposal, {_quoted(proposal.title)}, was submitted to your competition.",
            related_competition_id=competition.pk,
            related_proposal_id=proposal.pk,
        )

    @staticmethod
    def notify_proposal_scored(proposal: "Proposal") -> Notification:
        """Tells the freelancer their proposal got a score (the score itself shows once CLOSED)."""
        return Notification.objects.create(
            recipient_id=proposal.freelancer_id,
            notification_type=NotificationType.PROPOSAL_SCORED,
            title=_title(f"Your proposal {_quoted(proposal.title)} was reviewed"),
            message="The client reviewed your proposal. Scores and feedback are shown once the competition closes.",
            related_competition_id=proposal.competition_id,
            related_proposal_id=proposal.pk,
        )

    @staticmethod
    def notify_winner_selected(competition: "Competition", winning_proposal: "Proposal") -> int:
        """The winner and every losing (non-withdrawn) freelancer, one bulk insert."""
        from proposals.models import Proposal, ProposalStatus

        losers = (
            Proposal.objects.filter(competition=competition)
            .exclude(status=ProposalStatus.WITHDRAWN)
            .exclude(pk=winning_proposal.pk)
            .values_list("pk", "freelancer_id")
            .iterator(chunk_size=BATCH_SIZE)
        )

        def notifications() -> Iterable[Notification]:
            yield Notification(
                recipient_id=winning_proposal.freelancer_id,
                notification_type=NotificationType.PROPOSAL_ACCEPTED,
                title=_title(f"You won {_quoted(competition.title)}"),
                message="Your proposal was selected as the winner. Your payment is being prepared.",
                related_competition_id=competition.pk,
                related_proposal_id=winning_proposal.pk,
            )
            for proposal_id, freelancer_id in losers:
                yield Notification(
                    recipient_id=freelancer_id,
                    notification_type=NotificationType.PROPOSAL_REJECTED,
                    title=_title(f"A winner was selected for {_quoted(competition.title)}"),
                    message="Another proposal was selected. The client's feedback is now visible on your proposal.",
                    related_competition_id=competition.pk,
                    related_proposal_id=proposal_id,
                )

        return NotificationService.bulk_send(notifications())

    @staticmethod
    def notify_question_answered(question: "CompetitionQuestion") -> Notification:
        return Notification.objects.create(
            recipient_id=question.asked_by_id,
            notification_type=NotificationType.QUESTION_ANSWERED,
            title=_title(f"Your question on {_quoted(question.competition.title)} was answered"),
            message=question.answer or "",
            related_competition_id=question.competition_id,
        )

    @staticmethod
    def notify_competition_closed(competition: "Competition") -> int:
        """Every freelancer with a non-withdrawn proposal, one bulk insert."""
        return NotificationService.notify_competitions_closed([competition])

    @staticmethod
    def notify_competitions_closed(competitions: "Iterable[Competition]", *, submissions_only: bool = False) -> int:
        """Participants of many competitions at once (the cron command's fan-out).

        `submissions_only` words it as "submissions closed, review started" (OPEN -> REVIEW); the
        dedupe key makes a second run over the same competitions insert nothing.
        """
        from proposals.models import Proposal, ProposalStatus

        by_id = {competition.pk: competition for competition in competitions}
        if not by_id:
            return 0
        stage = "review" if submissions_only else "closed"
        rows = (
            Proposal.objects.filter(competition_id__in=list(by_id))
            .exclude(status=ProposalStatus.WITHDRAWN)
            .values_list("pk", "competition_id", "freelancer_id")
            .iterator(chunk_size=BATCH_SIZE)
        )

        def notifications() -> Iterable[Notification]:
            for proposal_id, competition_id, freelancer_id in rows:
                title = _quoted(by_id[competition_id].title)
                if submissions_only:
                    heading = f"Submissions closed for {title}"
                    message = "The submission deadline has passed. The client is now reviewing the proposals."
                else:
                    heading = f"{title} is closed"
                    message = "The competition is closed. Open your proposal to see the client's feedback."
                yield Notification(
                    recipient_id=freelancer_id,
                    notification_type=NotificationType.COMPETITION_CLOSED,
                    title=_title(heading),
                    message=message,
                    related_competition_id=competition_id,
                    related_proposal_id=proposal_id,
                    dedupe_key=f"{stage}:{competition_id.hex}:{freelancer_id.hex}",
                )

        return NotificationService.bulk_send(notifications(), deduplicate=True)

    @staticmethod
    def notify_new_review(review: "Review") -> Notification:
        return Notification.objects.create(
            recipient_id=review.reviewee_id,
            notification_type=NotificationType.NEW_REVIEW,
            title=_title(f"New {review.rating}-star review on {_quoted(review.competition.title)}"),
            message=review.comment if review.is_public else "You received a private review.",
            related_competition_id=review.competition_id,
        )

    @staticmethod
    def notify_competition_opened(competition: "Competition") -> int:
        """Everyone who bookmarked the competition, one bulk insert."""
        from competitions.models import CompetitionBookmark

        user_ids = (
            CompetitionBookmark.objects.filter(competition=competition)
            .values_list("user_id", flat=True)
            .iterator(chunk_size=BATCH_SIZE)
        )
        return NotificationService.bulk_send(
            Notification(
                recipient_id=user_id,
                notification_type=NotificationType.COMPETITION_OPENED,
                title=_title(f"{_quoted(competition.title)} is open"),
                message="A competition you bookmarked is open for proposals.",
                related_competition_id=competition.pk,
                dedupe_key=f"opened:{competition.pk.hex}:{user_id.hex}",
            )
            for user_id in user_ids
        )

    @staticmethod
    def notify_deadline_approaching(competitions: "Iterable[Competition]") -> int:
        """Bookmarkers who have not submitted, for each competition; at most once per pair."""
        from competitions.models import CompetitionBookmark
        from proposals.models import Proposal

        by_id = {competition.pk: competition for competition in competitions}
        if not by_id:
            return 0
        already_submitted = Proposal.objects.filter(
            competition_id=OuterRef("competition_id"), freelancer_id=OuterRef("user_id")
        )
        already_reminded = Notification.objects.filter(
            recipient_id=OuterRef("user_id"),
            related_competition_id=OuterRef("competition_id"),
            notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING,
        )
        rows = (
            CompetitionBookmark.objects.filter(competition_id__in=list(by_id))
            .exclude(Exists(already_submitted))
            .exclude(Exists(already_reminded))
            .values_list("competition_id", "user_id")
            .iterator(chunk_size=BATCH_SIZE)
        )
        return NotificationService.bulk_send(
            (
                Notification(
                    recipient_id=user_id,
                    notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING,
                    title=_title(f"Deadline approaching for {_quoted(by_id[competition_id].title)}"),
                    message="Submissions close within 24 hours. Submit your proposal before "
                    f"{by_id[competition_id].submission_deadline:%Y-%m-%d %H:%M} UTC.",
                    related_competition_id=competition_id,
                    dedupe_key=f"deadline:{competition_id.hex}:{user_id.hex}",
                )
                for competition_id, user_id in rows
            ),
            deduplicate=True,
        )
