"""The Pipedrive sandbox's webhooks v2 deliveries: one POST per matching subscription
on every create, change and delete, in the vendor's payload shape (`meta`, `data`,
`previous`) and with the subscription's HTTP basic-auth credentials.
https://pipedrive.readme.io/docs/guide-for-webhooks-v2
"""

import copy
import datetime as dt
import uuid

from connectors.pipedrive.sandbox.records import RECENT_ITEMS
from connectors.sdk.sandbox.webhooks import Delivery


def announce(sandbox, company, object_name: str, action: str, *, record: dict,
             before: dict | None) -> None:
    """Queue the deliveries of one change on `sandbox.outbox` (sent after the request)."""
    if not listening(company):
        return
    entity = RECENT_ITEMS[object_name]
    for hook in company.webhooks.values():
        if hook["is_active"] != 1 or hook["event_object"] not in (entity, "*") \
                or hook["event_action"] not in (action, "*"):
            continue
        payload = _payload(company, hook, entity, action, record=record, before=before,
                           now=sandbox.now())
        auth = (hook["http_auth_user"], hook["http_auth_password"] or "") \
            if hook.get("http_auth_user") else None
        sandbox.outbox.append(Delivery(hook["subscription_url"], payload, auth,
                                       attempt_at=("meta", "attempt")))


def listening(company) -> bool:
    """Whether any webhook of the company is active: no copies are made otherwise (the
    bench changes thousands of records)."""
    return any(hook["is_active"] == 1 for hook in company.webhooks.values())


def snapshot(company, record: dict) -> dict | None:
    """The record as it is before a change, for `previous` (None: nobody listens)."""
    return copy.deepcopy(record) if listening(company) else None


def _payload(company, hook: dict, entity: str, action: str, *, record: dict,
             before: dict | None, now: dt.datetime) -> dict:
    # v2 sends ids as strings in `meta`; `data` is null after a delete, and `previous`
    # holds the changed fields' old values (the whole record before a delete).
    previous: dict | None
    if action == "change" and before is not None:
        previous = {k: before.get(k) for k in record if before.get(k) != record[k]}
    else:
        previous = before if action == "delete" else None
    return {
        "meta": {
            "action": action, "entity": entity, "entity_id": str(record["id"]),
            "id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4()),
            "company_id": str(company.company_id), "user_id": str(company.admin_id),
            "webhook_id": str(hook["id"]), "webhook_owner_id": str(hook["owner_id"]),
            "is_bulk_edit": False, "type": "general", "version": "2.0",
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "change_source": "api", "permitted_user_ids": [str(company.admin_id)],
            "attempt": 1, "host": f"{company.domain}.pipedrive.com",
        },
        "data": None if action == "delete" else copy.deepcopy(record),
        "previous": previous,
    }
