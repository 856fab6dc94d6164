"""Role and ownership permissions shared by every app."""

from rest_framework.permissions import BasePermission

from .models import Role, user_is_admin


class _RolePermission(BasePermission):
    role: str = ""
    message = "You do not have the role this action requires."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == self.role)


class IsClient(_RolePermission):
    role = Role.CLIENT
    message = "Only clients can do this."


class IsFreelancer(_RolePermission):
    role = Role.FREELANCER
    message = "Only freelancers can do this."


class IsAdminRole(_RolePermission):
    role = Role.ADMIN
    message = "Only administrators can do this."


class IsOwnerOrAdmin(BasePermission):
    """Object-level: the object's owner or an admin.

    The owner is `obj.<owner_field>` where the view may set `owner_field` (default `user`);
    a User object is its own owner.
    """

    message = "You are not the owner of this object."

    def has_object_permission(self, request, view, obj) -> bool:
        if user_is_admin(request.user):
            return True
        owner_field = getattr(view, "owner_field", "user")
        owner_id = obj.pk if obj.__class__ is request.user.__class__ else getattr(obj, f"{owner_field}_id", None)
        return owner_id is not None and owner_id == request.user.pk


class HasVerifiedEmail(BasePermission):
    """The signed-in user's address is verified (contract Part 2: funding a competition and
    creating a payout account). Put it after the checks that answer 404, so existence of what
    the caller may not see still does not leak."""

    message = "Verify your email address first."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.email_verified)
