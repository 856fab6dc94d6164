"""Output shapes of the money endpoints (fundings, escrow, payout accounts, the ledger)."""

from rest_framework import serializers

from .ledger import LedgerEntry, LedgerTransaction
from .models import Funding, PayoutAccount


class FundingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funding
        fields = [
            "id",
            "competition",
            "provider",
            "status",
            "amount",
            "currency",
            "client_secret",
            "created_at",
            "succeeded_at",
        ]
        read_only_fields = fields


class FundingSummarySerializer(serializers.Serializer):
    """`funding` in CompetitionDetail."""

    status = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    funded_at = serializers.DateTimeField(allow_null=True)


class EscrowSerializer(serializers.Serializer):
    funded = serializers.DecimalField(max_digits=12, decimal_places=2)
    released = serializers.DecimalField(max_digits=12, decimal_places=2)
    refunded = serializers.DecimalField(max_digits=12, decimal_places=2)
    fees = serializers.DecimalField(max_digits=12, decimal_places=2)
    held = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


class ConfirmFundingSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["succeeded", "failed"])


class PayoutAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutAccount
        fields = ["provider", "status", "onboarding_url"]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["account", "user", "amount", "currency"]
        read_only_fields = fields


class LedgerTransactionSerializer(serializers.ModelSerializer):
    entries = LedgerEntrySerializer(many=True, read_only=True)

    class Meta:
        model = LedgerTransaction
        fields = ["id", "kind", "competition", "reference", "created_at", "entries"]
        read_only_fields = fields
