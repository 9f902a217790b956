"""Role-based permissions. The contract's *tutor* is a tutor or an admin (*admin* is
`core.permissions.IsAdmin`)."""

from rest_framework.permissions import BasePermission


class IsTutor(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_tutor)
