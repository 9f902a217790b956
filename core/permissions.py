"""Permissions every app may use. The contract's *admin* is role admin or `is_staff`,
which the user model answers as `is_admin` (core reads the attribute, it does not import
users: apps depend one way)."""

from rest_framework.permissions import BasePermission


class IsAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_admin", False))
