"""Domain errors shared by every package; views turn them into messages or HTTP answers."""


class TradeHubError(Exception):
    """Base class for errors the application expects and explains to the user."""


class ConfigurationError(TradeHubError):
    """Settings are missing or unsafe; the app refuses to start."""


class PermissionDenied(TradeHubError):
    """The signed-in user may not do this (shown as 403)."""


class NotAllowed(TradeHubError):
    """The action is not allowed in the object's current state (shown as a message)."""


class Conflict(TradeHubError):
    """Someone else changed the object first (optimistic locking); shown as 409 or a message."""


class ValidationFailed(TradeHubError):
    """Input broke a rule a form cannot check alone; `field` names where to show it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ExternalServiceError(TradeHubError):
    """An outside service (Companies House, SMTP) failed; the user may retry."""
