"""Domain errors of accounts, answered by the one handler in `core.exceptions`."""

from core.exceptions import ServiceError


class SelfDemotion(ServiceError):
    code = "cannot_change_own_access"
    default_detail = "Admins cannot demote or deactivate themselves; ask another admin."


class InvalidToken(ServiceError):
    code = "invalid_token"
    default_detail = "The link is invalid or has already been used."
