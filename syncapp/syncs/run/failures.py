"""A write a side refused or could not take, as a failed link tells it: its category,
the message people read, and whether a person must act (DESIGN: not transient)."""

from connectors.sdk import ConnectorError, ErrorCategory
from syncapp.crm.services import RecordInvalid
from syncapp.syncs.models import LinkStatus
from syncapp.syncs.run import store


def needs_action(error) -> bool:
    """A refusal a later run cannot overcome by itself (DESIGN: not transient)."""
    if isinstance(error, RecordInvalid):
        return True
    return not (error.transient or error.connection_wide
                or error.category == ErrorCategory.NOT_FOUND)


def failure_text(error: ConnectorError | RecordInvalid) -> tuple[str, str]:
    """(category, message) for a failed link."""
    if isinstance(error, RecordInvalid):
        message = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        category = (ErrorCategory.DUPLICATE if "already uses" in message
                    else ErrorCategory.INVALID_VALUE)
        return str(category), message
    return str(error.category), error.vendor_message or error.message


def fail(batch, link, side: str, error, note: bool = True) -> None:
    category, vendor_text = failure_text(error)
    message = batch.field_labels.readable(vendor_text)
    # The same failure again (the record re-read, unchanged) is no news for its history.
    again = (link.status == LinkStatus.FAILED and link.error_category == category
             and link.error_message == message[:2000])
    store.mark(link, LinkStatus.FAILED, category=category, message=message)
    batch.changes.touch(link)
    if not again:  # the history keeps the vendor's own words
        batch.changes.note(link, side, "failed", {}, vendor_text)
    batch.counts["failed"] += 1
