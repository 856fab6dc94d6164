"""NotificationService: every notification the platform sends is created here.

A notification stores data (type, the ids it is about, `params`); its words live in
`messages.TEMPLATES` and are rendered when it is read. Fan-out (one notification per
participant, bookmarker or loser) is one `INSERT … SELECT` built from the ORM's SQL for the
recipient rows, which the owning app passes in as a queryset: the number of statements does
not depend on the number of recipients, no Notification object is built in Python, and this
app imports no other app.

Notifications that must exist at most once carry a `dedupe_key` and are inserted with
INSERT IGNORE, so two overlapping cron runs cannot create the same one twice.
"""

from typing import Any

from django.db import connections, router
from django.db.models import CharField, Exists, F, Func, OuterRef, QuerySet, UUIDField, Value
from django.db.models.functions import Concat, JSONObject, Replace
from django.utils import timezone

from . import realtime
from .emails import emailed, queue_notification_emails
from .models import Notification, NotificationType


def _hex(path: str) -> Replace:
    """A UUID column as `uuid.hex` prints it: MariaDB's native uuid type reads back with dashes,
    MySQL's char(32) has none to remove."""
    return Replace(F(path), Value("-"), Value(""), output_field=CharField())


def _dedupe_key(stage: str, competition: str, user: str) -> Concat:
    """The key f"{stage}:{competition_id.hex}:{user_id.hex}", per row, in SQL."""
    return Concat(Value(f"{stage}:"), _hex(competition), Value(":"), _hex(user), output_field=CharField())


class _NewUUID(Func):
    """A new UUID per row, in the form Notification.id is stored: MariaDB's native uuid column
    takes UUID() as it is, MySQL's char(32) 32 hex digits."""

    output_field = UUIDField()

    def as_sql(self, compiler, connection, **extra_context):
        if Notification._meta.pk.db_type(connection) == "uuid":
            return "UUID()", []
        return "REPLACE(UUID(), '-', '')", []


def fan_out(rows: QuerySet, *, deduplicate: bool = False, **columns: Any) -> int:
    """Creates one Notification per row of `rows` in one statement; returns how many.

    `columns` maps Notification fields (by attname) to an expression over `rows`
    (`F("freelancer_id")`, a `JSONObject` of params) or a constant. Fields left out get their
    default; `created_at` is one timestamp for the batch. The statement is

        INSERT [IGNORE] INTO notifications_notification (id, <columns>)
        SELECT UUID(), <expressions> FROM <rows' tables> WHERE <rows' filters>

    with everything after INSERT compiled by Django (values are parameters). `deduplicate`
    skips rows whose dedupe_key exists (INSERT IGNORE). Written on the notifications' write
    database, never a replica.
    """
    fields = {field.attname: field for field in Notification._meta.concrete_fields if not field.primary_key}
    unknown = set(columns) - set(fields)
    if unknown:
        raise TypeError(f"Notification has no field(s) {sorted(unknown)}")
    values: dict[str, Any] = {"id": _NewUUID()}
    now = timezone.now()
    for attname, field in fields.items():
        value = columns.get(attname, now if attname == "created_at" else field.get_default())
        if not hasattr(value, "resolve_expression"):
            value = Value(value, output_field=field)
        values[attname] = value
    database = router.db_for_write(Notification)
    selected = (
        rows.using(database)
        .order_by()
        .annotate(**{f"new_{name}": value for name, value in values.items()})
        .values_list(*(f"new_{name}" for name in values))
    )
    select_sql, params = selected.query.get_compiler(using=database).as_sql()
    connection = connections[database]
    quote = connection.ops.quote_name
    target = ", ".join(quote(Notification._meta.get_field(name).column) for name in values)
    verb = "INSERT IGNORE" if deduplicate else "INSERT"
    with connection.cursor() as cursor:
        cursor.execute(f"{verb} INTO {quote(Notification._meta.db_table)} ({target}) {select_sql}", params)
        inserted = cursor.rowcount
    realtime.push_batch(created_at=now, notification_type=columns["notification_type"], count=inserted)
    if inserted:  # the new rows are those of this type with this batch's created_at
        queue_notification_emails(
            notification_type=columns["notification_type"],
            created_from=columns.get("created_at", now),
            related_competition_id=columns.get("related_competition_id"),
        )
    return inserted


def notify_user(recipient_id, notification_type: str, params: dict[str, Any], **related: Any) -> Notification:
    """The one way to create a single notification: the row (type, ids, params; its words are in
    messages.TEMPLATES), its e-mail queued and its WebSocket push, both after the commit."""
    notification = emailed(
        Notification.objects.create(
            recipient_id=recipient_id, notification_type=notification_type, params=params, **related
        )
    )
    realtime.push_created(notification)
    return notification


class NotificationService:
    @staticmethod
    def notify_proposal_received(competition, proposal) -> Notification:
        """Tells the client a proposal arrived (without naming the freelancer: blind review)."""
        return notify_user(
            competition.client_id,
            NotificationType.PROPOSAL_RECEIVED,
            {"competition": competition.title, "proposal": proposal.title},
            related_competition_id=competition.pk,
            related_proposal_id=proposal.pk,
        )

    @staticmethod
    def notify_proposal_scored(proposal) -> Notification:
        """Tells the freelancer their proposal got a score (the score itself shows once CLOSED)."""
        return notify_user(
            proposal.freelancer_id,
            NotificationType.PROPOSAL_SCORED,
            {"proposal": proposal.title},
            related_competition_id=proposal.competition_id,
            related_proposal_id=proposal.pk,
        )

    @staticmethod
    def notify_winner_selected(competition, winning_proposal, losers: QuerySet) -> int:
        """The winner (one INSERT) and every loser, rows of `losers` (proposals: freelancer_id),
        in one INSERT … SELECT."""
        notify_user(
            winning_proposal.freelancer_id,
            NotificationType.PROPOSAL_ACCEPTED,
            {"competition": competition.title},
            related_competition_id=competition.pk,
            related_proposal_id=winning_proposal.pk,
        )
        return 1 + fan_out(
            losers,
            recipient_id=F("freelancer_id"),
            notification_type=NotificationType.PROPOSAL_REJECTED,
            params={"competition": competition.title},
            related_competition_id=competition.pk,
            related_proposal_id=F("pk"),
        )

    @staticmethod
    def notify_question_answered(question) -> Notification:
        return notify_user(
            question.asked_by_id,
            NotificationType.QUESTION_ANSWERED,
            {"competition": question.competition.title, "answer": question.answer or ""},
            related_competition_id=question.competition_id,
        )

    @staticmethod
    def notify_competitions_closed(participants: QuerySet, *, submissions_only: bool = False) -> int:
        """Participants (proposals: freelancer_id, competition) of any number of competitions,
        one INSERT … SELECT. `submissions_only` words it as "submissions closed, review
        started" (OPEN -> REVIEW); the dedupe key makes a second run insert nothing."""
        stage = "review" if submissions_only else "closed"
        return fan_out(
            participants,
            deduplicate=True,
            recipient_id=F("freelancer_id"),
            notification_type=NotificationType.COMPETITION_CLOSED,
            params=JSONObject(variant=Value(stage), competition=F("competition__title")),
            related_competition_id=F("competition_id"),
            related_proposal_id=F("pk"),
            dedupe_key=_dedupe_key(stage, "competition_id", "freelancer_id"),
        )

    @staticmethod
    def notify_new_review(review) -> Notification:
        params = {"competition": review.competition.title, "rating": review.rating}
        if review.is_public:
            params.update(variant="public", comment=review.comment)
        else:
            params["variant"] = "private"
        return notify_user(
            review.reviewee_id, NotificationType.NEW_REVIEW, params, related_competition_id=review.competition_id
        )

    @staticmethod
    def notify_competition_opened(competition, bookmarks: QuerySet) -> int:
        """Everyone who bookmarked it: rows of `bookmarks` (user_id), one INSERT … SELECT."""
        return fan_out(
            bookmarks,
            deduplicate=True,
            recipient_id=F("user_id"),
            notification_type=NotificationType.COMPETITION_OPENED,
            params={"competition": competition.title},
            related_competition_id=competition.pk,
            dedupe_key=_dedupe_key("opened", "competition_id", "user_id"),
        )

    @staticmethod
    def notify_deadline_approaching(bookmarks: QuerySet) -> int:
        """Reminds each of `bookmarks` (user_id, competition) at most once: one INSERT … SELECT.

        The unique dedupe key guarantees "at most once" (also for two runs at the same time);
        the NOT EXISTS on it only spares the every-minute rerun an insert attempt per pair
        already reminded.
        """
        already_reminded = Notification.objects.filter(dedupe_key=OuterRef("reminder_key"))
        pending = bookmarks.alias(reminder_key=_dedupe_key("deadline", "competition_id", "user_id")).exclude(
            Exists(already_reminded)
        )
        return fan_out(
            pending,
            deduplicate=True,
            recipient_id=F("user_id"),
            notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING,
            params=JSONObject(competition=F("competition__title"), deadline=F("competition__submission_deadline")),
            related_competition_id=F("competition_id"),
            dedupe_key=F("reminder_key"),
        )
