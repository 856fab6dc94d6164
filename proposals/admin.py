"""Proposals in the Django admin: inspect and correct text, never hard-delete, never move a
status around the state machine (statuses change through the API's services)."""

from django.contrib import admin

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
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "competition", "freelancer", "status", "proposed_budget", "client_score", "created_at")
    list_filter = ("status", "competition__status", "is_winner")
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

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request) -> bool:
        # Proposals are submitted through the API, which checks the competition's rules.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
