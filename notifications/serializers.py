"""Notification output and the mark-read input."""

from rest_framework import serializers

from .models import Notification, NotificationType

MARK_READ_MAX_IDS = 1000


_DATETIME = serializers.DateTimeField(read_only=True)


def _uuid(value) -> str | None:
    return None if value is None else str(value)


class NotificationSerializer(serializers.ModelSerializer):
    """Read-only. The declared fields document the schema; to_representation writes the same
    dict directly, without DRF's per-instance field building and per-field calls (the list is
    on every page load of the SPA). `test_serializer.py` holds it equal to the generic output."""

    class Meta:
        model = Notification
        fields = [
            "id",
            "notification_type",
            "title",
            "message",
            "is_read",
            "read_at",
            "related_competition_id",
            "related_proposal_id",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, notification: Notification) -> dict:
        return {
            "id": str(notification.id),
            "notification_type": notification.notification_type,
            "title": notification.title,
            "message": notification.message,
            "is_read": notification.is_read,
            "read_at": _DATETIME.to_representation(notification.read_at),
            "related_competition_id": _uuid(notification.related_competition_id),
            "related_proposal_id": _uuid(notification.related_proposal_id),
            "created_at": _DATETIME.to_representation(notification.created_at),
        }


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as a string: DRF's UUIDField would also read the integer 123 as a UUID."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=StrictUUIDField(),
        allow_empty=False,
        max_length=MARK_READ_MAX_IDS,
        help_text=f"Ids of your own notifications (at most {MARK_READ_MAX_IDS}); other ids are ignored.",
    )


class UpdatedCountSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many notifications changed from unread to read.")


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class StrictBooleanField(serializers.BooleanField):
    """true or false, nothing else: DRF's BooleanField would also read "yes", 1 or "off"."""

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=str(data)[:50])
        return data


class NotificationPreferencesSerializer(serializers.Serializer):
    email = serializers.DictField(
        child=StrictBooleanField(),
        help_text="notification_type -> whether notifications of that type are also e-mailed (to a verified "
        "address). PATCH may send any subset of the types; the answer always holds every type.",
    )

    def validate_email(self, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(NotificationType.values))
        if unknown:
            names = ", ".join(name[:50] for name in unknown[:5])
            raise serializers.ValidationError(f"Unknown notification type(s): {names}.")
        return value
