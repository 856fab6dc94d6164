"""GET /api/stats/: public platform statistics (the landing page's numbers)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from freelance_arena.utils import success_response

from .stats import platform_stats

PlatformStats = inline_serializer(
    "PlatformStats",
    {
        "open_competitions": serializers.IntegerField(),
        "prize_money_paid_out": inline_serializer(
            "PrizeMoney",
            {"currency": serializers.CharField(), "amount": serializers.DecimalField(max_digits=14, decimal_places=2)},
            many=True,
        ),
        "freelancers": serializers.IntegerField(),
        "clients": serializers.IntegerField(),
        "average_rating": serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True),
        "total_reviews": serializers.IntegerField(),
    },
)


class PlatformStatsView(APIView):
    """Anyone; the figures are shared by every visitor and cached STATS_CACHE_SECONDS."""

    permission_classes = [AllowAny]

    @extend_schema(responses=PlatformStats)
    def get(self, request: Request) -> Response:
        return success_response(platform_stats(), "Platform statistics retrieved.")
