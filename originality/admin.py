"""Originality in the Django admin: reports decided through the same service as the API (with
the note); fingerprints, band keys and matches read-only (they are computed, never typed in)."""

from django import forms
from django.contrib import admin, messages
from rest_framework.exceptions import ValidationError as ApiValidationError

from . import services
from .models import FileFingerprint, ImageKey, Match, Report, ReportDecision, ReportStatus, TextKey, TextSketch


class ReportDecisionForm(forms.ModelForm):
    """The change form of a report: a decision and the note that goes with it."""

    decision = forms.ChoiceField(
        choices=[("", "— no decision yet —"), *ReportDecision.choices],
        required=False,
        help_text="DISQUALIFY sets the proposal DISQUALIFIED. A report is decided once.",
    )
    decision_note = forms.CharField(
        widget=forms.Textarea, required=False, label="Note", help_text="Shown to the client and the freelancer."
    )

    class Meta:
        model = Report
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("decision"):
            if self.instance.status != ReportStatus.OPEN:
                raise forms.ValidationError(f"This report was already decided ({self.instance.status}).")
            if not (data.get("decision_note") or "").strip():
                raise forms.ValidationError("A decision needs a note.")
        return data


def _api_message(exc: ApiValidationError) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        detail = next(iter(detail.values()))
    if isinstance(detail, list):
        detail = detail[0]
    return str(detail)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportDecisionForm
    list_display = ("id", "proposal", "status", "created_at", "responded_at", "decided_at")
    list_filter = ("status", "created_at")
    search_fields = ("proposal__title", "reason", "response", "note")
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal", "original_proposal")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "id",
        "proposal",
        "original_proposal",
        "reported_by",
        "reason",
        "response",
        "status",
        "note",
        "decided_by",
        "created_at",
        "responded_at",
        "decided_at",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        ("Decide", {"fields": ("decision", "decision_note")}),
    )
    actions = ("dismiss_selected",)

    def has_add_permission(self, request) -> bool:
        return False  # reports come from the competition's owner, through the API

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Report, form, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            services.decide_report(
                report=obj, by=request.user, decision=decision, note=form.cleaned_data["decision_note"].strip()
            )
        except ApiValidationError as exc:
            self.message_user(request, f"Not decided: {_api_message(exc)}", messages.ERROR)

    @admin.action(description="Dismiss the selected open reports (note: “Dismissed by an administrator.”)")
    def dismiss_selected(self, request, queryset) -> None:
        done = 0
        for report in queryset.filter(status=ReportStatus.OPEN):
            services.decide_report(
                report=report, by=request.user, decision=ReportDecision.DISMISS, note="Dismissed by an administrator."
            )
            done += 1
        self.message_user(request, f"{done} report(s) dismissed.", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "matched", "kind", "score", "same_competition", "submitted_earlier", "created_at")
    list_filter = ("kind", "same_competition", "submitted_earlier")
    list_select_related = ("proposal", "matched")
    raw_id_fields = ("proposal", "matched")


@admin.register(FileFingerprint)
class FileFingerprintAdmin(ReadOnlyAdmin):
    list_display = ("attachment", "proposal", "sha256", "phash", "dhash", "created_at")
    search_fields = ("sha256",)
    list_select_related = ("attachment", "proposal")
    raw_id_fields = ("attachment", "proposal")


@admin.register(TextSketch)
class TextSketchAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "digest", "updated_at")
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal",)
    exclude = ("signature",)


@admin.register(ImageKey)
class ImageKeyAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "competition", "key", "phash", "dhash")
    raw_id_fields = ("proposal", "competition")


@admin.register(TextKey)
class TextKeyAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "competition", "key")
    raw_id_fields = ("proposal", "competition")
