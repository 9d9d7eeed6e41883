"""Associations: Dataverse keeps them as lookup columns on the record.

A contact's company is its `parentcustomerid`; an activity's contact, account
or opportunity is its one "Regarding" (`regardingobjectid`). A lookup holds one
row, so each record has at most one association per lookup: the primary one,
which is the one the product syncs.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
"""

from collections.abc import Sequence

from connectors.dynamics import writes
from connectors.dynamics.batch import Operation, PartResponse
from connectors.dynamics.client import INCLUDE_LOOKUP_NAMES, error_parts, is_guid
from connectors.dynamics.entities import Entity
from connectors.sdk import AssociationRecord, ConnectorError, Outcomes, WriteOutcome
from connectors.sdk import ErrorCategory as Cat

LOOKUP_NAME = "@Microsoft.Dynamics.CRM.lookuplogicalname"
IDS_PER_FILTER = 50


def read(conn, entity: Entity, ids: Sequence[str], to_object: str) -> list[AssociationRecord]:
    lk = entity.lookup_to(to_object)
    if lk is None:
        return []
    target, _nav = lk.targets[to_object]
    wanted = [i for i in dict.fromkeys(ids) if is_guid(i)]
    found = []
    for start in range(0, len(wanted), IDS_PER_FILTER):
        chunk = wanted[start:start + IDS_PER_FILTER]
        condition = " or ".join(f"{entity.primary_id} eq {i}" for i in chunk)
        url = conn.collection_url(entity, f"{entity.primary_id},{lk.value_key}", condition)
        for row in conn.all_rows(url, INCLUDE_LOOKUP_NAMES):
            other = row.get(lk.value_key)
            # A polymorphic lookup says which table it points at in an annotation.
            kind = row.get(lk.value_key + LOOKUP_NAME, target if len(lk.targets) == 1 else None)
            if other and kind == target:
                found.append(AssociationRecord(str(row[entity.primary_id]).lower(),
                                               str(other).lower(), primary=True))
    return found


def write(conn, entity: Entity, to_object: str,
          pairs: Sequence[AssociationRecord]) -> list[WriteOutcome]:
    """Bind each record's lookup to the other record (PATCH with @odata.bind)."""
    lk = entity.lookup_to(to_object)
    if lk is None:
        refused = ConnectorError(
            Cat.REJECTED, f"Dynamics 365 keeps no link from {entity.set_name} to {to_object}.")
        return [WriteOutcome(ref=p.from_id, error=refused) for p in pairs]
    target, nav = lk.targets[to_object]
    book = Outcomes([pair.from_id for pair in pairs])
    operations = []
    for index, pair in enumerate(pairs):
        if not (is_guid(pair.from_id) and is_guid(pair.to_id)):
            book.settle(index, error=ConnectorError(
                Cat.NOT_FOUND, "No Dynamics 365 row has this id."))
            continue
        operations.append((index, Operation(
            "PATCH", f"{conn.web_api()}/{entity.set_name}({pair.from_id})",
            {f"{nav}@odata.bind": f"/{to_object}({pair.to_id})"}, dict(writes.EXISTING_ONLY))))
    for index, result in writes.run(conn, operations, book):
        ok = isinstance(result, PartResponse) and result.status < 300
        book.settle(index, error=None if ok else _association_failure(result, target))
    if book.stopped is not None:  # binding a lookup twice is harmless: the run stops
        raise book.stopped
    return book.results()


def _association_failure(result, target: str) -> ConnectorError:
    """A missing *other* record is an association failure (it may not be synced
    yet, so it is retried); a missing record itself is "deleted in the app"."""
    error = writes.failure(result)
    message = error_parts(result.body)[1] if isinstance(result, PartResponse) else ""
    if error.category is Cat.NOT_FOUND and message.lower().startswith(target):
        return ConnectorError(Cat.ASSOCIATION_FAILED, "The other record is not in Dynamics 365.",
                              vendor_message=error.vendor_message, status=error.status)
    return error
