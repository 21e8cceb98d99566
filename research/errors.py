"""Domain errors. research/ knows nothing of HTTP; api/errors.py maps these to status codes."""


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, conditions: list[str] | None = None,
                 fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.conditions = conditions or []
        self.fields = fields or {}


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists."""

    code = "not_found"


class Forbidden(DomainError):
    """The actor can see the thing but may not do this to it."""

    code = "permission_denied"


class Conflict(DomainError):
    """The thing's current state does not allow this (unmet guards, a stale status...)."""

    code = "conflict"


class InvalidInput(DomainError):
    code = "invalid"


class Gone(DomainError):
    """It existed and was taken down on purpose (e.g. a withdrawn finding)."""

    code = "gone"


class InvalidFilters(InvalidInput):
    """A list's filters (query parameters) are not valid; `fields` holds the messages per filter.

    Raised by the selectors that apply FilterSets; the API answers it as it answers any invalid
    query parameter."""
