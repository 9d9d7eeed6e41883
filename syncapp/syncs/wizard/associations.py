"""The "Association mappings" view: which associations of an object sync will be kept.

The engine keeps an association only while a sync of the other object runs on
the same connection (engine.associations.partners); this says, for each
association the app declares, whether that is so, or which sync is needed first.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from syncapp.crm.schema import ObjectType
from syncapp.integrations.texts import shown
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.run.associations import association_kept, partners

WILL_SYNC, NEEDS_SYNC, SYNC_OFF, NOT_KEPT = "will_sync", "needs_sync", "sync_off", "not_kept"


@dataclass(frozen=True)
class AssociationRow:
    label: str  # the app's name for the association ("Organization")
    app_object: str  # the other app object
    app_object_label: str
    hub_pair: str  # "Contacts ↔ Companies"
    status: str
    note: str
    other_sync: ObjectSync | None = None


def _hub_label(hub_object: str) -> str:
    try:
        return str(ObjectType(hub_object).label)
    except ValueError:
        return hub_object


def association_rows(sync: ObjectSync, cls, app_name: str) -> list[AssociationRow]:
    account = sync.connection.account_extra
    spec_object = cls.object_for(account, sync.app_object)
    running = {p.app_object for p in partners(sync, spec_object)}
    others = {s.app_object: s for s in ObjectSync.objects.filter(
        connection_id=sync.connection_id).exclude(pk=sync.pk)}
    rows = []
    for association in spec_object.associations:
        try:
            other_spec = cls.object_for(account, association.to_object)
        except KeyError:
            continue  # an object the app does not offer for pairing
        other_hub = other_spec.hub_object
        pair = f"{_hub_label(sync.hub_object)} ↔ {_hub_label(other_hub)}"
        other = others.get(association.to_object)
        names = {"object": shown(other_spec.label), "app": app_name}
        if not association_kept(sync.hub_object, other_hub):
            status, note = NOT_KEPT, _("Not kept: invoices associate to contacts only.")
        elif association.to_object in running:
            status, note = WILL_SYNC, _("Syncs: the %(object)s sync is on.") % names
        elif other is not None and other.state == SyncState.DRAFT:
            status, note = NEEDS_SYNC, _("Needs the %(object)s sync, whose setup is not "
                                         "finished.") % names
        elif other is not None:
            status, note = SYNC_OFF, _("Paused: the %(object)s sync is off.") % names
        else:
            status, note = NEEDS_SYNC, _("Needs the %(object)s sync on this %(app)s account "
                                         "first.") % names
        rows.append(AssociationRow(shown(association.label), association.to_object, names["object"],
                                   pair, status, note, other))
    return rows
