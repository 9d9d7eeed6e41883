"""What each failure category and exclusion reason means to a person, and what to do.

One table per kind, keyed by the engine's own codes (connectors.sdk.errors.ErrorCategory
and syncapp.engine.limits), so the failed panel, the excluded list, the record view and
the exports all say the same thing. "%(app)s" is the connected app's name.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from connectors.sdk.errors import TRANSIENT, ErrorCategory
from syncapp.engine.limits import DIRECTION, FILTERS, NO_EMAIL, NO_IDENTIFIER
from syncapp.syncs.models import LinkStatus


@dataclass(frozen=True)
class Tip:
    code: str
    label: Promise
    steps: tuple[Promise, ...]
    transient: bool

    def text(self, app: str) -> "RenderedTip":
        return RenderedTip(self.code, str(self.label) % {"app": app},
                           tuple(str(step) % {"app": app} for step in self.steps),
                           self.transient)


@dataclass(frozen=True)
class RenderedTip:
    code: str
    label: str
    steps: tuple[str, ...]
    transient: bool


def _tip(category: str, label, *steps) -> Tip:
    return Tip(str(category), label, steps, category in TRANSIENT)


E = ErrorCategory
ERROR_TIPS: dict[str, Tip] = {tip.code: tip for tip in (
    _tip(E.AUTH_EXPIRED, _("Authentication expired"),
         _("%(app)s no longer accepts this account's sign-in."),
         _("Open Actions → Manage accounts and click Reconnect."),
         _("After reconnecting, retry these records.")),
    _tip(E.PERMISSION_DENIED, _("Permission denied"),
         _("The %(app)s user who connected the account lacks a permission for this object."),
         _("Give that user the permission in %(app)s, or reconnect with an admin user."),
         _("Then retry these records.")),
    _tip(E.RATE_LIMITED, _("Rate limited"),
         _("%(app)s asked us to slow down; nothing is wrong with the records."),
         _("They are retried by themselves on the next runs.")),
    _tip(E.APP_UNAVAILABLE, _("App unavailable"),
         _("%(app)s did not answer or answered with a server error."),
         _("They are retried by themselves on the next runs; check %(app)s's status page "
           "if it lasts.")),
    _tip(E.INVALID_VALUE, _("Property value invalid"),
         _("A value has the wrong type or format, is too long, or is not one of the "
           "field's options."),
         _("Read the app's message on each record, correct the value on either side "
           "(or the mapping's option pairs), then retry.")),
    _tip(E.REQUIRED_MISSING, _("Required field missing"),
         _("%(app)s requires a field that is empty or not mapped."),
         _("Fill the field on the record, or map it in the sync settings, then retry.")),
    _tip(E.DUPLICATE, _("Duplicate"),
         _("Another record already uses this identifier (e.g. the email address)."),
         _("Merge the two records or change the identifier on one of them, then retry.")),
    _tip(E.ASSOCIATION_FAILED, _("Association failed"),
         _("An associated record is not synced yet, or an association limit was reached."),
         _("Usually retried by itself once the other record syncs; make sure both objects "
           "have a sync turned on.")),
    _tip(E.READ_ONLY, _("Read-only field"),
         _("The sync tried to write a field %(app)s does not let anyone change."),
         _("Turn that mapping off or make it flow into Syncapp only, then retry.")),
    _tip(E.DELETED_IN_HUB, _("Record deleted in Syncapp"),
         _("The record was deleted in Syncapp; deletes never spread to %(app)s."),
         _("Use Actions → Resync records deleted in Syncapp to bring it back with "
           "%(app)s's data.")),
    _tip(E.NOT_FOUND, _("Record deleted in %(app)s"),
         _("The record was deleted in %(app)s; deletes never spread to Syncapp."),
         _("Use Actions → Resync records deleted in %(app)s to recreate it from "
           "Syncapp's data.")),
    _tip(LinkStatus.DELETED_BOTH, _("Record deleted on both sides"),
         _("The record was deleted in Syncapp and in %(app)s: nothing live remains to "
           "copy it from, so a resync cannot bring it back."),
         _("Syncapp keeps its archived record: Restore all deleted records in Syncapp "
           "restores it; then Resync records deleted in %(app)s recreates it there.")),
    _tip(E.REJECTED, _("Rejected by the app's rules"),
         _("A validation rule or workflow in %(app)s refused the change."),
         _("Read the app's message, adjust the record or the rule in %(app)s, then retry.")),
    _tip(E.UNKNOWN, _("Unknown error"),
         _("The app's message on each record says what happened."),
         _("Retry; if it fails again, contact support with the record's sync history.")),
)}

EXCLUSION_REASONS = {
    FILTERS: _("Does not match the filters"),
    NO_EMAIL: _("No email address"),
    NO_IDENTIFIER: _("No identifier value"),
    DIRECTION: _("The direction does not create records on that side"),
}

# Categories a person resyncs rather than retries.
DELETED_CATEGORIES = frozenset({str(E.DELETED_IN_HUB), str(E.NOT_FOUND),
                                str(LinkStatus.DELETED_BOTH)})


def error_tip(category: str, app: str) -> RenderedTip:
    return ERROR_TIPS.get(category, ERROR_TIPS[str(E.UNKNOWN)]).text(app)


def exclusion_label(reason: str) -> str:
    return str(EXCLUSION_REASONS.get(reason, reason or _("Excluded")))
