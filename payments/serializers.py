"""Payment output shapes per audience, and the admin's status-change input."""

from rest_framework import serializers

from .models import PaymentRecord, PaymentStatus


class PaymentRecordSerializer(serializers.ModelSerializer):
    """Every field of the record, for its client, its freelancer and admins."""

    competition_title = serializers.CharField(source="competition.title", read_only=True)

    class Meta:
        model = PaymentRecord
        fields = [
            "id",
            "competition",
            "competition_title",
            "client",
            "freelancer",
            "amount",
            "currency",
            "status",
            "platform_fee",
            "net_amount",
            "transaction_reference",
            "transfer_ref",
            "released_at",
            "notes",
            "created_at",
            "updated_at",
            "completed_at",
        ]
        read_only_fields = fields


class ClientPaymentSerializer(serializers.ModelSerializer):
    competition_title = serializers.CharField(source="competition.title", read_only=True)

    class Meta:
        model = PaymentRecord
        fields = ["id", "competition", "competition_title", "amount", "currency", "status", "created_at"]
        read_only_fields = fields


class FreelancerPaymentSerializer(serializers.ModelSerializer):
    competition_title = serializers.CharField(source="competition.title", read_only=True)

    class Meta:
        model = PaymentRecord
        fields = ["id", "competition", "competition_title", "net_amount", "currency", "status", "completed_at"]
        read_only_fields = fields


class PaymentStatusUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PaymentStatus.choices,
        help_text="PENDING->PROCESSING, PROCESSING->COMPLETED or FAILED; any other move is a 400.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    transaction_reference = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=100, help_text="Unique across payments."
    )
