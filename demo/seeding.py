"""Realistic demo data, written fast (`manage.py seed_demo --size tiny|small|large`).

Rows are built as model instances in Python and written with bulk_create in batches of 5,000,
one transaction per chunk. Primary keys are random UUIDs generated up front and handed out in
ascending order, so InnoDB appends to its clustered index instead of splitting random pages
(that alone keeps the large set loading in minutes with a small buffer pool). Bulk inserts send
no domain events on purpose (seeding must not fan out notifications), so the seed drops the
cached pages of the public list itself.

The data depends only on `--seed`: every random choice comes from one `random.Random`, in a
fixed order (the benchmark figures in bench/RESULTS.md rely on it; change the order of the rng
calls and the large set is a different one).
"""

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from math import gcd
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Role, User
from competitions import list_cache
from competitions.models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus
from demo.vocabulary import (
    ACTIONS,
    ADJECTIVES,
    CATEGORIES,
    FIRST_NAMES,
    LAST_NAMES,
    SKILLS,
    TECH,
    THINGS,
    make_proposal_text,
    make_text,
    make_title,
)
from feedback.models import Review, ReviewType, UserRating
from notifications.models import Notification, NotificationPreference, NotificationType
from payments.models import PaymentRecord, PaymentStatus, platform_fee_for
from proposals.models import Proposal, ProposalAttachment, ProposalRevision, ProposalStatus

DEMO_PASSWORD = "demo-password-123"
DEMO_DOMAIN = "demo.test"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
HEAVY_EMAIL = f"heavy@{DEMO_DOMAIN}"
# Fixed id of the REVIEW competition with many proposals (the select-winner benchmark).
SELECT_WINNER_COMPETITION_ID = uuid.UUID("5e1ec7a1-0000-4000-8000-000000005000")
BATCH_SIZE = 5000
CHUNK = 50_000  # instances built in memory before one bulk_create (10 batches, one transaction)


@dataclass(frozen=True)
class Size:
    clients: int
    freelancers: int
    competitions: int
    proposals: int
    notifications: int
    heavy_notifications: int  # of the heavy user alone (the notification benchmark)
    select_winner_proposals: int  # on the select-winner competition
    questions: int
    bookmarks: int


SIZES = {
    # The test size (demo/tests/test_seed_demo.py): the same code path as `large`.
    "tiny": Size(
        clients=4,
        freelancers=15,
        competitions=40,
        proposals=160,
        notifications=150,
        heavy_notifications=20,
        select_winner_proposals=10,
        questions=30,
        bookmarks=40,
    ),
    # Frontend work.
    "small": Size(
        clients=20,
        freelancers=100,
        competitions=300,
        proposals=2_000,
        notifications=2_000,
        heavy_notifications=100,
        select_winner_proposals=60,
        questions=300,
        bookmarks=500,
    ),
    # The benchmark: 10,000+ users, 100,000 competitions, 1,000,000 proposals and notifications.
    "large": Size(
        clients=2_000,
        freelancers=8_000,
        competitions=100_000,
        proposals=1_000_000,
        notifications=1_000_000,
        heavy_notifications=1_000,
        select_winner_proposals=5_000,
        questions=50_000,
        bookmarks=100_000,
    ),
}

# Share of competitions per status (every status present, mostly OPEN and CLOSED). The public
# list shows OPEN only: at 100,000 competitions, 56 % OPEN leaves a page at offset >= 50,000.
STATUS_SHARES: dict[str, float] = {
    CompetitionStatus.OPEN: 0.56,
    CompetitionStatus.CLOSED: 0.28,
    CompetitionStatus.REVIEW: 0.06,
    CompetitionStatus.DRAFT: 0.05,
    CompetitionStatus.CANCELLED: 0.05,
}


# --- What one step of the seed hands to the next -----------------------------------------------


class SeededCompetition(NamedTuple):
    """A seeded competition, as the later steps (proposals, questions, reviews...) need it."""

    id: uuid.UUID
    status: str
    client_id: uuid.UUID
    published_at: datetime | None
    submission_deadline: datetime
    max_proposals: int | None
    budget: Decimal
    currency: str


class WinningBid(NamedTuple):
    """The accepted proposal of a CLOSED competition: its review and its payment follow from it."""

    proposal_id: uuid.UUID
    freelancer_id: uuid.UUID
    amount: Decimal


class SampledProposal(NamedTuple):
    """A proposal that seeded notifications may point at (no proposal: the select-winner one)."""

    proposal_id: uuid.UUID | None
    competition_id: uuid.UUID
    freelancer_id: uuid.UUID | None
    client_id: uuid.UUID | None


class StepTiming(NamedTuple):
    label: str
    seconds: float
    rows: int


# --- Helpers -----------------------------------------------------------------------------------


class SortedIds:
    """Random UUID4s handed out in ascending order: InnoDB appends instead of splitting pages."""

    def __init__(self, count: int) -> None:
        self._ids = sorted((uuid.uuid4() for _ in range(count)), key=lambda u: u.hex)
        self._next = 0

    def take(self) -> uuid.UUID:
        value = self._ids[self._next]
        self._next += 1
        return value


@contextmanager
def explicit_timestamps(*fields: tuple[type[models.Model], str]) -> Iterator[None]:
    """Lets bulk_create keep the created_at/updated_at we set (auto_now* would overwrite them)."""
    saved = []
    for model, name in fields:
        field = model._meta.get_field(name)
        saved.append((field, field.auto_now, field.auto_now_add))
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def bulk_insert(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """bulk_create in chunks of CHUNK instances (one transaction each), batches of BATCH_SIZE."""
    total = 0
    chunk: list[models.Model] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            with transaction.atomic():
                model.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
            total += len(chunk)
            chunk = []
    if chunk:
        with transaction.atomic():
            model.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
        total += len(chunk)
    return total


def money(rng: random.Random, low: int, high: int, step: int = 50) -> Decimal:
    return Decimal(rng.randrange(low, high, step)).quantize(Decimal("0.01"))


def distribute(rng: random.Random, total: int, minimums: list[int], caps: list[int]) -> list[int]:
    """Splits `total` into len(caps) counts with a long tail, each within [minimum, cap]."""
    counts = list(minimums)
    remaining = total - sum(counts)
    if remaining <= 0:
        return counts
    weights = [rng.expovariate(1.0) for _ in caps]
    scale = remaining / sum(weights)
    for i, weight in enumerate(weights):
        extra = min(int(weight * scale), caps[i] - counts[i])
        counts[i] += extra
        remaining -= extra
    open_slots = [i for i in range(len(caps)) if counts[i] < caps[i]]
    while remaining > 0 and open_slots:
        j = rng.randrange(len(open_slots))
        i = open_slots[j]
        counts[i] += 1
        remaining -= 1
        if counts[i] >= caps[i]:
            open_slots[j] = open_slots[-1]
            open_slots.pop()
    return counts


def distinct_picks(rng: random.Random, population: int, k: int) -> Iterator[int]:
    """k distinct indexes out of range(population) in O(k): a random start and a coprime stride."""
    start = rng.randrange(population)
    stride = rng.randrange(1, population) if population > 1 else 1
    while gcd(stride, population) != 1:
        stride = rng.randrange(1, population)
    for j in range(k):
        yield (start + j * stride) % population


def demo_data_present() -> bool:
    return User.objects.filter(email=ADMIN_EMAIL).exists()


def flush_demo_tables(write: Callable[[str], None]) -> None:
    """Empties every table the seed fills (and the ones pointing at users) with TRUNCATE."""
    from django.contrib.admin.models import LogEntry
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    tables = [
        m._meta.db_table
        for m in (
            Notification,
            NotificationPreference,
            PaymentRecord,
            Review,
            UserRating,
            ProposalAttachment,
            ProposalRevision,
            Proposal,
            CompetitionBookmark,
            CompetitionQuestion,
            Competition,
            BlacklistedToken,
            OutstandingToken,
            LogEntry,
        )
    ]
    tables += [User.groups.through._meta.db_table, User.user_permissions.through._meta.db_table, User._meta.db_table]
    with connection.cursor() as cursor:
        # TRUNCATE refuses tables referenced by foreign keys unless checks are off; only this
        # session's checks, restored in `finally`, and every referencing table is emptied too.
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        try:
            for table in tables:
                cursor.execute(f"TRUNCATE TABLE {connection.ops.quote_name(table)}")
        finally:
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
    write(f"   truncated {len(tables)} tables")


# Fields whose auto_now/auto_now_add would overwrite the past dates the seed sets.
TIMESTAMPED_FIELDS = [
    (User, "date_joined"),
    (Competition, "created_at"),
    (Competition, "updated_at"),
    (Proposal, "created_at"),
    (Proposal, "updated_at"),
    (CompetitionQuestion, "created_at"),
    (CompetitionBookmark, "created_at"),
    (Review, "created_at"),
    (UserRating, "updated_at"),
    (Notification, "created_at"),
    (PaymentRecord, "created_at"),
    (PaymentRecord, "updated_at"),
]


# --- The seed ----------------------------------------------------------------------------------


class DemoSeeder:
    """One run of the seed: each step writes one kind of row and keeps what the next ones need."""

    def __init__(self, size: Size, *, seed: int, write: Callable[[str], None]) -> None:
        self.size = size
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.now = timezone.now()
        self.write = write
        self.timings: list[StepTiming] = []

    def run(self, *, flush: bool) -> None:
        size = self.size
        if flush:
            self._timed("flush", lambda: flush_demo_tables(self.write) or 0)
        with explicit_timestamps(*TIMESTAMPED_FIELDS):
            self._timed("users", lambda: self.seed_users(size))
            self._timed("competitions", lambda: self.seed_competitions(size))
            self._timed("proposals", lambda: self.seed_proposals(size))
            self._timed("winners", self.link_winners)
            self._timed("questions", lambda: self.seed_questions(size))
            self._timed("bookmarks", lambda: self.seed_bookmarks(size))
            self._timed("reviews+ratings", self.seed_reviews)
            self._timed("payments", self.seed_payments)
            self._timed("notifications", lambda: self.seed_notifications(size))
        # Bulk inserts and TRUNCATE send no events, so nothing invalidated the cached pages of
        # the public list: drop them here, or visitors could see the data this replaced.
        list_cache.invalidate()

    def _timed(self, label: str, step: Callable[[], int]) -> None:
        started = time.monotonic()
        self.write(f">> {label} ...")
        rows = step() or 0
        elapsed = time.monotonic() - started
        self.timings.append(StepTiming(label, elapsed, rows))
        rate = f", {rows / elapsed:,.0f} rows/s" if rows and elapsed > 0 else ""
        self.write(f"   {label}: {rows:,} rows in {elapsed:.1f} s{rate}")

    def _past(self, max_days: float, min_days: float = 0) -> datetime:
        return self.now - timedelta(seconds=self.rng.uniform(min_days * 86400, max_days * 86400))

    # Users ------------------------------------------------------------------------------------

    def seed_users(self, size: Size) -> int:
        rng = self.rng
        password = make_password(DEMO_PASSWORD)  # hashed once, reused by every demo user
        ids = SortedIds(size.clients + size.freelancers + 2)
        users: list[User] = []

        def person(email: str, username: str, role: str, **extra) -> User:
            return User(
                id=ids.take(),
                email=email,
                username=username,
                password=password,
                role=role,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                date_joined=self._past(900, 120),
                email_verified=rng.random() < 0.7,
                **extra,
            )

        users.append(person(ADMIN_EMAIL, "admin", Role.ADMIN, is_staff=True, is_superuser=True))
        for i in range(size.clients):
            users.append(person(f"client{i}@{DEMO_DOMAIN}", f"client{i}", Role.CLIENT, bio=make_text(rng, 1)))
        for i in range(size.freelancers):
            users.append(
                person(
                    f"freelancer{i}@{DEMO_DOMAIN}",
                    f"freelancer{i}",
                    Role.FREELANCER,
                    bio=make_text(rng, 2),
                    skills=", ".join(rng.sample(SKILLS, rng.randint(2, 5))),
                    hourly_rate=money(rng, 15, 160, 5),
                )
            )
        # The heavy user: exactly `heavy_notifications` notifications (notification benchmark).
        users.append(person(HEAVY_EMAIL, "heavy", Role.FREELANCER, skills="python, django"))
        self.admin = users[0]
        self.clients: list[uuid.UUID] = [u.id for u in users[1 : 1 + size.clients]]
        first_freelancer = 1 + size.clients
        self.freelancers: list[uuid.UUID] = [
            u.id for u in users[first_freelancer : first_freelancer + size.freelancers]
        ]
        self.heavy = users[-1]
        self.all_users: list[uuid.UUID] = [u.id for u in users]
        return bulk_insert(User, users)

    # Competitions -----------------------------------------------------------------------------

    def _status_list(self, total: int) -> list[str]:
        statuses: list[str] = []
        for status, share in STATUS_SHARES.items():
            statuses += [status] * max(1, round(total * share))
        statuses = statuses[:total] if len(statuses) >= total else statuses
        while len(statuses) < total:
            statuses.append(CompetitionStatus.OPEN)
        self.rng.shuffle(statuses)
        return statuses

    def _competition(self, cid: uuid.UUID, status: str) -> Competition:
        rng, now = self.rng, self.now
        day = timedelta(days=1)
        if status == CompetitionStatus.DRAFT:
            created = self._past(30)
            submission = now + rng.uniform(5, 60) * day
        elif status == CompetitionStatus.OPEN:
            created = self._past(90)
            # Every open competition is still before its submission deadline, at least two days
            # ahead, so the cron benchmark's "due" competitions are exactly the ones it creates.
            submission = now + rng.uniform(2, 60) * day
        elif status == CompetitionStatus.REVIEW:
            created = self._past(120, 25)
            submission = now - rng.uniform(1, 20) * day
        else:  # CLOSED, CANCELLED
            created = self._past(720, 60)
            submission = created + rng.uniform(7, 50) * day
        published = None if status == CompetitionStatus.DRAFT else created + rng.uniform(0, 1) * day
        if published is not None and published > now:
            published = now
        deadline = submission + rng.uniform(1, 30) * day
        limited = rng.random() < 0.1
        tags = rng.sample(TECH, rng.randint(1, 4))
        return Competition(
            id=cid,
            client_id=rng.choice(self.clients),
            title=make_title(rng),
            description=make_text(rng, rng.randint(3, 6)),
            requirements=make_text(rng, rng.randint(1, 3)),
            budget=money(rng, 100, 20_000),
            currency=rng.choice(("USD", "USD", "USD", "EUR", "GBP")),
            deadline=deadline,
            submission_deadline=submission,
            status=status,
            category=rng.choice(CATEGORIES),
            tags=",".join(tags),
            max_proposals=rng.randint(5, 40) if limited else None,
            allow_questions=rng.random() < 0.85,
            created_at=created,
            updated_at=max(created, published or created),
            published_at=published,
        )

    def seed_competitions(self, size: Size) -> int:
        statuses = self._status_list(size.competitions - 1)
        ids = SortedIds(len(statuses))
        # Every competition but the select-winner one (`self.special`, kept apart).
        self.competitions: list[SeededCompetition] = []

        def rows() -> Iterator[Competition]:
            special = self._competition(SELECT_WINNER_COMPETITION_ID, CompetitionStatus.REVIEW)
            special.title = "Redesign our flagship marketplace checkout with react (select-winner benchmark)"
            special.max_proposals = None
            special.client_id = self.clients[0]
            self.special = special
            yield special
            for status in statuses:
                competition = self._competition(ids.take(), status)
                self.competitions.append(
                    SeededCompetition(
                        id=competition.id,
                        status=status,
                        client_id=competition.client_id,
                        published_at=competition.published_at,
                        submission_deadline=competition.submission_deadline,
                        max_proposals=competition.max_proposals,
                        budget=competition.budget,
                        currency=competition.currency,
                    )
                )
                yield competition

        return bulk_insert(Competition, rows())

    # Proposals --------------------------------------------------------------------------------

    def seed_proposals(self, size: Size) -> int:
        rng, now = self.rng, self.now
        eligible = [c for c in self.competitions if c.status != CompetitionStatus.DRAFT]
        freelancers = self.freelancers
        n_free = len(freelancers)
        special_count = min(size.select_winner_proposals, n_free)
        minimums = [1 if c.status == CompetitionStatus.CLOSED else 0 for c in eligible]
        caps = [min(n_free, c.max_proposals if c.max_proposals else 400) for c in eligible]
        counts = distribute(rng, size.proposals - special_count, minimums, caps)
        ids = SortedIds(sum(counts) + special_count)
        texts = [make_proposal_text(rng) for _ in range(min(5000, max(50, size.proposals // 20)))]
        self.winners: dict[uuid.UUID, WinningBid] = {}  # by competition id
        self.proposal_sample: list[SampledProposal] = []  # what seeded notifications point at

        def one(cid, freelancer, status, created, budget, score=None, winner=False) -> Proposal:
            return Proposal(
                id=ids.take(),
                competition_id=cid,
                freelancer_id=freelancer,
                title=f"{rng.choice(ACTIONS)} plan: {rng.choice(ADJECTIVES)} {rng.choice(THINGS)}",
                description=rng.choice(texts),
                proposed_budget=budget,
                estimated_duration=rng.randint(3, 90),
                status=status,
                submission_note="",
                created_at=created,
                updated_at=created,
                client_score=score,
                client_note=("Solid plan." if score else None),
                is_winner=winner,
            )

        def rows() -> Iterator[Proposal]:
            special = self.special
            for index in distinct_picks(rng, n_free, special_count):
                created = special.published_at + (special.submission_deadline - special.published_at) * rng.random()
                status = ProposalStatus.UNDER_REVIEW if rng.random() < 0.2 else ProposalStatus.SUBMITTED
                score = rng.randint(1, 5) if status == ProposalStatus.UNDER_REVIEW else None
                yield one(special.id, freelancers[index], status, created, money(rng, 500, 15_000), score)
            for competition, count in zip(eligible, counts, strict=True):
                if not count:
                    continue
                published, budget = competition.published_at, competition.budget
                window_end = min(competition.submission_deadline, now)
                closed = competition.status == CompetitionStatus.CLOSED
                winner_at = rng.randrange(count) if closed else -1
                for position, index in enumerate(distinct_picks(rng, n_free, count)):
                    freelancer = freelancers[index]
                    created = published + (window_end - published) * rng.random()
                    low = max(50, int(budget) // 2)
                    bid = money(rng, low, max(low + 50, int(budget) + int(budget) // 5 + 50))
                    roll = rng.random()
                    score = None
                    winner = False
                    if position == winner_at:
                        state, winner, score = ProposalStatus.ACCEPTED, True, rng.randint(3, 5)
                    elif roll < 0.1:
                        state = ProposalStatus.WITHDRAWN
                    elif closed:
                        state, score = ProposalStatus.REJECTED, (rng.randint(1, 5) if roll < 0.5 else None)
                    elif competition.status in (CompetitionStatus.OPEN, CompetitionStatus.REVIEW) and roll < 0.25:
                        state, score = ProposalStatus.UNDER_REVIEW, rng.randint(1, 5)
                    else:
                        state = ProposalStatus.SUBMITTED
                    proposal = one(competition.id, freelancer, state, created, bid, score, winner)
                    if winner:
                        self.winners[competition.id] = WinningBid(proposal.id, freelancer, bid)
                    if len(self.proposal_sample) < 200_000 and rng.random() < 0.2:
                        self.proposal_sample.append(
                            SampledProposal(proposal.id, competition.id, freelancer, competition.client_id)
                        )
                    yield proposal

        return bulk_insert(Proposal, rows())

    def link_winners(self) -> int:
        """Points each CLOSED competition at its accepted proposal: bulk UPDATEs by primary key."""
        closed = [
            Competition(id=cid, winner_id=bid.freelancer_id, winning_proposal_id=bid.proposal_id)
            for cid, bid in self.winners.items()
        ]
        with transaction.atomic():
            Competition.objects.bulk_update(closed, ["winner", "winning_proposal"], batch_size=100)
        return len(closed)

    # Questions, bookmarks, reviews, payments ---------------------------------------------------

    def _published(self) -> list[SeededCompetition]:
        return [c for c in self.competitions if c.published_at is not None]

    def _with_a_winner(self) -> list[SeededCompetition]:
        return [c for c in self.competitions if c.id in self.winners]

    def seed_questions(self, size: Size) -> int:
        rng = self.rng
        published = self._published()
        ids = SortedIds(size.questions)

        def rows() -> Iterator[CompetitionQuestion]:
            for _ in range(size.questions):
                competition = rng.choice(published)
                asked = competition.published_at + (self.now - competition.published_at) * rng.random() * 0.5
                answered = rng.random() < 0.6
                yield CompetitionQuestion(
                    id=ids.take(),
                    competition_id=competition.id,
                    asked_by_id=rng.choice(self.freelancers),
                    question=f"Is {rng.choice(TECH)} acceptable for the {rng.choice(THINGS)}?",
                    answer=(make_text(rng, 1) if answered else None),
                    answered_at=(asked + timedelta(hours=rng.uniform(1, 48)) if answered else None),
                    answered_by_id=(competition.client_id if answered else None),
                    is_public=rng.random() < 0.8,
                    created_at=asked,
                )

        return bulk_insert(CompetitionQuestion, rows())

    def seed_bookmarks(self, size: Size) -> int:
        rng = self.rng
        published = self._published()
        pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()  # (competition id, user id)
        attempts = 0
        while len(pairs) < size.bookmarks and attempts < size.bookmarks * 3:
            attempts += 1
            pairs.add((rng.choice(published).id, rng.choice(self.freelancers)))
        ids = SortedIds(len(pairs))
        return bulk_insert(
            CompetitionBookmark,
            (
                CompetitionBookmark(id=ids.take(), competition_id=cid, user_id=user, created_at=self._past(60))
                for cid, user in sorted(pairs, key=lambda p: p[0].hex)
            ),
        )

    def seed_reviews(self) -> int:
        rng = self.rng
        reviews: list[Review] = []
        for competition in self._with_a_winner():
            client, freelancer = competition.client_id, self.winners[competition.id].freelancer_id
            created = self._past(50)
            if rng.random() < 0.6:
                reviews.append(
                    self._review(client, freelancer, competition.id, ReviewType.CLIENT_TO_FREELANCER, created)
                )
            if rng.random() < 0.4:
                reviews.append(
                    self._review(freelancer, client, competition.id, ReviewType.FREELANCER_TO_CLIENT, created)
                )
        ids = SortedIds(len(reviews))
        for review in sorted(reviews, key=lambda r: r.created_at):
            review.id = ids.take()
        written = bulk_insert(Review, reviews)
        # UserRating from the public reviews, aggregated by the database in one query.
        totals = (
            Review.objects.filter(is_public=True)
            .values("reviewee_id")
            .annotate(average=models.Avg("rating"), total=models.Count("id"))
        )
        ratings = [
            UserRating(
                user_id=row["reviewee_id"],
                average_rating=Decimal(str(row["average"])).quantize(Decimal("0.01")),
                total_reviews=row["total"],
                updated_at=self.now,
            )
            for row in totals
        ]
        return written + bulk_insert(UserRating, ratings)

    def _review(self, reviewer, reviewee, cid, review_type, created) -> Review:
        rating = self.rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 3, 6, 8))[0]
        return Review(
            reviewer_id=reviewer,
            reviewee_id=reviewee,
            competition_id=cid,
            rating=rating,
            comment=make_text(self.rng, 1),
            review_type=review_type,
            is_public=self.rng.random() < 0.9,
            created_at=created,
        )

    def seed_payments(self) -> int:
        rng = self.rng
        closed = self._with_a_winner()
        ids = SortedIds(len(closed))

        def rows() -> Iterator[PaymentRecord]:
            for competition in closed:
                bid = self.winners[competition.id]
                status = rng.choices(
                    (PaymentStatus.COMPLETED, PaymentStatus.PENDING, PaymentStatus.PROCESSING, PaymentStatus.FAILED),
                    weights=(70, 15, 10, 5),
                )[0]
                created = min(competition.submission_deadline + timedelta(days=rng.uniform(1, 20)), self.now)
                fee = platform_fee_for(bid.amount)
                completed = status == PaymentStatus.COMPLETED
                yield PaymentRecord(
                    id=ids.take(),
                    competition_id=competition.id,
                    client_id=competition.client_id,
                    freelancer_id=bid.freelancer_id,
                    amount=bid.amount,
                    currency=competition.currency,
                    status=status,
                    platform_fee=fee,
                    net_amount=bid.amount - fee,
                    created_at=created,
                    updated_at=created,
                    completed_at=(created + timedelta(days=2) if completed else None),
                    transaction_reference=(f"TX-{uuid.uuid4().hex[:20].upper()}" if completed else None),
                )

        return bulk_insert(PaymentRecord, rows())

    # Notifications ----------------------------------------------------------------------------

    def seed_notifications(self, size: Size) -> int:
        rng = self.rng
        others = [u for u in self.all_users if u != self.heavy.id]
        per_user = dict.fromkeys(others, 0)
        for _ in range(size.notifications - size.heavy_notifications):
            per_user[others[rng.randrange(len(others))]] += 1
        per_user[self.heavy.id] = size.heavy_notifications
        ids = SortedIds(size.notifications)
        sample = self.proposal_sample or [SampledProposal(None, self.special.id, None, None)]
        types = list(NotificationType)

        def rows() -> Iterator[Notification]:
            # Grouped by recipient (ids ascending): the (recipient, created_at) index grows in order.
            for recipient in sorted(per_user, key=lambda u: u.hex):
                for _ in range(per_user[recipient]):
                    about = sample[rng.randrange(len(sample))]
                    kind = rng.choice(types)
                    created = self._past(180)
                    read = rng.random() < 0.6
                    heading = f"{kind.label}: {rng.choice(ADJECTIVES)} {rng.choice(THINGS)}"
                    yield Notification(
                        id=ids.take(),
                        recipient_id=recipient,
                        notification_type=kind,
                        params={"text": [heading, make_text(rng, 1)]},
                        is_read=read,
                        read_at=(created + timedelta(hours=rng.uniform(0, 72)) if read else None),
                        related_competition_id=about.competition_id,
                        related_proposal_id=about.proposal_id,
                        created_at=created,
                    )

        return bulk_insert(Notification, rows())

    # Report -----------------------------------------------------------------------------------

    def rows_written(self) -> int:
        return sum(step.rows for step in self.timings)

    def summary(self) -> list[str]:
        """What was seeded and how to log in (after the first line, which the command styles)."""
        counts = dict.fromkeys(STATUS_SHARES, 0)
        for competition in self.competitions:
            counts[competition.status] += 1
        counts[CompetitionStatus.REVIEW] += 1  # the select-winner competition
        last = len(self.freelancers) - 1
        return [
            "   competitions by status: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()),
            f"Demo credentials (password for every demo user: {DEMO_PASSWORD}):",
            f"   admin:      {ADMIN_EMAIL}",
            f"   client:     client0@{DEMO_DOMAIN} … client{len(self.clients) - 1}@{DEMO_DOMAIN}",
            f"   freelancer: freelancer0@{DEMO_DOMAIN} … freelancer{last}@{DEMO_DOMAIN}",
            f"   heavy user (notifications benchmark): {HEAVY_EMAIL} id={self.heavy.id}",
            f"   select-winner competition (REVIEW, owner client0@{DEMO_DOMAIN}): id={SELECT_WINNER_COMPETITION_ID}",
        ]
