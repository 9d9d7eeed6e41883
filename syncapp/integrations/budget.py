"""The share of a vendor's daily API budget Syncapp may spend, set per connection.

Only apps whose spec says `reports_api_usage` have one (Salesforce's org-wide daily
total): the HTTP client stops calling once that share is spent, and the run pauses
with a message until calls free up (connectors/sdk/usage.py).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.params import BadParam
from syncapp.integrations.models import Connection

FIELD = "api_budget_share"


def parse_share(raw: str | None) -> int:
    """A whole percent from 1 to 100."""
    text = (raw or "").strip().removesuffix("%").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
        raise BadParam(FIELD, _("The share of the daily API budget must be a whole percent "
                                "from 1 to 100."))
    return int(text)


def set_share(request, connection: Connection, share: int) -> None:
    """Save the new share and audit who changed it from what."""
    before = connection.api_budget_share
    if before == share:
        return
    connection.api_budget_share = share
    with transaction.atomic():
        connection.save(update_fields=[FIELD, "updated_at"])
        audit.record(request, AuditAction.API_BUDGET_CHANGED, connection,
                     {FIELD: [before, share]})
