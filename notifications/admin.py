"""Admin for notifications."""

from django.contrib import admin, messages

from .models import Notification, NotificationPreference
from .services import mark_queryset_read


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "notification_type", "title", "is_read", "created_at"]
    list_filter = ["is_read", "notification_type", "created_at"]
    search_fields = ["params", "recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["recipient"]
    readonly_fields = ["title", "message", "read_at", "created_at", "dedupe_key"]
    actions = ["mark_all_read"]

    @admin.action(description="Mark selected notifications as read", permissions=["change"])
    def mark_all_read(self, request, queryset) -> None:
        updated = mark_queryset_read(queryset)  # one UPDATE for the whole selection
        self.message_user(request, f"{updated} notification(s) marked as read.", messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "updated_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["updated_at"]
