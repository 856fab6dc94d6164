"""Admin for reviews (moderation) and the read-only denormalized ratings."""

from django.contrib import admin, messages

from .models import Review, UserRating
from .services import set_reviews_visibility


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "reviewee", "competition", "rating", "review_type", "is_public", "created_at"]
    list_filter = ["review_type", "is_public", "rating", "created_at"]
    search_fields = ["reviewer__username", "reviewee__username", "competition__title", "comment"]
    list_select_related = ["reviewer", "reviewee", "competition"]
    date_hierarchy = "created_at"
    # Who reviewed whom is derived from the competition; moderation may only change the text,
    # the rating and the visibility (the post_save receiver then recomputes the rating).
    readonly_fields = ["reviewer", "reviewee", "competition", "review_type", "created_at"]
    fields = ["reviewer", "reviewee", "competition", "review_type", "rating", "comment", "is_public", "created_at"]
    actions = ["make_private", "make_public"]

    def has_add_permission(self, request) -> bool:
        return False  # reviews are written through the API, where the reviewee is derived

    @admin.action(description="Hide selected reviews (make private)", permissions=["change"])
    def make_private(self, request, queryset) -> None:
        updated = set_reviews_visibility(reviews=queryset, is_public=False)
        self.message_user(request, f"{updated} review(s) made private; ratings recomputed.", messages.SUCCESS)

    @admin.action(description="Publish selected reviews (make public)", permissions=["change"])
    def make_public(self, request, queryset) -> None:
        updated = set_reviews_visibility(reviews=queryset, is_public=True)
        self.message_user(request, f"{updated} review(s) made public; ratings recomputed.", messages.SUCCESS)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Reviews are business records (issue 6: nothing is hard-deleted): moderation hides
        # them with the make_private action, which recomputes the rating.
        return False


@admin.register(UserRating)
class UserRatingAdmin(admin.ModelAdmin):
    """Read-only: the numbers are computed from the reviews, never typed in."""

    list_display = ["user", "average_rating", "total_reviews", "updated_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "average_rating", "total_reviews", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
