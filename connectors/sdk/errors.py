"""Every failure a connector can meet, classified once by what the caller must do.

The product shows the category (with a tip) and the vendor's own message; the
engine retries transient categories on later runs and leaves the rest for a
person to act on.
"""

from enum import StrEnum


class ErrorCategory(StrEnum):
    AUTH_EXPIRED = "auth_expired"
    PERMISSION_DENIED = "permission_denied"
    RATE_LIMITED = "rate_limited"
    APP_UNAVAILABLE = "app_unavailable"
    INVALID_VALUE = "invalid_value"
    REQUIRED_MISSING = "required_missing"
    DUPLICATE = "duplicate"
    ASSOCIATION_FAILED = "association_failed"
    READ_ONLY = "read_only"
    DELETED_IN_HUB = "deleted_in_hub"
    NOT_FOUND = "not_found"  # the app record is gone: "deleted in <app>"
    REJECTED = "rejected"  # the app's own validation rules said no
    # A conditional update found the record changed since it was read: nothing was
    # written, and the change reaches the next run, which plans the record again. Not a
    # failure for anyone to act on (Capabilities.conditional_writes).
    CHANGED_SINCE_READ = "changed_since_read"
    UNKNOWN = "unknown"


TRANSIENT = frozenset({
    ErrorCategory.RATE_LIMITED,
    ErrorCategory.APP_UNAVAILABLE,
    ErrorCategory.ASSOCIATION_FAILED,
})

# Categories that concern the whole connection rather than one record: a run
# stops on them instead of marking every record failed.
CONNECTION_WIDE = frozenset({
    ErrorCategory.AUTH_EXPIRED,
    ErrorCategory.PERMISSION_DENIED,
    ErrorCategory.RATE_LIMITED,
    ErrorCategory.APP_UNAVAILABLE,
})


class ConnectorError(Exception):
    """A classified failure. `vendor_message` is the app's own words, for the user."""

    def __init__(
        self,
        category: ErrorCategory,
        message: str,
        *,
        vendor_message: str = "",
        status: int | None = None,
        retry_after: float | None = None,
        field: str | None = None,
    ):
        super().__init__(message)
        self.category = category
        self.message = message
        self.vendor_message = vendor_message
        self.status = status
        self.retry_after = retry_after
        self.field = field

    @property
    def transient(self) -> bool:
        return self.category in TRANSIENT

    @property
    def connection_wide(self) -> bool:
        return self.category in CONNECTION_WIDE

    def __repr__(self) -> str:
        return f"ConnectorError({self.category}, {self.message!r}, status={self.status})"


class NeedsReconnectError(ConnectorError):
    """The refresh token was refused: only the user can fix this, by reconnecting."""

    def __init__(self, message: str, vendor_message: str = ""):
        super().__init__(ErrorCategory.AUTH_EXPIRED, message, vendor_message=vendor_message)
