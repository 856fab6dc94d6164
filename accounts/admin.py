"""Django admin for users: search, filters, a proper add form; users are deactivated, never deleted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest

from backoffice.admin_helpers import CompactChangelist, day

from . import services
from .models import User, normalize_email_address


class UserCreationForm(BaseUserCreationForm):
    """Add form for the custom user: e-mail (unique, case-insensitive), username, role, password twice."""

    class Meta:
        model = User
        fields = ("email", "username", "role")

    def clean_email(self) -> str:
        email = normalize_email_address(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with that email already exists.")
        return email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(CompactChangelist, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm

    # Fits 1400 px: dates as days, the staff flag left to its filter.
    list_display = ("email", "username", "role", "active", "verified", "joined", "seen")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "email_verified")
    search_fields = ("email", "username", "first_name", "last_name")
    ordering = ("-date_joined",)
    readonly_fields = ("id", "date_joined", "last_seen", "last_login")
    filter_horizontal = ("groups", "user_permissions")
    actions = ["deactivate_selected", "activate_selected"]

    fieldsets = (
        (None, {"fields": ("id", "email", "username", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "role", "bio", "profile_picture", "skills", "hourly_rate")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "email_verified", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("date_joined", "last_seen", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "role", "password1", "password2"),
            },
        ),
    )

    @admin.display(description="Active", boolean=True, ordering="is_active")
    def active(self, obj: User) -> bool:
        return obj.is_active

    @admin.display(description="Verified", boolean=True, ordering="email_verified")
    def verified(self, obj: User) -> bool:
        return obj.email_verified

    @admin.display(description="Joined", ordering="date_joined")
    def joined(self, obj: User) -> str:
        return day(obj.date_joined)

    @admin.display(description="Last seen", ordering="last_seen")
    def seen(self, obj: User) -> str:
        return day(obj.last_seen)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Competitions, proposals and payments point at users: accounts are deactivated.
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.deactivate_user(user=obj)

    @admin.action(description="Deactivate selected users (and sign them out)")
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            services.deactivate_user(user=user)
            count += 1
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Activate selected users")
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.filter(is_active=False).update(is_active=True)
        self.message_user(request, f"{count} user(s) activated.", messages.SUCCESS)
