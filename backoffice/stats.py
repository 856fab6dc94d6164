"""Public platform statistics (GET /api/stats/): a few aggregates, cached for everyone."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q, Sum

from accounts.models import Role, User
from competitions.models import Competition
from feedback.models import Review, ReviewType
from payments.models import PaymentRecord, PaymentStatus

CACHE_KEY = "backoffice:stats:v1"
CENT = Decimal("0.01")


def compute() -> dict[str, Any]:
    """Four queries whatever the data size."""
    people = User.objects.filter(is_active=True).aggregate(
        freelancers=Count("pk", filter=Q(role=Role.FREELANCER)),
        clients=Count("pk", filter=Q(role=Role.CLIENT)),
    )
    paid = (
        PaymentRecord.objects.filter(status=PaymentStatus.COMPLETED)
        .order_by("currency")
        .values_list("currency")
        .annotate(total=Sum("amount"))
    )
    rating = Review.objects.filter(is_public=True, review_type=ReviewType.CLIENT_TO_FREELANCER).aggregate(
        average=Avg("rating"), total=Count("pk")
    )
    average = rating["average"]
    return {
        "open_competitions": Competition.objects.listed().count(),
        "prize_money_paid_out": [
            {"currency": currency, "amount": str(total.quantize(CENT, ROUND_HALF_UP))} for currency, total in paid
        ],
        "freelancers": people["freelancers"],
        "clients": people["clients"],
        "average_rating": str(Decimal(str(average)).quantize(CENT, ROUND_HALF_UP)) if average is not None else None,
        "total_reviews": rating["total"],
    }


def platform_stats() -> dict[str, Any]:
    """The figures, from the cache when they are younger than STATS_CACHE_SECONDS."""
    timeout = settings.STATS_CACHE_SECONDS
    if timeout <= 0:
        return compute()
    stats = cache.get(CACHE_KEY)
    if stats is None:
        stats = compute()
        cache.set(CACHE_KEY, stats, timeout)
    return stats
