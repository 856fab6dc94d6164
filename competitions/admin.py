"""Competition admin: the state machine holds here too (actions go through services)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from freelance_arena.events import send_on_commit

from . import events, services
from .models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus


class CompetitionQuestionInline(admin.TabularInline):
    model = CompetitionQuestion
    fk_name = "competition"
    extra = 0
    fields = ["question", "asked_by", "is_public", "answer", "answered_by", "answered_at", "created_at"]
    readonly_fields = ["asked_by", "answered_by", "answered_at", "created_at"]
    raw_id_fields = ["asked_by"]
    show_change_link = True


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "status", "budget", "currency", "deadline", "proposal_count", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "description"]
    list_select_related = ["client"]
    date_hierarchy = "created_at"
    raw_id_fields = ["client"]
    # Status, publication and the winner change only through the state machine (actions,
    # API), never by editing the field: a CLOSED competition must not reopen.
    readonly_fields = ["status", "published_at", "winner", "winning_proposal", "created_at", "updated_at"]
    inlines = [CompetitionQuestionInline]
    actions = ["bulk_open", "bulk_cancel"]

    def get_queryset(self, request) -> QuerySet:
        # Annotated once for the whole page, not a COUNT query per row.
        return super().get_queryset(request).with_proposal_count()

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
    raw_id_fields = ["competition", "asked_by", "answered_by"]
    readonly_fields = ["created_at"]

    @admin.display(description="Question")
    def short_question(self, obj: CompetitionQuestion) -> str:
        return str(obj)


@admin.register(CompetitionBookmark)
class CompetitionBookmarkAdmin(admin.ModelAdmin):
    list_display = ["user", "competition", "created_at"]
    search_fields = ["user__username", "user__email", "competition__title"]
    list_select_related = ["user", "competition"]
    raw_id_fields = ["user", "competition"]
    readonly_fields = ["created_at"]
