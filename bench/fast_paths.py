"""Re-measures each hand-written fast path against the generic code it replaces (issue 11, item 5).

Usage: DB_NAME=<a migrated database> python bench/fast_paths.py [-n 2000] [--redis-url redis://127.0.0.1:6379/15]

In process, production-like settings (DEBUG off). For each fast path it times the generic way
(DRF's ModelSerializer, a prefetch query, Django's stock Redis client) and the hand-written way
on the same objects, and prints both medians and the saving per request. Compare the saving with
the endpoint's own in-process time (bench/profile_paths.py) to see whether it moves a goal.
The objects are built once in a transaction that is rolled back at the end.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

os.environ.update(
    DJANGO_DEBUG="False",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    DJANGO_ALLOWED_HOSTS="testserver",
)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django


def timed(fn, n: int) -> float:
    """Median seconds of one call of `fn` over n calls (after a warm-up)."""
    for _ in range(min(n, 50)):
        fn()
    runs = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def report(name: str, generic: float, fast: float) -> None:
    saved = generic - fast
    print(f"| {name} | {generic * 1000:.3f} | {fast * 1000:.3f} | {saved * 1000:.3f} | {generic / fast:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    setup_django()

    from django.core.cache.backends.redis import RedisCache as StockRedisCache
    from django.db import transaction
    from django.db.models import prefetch_related_objects
    from django.test import RequestFactory
    from rest_framework import serializers

    from accounts.models import Role, User
    from competitions.models import Competition, CompetitionStatus
    from freelance_arena.cache import RedisCache
    from notifications.models import Notification, NotificationType
    from notifications.serializers import NotificationSerializer
    from proposals.models import Proposal, ProposalAttachment
    from proposals.serializers import ProposalDetailSerializer
    from proposals.services import _know_related_rows

    print("| fast path | generic ms | hand-written ms | saved ms / request | ratio |")
    print("|---|---:|---:|---:|---:|")

    # 1. The notification list: a page of 20 rendered by DRF vs by hand.
    page = [
        Notification(
            recipient_id=1,
            notification_type=NotificationType.COMPETITION_OPENED,
            params={"competition": f"Competition {i}"},
        )
        for i in range(20)
    ]

    class GenericNotificationSerializer(NotificationSerializer):
        to_representation = serializers.ModelSerializer.to_representation

    def generic_notifications():
        for n in page:
            n.__dict__.pop("_text", None)
        return GenericNotificationSerializer(page, many=True).data

    def fast_notifications():
        for n in page:
            n.__dict__.pop("_text", None)
        return NotificationSerializer(page, many=True).data

    report("notifications page (20 rows)", timed(generic_notifications, args.n), timed(fast_notifications, args.n))

    with transaction.atomic():
        client = User.objects.create(
            username=f"fp-c-{secrets.token_hex(3)}", email=f"{secrets.token_hex(4)}@c.test", role=Role.CLIENT
        )
        freelancer = User.objects.create(
            username=f"fp-f-{secrets.token_hex(3)}", email=f"{secrets.token_hex(4)}@f.test", role=Role.FREELANCER
        )
        from django.utils import timezone

        competition = Competition.objects.create(
            client=client,
            title="Fast paths",
            description="d",
            requirements="r",
            budget=Decimal("500.00"),
            deadline=timezone.now() + timezone.timedelta(days=30),
            submission_deadline=timezone.now() + timezone.timedelta(days=20),
            status=CompetitionStatus.OPEN,
        )
        proposal = Proposal.objects.create(
            competition=competition,
            freelancer=freelancer,
            title="Entry",
            description="Work",
            proposed_budget=Decimal("400.00"),
            estimated_duration=5,
        )
        attachments = [
            ProposalAttachment.objects.create(
                proposal=proposal, file=f"x/{i}.pdf", original_filename=f"{i}.pdf", file_size=10, file_type="pdf"
            )
            for i in range(2)
        ]
        request = RequestFactory().get("/api/proposals/")
        request.user = freelancer

        # 2. A proposal detail (every proposal write answers with it): DRF vs by hand.
        _know_related_rows(proposal, attachments=attachments, revisions=[])

        def generic_detail():  # a new serializer per request, as a view makes one
            serializer = ProposalDetailSerializer(context={"request": request})
            return serializer.blind(serializers.ModelSerializer.to_representation(serializer, proposal), proposal)

        def fast_detail():
            return ProposalDetailSerializer(proposal, context={"request": request}).data

        report("proposal detail serializer", timed(generic_detail, args.n), timed(fast_detail, args.n))

        # 3. After a submit: the related rows read back (2 SELECTs) vs known from the transaction.
        def prefetched():
            proposal.__dict__.pop("_prefetched_objects_cache", None)
            prefetch_related_objects([proposal], "attachments", "revisions")

        def primed():
            proposal.__dict__.pop("_prefetched_objects_cache", None)
            _know_related_rows(proposal, attachments=attachments, revisions=[])

        report("submit: attachments + revisions of the new proposal", timed(prefetched, args.n), timed(primed, args.n))
        transaction.set_rollback(True)

    # 4. The cache client every request uses (throttle counters, the list's generation).
    prefix = f"fast-paths-{secrets.token_hex(4)}"
    stock = StockRedisCache(args.redis_url, {"KEY_PREFIX": prefix})
    ours = RedisCache(args.redis_url, {"KEY_PREFIX": prefix})
    stock.set("k", 1)
    report("cache.get (one key)", timed(lambda: stock.get("k"), args.n), timed(lambda: ours.get("k"), args.n))
    report("cache.incr (existing key)", timed(lambda: stock.incr("k"), args.n), timed(lambda: ours.incr("k"), args.n))
    stock.delete("k")


if __name__ == "__main__":
    main()
