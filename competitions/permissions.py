"""Competition permissions. Visibility is the queryset's job (404); these decide 401/403."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role


class IsCompetitionOwner(BasePermission):
    """Authenticated, and (object level) the competition's client."""

    message = "Only the competition's owner can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return obj.client_id == request.user.pk


class ReadOnlyOrCompetitionOwner(IsCompetitionOwner):
    """Anyone may read (what the queryset lets them see); writes are the owner's."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or super().has_object_permission(request, view, obj)


class ReadOnlyOrFreelancer(BasePermission):
    """Anyone may read; writing (asking a question) takes an authenticated FREELANCER.

    The role is checked at object level, after the competition was found in the user's visible
    queryset, so a draft someone may not see stays a 404 rather than a 403.
    """

    message = "Only freelancers can ask questions."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or request.user.role == Role.FREELANCER
