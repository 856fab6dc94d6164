"""Proposals in the Django admin: inspect and correct text, never hard-delete, never move a
status around the state machine (statuses change through the API's services)."""

from django.contrib import admin

from backoffice.admin_helpers import CompactChangelist, day, money, short, titled

from .models import Proposal, ProposalAttachment, ProposalRevision


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProposalAttachmentInline(ReadOnlyInline):
    model = ProposalAttachment
    # No `file` column: the files are private and leave only through the API's download endpoint.
    fields = ("original_filename", "file_type", "file_size", "description", "uploaded_at")
    readonly_fields = fields


class ProposalRevisionInline(ReadOnlyInline):
    model = ProposalRevision
    fields = ("revision_number", "description", "revised_by", "created_at")
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(CompactChangelist, admin.ModelAdmin):
    list_display = (
        "short_title",
        "competition_title",
        "freelancer_name",
        "status",
        "budget",
        "score",
        "created",
    )
    list_filter = (
        ("status", titled(admin.ChoicesFieldListFilter, "proposal status")),
        ("competition__status", titled(admin.ChoicesFieldListFilter, "competition status")),
        "is_winner",
    )
    search_fields = ("title", "description", "competition__title", "freelancer__username", "freelancer__email")
    list_select_related = ("competition", "freelancer")
    raw_id_fields = ("competition", "freelancer")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "id",
        "competition",
        "freelancer",
        "status",
        "is_winner",
        "client_score",
        "client_note",
        "created_at",
        "updated_at",
    )
    inlines = (ProposalAttachmentInline, ProposalRevisionInline)

    @admin.display(description="Title", ordering="title")
    def short_title(self, obj: Proposal) -> str:
        return short(obj.title, 40)

    @admin.display(description="Competition", ordering="competition__title")
    def competition_title(self, obj: Proposal) -> str:
        return short(obj.competition.title, 35)

    @admin.display(description="Freelancer", ordering="freelancer__username")
    def freelancer_name(self, obj: Proposal) -> str:
        return obj.freelancer.username

    @admin.display(description="Budget", ordering="proposed_budget")
    def budget(self, obj: Proposal) -> str:
        return money(obj.proposed_budget, obj.competition.currency)

    @admin.display(description="Score", ordering="client_score")
    def score(self, obj: Proposal) -> int | None:
        return obj.client_score

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj: Proposal) -> str:
        return day(obj.created_at)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request) -> bool:
        # Proposals are submitted through the API, which checks the competition's rules.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
