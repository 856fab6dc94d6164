"""Admin for payment records: status moves only through the state machine; never deleted."""

from django.contrib import admin, messages
from rest_framework.exceptions import APIException

from backoffice.admin_helpers import CompactChangelist, day, money, short

from .models import PaymentRecord, PaymentStatus
from .services import update_payment_status


def _first_message(detail) -> str:
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


@admin.register(PaymentRecord)
class PaymentRecordAdmin(CompactChangelist, admin.ModelAdmin):
    # Fits 1400 px: what an admin pays by first (amount, status), names short, dates as days;
    # the client is on the change page and in the search.
    list_display = ["competition_title", "amount_due", "status", "freelancer_name", "created", "completed"]
    list_filter = ["status", "currency", "created_at", "completed_at"]
    search_fields = [
        "competition__title",
        "client__username",
        "client__email",
        "freelancer__username",
        "freelancer__email",
        "transaction_reference",
    ]
    list_select_related = ["competition", "client", "freelancer"]
    date_hierarchy = "created_at"
    # Status changes only through the actions (the state machine); the fee is derived from the
    # amount in PaymentRecord.save(); who pays whom for which competition is fixed at creation.
    readonly_fields = [
        "competition",
        "client",
        "freelancer",
        "status",
        "platform_fee",
        "net_amount",
        "created_at",
        "updated_at",
        "completed_at",
    ]
    fields = [
        "competition",
        "client",
        "freelancer",
        "amount",
        "currency",
        "status",
        "platform_fee",
        "net_amount",
        "transaction_reference",
        "notes",
        "created_at",
        "updated_at",
        "completed_at",
    ]
    actions = ["mark_processing", "mark_completed", "mark_failed"]

    def get_readonly_fields(self, request, obj: PaymentRecord | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != PaymentStatus.PENDING:
            # Once the money is moving (or moved), what is paid is history.
            fields += ["amount", "currency"]
        return fields

    @admin.display(description="Competition", ordering="competition__title")
    def competition_title(self, obj: PaymentRecord) -> str:
        return short(obj.competition.title, 40)

    @admin.display(description="Amount", ordering="amount")
    def amount_due(self, obj: PaymentRecord) -> str:
        return money(obj.amount, obj.currency)

    @admin.display(description="Freelancer", ordering="freelancer__username")
    def freelancer_name(self, obj: PaymentRecord) -> str:
        return obj.freelancer.username

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj: PaymentRecord) -> str:
        return day(obj.created_at)

    @admin.display(description="Completed", ordering="completed_at")
    def completed(self, obj: PaymentRecord) -> str:
        return day(obj.completed_at)

    def has_add_permission(self, request) -> bool:
        return False  # a payment record is created by select-winner, nowhere else

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # payment records are never deleted

    def _move(self, request, queryset, new_status: str) -> None:
        moved, skipped = 0, []
        for payment_id, label in queryset.values_list("pk", "competition__title"):
            try:
                update_payment_status(payment_id=payment_id, new_status=new_status, by=request.user)
            except APIException as exc:  # refused transition: report it, do the others
                skipped.append(f"{label} ({_first_message(exc.detail)})")
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} payment(s) marked {new_status}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{len(skipped)} payment(s) skipped: " + "; ".join(skipped), messages.WARNING)

    @admin.action(description="Mark selected payments PROCESSING (from PENDING)", permissions=["change"])
    def mark_processing(self, request, queryset) -> None:
        self._move(request, queryset, PaymentStatus.PROCESSING)

    @admin.action(description="Mark selected payments COMPLETED (from PROCESSING)", permissions=["change"])
    def mark_completed(self, request, queryset) -> None:
        self._move(request, queryset, PaymentStatus.COMPLETED)

    @admin.action(description="Mark selected payments FAILED (from PROCESSING)", permissions=["change"])
    def mark_failed(self, request, queryset) -> None:
        self._move(request, queryset, PaymentStatus.FAILED)
