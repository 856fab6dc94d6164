"""Competition admin: the state machine holds here too (actions go through services)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from backoffice.admin_helpers import CompactChangelist, day, money, short
from freelance_arena.events import send_on_commit

from . import events, services
from .models import EDITABLE_STATUSES, Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus

# What the owner may edit while DRAFT or OPEN (the API's rule); afterwards the admin may not either.
CONTENT_FIELDS = [
    "title",
    "description",
    "requirements",
    "budget",
    "currency",
    "deadline",
    "submission_deadline",
    "category",
    "tags",
    "max_proposals",
    "allow_questions",
]


class CompetitionQuestionInline(admin.TabularInline):
    """A compact, read-only summary; a question is answered or moderated on its own page."""

    model = CompetitionQuestion
    fk_name = "competition"
    extra = 0
    fields = ["short_question", "asked_by", "is_public", "answered", "asked"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    classes = ["collapse"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("asked_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # freelancers ask through the API

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Question")
    def short_question(self, obj: CompetitionQuestion) -> str:
        return short(obj.question, 70)

    @admin.display(description="Answered", boolean=True)
    def answered(self, obj: CompetitionQuestion) -> bool:
        return obj.answered_at is not None

    @admin.display(description="Asked", ordering="created_at")
    def asked(self, obj: CompetitionQuestion) -> str:
        return day(obj.created_at)


@admin.register(Competition)
class CompetitionAdmin(CompactChangelist, admin.ModelAdmin):
    # Fits 1400 px: short title, the client's username, the prize in one column, dates as days.
    list_display = ["short_title", "client_name", "status", "prize", "deadline_day", "proposal_count", "created"]
    list_filter = ["status", "category"]
    search_fields = ["title", "description", "client__username", "client__email"]
    list_select_related = ["client"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["client"]
    # Status, publication and the winner change only through the state machine (actions,
    # API), never by editing the field: a CLOSED competition must not reopen.
    readonly_fields = ["status", "published_at", "winner", "winning_proposal", "created_at", "updated_at"]
    inlines = [CompetitionQuestionInline]
    actions = ["bulk_open", "bulk_cancel"]

    def get_queryset(self, request) -> QuerySet:
        # Annotated once for the whole page, not a COUNT query per row.
        return super().get_queryset(request).with_proposal_count()

    def get_readonly_fields(self, request, obj: Competition | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("client")  # who posted it is fixed once it exists
            if obj.status not in EDITABLE_STATUSES:
                # REVIEW, CLOSED, CANCELLED: the API refuses edits; so does the admin.
                fields += CONTENT_FIELDS
        return fields

    @admin.display(description="Title", ordering="title")
    def short_title(self, obj: Competition) -> str:
        return short(obj.title, 45)

    @admin.display(description="Client", ordering="client__username")
    def client_name(self, obj: Competition) -> str:
        return obj.client.username

    @admin.display(description="Prize", ordering="budget")
    def prize(self, obj: Competition) -> str:
        return money(obj.budget, obj.currency)

    @admin.display(description="Deadline", ordering="deadline")
    def deadline_day(self, obj: Competition) -> str:
        return day(obj.deadline)

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj: Competition) -> str:
        return day(obj.created_at)

    @admin.display(description="Proposals", ordering="annotated_proposal_count")
    def proposal_count(self, obj: Competition) -> int:
        return obj.proposal_count

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # business records are kept; cancel instead

    def save_model(self, request, obj: Competition, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # An admin's edit changes a list card as the owner's does: the same event.
        send_on_commit(events.competition_updated, Competition, competition=obj)

    def _bulk_change(self, request, queryset: QuerySet, new_status: str) -> None:
        changed, skipped = 0, []
        for competition in queryset:
            try:
                services.change_status(competition=competition, new_status=new_status, by=request.user)
            except ValidationError as exc:
                detail = exc.detail.get("status", exc.detail) if isinstance(exc.detail, dict) else exc.detail
                reason = detail[0] if isinstance(detail, list) else detail
                skipped.append(f"“{competition.title}” ({reason})")
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} competition(s) moved to {new_status}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Skipped {len(skipped)} competition(s): " + "; ".join(skipped), messages.WARNING
            )

    @admin.action(description="Open selected competitions (DRAFT → OPEN)")
    def bulk_open(self, request, queryset: QuerySet) -> None:
        self._bulk_change(request, queryset, CompetitionStatus.OPEN)

    @admin.action(description="Cancel selected competitions (DRAFT/OPEN → CANCELLED)")
    def bulk_cancel(self, request, queryset: QuerySet) -> None:
        self._bulk_change(request, queryset, CompetitionStatus.CANCELLED)


@admin.register(CompetitionQuestion)
class CompetitionQuestionAdmin(admin.ModelAdmin):
    list_display = ["short_question", "competition", "asked_by", "is_public", "answered_at", "created_at"]
    list_filter = ["is_public", ("answered_at", admin.EmptyFieldListFilter)]
    search_fields = ["question", "answer", "competition__title", "asked_by__username"]
    list_select_related = ["competition", "asked_by"]
    autocomplete_fields = ["competition", "asked_by", "answered_by"]
    readonly_fields = ["created_at"]

    @admin.display(description="Question")
    def short_question(self, obj: CompetitionQuestion) -> str:
        return str(obj)


@admin.register(CompetitionBookmark)
class CompetitionBookmarkAdmin(admin.ModelAdmin):
    list_display = ["user", "competition", "created_at"]
    search_fields = ["user__username", "user__email", "competition__title"]
    list_select_related = ["user", "competition"]
    autocomplete_fields = ["user", "competition"]
    readonly_fields = ["created_at"]
