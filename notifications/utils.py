"""NotificationService: every notification the platform sends is created here.

Fan-out (one notification per participant, bookmarker or loser) is set-based: one
`INSERT … SELECT` builds every row inside the database from the ORM's own SQL for the recipients
(`_insert_select`), so the number of statements does not depend on the number of recipients and
no Notification object is built in Python. Text that differs per competition (its quoted title,
its deadline) is built in SQL by expressions that mirror `_title`/`_quoted` character for
character; text that is the same for every row is a parameter.

Notifications that must exist at most once carry a `dedupe_key` and are inserted with
INSERT IGNORE, so two overlapping cron runs cannot create the same one twice.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import NotSupportedError, connections, router
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    QuerySet,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Concat, Left, Length, Replace
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from .emails import emailed, queue_notification_emails
from .models import Notification, NotificationType

if TYPE_CHECKING:
    from competitions.models import Competition, CompetitionQuestion
    from feedback.models import Review
    from proposals.models import Proposal

BATCH_SIZE = 1000
TITLE_MAX = 200
QUOTE_LIMIT = 120


def _title(text: str) -> str:
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _quoted(title: str, limit: int = QUOTE_LIMIT) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


# --- The same text, built in SQL ----------------------------------------------------------------


def _quoted_sql(title: str) -> Concat:
    """SQL twin of `_quoted(<the column at path title>)`: CHAR_LENGTH and LEFT count characters
    (utf8mb4 code points), as Python's len() and slicing do."""
    column = F(title)
    shortened = Case(
        When(GreaterThan(Length(column), QUOTE_LIMIT), then=Concat(Left(column, QUOTE_LIMIT - 1), Value("…"))),
        default=column,
        output_field=CharField(),
    )
    return Concat(Value("“"), shortened, Value("”"), output_field=CharField())


def _title_sql(prefix: str, title: str, suffix: str = "") -> Concat:
    """SQL twin of `_title(f"{prefix}{_quoted(title)}{suffix}")`.

    `_quoted` caps the quoted title at QUOTE_LIMIT + 2 characters; with the short fixed words
    around it the whole never reaches TITLE_MAX, so `_title`'s own cut can never apply and is
    not mirrored. Refused outright if a longer wording ever breaks that.
    """
    if len(prefix) + QUOTE_LIMIT + 2 + len(suffix) > TITLE_MAX:
        raise ValueError(f"{prefix!r} … {suffix!r} could exceed {TITLE_MAX} characters: mirror _title() in SQL")
    parts = [Value(prefix)] if prefix else []
    parts.append(_quoted_sql(title))
    if suffix:
        parts.append(Value(suffix))
    return Concat(*parts, output_field=CharField())


def _hex(path: str) -> Replace:
    """A UUID column as `uuid.hex` prints it (32 hex digits): MariaDB's native uuid type reads
    back with dashes, a char(32) column (MySQL, SQLite) has none to remove."""
    return Replace(F(path), Value("-"), Value(""), output_field=CharField())


def _dedupe_key_sql(stage: str, competition: str, user: str) -> Concat:
    """SQL twin of f"{stage}:{competition_id.hex}:{user_id.hex}" (the form every dedupe key has)."""
    return Concat(Value(f"{stage}:"), _hex(competition), Value(":"), _hex(user), output_field=CharField())


class _UTCMinute(Func):
    """A datetime column as f"{value:%Y-%m-%d %H:%M}" prints it; with USE_TZ the database holds
    UTC, as the aware datetime Django reads back is. The format is a parameter."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"No SQL to format a datetime on {connection.vendor}")

    def as_mysql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"DATE_FORMAT({sql}, %s)", [*params, "%Y-%m-%d %H:%i"]

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime(%s, {sql})", ["%Y-%m-%d %H:%M", *params]


class _NewUUID(Func):
    """A new UUID for every row, in the form Django stores Notification.id on this connection:
    MariaDB ≥ 10.7's native uuid column takes UUID() as it is, a char(32) column (MySQL) 32 hex
    digits. UUID() is a time-based (version 1) UUID, unique per row and per server."""

    output_field = UUIDField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"No SQL UUID for Notification.id on {connection.vendor}: use bulk_create")

    def as_mysql(self, compiler, connection, **extra_context):
        if Notification._meta.pk.db_type(connection) == "uuid":
            return "UUID()", []
        return "REPLACE(UUID(), '-', '')", []


# --- One helper for every fan-out ---------------------------------------------------------------


def _set_based(connection) -> bool:
    """Whether this connection takes the INSERT … SELECT of `_insert_select` (MySQL/MariaDB:
    UUID(), INSERT IGNORE); tests turn it off to run the portable path on MySQL too."""
    return connection.vendor == "mysql"


def _insert_select(rows: QuerySet, *, deduplicate: bool = False, **columns: Any) -> int:
    """Creates one Notification per row of `rows` and returns how many were inserted.

    `columns` maps Notification fields (by attname: `recipient_id`, `title`, …) to what each
    row stores: an expression over `rows` (`F("freelancer_id")`, `_title_sql(...)`) or a
    constant (adapted by the field, as save() would). Fields left out get their default;
    `created_at` is one timestamp for the whole batch, stored as auto_now_add would store it.

    On MySQL/MariaDB this is one statement:

        INSERT [IGNORE] INTO notifications_notification (id, <columns>)
        SELECT UUID(), <expressions> FROM <rows' tables> WHERE <rows' filters>

    where everything after INSERT is the SQL and parameters Django compiles for `rows`
    annotated with the expressions (no hand-written SQL but the INSERT line; values are always
    parameters). With `deduplicate`, rows whose dedupe_key already exists are skipped: INSERT
    IGNORE, as bulk_create(ignore_conflicts=True) does on MySQL (it also turns other row errors
    into warnings, e.g. a recipient deleted meanwhile; nothing here can be too long). It runs on
    the database notifications are written to, never a read replica.

    Other backends (SQLite for a quick try) read the same SELECT back and bulk_create it in
    batches: the same rows and text, but a number of statements that grows with them.
    """
    fields = {field.attname: field for field in Notification._meta.concrete_fields if not field.primary_key}
    unknown = set(columns) - set(fields)
    if unknown:
        raise TypeError(f"Notification has no field(s) {sorted(unknown)}")
    now = timezone.now()
    values: dict[str, Any] = {}
    for attname, field in fields.items():
        if attname in columns:
            values[attname] = columns[attname]
        elif attname == "created_at":
            values[attname] = now
        else:
            values[attname] = field.get_default()
    expressions = {name: value for name, value in values.items() if hasattr(value, "resolve_expression")}
    constants = {name: value for name, value in values.items() if name not in expressions}

    database = router.db_for_write(Notification)
    connection = connections[database]
    if not _set_based(connection):
        # Only what differs per row is read back; constants go straight to the model.
        selected = _selected(rows.using(database), expressions)
        inserted = NotificationService.bulk_send(
            (
                Notification(**constants, **dict(zip(expressions, row, strict=True)))
                for row in selected.iterator(chunk_size=BATCH_SIZE)
            ),
            deduplicate=deduplicate,
        )
        if inserted:  # bulk_create stamps created_at itself: the rows lie between now and then
            queue_notification_emails(**_fanout(values, now), created_to=timezone.now())
        return inserted

    columns = {
        "id": _NewUUID(),
        **expressions,
        **{name: Value(value, output_field=fields[name]) for name, value in constants.items()},
    }
    select_sql, params = _selected(rows.using(database), columns).query.get_compiler(using=database).as_sql()
    quote = connection.ops.quote_name
    target = ", ".join(quote(Notification._meta.get_field(name).column) for name in columns)
    verb = "INSERT IGNORE" if deduplicate else "INSERT"
    with connection.cursor() as cursor:
        cursor.execute(f"{verb} INTO {quote(Notification._meta.db_table)} ({target}) {select_sql}", params)
        inserted = cursor.rowcount
    if inserted:
        queue_notification_emails(**_fanout(values, now))
    return inserted


def _fanout(values: dict[str, Any], created_at) -> dict[str, Any]:
    """What identifies the rows of one `_insert_select` for `queue_notification_emails`."""
    return {
        "notification_type": values["notification_type"],
        "related_competition_id": values["related_competition_id"],
        "created_from": created_at,
    }


def _selected(rows: QuerySet, columns: dict[str, Any]) -> QuerySet:
    """`rows` selecting just `columns`, in their order (prefixed: no clash with rows' own fields)."""
    return (
        rows.order_by()
        .annotate(**{f"new_{name}": value for name, value in columns.items()})
        .values_list(*(f"new_{name}" for name in columns))
    )


def _batches(notifications: Iterable[Notification]) -> Iterable[list[Notification]]:
    batch: list[Notification] = []
    for notification in notifications:
        batch.append(notification)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _competitions(competitions: "QuerySet[Competition] | Iterable[Competition]") -> "QuerySet[Competition]":
    """The competitions as a queryset: a queryset stays a subquery; instances become their ids."""
    from competitions.models import Competition

    if isinstance(competitions, QuerySet):
        return competitions
    return Competition.objects.filter(pk__in=[competition.pk for competition in competitions])


class NotificationService:
    @staticmethod
    def bulk_send(notifications: Iterable[Notification], *, deduplicate: bool = False) -> int:
        """Inserts notifications in batches and returns how many were inserted; with
        `deduplicate`, dedupe keys that already exist are skipped (looked up first, so the count
        is exact; ignore_conflicts covers a concurrent insert of the same key). The fallback of
        `_insert_select` on databases other than MySQL/MariaDB."""
        sent = 0
        for batch in _batches(notifications):
            if deduplicate:
                keys = {n.dedupe_key for n in batch if n.dedupe_key is not None}
                taken = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
                batch = [n for n in batch if n.dedupe_key is None or n.dedupe_key not in taken]
            Notification.objects.bulk_create(batch, ignore_conflicts=deduplicate)
            sent += len(batch)
        return sent

    @staticmethod
    def notify_proposal_received(competition: "Competition", proposal: "Proposal") -> Notification:
        """Tells the client a proposal arrived (without naming the freelancer: blind review)."""
        return emailed(
            Notification.objects.create(
                recipient_id=competition.client_id,
                notification_type=NotificationType.PROPOSAL_RECEIVED,
                title=_title(f"New proposal for {_quoted(competition.title)}"),
                message=f"A new proposal, {_quoted(proposal.title)}, was submitted to your competition.",
                related_competition_id=competition.pk,
                related_proposal_id=proposal.pk,
            )
        )

    @staticmethod
    def notify_proposal_scored(proposal: "Proposal") -> Notification:
        """Tells the freelancer their proposal got a score (the score itself shows once CLOSED)."""
        return emailed(
            Notification.objects.create(
                recipient_id=proposal.freelancer_id,
                notification_type=NotificationType.PROPOSAL_SCORED,
                title=_title(f"Your proposal {_quoted(proposal.title)} was reviewed"),
                message="The client reviewed your proposal. Scores and feedback are shown once the competition closes.",
                related_competition_id=proposal.competition_id,
                related_proposal_id=proposal.pk,
            )
        )

    @staticmethod
    def notify_winner_selected(competition: "Competition", winning_proposal: "Proposal") -> int:
        """The winner (one INSERT) and every losing (non-withdrawn) freelancer (one INSERT … SELECT)."""
        from proposals.models import Proposal, ProposalStatus

        emailed(
            Notification.objects.create(
                recipient_id=winning_proposal.freelancer_id,
                notification_type=NotificationType.PROPOSAL_ACCEPTED,
                title=_title(f"You won {_quoted(competition.title)}"),
                message="Your proposal was selected as the winner. Your payment is being prepared.",
                related_competition_id=competition.pk,
                related_proposal_id=winning_proposal.pk,
            )
        )
        losers = (
            Proposal.objects.filter(competition_id=competition.pk)
            .exclude(status=ProposalStatus.WITHDRAWN)
            .exclude(pk=winning_proposal.pk)
        )
        return 1 + _insert_select(
            losers,
            recipient_id=F("freelancer_id"),
            notification_type=NotificationType.PROPOSAL_REJECTED,
            title=_title(f"A winner was selected for {_quoted(competition.title)}"),
            message="Another proposal was selected. The client's feedback is now visible on your proposal.",
            related_competition_id=competition.pk,
            related_proposal_id=F("pk"),
        )

    @staticmethod
    def notify_question_answered(question: "CompetitionQuestion") -> Notification:
        return emailed(
            Notification.objects.create(
                recipient_id=question.asked_by_id,
                notification_type=NotificationType.QUESTION_ANSWERED,
                title=_title(f"Your question on {_quoted(question.competition.title)} was answered"),
                message=question.answer or "",
                related_competition_id=question.competition_id,
            )
        )

    @staticmethod
    def notify_competition_closed(competition: "Competition") -> int:
        """Every freelancer with a non-withdrawn proposal, one INSERT … SELECT."""
        return NotificationService.notify_competitions_closed([competition])

    @staticmethod
    def notify_competitions_closed(
        competitions: "QuerySet[Competition] | Iterable[Competition]", *, submissions_only: bool = False
    ) -> int:
        """Participants of many competitions at once (the cron command's fan-out): one
        INSERT … SELECT over their proposals, whatever the number of competitions.

        `submissions_only` words it as "submissions closed, review started" (OPEN -> REVIEW); the
        dedupe key makes a second run over the same competitions insert nothing.
        """
        from proposals.models import Proposal, ProposalStatus

        stage = "review" if submissions_only else "closed"
        if submissions_only:
            title = _title_sql("Submissions closed for ", "competition__title")
            message = "The submission deadline has passed. The client is now reviewing the proposals."
        else:
            title = _title_sql("", "competition__title", " is closed")
            message = "The competition is closed. Open your proposal to see the client's feedback."
        participants = Proposal.objects.filter(competition__in=_competitions(competitions)).exclude(
            status=ProposalStatus.WITHDRAWN
        )
        return _insert_select(
            participants,
            deduplicate=True,
            recipient_id=F("freelancer_id"),
            notification_type=NotificationType.COMPETITION_CLOSED,
            title=title,
            message=message,
            related_competition_id=F("competition_id"),
            related_proposal_id=F("pk"),
            dedupe_key=_dedupe_key_sql(stage, "competition_id", "freelancer_id"),
        )

    @staticmethod
    def notify_new_review(review: "Review") -> Notification:
        return emailed(
            Notification.objects.create(
                recipient_id=review.reviewee_id,
                notification_type=NotificationType.NEW_REVIEW,
                title=_title(f"New {review.rating}-star review on {_quoted(review.competition.title)}"),
                message=review.comment if review.is_public else "You received a private review.",
                related_competition_id=review.competition_id,
            )
        )

    @staticmethod
    def notify_competition_opened(competition: "Competition") -> int:
        """Everyone who bookmarked the competition, one INSERT … SELECT."""
        from competitions.models import CompetitionBookmark

        return _insert_select(
            CompetitionBookmark.objects.filter(competition_id=competition.pk),
            deduplicate=True,
            recipient_id=F("user_id"),
            notification_type=NotificationType.COMPETITION_OPENED,
            title=_title(f"{_quoted(competition.title)} is open"),
            message="A competition you bookmarked is open for proposals.",
            related_competition_id=competition.pk,
            dedupe_key=_dedupe_key_sql("opened", "competition_id", "user_id"),
        )

    @staticmethod
    def notify_deadline_approaching(competitions: "QuerySet[Competition] | Iterable[Competition]") -> int:
        """Bookmarkers who have not submitted, for each competition, at most once per pair: one
        INSERT … SELECT whatever the number of competitions.

        The unique dedupe key is what guarantees "at most once" (also for two runs at the same
        time); the NOT EXISTS on it only spares the every-minute rerun an insert attempt per
        pair already reminded.
        """
        from competitions.models import CompetitionBookmark
        from proposals.models import Proposal

        already_submitted = Proposal.objects.filter(
            competition_id=OuterRef("competition_id"), freelancer_id=OuterRef("user_id")
        )
        already_reminded = Notification.objects.filter(dedupe_key=OuterRef("reminder_key"))
        pending = (
            CompetitionBookmark.objects.filter(competition__in=_competitions(competitions))
            .alias(reminder_key=_dedupe_key_sql("deadline", "competition_id", "user_id"))
            .exclude(Exists(already_submitted))
            .exclude(Exists(already_reminded))
        )
        return _insert_select(
            pending,
            deduplicate=True,
            recipient_id=F("user_id"),
            notification_type=NotificationType.COMPETITION_DEADLINE_APPROACHING,
            title=_title_sql("Deadline approaching for ", "competition__title"),
            message=Concat(
                Value("Submissions close within 24 hours. Submit your proposal before "),
                _UTCMinute("competition__submission_deadline"),
                Value(" UTC."),
                output_field=CharField(),
            ),
            related_competition_id=F("competition_id"),
            dedupe_key=F("reminder_key"),
        )
