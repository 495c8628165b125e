"""The access policy for API operations: the same permissions as the pages."""

from petal.access.policy import can
from petal.core.errors import Forbidden


def require(request, permission: str):
    """The authenticated caller, if they hold the permission; otherwise 403."""
    user = request.auth
    if not can(user, permission):
        raise Forbidden("Your role does not allow this")
    return user
